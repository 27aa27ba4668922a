#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <cstdint>
#include <string>

namespace odoo_upgrade::adapters::pg {

// The cluster's data directory (where a new database's files go without a TABLESPACE) when it can
// be known from this machine: the server is local (`conninfo` names a socket directory, localhost
// or a loopback address, or no host), the role may read the setting (superuser or
// pg_read_all_settings), and the directory here is the server's (its PG_VERSION holds the server's
// major version: not so through an SSH tunnel or a container's mapped port). "" otherwise; never
// throws for a refused setting.
std::string local_data_directory(Connection& c, const std::string& conninfo);

// The sizes a round's disk estimates start from, read from `c`'s database: `database` is
// pg_database_size (about what restoring the database adds to a cluster); `tables` the sum of
// pg_table_size over ordinary tables and materialized views, indexes excluded (about the most a
// compressed pg_dump writes: TOAST data is already compressed, indexes are not dumped). Bytes.
// Throws DatabaseError.
struct DatabaseBytes {
  std::uint64_t database = 0;
  std::uint64_t tables = 0;
};
DatabaseBytes database_bytes(Connection& c);

// pg_database_size of `c`'s database, bytes: what a round's hop rates are measured at and the
// freeze plan scales them to (core::golive::estimate_downtime). Throws DatabaseError.
std::uint64_t database_size(Connection& c);

} // namespace odoo_upgrade::adapters::pg
