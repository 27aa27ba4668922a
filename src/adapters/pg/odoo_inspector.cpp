#include <odoo_upgrade/adapters/pg/odoo_inspector.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <algorithm>

namespace odoo_upgrade::adapters::pg {

namespace {

const char* k_installed_states = "('installed', 'to upgrade', 'to remove')";

} // namespace

bool is_odoo_database(Connection& conn) {
  if (!conn.relation_exists("public.ir_module_module")) {
    return false;
  }
  return conn.query_value(std::string("SELECT count(*) FROM ir_module_module WHERE name = 'base' "
                                      "AND state IN ") +
                          k_installed_states)
             .value_or("0") != "0";
}

std::string odoo_series(Connection& conn) {
  auto v = conn.query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base'");
  if (!v) {
    return "";
  }
  auto s = core::parse_series(*v);
  return s ? s->str() : *v;
}

core::DatabaseFacts inspect_odoo_database(Connection& conn, int largest_tables) {
  core::DatabaseFacts facts;
  facts.dbname = conn.dbname();
  if (!is_odoo_database(conn)) {
    throw core::DatabaseError("database '" + facts.dbname + "' is not an Odoo database",
                              "no installed 'base' module in ir_module_module; check --db");
  }
  facts.base_version =
      conn.query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base'")
          .value_or("");
  auto series = core::parse_series(facts.base_version);
  if (!series) {
    throw core::DatabaseError("cannot read the Odoo series of database '" + facts.dbname +
                              "' from base version '" + facts.base_version + "'");
  }
  facts.series = *series;
  facts.server_version_num = conn.server_version();
  facts.server_version = conn.query_value("SHOW server_version").value_or("");
  if (auto space = facts.server_version.find(' '); space != std::string::npos) {
    facts.server_version.resize(space); // "15.18 (Debian 15.18-0+deb12u1)"
  }
  facts.size_bytes =
      std::stoll(conn.query_value("SELECT pg_database_size(current_database())").value_or("0"));

  if (conn.relation_exists("public.ir_config_parameter")) {
    facts.enterprise_code = conn.query_value(
        "SELECT value FROM ir_config_parameter WHERE key = 'database.enterprise_code'");
    if (facts.enterprise_code && facts.enterprise_code->empty()) {
      facts.enterprise_code.reset();
    }
    facts.database_uuid =
        conn.query_value("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'");
  }

  Result modules = conn.exec(std::string("SELECT name, coalesce(latest_version, ''), "
                                         "coalesce(author, ''), coalesce(license, ''), state "
                                         "FROM ir_module_module WHERE state IN ") +
                             k_installed_states + " ORDER BY name");
  for (int r = 0; r < modules.rows(); ++r) {
    core::ModuleInfo m;
    m.name = modules.get(r, 0);
    m.version = modules.get(r, 1);
    m.author = modules.get(r, 2);
    m.license = modules.get(r, 3);
    m.state = modules.get(r, 4);
    m.origin = core::classify_module(m.author, m.license);
    facts.modules.push_back(std::move(m));
  }
  facts.enterprise = std::any_of(facts.modules.begin(), facts.modules.end(), [](const auto& m) {
    return m.name == "web_enterprise" && m.state == "installed";
  });

  Result tables = conn.exec("SELECT c.relname, pg_total_relation_size(c.oid), "
                            "greatest(c.reltuples, 0)::bigint "
                            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' "
                            "ORDER BY 2 DESC, 1 LIMIT $1",
                            {std::to_string(largest_tables)});
  for (int r = 0; r < tables.rows(); ++r) {
    facts.largest_tables.push_back(
        {std::string(tables.get(r, 0)), tables.get_int(r, 1), tables.get_int(r, 2)});
  }
  return facts;
}

} // namespace odoo_upgrade::adapters::pg
