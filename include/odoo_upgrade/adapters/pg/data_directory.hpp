#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <string>

namespace odoo_upgrade::adapters::pg {

// The cluster's data directory (where a new database's files go without a TABLESPACE) when it can
// be known from this machine: the server is local (`conninfo` names a socket directory, localhost
// or a loopback address, or no host) and the role may read the setting (superuser or
// pg_read_all_settings). "" otherwise; never throws for a refused setting.
std::string local_data_directory(Connection& c, const std::string& conninfo);

} // namespace odoo_upgrade::adapters::pg
