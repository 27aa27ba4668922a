#include <odoo_upgrade/adapters/pg/monitor_queries.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>

namespace odoo_upgrade::adapters::pg::target_db {

std::optional<std::string> database_owner(Connection& admin, const std::string& dbname) {
  return admin.query_value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1",
                           {dbname});
}

std::vector<std::string> installed_modules(Connection& conn) {
  std::vector<std::string> names;
  conn.for_each_row("SELECT name FROM ir_module_module WHERE state = 'installed' ORDER BY name",
                    {},
                    [&](const Result& row) { names.emplace_back(row.get(0, 0)); });
  return names;
}

std::vector<std::pair<std::string, std::string>> transient_modules(Connection& conn) {
  return monitor::pending_modules(conn);
}

} // namespace odoo_upgrade::adapters::pg::target_db
