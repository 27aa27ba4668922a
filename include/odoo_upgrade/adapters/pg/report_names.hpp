#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/uat_report.hpp>

#include <string>
#include <utility>
#include <vector>

// What the UAT report reads from the test database to show record names in the consultant's
// report language (core::uat::NameTranslation). Read-only queries.
namespace odoo_upgrade::adapters::pg {

// Whether language `code` (Odoo's res_lang.code, e.g. "fr_FR") is installed and active in the
// database. False when the database has no res_lang table. Throws DatabaseError.
bool language_active(Connection& db, const std::string& code);

// The `name` of the records `records` ({model, xml id "module.name"}) in `code` and in en_US, for
// the models whose table has a translatable name (a jsonb column: Odoo 16.0+ stores the
// translations of a field in it, one key per language). A record without a name in `code` gets
// its en_US name as `translated`; records that are not found, and models whose name is not jsonb
// (before 16.0, or not translatable) are left out. Throws DatabaseError.
std::vector<core::uat::NameTranslation>
translated_names(Connection& db,
                 const std::string& code,
                 const std::vector<std::pair<std::string, std::string>>& records);

} // namespace odoo_upgrade::adapters::pg
