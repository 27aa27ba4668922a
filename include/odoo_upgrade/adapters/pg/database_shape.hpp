#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/preflight.hpp>

#include <string>
#include <vector>

// Creating databases that behave like production: every CREATE DATABASE of odoo-upgrade goes
// through `create_database_like`, from template0 with production's encoding, LC_COLLATE and
// LC_CTYPE (a database created from template1 takes the cluster's defaults, e.g. SQL_ASCII, and
// `ILIKE 'élise%'` stops matching), owned by the role Odoo connects as.
namespace odoo_upgrade::adapters::pg {

// The shape of database `dbname` as pg_database records it. Throws DatabaseError when there is no
// such database or the query fails.
core::DatabaseShape database_shape(Connection& c, const std::string& dbname);
// The same through a connection of its own to the server `conninfo` reaches.
core::DatabaseShape database_shape(const std::string& conninfo, const std::string& dbname);

// CREATE DATABASE `dbname` TEMPLATE template0 ENCODING, LC_COLLATE, LC_CTYPE of `shape`, and OWNER
// `shape.owner` unless it is empty or the role `admin` connects as. Throws DatabaseError (e.g. the
// name exists, the locale is unknown to the server, no CREATEDB right).
void create_database_like(Connection& admin,
                          const std::string& dbname,
                          const core::DatabaseShape& shape);

// What differs between database `copy` and `want` (e.g. production's shape), one line per property
// (core::shape_differences); empty when `copy` was created like production. The go-live calls it
// before the swap. Throws DatabaseError.
std::vector<std::string>
shape_differences_of(Connection& admin, const std::string& copy, const core::DatabaseShape& want);

} // namespace odoo_upgrade::adapters::pg
