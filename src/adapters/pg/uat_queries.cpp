#include "uat_sql.hpp"

#include <odoo_upgrade/adapters/pg/uat_queries.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>

#include <algorithm>
#include <functional>
#include <stdexcept>

// How to read this file: each dataset is a function building one SELECT for one database profile.
// Identifiers and literals spliced into the SQL come from this file or from the database's own
// catalogue (table and field names), never from user input; user values are never part of a query.
namespace odoo_upgrade::adapters::pg {

namespace uat_sql {

std::string lit(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string
tr(const DbProfile& p, const std::string& table, const std::string& alias, const std::string& col) {
  if (!p.has_column(table, col)) {
    return "NULL::text";
  }
  if (p.is_jsonb(table, col)) {
    return "(" + alias + "." + col + "->>'en_US')";
  }
  return alias + "." + col + "::text";
}

std::string col(const DbProfile& p,
                const std::string& table,
                const std::string& alias,
                const std::string& column) {
  return p.has_column(table, column) ? alias + "." + column + "::text" : "NULL::text";
}

std::string num(const std::string& expr) {
  return "trim_scale(round((" + expr + ")::numeric, 6))::text";
}

std::string xmlid_cte(const std::string& name, const std::string& model) {
  return name +
         " AS (SELECT DISTINCT ON (res_id) res_id, module, module || '.' || name AS xmlid "
         "FROM ir_model_data WHERE model = " +
         lit(model) + " ORDER BY res_id, id)";
}

const char* const k_std_modules_cte =
    "stdm AS (SELECT name FROM ir_module_module WHERE author ILIKE '%odoo s.a%' "
    "OR author ILIKE '%openerp%')";

std::string is_std(const std::string& module_expr) {
  return "coalesce(" + module_expr + " IN (SELECT name FROM stdm), false)";
}

std::optional<ProviderTable> provider_table(const DbProfile& p) {
  std::string table = p.has_table("payment_provider")   ? "payment_provider"
                      : p.has_table("payment_acquirer") ? "payment_acquirer"
                                                        : "";
  if (table.empty() || !p.has_column(table, "state")) {
    return std::nullopt;
  }
  ProviderTable t;
  t.table = table;
  t.model = table == "payment_provider" ? "payment.provider" : "payment.acquirer";
  t.code = p.has_column(table, "code") ? "pp.code" : col(p, table, "pp", "provider");
  t.name = tr(p, table, "pp", "name");
  t.natural = "'payment_provider:' || coalesce(" + t.code +
              ", '') || ':' || pp.company_id || ':' || " + t.name;
  return t;
}

} // namespace uat_sql

namespace {

using namespace uat_sql;

// The code of account `alias` for company `company`: a column up to 17.0, per-company jsonb
// (code_store) from 18.0.
std::string account_code(const DbProfile& p, const std::string& alias, const std::string& company) {
  if (p.has_column("account_account", "code") && !p.is_jsonb("account_account", "code")) {
    return alias + ".code";
  }
  if (p.has_column("account_account", "code_store")) {
    return "(" + alias + ".code_store->>(" + company + ")::text)";
  }
  return "NULL::text";
}

// Company-dependent values of field `field` of `model` (stored on `table`) per record, as
// "company=value;…" text: rows (res_id, v). `value_expr` maps the raw value (float, reference id)
// to its meaning; `ref_table` is set for many2one fields (value is the referenced id).
std::string company_dependent_cte(const DbProfile& p,
                                  const std::string& cte,
                                  const std::string& model,
                                  const std::string& table,
                                  const std::string& field,
                                  const std::string& kind) {
  // kind: "float" or "account" (many2one to account.account, shown as its code)
  if (!p.company_dependent_in_jsonb()) {
    std::string value;
    std::string join;
    if (kind == "float") {
      value = num("ip.value_float");
    } else {
      join = " LEFT JOIN account_account aa ON aa.id = split_part(ip.value_reference, ',', 2)::int";
      value = "coalesce(" + account_code(p, "aa", "ip.company_id") + ", ip.value_reference)";
    }
    return cte + " AS (SELECT split_part(ip.res_id, ',', 2)::int AS res_id, string_agg(coalesce(" +
           "ip.company_id::text, '*') || '=' || coalesce(" + value +
           ", ''), ';' ORDER BY ip.company_id) AS v FROM ir_property ip" + join +
           " WHERE ip.fields_id = (SELECT id FROM ir_model_fields WHERE model = " + lit(model) +
           " AND name = " + lit(field) + ") AND ip.res_id LIKE " + lit(model + ",%") +
           " GROUP BY 1)";
  }
  if (!p.has_column(table, field)) {
    return cte + " AS (SELECT NULL::int AS res_id, NULL::text AS v WHERE false)";
  }
  std::string value;
  std::string join;
  if (kind == "float") {
    value = num("e.value");
  } else {
    join = " LEFT JOIN account_account aa ON aa.id = e.value::int";
    value = "coalesce(" + account_code(p, "aa", "e.key::int") + ", e.value)";
  }
  return cte + " AS (SELECT t.id AS res_id, string_agg(e.key || '=' || coalesce(" + value +
         ", ''), ';' ORDER BY e.key::int) AS v FROM " + table + " t CROSS JOIN LATERAL " +
         "jsonb_each_text(t." + field + ") e" + join + " WHERE jsonb_typeof(t." + field +
         ") = 'object' GROUP BY 1)";
}

const std::string k_empty = "SELECT NULL::text AS key, NULL::text AS name, false AS std, "
                            "'{}'::text AS vals WHERE false";

// A view's key: xml id, website key, or model, type and name.
std::string view_key(const DbProfile& p) {
  std::string key_expr = p.has_column("ir_ui_view", "key")
                             ? "'key:' || v.key || coalesce('@website' || " +
                                   col(p, "ir_ui_view", "v", "website_id") + ", '')"
                             : "NULL";
  return "coalesce(x.xmlid, " + key_expr +
         ", 'view:' || coalesce(v.model, '') || ':' || v.type || ':' || v.name)";
}

std::optional<std::string> views(const DbProfile& p) {
  if (!p.has_table("ir_ui_view")) {
    return std::nullopt;
  }
  return "WITH " + xmlid_cte("x", "ir.ui.view") + ", " + k_std_modules_cte + " SELECT " +
         view_key(p) +
         " AS key, "
         "left(v.name, 120) AS name, " +
         is_std("x.module") +
         " AS std, json_build_object('active', v.active::text, 'model', v.model, 'type', "
         "v.type, 'arch_updated', " +
         (p.has_column("ir_ui_view", "arch_updated") ? std::string("coalesce(v.arch_updated, "
                                                                   "false)::text")
                                                     : std::string("NULL::text")) +
         ")::text AS vals FROM ir_ui_view v LEFT JOIN x ON x.res_id = v.id";
}

// Active custom (no xml id) or customised (arch_updated) views of a 17.0+ database whose arch
// still uses the `attrs`/`states` attributes that 17.0 dropped (Odoo 17.0 release notes: "attrs"
// and "states" are replaced by plain Python expressions). Empty before 17.0.
std::optional<std::string> views_legacy_syntax(const DbProfile& p) {
  if (p.major < 17 || !p.is_jsonb("ir_ui_view", "arch_db")) {
    return std::nullopt;
  }
  return "WITH " + xmlid_cte("x", "ir.ui.view") +
         " SELECT coalesce(x.xmlid, 'view:' || coalesce(v.model, '') || ':' || v.type || ':' || "
         "v.name) AS key, left(v.name, 120) AS name, false AS std, json_build_object('id', "
         "v.id::text)::text AS vals FROM ir_ui_view v LEFT JOIN x ON x.res_id = v.id WHERE "
         "v.active AND (x.xmlid IS NULL OR coalesce(v.arch_updated, false)) AND ((v.arch_db->>"
         "'en_US') ~ '\\sattrs\\s*=' OR (v.arch_db->>'en_US') ~ '\\sstates\\s*=')";
}

std::optional<std::string> reports(const DbProfile& p) {
  if (!p.has_table("ir_act_report_xml")) {
    return std::nullopt;
  }
  std::string paper = p.has_table("report_paperformat") ? "pf.name" : "NULL";
  std::string paper_join = p.has_table("report_paperformat")
                               ? " LEFT JOIN report_paperformat pf ON pf.id = r.paperformat_id"
                               : "";
  return "WITH " + xmlid_cte("x", "ir.actions.report") + ", " + k_std_modules_cte +
         " SELECT coalesce(x.xmlid, 'report:' || r.report_name || ':' || r.model) AS key, left(" +
         tr(p, "ir_act_report_xml", "r", "name") + ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('name', " + tr(p, "ir_act_report_xml", "r", "name") +
         ", 'model', r.model, 'report_type', r.report_type, "
         "'report_name', r.report_name, 'report_file', r.report_file, 'print_report_name', " +
         tr(p, "ir_act_report_xml", "r", "print_report_name") +
         ", 'binding_model', bm.model, 'paperformat', " + paper +
         ")::text AS vals FROM ir_act_report_xml r LEFT JOIN x ON x.res_id = r.id "
         "LEFT JOIN ir_model bm ON bm.id = r.binding_model_id" +
         paper_join;
}

std::optional<std::string> website_pages(const DbProfile& p) {
  if (!p.has_table("website_page")) {
    return std::nullopt;
  }
  std::string published = p.has_column("website_page", "is_published")
                              ? "pg.is_published::text"
                              : col(p, "website_page", "pg", "website_published");
  return "WITH " + xmlid_cte("x", "website.page") + ", " + k_std_modules_cte +
         " SELECT 'page:' || coalesce(pg.website_id::text, '*') || ':' || pg.url AS key, "
         "left(v.name, 120) AS name, " +
         is_std("x.module") + " AS std, json_build_object('published', " + published +
         ", 'view', v.key, 'view_active', v.active::text)::text AS vals FROM website_page pg "
         "LEFT JOIN ir_ui_view v ON v.id = pg.view_id LEFT JOIN x ON x.res_id = pg.id";
}

std::optional<std::string> website_menus(const DbProfile& p) {
  if (!p.has_table("website_menu")) {
    return std::nullopt;
  }
  return "SELECT 'menu:' || coalesce(m.website_id::text, '*') || ':' || coalesce(" +
         tr(p, "website_menu", "pm", "name") + ", '') || '/' || coalesce(" +
         tr(p, "website_menu", "m", "name") + ", '') AS key, left(" +
         tr(p, "website_menu", "m", "name") +
         ", 120) AS name, false AS std, json_build_object('url', m.url, 'new_window', " +
         col(p, "website_menu", "m", "new_window") +
         ")::text AS vals FROM website_menu m LEFT JOIN website_menu pm ON pm.id = m.parent_id";
}

// A mail template's key: xml id, or model and name.
std::string template_key(const DbProfile& p) {
  return "coalesce(x.xmlid, 'template:' || coalesce(im.model, '') || ':' || " +
         tr(p, "mail_template", "t", "name") + ")";
}

// The full en_US text of each view's arch (for the diff of a changed view; read per key).
std::optional<std::string> view_archs(const DbProfile& p) {
  if (!p.has_table("ir_ui_view")) {
    return std::nullopt;
  }
  return "WITH " + xmlid_cte("x", "ir.ui.view") + " SELECT " + view_key(p) +
         " AS key, left(v.name, 120) AS name, false AS std, json_build_object('arch', " +
         tr(p, "ir_ui_view", "v", "arch_db") +
         ")::text AS vals FROM ir_ui_view v LEFT JOIN x ON x.res_id = v.id";
}

// The full en_US body of each mail template (for the diff of a changed body; read per key).
std::optional<std::string> mail_template_bodies(const DbProfile& p) {
  if (!p.has_table("mail_template")) {
    return std::nullopt;
  }
  return "WITH " + xmlid_cte("x", "mail.template") + " SELECT " + template_key(p) +
         " AS key, left(" + tr(p, "mail_template", "t", "name") +
         ", 120) AS name, false AS std, json_build_object('body', " +
         tr(p, "mail_template", "t", "body_html") +
         ")::text AS vals FROM mail_template t LEFT JOIN ir_model im ON im.id = t.model_id LEFT "
         "JOIN x ON x.res_id = t.id";
}

std::optional<std::string> mail_templates(const DbProfile& p) {
  if (!p.has_table("mail_template")) {
    return std::nullopt;
  }
  std::string body = "coalesce(" + tr(p, "mail_template", "t", "body_html") + ", '')";
  return "WITH " + xmlid_cte("x", "mail.template") + ", " + k_std_modules_cte + " SELECT " +
         template_key(p) + " AS key, left(" + tr(p, "mail_template", "t", "name") +
         ", 120) AS name, " + is_std("x.module") + " AS std, json_build_object('name', " +
         tr(p, "mail_template", "t", "name") + ", 'model', im.model, 'subject', " +
         tr(p, "mail_template", "t", "subject") + ", 'body', 'md5 ' || left(md5(" + body +
         "), 12) || ', ' || length(" + body + ") || ' chars', 'email_to', " +
         col(p, "mail_template", "t", "email_to") + ", 'partner_to', " +
         col(p, "mail_template", "t", "partner_to") + ", 'email_cc', " +
         col(p, "mail_template", "t", "email_cc") + ", 'email_from', " +
         col(p, "mail_template", "t", "email_from") + ", 'reply_to', " +
         col(p, "mail_template", "t", "reply_to") +
         ")::text AS vals FROM mail_template t LEFT JOIN ir_model im ON im.id = t.model_id "
         "LEFT JOIN x ON x.res_id = t.id";
}

std::optional<std::string> translations(const DbProfile& p) {
  if (!p.translations_in_jsonb()) {
    // Up to 15.0: one row per term; presence per (record, field, language) is what survives the
    // move to jsonb, so that is the key; the value digest only informs.
    return "SELECT split_part(name, ',', 1) || ':' || res_id || ':' || split_part(name, ',', 2) "
           "|| ':' || lang AS key, left(min(src), 80) AS name, false AS std, "
           "json_build_object('md5', md5(string_agg(value, '' ORDER BY id)))::text AS vals "
           "FROM ir_translation WHERE type IN ('model', 'model_terms') AND coalesce(value, '') "
           "<> '' AND lang <> 'en_US' AND res_id IS NOT NULL GROUP BY name, res_id, lang";
  }
  if (p.translatable.empty()) {
    return k_empty;
  }
  // One scan per table: its translated columns are unpacked side by side, and rows holding only
  // en_US are dropped before any jsonb is expanded.
  std::map<std::string, std::vector<const TranslatableField*>> by_table;
  for (const auto& f : p.translatable) {
    by_table[f.table].push_back(&f);
  }
  // Per key: the digest of the translation, of its en_US text, and whether a user edited the
  // record in production (written by someone other than the superuser, or no xml id: created by
  // a user), which decides what a difference means (core::uat::classify_translation). ONLY: a
  // parent table (ir_actions) would list its children's rows (ir_act_window…) a second time.
  std::string sql;
  for (const auto& [table, fields] : by_table) {
    std::string values;
    for (const auto* f : fields) {
      values += (values.empty() ? "" : ", ") + std::string("(") + lit(f->model + ":") + ", " +
                lit(":" + f->field + ":") + ", t." + quote_identifier(f->field) + ", " +
                lit(f->model) + ")";
    }
    std::string no_xmlid = "NOT EXISTS (SELECT 1 FROM ir_model_data d WHERE d.model = f.model AND "
                           "d.res_id = t.id)";
    std::string edited = p.has_column(table, "write_uid")
                             ? "(coalesce(t.write_uid, 1) <> 1 OR " + no_xmlid + ")"
                             : std::string("false");
    if (table == "ir_ui_view" && p.has_column(table, "arch_updated")) {
      // Odoo itself rewrites views (module updates, and base.user_groups_view, rebuilt from the
      // groups, is always "customised"): a view is the customer's when customised or without an
      // xml id.
      edited = "((coalesce(t.arch_updated, false) AND NOT EXISTS (SELECT 1 FROM ir_model_data g "
               "WHERE g.model = 'ir.ui.view' AND g.res_id = t.id AND g.module = 'base' AND g.name "
               "= 'user_groups_view')) OR " +
               no_xmlid + ")";
    }
    if (!sql.empty()) {
      sql += " UNION ALL ";
    }
    sql += "SELECT f.m || t.id || f.c || l.key AS key, left(f.v->>'en_US', 80) AS name, false AS "
           "std, json_build_object('md5', md5(l.value), 'en', left(md5(coalesce(f.v->>'en_US', "
           "'')), 12), 'edited', " +
           edited + "::text)::text AS vals FROM ONLY " + quote_identifier(table) +
           " t CROSS JOIN LATERAL (VALUES " + values +
           ") f(m, c, v, model) CROSS JOIN LATERAL jsonb_each_text(f.v) l WHERE jsonb_typeof(f.v) "
           "= 'object' AND (f.v - 'en_US') <> '{}'::jsonb AND l.key <> 'en_US' AND l.value <> ''";
  }
  return sql;
}

std::optional<std::string> filters(const DbProfile& p) {
  if (!p.has_table("ir_filters")) {
    return std::nullopt;
  }
  bool by_user = p.has_column("ir_filters", "user_id");
  return "WITH " + xmlid_cte("x", "ir.filters") + ", " + k_std_modules_cte +
         " SELECT 'filter:' || f.model_id || ':' || coalesce(" +
         std::string(by_user ? "u.login" : "NULL") + ", '*') || ':' || coalesce(" +
         tr(p, "ir_filters", "f", "name") + ", '') AS key, left(" +
         tr(p, "ir_filters", "f", "name") + ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('domain', f.domain, 'context', f.context, 'sort', f.sort, "
         "'default', " +
         col(p, "ir_filters", "f", "is_default") + ", 'active', " +
         col(p, "ir_filters", "f", "active") + ")::text AS vals FROM ir_filters f " +
         (by_user ? "LEFT JOIN res_users u ON u.id = f.user_id " : "") +
         "LEFT JOIN x ON x.res_id = f.id";
}

std::optional<std::string> modules(const DbProfile& p) {
  return "SELECT m.name AS key, left(" + tr(p, "ir_module_module", "m", "shortdesc") +
         ", 120) AS name, (coalesce(m.author, '') ILIKE '%odoo s.a%' OR coalesce(m.author, '') "
         "ILIKE '%openerp%') AS std, '{}'::text AS vals FROM ir_module_module m WHERE m.state IN "
         "('installed', 'to upgrade')";
}

// Business models counted by check 8: (key, label, candidate tables oldest name last, filter).
struct CountedModel {
  const char* key;
  const char* label;
  std::vector<const char*> tables;
  const char* where;
  const char* needs_column = ""; // the filter's column; the model is skipped without it
};

const std::vector<CountedModel>& counted_models() {
  static const std::vector<CountedModel> k_models = {
      {"res.partner", "Contacts", {"res_partner"}, ""},
      {"res.users", "Users", {"res_users"}, ""},
      {"res.company", "Companies", {"res_company"}, ""},
      {"product.template", "Products", {"product_template"}, ""},
      {"product.product", "Product variants", {"product_product"}, ""},
      {"product.category", "Product categories", {"product_category"}, ""},
      {"sale.order", "Sales orders", {"sale_order"}, ""},
      {"sale.order.line", "Sales order lines", {"sale_order_line"}, ""},
      {"purchase.order", "Purchase orders", {"purchase_order"}, ""},
      {"purchase.order.line", "Purchase order lines", {"purchase_order_line"}, ""},
      {"stock.picking", "Transfers", {"stock_picking"}, ""},
      {"stock.move", "Stock moves", {"stock_move"}, ""},
      {"stock.quant", "Stock quants", {"stock_quant"}, ""},
      {"stock.route", "Routes", {"stock_route", "stock_location_route"}, ""},
      {"stock.warehouse", "Warehouses", {"stock_warehouse"}, ""},
      {"account.move/invoice",
       "Invoices and credit notes",
       {"account_move"},
       "move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')",
       "move_type"},
      {"account.move", "Journal entries", {"account_move"}, ""},
      {"account.move.line", "Journal items", {"account_move_line"}, ""},
      {"account.payment", "Payments", {"account_payment"}, ""},
      {"account.account", "Accounts", {"account_account"}, ""},
      {"account.journal", "Journals", {"account_journal"}, ""},
      {"account.tax", "Taxes", {"account_tax"}, ""},
      {"res.partner.bank", "Bank accounts", {"res_partner_bank"}, ""},
      {"crm.lead", "Leads and opportunities", {"crm_lead"}, ""},
      {"project.task", "Tasks", {"project_task"}, ""},
      {"hr.employee", "Employees", {"hr_employee"}, ""},
      {"pos.order", "Point of sale orders", {"pos_order"}, ""},
      {"mrp.production", "Manufacturing orders", {"mrp_production"}, ""},
      // Documents attached to records; asset bundles and field images are regenerated by the
      // upgrade and would be counted as losses.
      {"ir.attachment",
       "Attachments on records",
       {"ir_attachment"},
       "res_model IS NOT NULL AND res_field IS NULL AND res_model NOT IN ('ir.ui.view', "
       "'ir.ui.menu') AND coalesce(url, '') NOT LIKE '/web/%'",
       "res_field"},
  };
  return k_models;
}

// The table of a counted model in this series, or nullptr.
const char* counted_table(const CountedModel& m, const DbProfile& p) {
  for (const char* t : m.tables) {
    if (p.has_table(t)) {
      return *m.needs_column != '\0' && !p.has_column(t, m.needs_column) ? nullptr : t;
    }
  }
  return nullptr;
}

std::optional<std::string> record_counts(const DbProfile& p) {
  std::string sql;
  for (const auto& m : counted_models()) {
    const char* table = counted_table(m, p);
    if (table == nullptr) {
      continue;
    }
    std::string where = m.where;
    if (!sql.empty()) {
      sql += " UNION ALL ";
    }
    sql += "SELECT " + lit(m.key) + " AS key, " + lit(m.label) +
           " AS name, false AS std, json_build_object('count', count(*)::text)::text AS vals "
           "FROM " +
           quote_identifier(table) + (where.empty() ? "" : " WHERE " + where);
  }
  return sql.empty() ? std::nullopt : std::optional<std::string>(sql);
}

std::optional<std::string> products(const DbProfile& p) {
  if (!p.has_table("product_product") || !p.has_table("product_template")) {
    return std::nullopt;
  }
  std::string route_table = p.has_table("stock_route")            ? "stock_route"
                            : p.has_table("stock_location_route") ? "stock_location_route"
                                                                  : "";
  std::string ctes =
      "WITH " +
      company_dependent_cte(
          p, "cost", "product.product", "product_product", "standard_price", "float") +
      ", " +
      company_dependent_cte(p,
                            "inc",
                            "product.template",
                            "product_template",
                            "property_account_income_id",
                            "account") +
      ", " +
      company_dependent_cte(p,
                            "exp",
                            "product.template",
                            "product_template",
                            "property_account_expense_id",
                            "account");
  std::string vendors = "NULL::text";
  if (p.has_table("product_supplierinfo")) {
    ctes += ", vend AS (SELECT si.product_tmpl_id AS tmpl, string_agg(coalesce(rp.name, '?') || "
            "' @ ' || " +
            num("si.price") + " || ' (min ' || " + num("si.min_qty") +
            " || ')', '; ' ORDER BY rp.name, si.price, si.min_qty) AS v FROM product_supplierinfo "
            "si LEFT JOIN res_partner rp ON rp.id = si.partner_id GROUP BY 1)";
    vendors = "vend.v";
  }
  std::string routes = "NULL::text";
  if (!route_table.empty() && p.has_table("stock_route_product")) {
    ctes += ", rt AS (SELECT rp.product_id AS tmpl, string_agg(" + tr(p, route_table, "r", "name") +
            ", '; ' ORDER BY " + tr(p, route_table, "r", "name") +
            ") AS v FROM stock_route_product rp JOIN " + route_table +
            " r ON r.id = rp.route_id GROUP BY 1)";
    routes = "rt.v";
  }
  return ctes + " SELECT 'product.product,' || pp.id AS key, left(coalesce('[' || " +
         col(p, "product_product", "pp", "default_code") + " || '] ', '') || coalesce(" +
         tr(p, "product_template", "pt", "name") +
         ", ''), 120) AS name, false AS std, json_build_object('name', " +
         tr(p, "product_template", "pt", "name") +
         ", 'category', pc.complete_name, "
         "'sale_price', " +
         num("pt.list_price") +
         ", 'cost', cost.v, 'income_account', inc.v, 'expense_account', exp.v, 'vendors', " +
         vendors + ", 'routes', " + routes + ", 'active', pp.active::text" +
         ")::text AS vals FROM product_product pp JOIN product_template pt ON pt.id = "
         "pp.product_tmpl_id LEFT JOIN product_category pc ON pc.id = pt.categ_id "
         "LEFT JOIN cost ON cost.res_id = pp.id LEFT JOIN inc ON inc.res_id = pt.id "
         "LEFT JOIN exp ON exp.res_id = pt.id" +
         (vendors != "NULL::text" ? " LEFT JOIN vend ON vend.tmpl = pt.id" : "") +
         (routes != "NULL::text" ? " LEFT JOIN rt ON rt.tmpl = pt.id" : "");
}

std::optional<std::string> trial_balance(const DbProfile& p) {
  if (!p.has_table("account_move_line")) {
    return std::nullopt;
  }
  return "SELECT 'tb:' || aml.company_id || ':' || coalesce(" +
         account_code(p, "aa", "aml.company_id") +
         ", aa.id::text) || ':' || to_char(aml.date, 'YYYY-MM') AS key, left(coalesce(" +
         account_code(p, "aa", "aml.company_id") + ", '') || ' ' || coalesce(" +
         tr(p, "account_account", "aa", "name") + ", '') || ' ' || to_char(aml.date, " +
         "'YYYY-MM'), 120) AS name, false AS std, json_build_object('debit', " +
         num("round(sum(aml.debit), 2)") + ", 'credit', " + num("round(sum(aml.credit), 2)") +
         ", 'balance', " + num("round(sum(aml.debit) - sum(aml.credit), 2)") +
         ")::text AS vals FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id "
         "JOIN account_account aa ON aa.id = aml.account_id WHERE am.state = 'posted' "
         "GROUP BY aml.company_id, aa.id, to_char(aml.date, 'YYYY-MM')";
}

std::optional<std::string> unbalanced_moves(const DbProfile& p) {
  if (!p.has_table("account_move_line")) {
    return std::nullopt;
  }
  return "SELECT 'move:' || coalesce(am.name, '/') || ':' || am.id AS key, left(coalesce(am.name, "
         "'/') || ' (' || am.state || ')', 120) AS name, false AS std, json_build_object("
         "'debit', " +
         num("round(sum(aml.debit), 2)") + ", 'credit', " + num("round(sum(aml.credit), 2)") +
         ")::text AS vals FROM account_move am JOIN account_move_line aml ON aml.move_id = am.id "
         "GROUP BY am.id HAVING round(sum(aml.debit) - sum(aml.credit), 2) <> 0";
}

// Taxes are keyed by company, use and name rather than by xml id: 17.0 moved the generic chart's
// xml ids from l10n_generic_coa to account (issue 10), and the same tax must not look lost. The
// xml id is compared as a value.
std::optional<std::string> taxes(const DbProfile& p) {
  if (!p.has_table("account_tax")) {
    return std::nullopt;
  }
  // Repartition lines: one tax_id + document_type from 17.0, invoice_tax_id/refund_tax_id before.
  std::string rep = "NULL::text";
  std::string rep_cte;
  if (p.has_table("account_tax_repartition_line")) {
    std::string lines;
    if (p.has_column("account_tax_repartition_line", "document_type")) {
      lines = "SELECT tax_id, document_type, repartition_type, factor_percent, account_id, "
              "company_id FROM account_tax_repartition_line";
    } else {
      lines = "SELECT coalesce(invoice_tax_id, refund_tax_id) AS tax_id, CASE WHEN "
              "invoice_tax_id IS NOT NULL THEN 'invoice' ELSE 'refund' END AS document_type, "
              "repartition_type, factor_percent, account_id, company_id FROM "
              "account_tax_repartition_line";
    }
    rep_cte = ", rep AS (SELECT l.tax_id, string_agg(l.document_type || ' ' || "
              "l.repartition_type || ' ' || " +
              num("l.factor_percent") + " || '% ' || coalesce(" +
              account_code(p, "aa", "l.company_id") +
              ", '-'), '; ' ORDER BY l.document_type, l.repartition_type, l.factor_percent, " +
              account_code(p, "aa", "l.company_id") + ") AS v FROM (" + lines +
              ") l LEFT JOIN account_account aa ON aa.id = l.account_id GROUP BY l.tax_id)";
    rep = "rep.v";
  }
  std::string price_include = p.has_column("account_tax", "price_include_override")
                                  ? "(t.price_include_override = 'tax_included')::text"
                                  : col(p, "account_tax", "t", "price_include");
  return "WITH " + xmlid_cte("x", "account.tax") + ", " + k_std_modules_cte + rep_cte +
         " SELECT 'tax:' || t.company_id || ':' || t.type_tax_use || ':' || " +
         tr(p, "account_tax", "t", "name") + " AS key, left(" + tr(p, "account_tax", "t", "name") +
         ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('xml_id', x.xmlid, "
         "'amount', " +
         num("t.amount") +
         ", 'amount_type', t.amount_type, 'type_tax_use', t.type_tax_use, 'price_include', " +
         price_include + ", 'active', t.active::text, 'company', t.company_id::text, 'group', " +
         tr(p, "account_tax_group", "g", "name") + ", 'accounts', " + rep +
         ")::text AS vals FROM account_tax t LEFT JOIN x ON x.res_id = t.id LEFT JOIN "
         "account_tax_group g ON g.id = t.tax_group_id" +
         (rep != "NULL::text" ? " LEFT JOIN rep ON rep.tax_id = t.id" : "");
}

// Only the currencies the customer uses are compared (issue 10: Odoo's data files change inactive
// currencies, e.g. 17.0 rounds UYI to 4 decimals): active ones, and those a company, journal,
// journal entry or pricelist refers to.
std::string used_currency(const DbProfile& p, const std::string& alias) {
  std::string cond = "(" + alias + ".active OR " + alias +
                     ".id IN (SELECT currency_id FROM res_company WHERE currency_id IS NOT NULL)";
  for (const auto& table : {"account_journal", "account_move", "product_pricelist"}) {
    if (p.has_column(table, "currency_id")) {
      cond += " OR " + alias + ".id IN (SELECT DISTINCT currency_id FROM " + table +
              " WHERE currency_id IS NOT NULL)";
    }
  }
  return cond + ")";
}

std::optional<std::string> currencies(const DbProfile& p) {
  if (!p.has_table("res_currency")) {
    return std::nullopt;
  }
  return "WITH latest AS (SELECT DISTINCT ON (currency_id, company_id) currency_id, company_id, "
         "name, rate FROM res_currency_rate ORDER BY currency_id, company_id, name DESC), "
         "rates AS (SELECT currency_id, string_agg(coalesce(company_id::text, '*') || ': ' || "
         "name || ' = ' || " +
         num("rate") +
         ", '; ' ORDER BY company_id) AS v FROM latest GROUP BY 1) SELECT c.name AS key, "
         "c.name AS name, false AS std, json_build_object('active', c.active::text, 'rounding', " +
         num("c.rounding") +
         ", 'latest_rates', rates.v)::text AS vals FROM res_currency c LEFT JOIN rates ON "
         "rates.currency_id = c.id WHERE " +
         used_currency(p, "c");
}

std::optional<std::string> journals(const DbProfile& p) {
  if (!p.has_table("account_journal")) {
    return std::nullopt;
  }
  return "SELECT 'journal:' || j.company_id || ':' || j.code AS key, left(" +
         tr(p, "account_journal", "j", "name") +
         ", 120) AS name, false AS std, json_build_object('name', " +
         tr(p, "account_journal", "j", "name") +
         ", 'type', j.type, 'active', j.active::text, 'default_account', " +
         account_code(p, "aa", "j.company_id") +
         ", 'bank_account', b.acc_number, 'currency', c.name)::text AS vals FROM account_journal "
         "j LEFT JOIN account_account aa ON aa.id = j.default_account_id LEFT JOIN "
         "res_partner_bank b ON b.id = j.bank_account_id LEFT JOIN res_currency c ON c.id = "
         "j.currency_id";
}

std::optional<std::string> bank_accounts(const DbProfile& p) {
  if (!p.has_table("res_partner_bank")) {
    return std::nullopt;
  }
  return "SELECT 'bank:' || coalesce(b.sanitized_acc_number, b.acc_number) || ':' || "
         "b.partner_id AS key, left(b.acc_number || ' (' || coalesce(rp.name, '') || ')', 120) "
         "AS name, false AS std, json_build_object('holder', b.acc_holder_name, 'bank', "
         "bk.name, 'currency', c.name, 'active', " +
         col(p, "res_partner_bank", "b", "active") +
         ", 'company', b.company_id::text)::text AS vals FROM res_partner_bank b LEFT JOIN "
         "res_partner rp ON rp.id = b.partner_id LEFT JOIN res_bank bk ON bk.id = b.bank_id "
         "LEFT JOIN res_currency c ON c.id = b.currency_id";
}

std::optional<std::string> fiscal_settings(const DbProfile& p) {
  if (!p.has_column("res_company", "fiscalyear_lock_date")) {
    return std::nullopt;
  }
  // 18.0 split period_lock_date into sale_lock_date and purchase_lock_date (and added
  // hard_lock_date); older series map period_lock_date to both, as the upgrade does.
  std::string sale = p.has_column("res_company", "sale_lock_date")
                         ? "c.sale_lock_date::text"
                         : col(p, "res_company", "c", "period_lock_date");
  std::string purchase = p.has_column("res_company", "purchase_lock_date")
                             ? "c.purchase_lock_date::text"
                             : col(p, "res_company", "c", "period_lock_date");
  return "SELECT 'company:' || c.id AS key, c.name AS name, false AS std, json_build_object("
         "'fiscalyear_last_day', " +
         col(p, "res_company", "c", "fiscalyear_last_day") + ", 'fiscalyear_last_month', " +
         col(p, "res_company", "c", "fiscalyear_last_month") +
         ", 'fiscalyear_lock_date', c.fiscalyear_lock_date::text, 'tax_lock_date', " +
         col(p, "res_company", "c", "tax_lock_date") + ", 'sale_lock_date', " + sale +
         ", 'purchase_lock_date', " + purchase + ")::text AS vals FROM res_company c";
}

std::optional<std::string> users(const DbProfile& p) {
  return "WITH " + xmlid_cte("gx", "res.groups") +
         ", ug AS (SELECT r.uid, string_agg(coalesce(gx.xmlid, 'group:' || r.gid), ', ' ORDER BY "
         "coalesce(gx.xmlid, 'group:' || r.gid)) AS v FROM res_groups_users_rel r LEFT JOIN gx "
         "ON gx.res_id = r.gid GROUP BY r.uid) SELECT 'user:' || u.login AS key, left(rp.name, "
         "120) AS name, false AS std, json_build_object('active', u.active::text, 'company', "
         "c.name, 'share', " +
         col(p, "res_users", "u", "share") +
         ", 'groups', ug.v)::text AS vals FROM res_users u LEFT JOIN res_partner rp ON rp.id = "
         "u.partner_id LEFT JOIN res_company c ON c.id = u.company_id LEFT JOIN ug ON ug.uid = "
         "u.id";
}

std::optional<std::string> companies(const DbProfile& p) {
  return "SELECT 'company:' || c.id AS key, c.name AS name, false AS std, json_build_object("
         "'name', c.name, 'currency', cur.name, 'parent', " +
         col(p, "res_company", "c", "parent_id") +
         ", 'vat', rp.vat, 'country', co.code, 'email', rp.email, 'active', " +
         col(p, "res_company", "c", "active") +
         ")::text AS vals FROM res_company c LEFT JOIN res_partner rp ON rp.id = c.partner_id "
         "LEFT JOIN res_currency cur ON cur.id = c.currency_id LEFT JOIN res_country co ON co.id "
         "= rp.country_id";
}

std::optional<std::string> groups(const DbProfile& p) {
  return "WITH " + xmlid_cte("x", "res.groups") + ", " + k_std_modules_cte +
         ", n AS (SELECT gid, count(*) AS users FROM res_groups_users_rel GROUP BY gid) SELECT "
         "coalesce(x.xmlid, 'group:' || coalesce(" +
         tr(p, "ir_module_category", "cat", "name") + ", '') || '/' || " +
         tr(p, "res_groups", "g", "name") + ") AS key, left(" + tr(p, "res_groups", "g", "name") +
         ", 120) AS name, " + is_std("x.module") + " AS std, json_build_object('name', " +
         tr(p, "res_groups", "g", "name") +
         ", 'users', coalesce(n.users, 0)::text)::text AS vals FROM "
         "res_groups g LEFT JOIN x ON x.res_id = g.id LEFT JOIN n ON n.gid = g.id LEFT JOIN "
         "ir_module_category cat ON cat.id = g.category_id";
}

std::optional<std::string> crons(const DbProfile& p) {
  if (!p.has_table("ir_cron")) {
    return std::nullopt;
  }
  std::string name = p.has_column("ir_cron", "cron_name") ? tr(p, "ir_cron", "c", "cron_name")
                                                          : tr(p, "ir_cron", "c", "name");
  return "WITH " + xmlid_cte("x", "ir.cron") + " SELECT coalesce(x.xmlid, 'cron:' || " + name +
         ") AS key, left(" + name +
         ", 120) AS name, false AS std, json_build_object('active', c.active::text)::text AS vals "
         "FROM ir_cron c LEFT JOIN x ON x.res_id = c.id";
}

std::optional<std::string> mail_servers(const DbProfile& p) {
  if (!p.has_table("ir_mail_server")) {
    return std::nullopt;
  }
  return "SELECT 'mail_server:' || s.name || ':' || s.id AS key, left(s.name || ' (' || "
         "coalesce(s.smtp_host, '') || ')', 120) AS name, false AS std, json_build_object("
         "'active', s.active::text, 'smtp_host', s.smtp_host)::text AS vals FROM ir_mail_server s";
}

// Partner tag links, one row per partner and tag, named "partner → parent / tag".
std::optional<std::string> partner_tags(const DbProfile& p) {
  if (!p.has_table("res_partner_res_partner_category_rel") ||
      !p.has_table("res_partner_category")) {
    return std::nullopt;
  }
  return "WITH tag AS (SELECT c.id, coalesce(" + tr(p, "res_partner_category", "pc", "name") +
         " || ' / ', '') || coalesce(" + tr(p, "res_partner_category", "c", "name") +
         ", '') AS path FROM res_partner_category c LEFT JOIN res_partner_category pc ON pc.id = "
         "c.parent_id) SELECT 'partner_tag:' || r.partner_id || ':' || r.category_id AS key, "
         "left(coalesce(rp.name, '?') || ' → ' || tag.path, 120) AS name, false AS std, "
         "'{}'::text AS vals FROM res_partner_res_partner_category_rel r JOIN res_partner rp ON "
         "rp.id = r.partner_id JOIN tag ON tag.id = r.category_id";
}

// Working schedules with their attendances. `std` only for a standard schedule nobody edited
// (written by the superuser only, never after its creation) and nothing refers to (company,
// resource, leave): the upgrade may delete such a one on purpose (expected-changes.json); losing
// any other is the customer's loss.
std::optional<std::string> calendars(const DbProfile& p) {
  if (!p.has_table("resource_calendar") || !p.has_table("resource_calendar_attendance")) {
    return std::nullopt;
  }
  std::string refs = "EXISTS (SELECT 1 FROM res_company rc WHERE rc.resource_calendar_id = c.id)";
  if (p.has_column("resource_resource", "calendar_id")) {
    refs += " OR EXISTS (SELECT 1 FROM resource_resource rr WHERE rr.calendar_id = c.id)";
  }
  if (p.has_column("resource_calendar_leaves", "calendar_id")) {
    refs += " OR EXISTS (SELECT 1 FROM resource_calendar_leaves l WHERE l.calendar_id = c.id)";
  }
  std::string week = col(p, "resource_calendar_attendance", "a", "week_type");
  return "WITH " + xmlid_cte("x", "resource.calendar") + ", " + k_std_modules_cte +
         ", att AS (SELECT a.calendar_id, count(*) AS n, string_agg(a.dayofweek || ' ' || "
         "coalesce(" +
         week + ", '-') || ' ' || " + num("a.hour_from") + " || '-' || " + num("a.hour_to") +
         ", '; ' ORDER BY " + week +
         " NULLS FIRST, a.dayofweek, a.hour_from) AS v FROM resource_calendar_attendance a WHERE "
         "a.resource_id IS NULL GROUP BY a.calendar_id) SELECT 'calendar:' || coalesce(x.xmlid, "
         "c.company_id || ':' || c.name) AS key, left(c.name || coalesce(' (' || x.xmlid || ')', "
         "''), 120) AS name, (" +
         is_std("x.module") +
         " AND coalesce(c.write_uid, 1) = 1 AND c.write_date <= c.create_date + interval '1 "
         "minute' AND NOT (" +
         refs +
         ")) AS std, json_build_object('active', c.active::text, 'tz', c.tz, "
         "'hours_per_day', " +
         num("c.hours_per_day") +
         ", 'company', c.company_id::text, 'attendances', coalesce(att.n, 0)::text, 'schedule', "
         "att.v, '_natural', 'calendar:' || coalesce(c.company_id::text, '*') || ':' || c.name)"
         "::text AS vals FROM resource_calendar c LEFT JOIN x ON x.res_id = c.id LEFT JOIN "
         "att ON att.calendar_id = c.id";
}

// Whether each company has a chart of accounts: a chart template (up to 16.0) or a chart code
// (17.0+). 17.0 cannot load localisation updates for a company whose code is empty.
std::optional<std::string> company_chart(const DbProfile& p) {
  std::string has;
  if (p.has_column("res_company", "chart_template")) {
    has = "(coalesce(c.chart_template, '') <> '')";
  } else if (p.has_column("res_company", "chart_template_id")) {
    has = "(c.chart_template_id IS NOT NULL)";
  } else {
    return std::nullopt;
  }
  return "SELECT 'company_chart:' || c.id AS key, c.name AS name, false AS std, "
         "json_build_object('has_chart', " +
         has + "::text)::text AS vals FROM res_company c";
}

// Payment providers that can take real payments (state 'enabled'): payment_provider from 16.0,
// payment_acquirer before (its code column is `provider`).
std::optional<std::string> enabled_payment_providers(const DbProfile& p) {
  auto t = provider_table(p);
  if (!t) {
    return std::nullopt;
  }
  return "WITH " + xmlid_cte("x", t->model) + " SELECT coalesce(x.xmlid, " + t->natural +
         ") AS key, left(" + t->name +
         ", 120) AS name, false AS std, json_build_object('state', pp.state, 'code', " + t->code +
         ", 'company', pp.company_id::text)::text AS vals FROM " + t->table +
         " pp LEFT JOIN x ON x.res_id = pp.id WHERE pp.state = 'enabled'";
}

// Modules caught half-way through an install, upgrade or removal: Odoo runs no scheduled action
// while any module is in such a state.
std::optional<std::string> transient_modules(const DbProfile&) {
  return std::string("SELECT m.name AS key, m.name AS name, false AS std, json_build_object("
                     "'state', m.state)::text AS vals FROM ir_module_module m WHERE m.state IN "
                     "('to upgrade', 'to install', 'to remove')");
}

std::optional<std::string> neutralization_flag(const DbProfile&) {
  return std::string("SELECT key, key AS name, false AS std, json_build_object('value', "
                     "value)::text AS vals FROM ir_config_parameter WHERE key = "
                     "'database.is_neutralized'");
}

std::vector<std::pair<std::string, Builder>> core_builders() {
  return {
      {"views", views},
      {"views_legacy_syntax", views_legacy_syntax},
      {"reports", reports},
      {"website_pages", website_pages},
      {"website_menus", website_menus},
      {"mail_templates", mail_templates},
      {"mail_template_bodies", mail_template_bodies},
      {"view_archs", view_archs},
      {"translations", translations},
      {"filters", filters},
      {"modules", modules},
      {"record_counts", record_counts},
      {"products", products},
      {"trial_balance", trial_balance},
      {"unbalanced_moves", unbalanced_moves},
      {"taxes", taxes},
      {"currencies", currencies},
      {"journals", journals},
      {"bank_accounts", bank_accounts},
      {"fiscal_settings", fiscal_settings},
      {"users", users},
      {"companies", companies},
      {"groups", groups},
      {"crons", crons},
      {"mail_servers", mail_servers},
      {"neutralization_flag", neutralization_flag},
      {"enabled_payment_providers", enabled_payment_providers},
      {"transient_modules", transient_modules},
      {"partner_tags", partner_tags},
      {"calendars", calendars},
      {"company_chart", company_chart},
  };
}

const std::vector<std::pair<std::string, Builder>>& builders() {
  static const std::vector<std::pair<std::string, Builder>> k_builders = [] {
    std::vector<std::pair<std::string, Builder>> all = core_builders();
    const auto& more = business_builders();
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }();
  return k_builders;
}

// Makes keys unique: a repeated natural key (two filters with the same name…) gets " #n", numbered
// in an order that does not depend on the database's row order.
std::string unique_keys(const std::string& dataset_sql) {
  return "SELECT CASE WHEN n > 1 THEN d2.key || ' #' || n ELSE d2.key END AS key, d2.name, d2.std, "
         "d2.vals FROM (SELECT d.*, row_number() OVER (PARTITION BY d.key ORDER BY d.vals, d.name) "
         "AS n FROM (" +
         dataset_sql + ") d WHERE d.key IS NOT NULL) d2";
}

const char* k_bucket_expr = "mod(hashtext(u.key)::bigint + 2147483648, $1::int)";

} // namespace

bool DbProfile::has_table(const std::string& table) const {
  return columns.count(table) > 0;
}

bool DbProfile::has_column(const std::string& table, const std::string& column) const {
  auto t = columns.find(table);
  return t != columns.end() && t->second.count(column) > 0;
}

bool DbProfile::is_jsonb(const std::string& table, const std::string& column) const {
  auto t = columns.find(table);
  if (t == columns.end()) {
    return false;
  }
  auto c = t->second.find(column);
  return c != t->second.end() && c->second == "jsonb";
}

DbProfile detect_profile(Connection& conn) {
  DbProfile p;
  auto cols = conn.exec(
      "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT "
      "a.attisdropped");
  for (int i = 0; i < cols.rows(); ++i) {
    p.columns[std::string(cols.get(i, 0))][std::string(cols.get(i, 1))] = cols.get(i, 2);
  }
  if (!p.has_table("ir_module_module")) {
    throw core::DatabaseError("database '" + conn.dbname() + "' is not an Odoo database",
                              "it has no table 'ir_module_module'");
  }
  auto version =
      conn.query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base'");
  if (version) {
    if (auto s = core::parse_series(*version)) {
      p.series = s->str();
      p.major = s->major;
    }
  }
  if (p.translations_in_jsonb() && p.has_table("ir_model_fields")) {
    // Tables follow the model name except for a few historical ones.
    static const std::map<std::string, std::string> k_tables = {
        {"ir.actions.report", "ir_act_report_xml"},
        {"ir.actions.act_window", "ir_act_window"},
        {"ir.actions.server", "ir_act_server"},
        {"ir.actions.client", "ir_act_client"},
        {"ir.actions.act_url", "ir_act_url"},
        {"ir.actions.actions", "ir_actions"},
    };
    auto fields = conn.exec("SELECT model, name FROM ir_model_fields WHERE translate::text NOT IN "
                            "('false', 'f', '') AND store ORDER BY model, name");
    for (int i = 0; i < fields.rows(); ++i) {
      std::string model(fields.get(i, 0));
      std::string field(fields.get(i, 1));
      auto it = k_tables.find(model);
      auto table = it != k_tables.end() ? std::optional(it->second) : core::odoo_table(model);
      if (table && p.is_jsonb(*table, field)) {
        p.translatable.push_back({model, field, *table});
      }
    }
  }
  return p;
}

const std::vector<std::string>& keyed_dataset_names() {
  static const std::vector<std::string> k_names = [] {
    std::vector<std::string> names;
    for (const auto& [name, fn] : builders()) {
      names.push_back(name);
    }
    return names;
  }();
  return k_names;
}

std::optional<std::string> keyed_dataset_sql(std::string_view name, const DbProfile& profile) {
  // Datasets whose keys are unique by construction skip the (sorting) renumbering.
  static const std::vector<std::string_view> k_unique = {
      "modules", "record_counts", "products", "trial_balance", "unbalanced_moves", "currencies"};
  for (const auto& [n, fn] : builders()) {
    if (n == name) {
      auto sql = fn(profile);
      if (!sql) {
        return sql;
      }
      bool unique = std::find(k_unique.begin(), k_unique.end(), name) != k_unique.end();
      return unique ? *sql : unique_keys(*sql);
    }
  }
  throw std::invalid_argument("unknown uat dataset '" + std::string(name) + "'");
}

std::optional<std::string> counted_records_sql(std::string_view count_key,
                                               const DbProfile& profile) {
  for (const auto& m : counted_models()) {
    const char* table = counted_table(m, profile);
    if (m.key != count_key || table == nullptr) {
      continue;
    }
    std::string model(count_key.substr(0, count_key.find('/')));
    std::string t = table;
    std::string label = profile.has_column(t, "name")           ? tr(profile, t, "r", "name")
                        : profile.has_column(t, "display_name") ? "r.display_name"
                                                                : "NULL::text";
    return "WITH " + xmlid_cte("x", model) +
           " SELECT lpad(r.id::text, 12, '0') AS key, left(coalesce(x.xmlid || ' ', '') || "
           "coalesce(" +
           label +
           ", '') || ' (id ' || r.id || ')', 200) AS name, false AS std, '{}'::text AS "
           "vals FROM " +
           quote_identifier(t) + " r LEFT JOIN x ON x.res_id = r.id" +
           (*m.where == '\0' ? std::string() : " WHERE " + std::string(m.where));
  }
  return std::nullopt;
}

std::string bucket_digest_sql(const std::string& dataset_sql) {
  // An order-independent digest (a sum of 60-bit slices of md5) spares sorting the dataset.
  return "SELECT " + std::string(k_bucket_expr) +
         " AS b, count(*) AS n, sum(('x' || left(md5(u.key || '|' || u.vals), 15))::bit(60)::"
         "bigint)::text AS digest FROM (" +
         dataset_sql + ") u GROUP BY 1 ORDER BY 1";
}

std::string bucket_rows_sql(const std::string& dataset_sql) {
  return "SELECT u.key, u.name, u.std, u.vals FROM (" + dataset_sql + ") u WHERE " + k_bucket_expr +
         " = ANY($2::int[]) ORDER BY u.key COLLATE \"C\"";
}

std::string keyed_row_sql(const std::string& dataset_sql) {
  return "SELECT u.key, u.name, u.std, u.vals FROM (" + dataset_sql + ") u WHERE u.key = $1";
}

std::string ordered_rows_sql(const std::string& dataset_sql) {
  return "SELECT u.key, u.name, u.std, u.vals FROM (" + dataset_sql +
         ") u ORDER BY u.key COLLATE \"C\"";
}

} // namespace odoo_upgrade::adapters::pg
