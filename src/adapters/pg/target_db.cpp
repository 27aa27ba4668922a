#include <odoo_upgrade/adapters/pg/monitor_queries.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>

namespace odoo_upgrade::adapters::pg::target_db {

std::optional<std::string> database_owner(Connection& admin, const std::string& dbname) {
  return admin.query_value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1",
                           {dbname});
}

std::optional<bool> role_can_login(Connection& admin, const std::string& role) {
  auto v = admin.query_value("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = $1", {role});
  if (!v) {
    return std::nullopt;
  }
  return *v == "true";
}

std::vector<core::ModuleInfo> installed_modules(Connection& conn) {
  std::vector<core::ModuleInfo> out;
  conn.for_each_row("SELECT name, coalesce(latest_version, ''), coalesce(author, ''), "
                    "coalesce(license, '') FROM ir_module_module WHERE state = 'installed' "
                    "ORDER BY name",
                    {},
                    [&](const Result& row) {
                      core::ModuleInfo m;
                      m.name = row.get(0, 0);
                      m.version = row.get(0, 1);
                      m.author = row.get(0, 2);
                      m.license = row.get(0, 3);
                      m.state = "installed";
                      m.origin = core::classify_module(m.author, m.license);
                      out.push_back(std::move(m));
                    });
  return out;
}

std::vector<std::pair<std::string, std::string>> transient_modules(Connection& conn) {
  return monitor::pending_modules(conn);
}

std::vector<std::string> published_page_urls(Connection& conn) {
  std::vector<std::string> urls;
  if (!conn.relation_exists("website_page") ||
      !conn.column_exists("website_page", "is_published")) {
    return urls;
  }
  conn.for_each_row("SELECT DISTINCT url FROM website_page WHERE is_published AND url IS NOT NULL "
                    "ORDER BY url",
                    {},
                    [&](const Result& row) { urls.emplace_back(row.get(0, 0)); });
  return urls;
}

} // namespace odoo_upgrade::adapters::pg::target_db
