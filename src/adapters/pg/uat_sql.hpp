#pragma once

#include <odoo_upgrade/adapters/pg/uat_queries.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Building blocks shared by the files that write the UAT datasets' SQL (uat_queries*.cpp). Every
// identifier and literal they splice in comes from those files or from the database's own
// catalogue, never from user input.
namespace odoo_upgrade::adapters::pg::uat_sql {

// One dataset: the SQL for a database profile, std::nullopt when the database has none of its
// tables (an empty dataset).
using Builder = std::function<std::optional<std::string>(const DbProfile&)>;

// A quoted SQL literal.
std::string lit(std::string_view s);
// The en_US meaning of a possibly translated column: jsonb from 16.0, plain text before; NULL
// when this series has no such column.
std::string
tr(const DbProfile& p, const std::string& table, const std::string& alias, const std::string& col);
// A column as text, or NULL when this series has no such column.
std::string col(const DbProfile& p,
                const std::string& table,
                const std::string& alias,
                const std::string& column);
// A number as canonical text (10.0 and 10.00 are the same price).
std::string num(const std::string& expr);
// CTE `name` (res_id, module, xmlid): the first xml id of each record of `model`.
std::string xmlid_cte(const std::string& name, const std::string& model);
// CTE stdm (name): the modules published by Odoo S.A.
extern const char* const k_std_modules_cte;
// Whether the module named by `module_expr` is a standard one (needs k_std_modules_cte).
std::string is_std(const std::string& module_expr);

// The payment provider table of this series, aliased `pp`: payment_provider from 16.0,
// payment_acquirer before (its code column is `provider`); std::nullopt without one or its `state`.
// `natural` is a provider's key when it has no xml id (code, company, en_US name).
struct ProviderTable {
  std::string table;
  std::string model;
  std::string code;
  std::string name;
  std::string natural;
};
std::optional<ProviderTable> provider_table(const DbProfile& p);

// The datasets of the customer's business configuration (uat_queries_business.cpp): payment
// terms, pricelists and their rules, stock on hand, chatter, payment providers, product
// attributes, analytic plans.
const std::vector<std::pair<std::string, Builder>>& business_builders();

} // namespace odoo_upgrade::adapters::pg::uat_sql
