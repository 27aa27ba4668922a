#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/inspection.hpp>

#include <string>

namespace odoo_upgrade::adapters::pg {

// Reads what `initiate` needs from an Odoo database. Only reads: the caller should have made the
// session read-only. Throws DatabaseError "database 'x' is not an Odoo database" when there is no
// ir_module_module table or no installed base module.
core::DatabaseFacts inspect_odoo_database(Connection& conn, int largest_tables = 10);

// True when the database looks like an Odoo database (ir_module_module with an installed base).
bool is_odoo_database(Connection& conn);

// The Odoo series of the connected database ("17.0") from base's latest_version: the version as it
// is when it names no series, "" when base has none. Throws DatabaseError when the query fails
// (e.g. not an Odoo database).
std::string odoo_series(Connection& conn);

} // namespace odoo_upgrade::adapters::pg
