#include <odoo_upgrade/adapters/pg/report_names.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>

#include <nlohmann/json.hpp>

#include <map>

namespace odoo_upgrade::adapters::pg {

namespace {

// Whether `table`'s `name` column is jsonb (a translatable field from Odoo 16.0 on).
bool has_jsonb_name(Connection& db, const std::string& table) {
  auto type = db.query_value("SELECT data_type FROM information_schema.columns WHERE "
                             "table_schema = current_schema() AND table_name = $1 AND "
                             "column_name = 'name'",
                             {table});
  return type && *type == "jsonb";
}

} // namespace

bool language_active(Connection& db, const std::string& code) {
  if (!db.relation_exists("res_lang")) {
    return false;
  }
  auto active =
      db.query_value("SELECT EXISTS (SELECT 1 FROM res_lang WHERE code = $1 AND active)", {code});
  return active && *active == "t";
}

std::vector<core::uat::NameTranslation>
translated_names(Connection& db,
                 const std::string& code,
                 const std::vector<std::pair<std::string, std::string>>& records) {
  // The xml ids asked for, per model: one query per model.
  std::map<std::string, nlohmann::json> by_model;
  for (const auto& [model, xmlid] : records) {
    auto [it, added] = by_model.emplace(model, nlohmann::json::array());
    it->second.push_back(xmlid);
  }
  std::vector<core::uat::NameTranslation> out;
  for (const auto& [model, xmlids] : by_model) {
    // odoo_table only accepts a plausible model name: safe to quote into the statement.
    auto table = core::odoo_table(model);
    if (!table || !has_jsonb_name(db, *table)) {
      continue;
    }
    std::string sql = "SELECT d.module || '.' || d.name, t.name->>'en_US', "
                      "coalesce(nullif(t.name->>$1, ''), t.name->>'en_US') FROM ir_model_data d "
                      "JOIN " +
                      quote_identifier(*table) +
                      " t ON t.id = d.res_id WHERE d.model = $2 AND d.module || '.' || d.name IN "
                      "(SELECT jsonb_array_elements_text($3::jsonb))";
    auto rows = db.exec(sql, {code, model, xmlids.dump()});
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back({model,
                     std::string(rows.get(i, 0)),
                     std::string(rows.get(i, 1)),
                     std::string(rows.get(i, 2))});
    }
  }
  return out;
}

} // namespace odoo_upgrade::adapters::pg
