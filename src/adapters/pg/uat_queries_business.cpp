// The UAT datasets of the customer's business configuration: payment terms, pricelists and their
// rules, stock on hand, chatter per model, payment providers, product attributes and analytic
// plans. Each compares meaning across series (adapters/pg/uat_queries.hpp): a payment term by the
// due dates it gives, stock by the quantity on hand per product and location, and so on. Records
// are keyed by xml id when they have one, else by a natural key that survives the upgrade (never
// by a database id alone).
#include "uat_sql.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <algorithm>

namespace odoo_upgrade::adapters::pg::uat_sql {

namespace {

// The invoice dates for which a payment term's due dates are compared: the end of a month and the
// middle of the next (month-based terms behave differently on both).
const char* const k_invoice_dates = "d(ref) AS (VALUES (date '2025-01-31'), (date '2025-02-15'))";

// The due date of payment term line `l` for invoice date `d.ref`. Up to 16.0 (Odoo 16.0
// account/models/account_payment_term.py `_get_due_date`): + months, + days, then, with end_month,
// the last day of that month + days_after. From 17.0 (same file in 17.0, and account_payment_term's
// override): nb_days after the invoice date, after the end of its month or of the next month, or
// (days_end_of_month_on_the) the given day of the month after invoice date + nb_days.
std::string due_date(const DbProfile& p) {
  const std::string t = "account_payment_term_line";
  if (p.has_column(t, "delay_type")) {
    std::string on_the =
        p.has_column(t, "days_next_month")
            ? " WHEN 'days_end_of_month_on_the' THEN (date_trunc('month', d.ref + l.nb_days) + "
              "interval '1 month')::date + least(greatest(coalesce(NULLIF(regexp_replace(l."
              "days_next_month, '[^0-9]', '', 'g'), '')::int, 1), 1), extract(day FROM "
              "date_trunc('month', d.ref + l.nb_days) + interval '2 month' - interval '1 day')"
              "::int) - 1"
            : "";
    return "CASE l.delay_type WHEN 'days_after_end_of_month' THEN (date_trunc('month', d.ref) + "
           "interval '1 month' - interval '1 day')::date + l.nb_days WHEN "
           "'days_after_end_of_next_month' THEN (date_trunc('month', d.ref) + interval '2 month' - "
           "interval '1 day')::date + l.nb_days" +
           on_the + " ELSE d.ref + coalesce(l.nb_days, 0) END";
  }
  return "CASE WHEN coalesce(l.end_month, false) THEN (date_trunc('month', d.ref + make_interval("
         "months => coalesce(l.months, 0), days => coalesce(l.days, 0))) + interval '1 month' - "
         "interval '1 day')::date + coalesce(l.days_after, 0) ELSE (d.ref + make_interval(months "
         "=> coalesce(l.months, 0), days => coalesce(l.days, 0)))::date END";
}

// A line's share of the amount: a percentage, a fixed amount, or (up to 16.0) the balance, which
// is what the percentage lines leave (17.0 turned balance lines into that percentage).
std::string line_share() {
  return "CASE WHEN l.value = 'fixed' THEN 'fixed ' || " + num("l.value_amount") +
         " WHEN l.value = 'balance' AND NOT EXISTS (SELECT 1 FROM account_payment_term_line o "
         "WHERE o.payment_id = l.payment_id AND o.value = 'fixed') THEN " +
         num("100 - coalesce((SELECT sum(o.value_amount) FROM account_payment_term_line o WHERE "
             "o.payment_id = l.payment_id AND o.value = 'percent'), 0)") +
         " || '%' WHEN l.value = 'balance' THEN 'balance' ELSE " + num("l.value_amount") +
         " || '%' END";
}

// The early payment discount: on the lines up to 16.0, on the term from 17.0.
std::string early_discount(const DbProfile& p) {
  if (p.has_column("account_payment_term", "early_discount")) {
    return "CASE WHEN t.early_discount THEN " + num("t.discount_percentage") + " || '% ' || " +
           "t.discount_days || ' days' END";
  }
  if (p.has_column("account_payment_term_line", "discount_percentage")) {
    return "(SELECT string_agg(" + num("l.discount_percentage") +
           " || '% ' || l.discount_days || ' days', '; ' ORDER BY l.id) FROM "
           "account_payment_term_line l WHERE l.payment_id = t.id AND coalesce("
           "l.discount_percentage, 0) <> 0)";
  }
  return "NULL::text";
}

// Payment terms: per term its lines and its due schedule ("share@due date" for two invoice dates),
// which is what the customer relies on whatever the columns of the series.
std::optional<std::string> payment_terms(const DbProfile& p) {
  if (!p.has_table("account_payment_term") || !p.has_table("account_payment_term_line")) {
    return std::nullopt;
  }
  std::string name = tr(p, "account_payment_term", "t", "name");
  return "WITH " + xmlid_cte("x", "account.payment.term") + ", " + k_std_modules_cte + ", " +
         k_invoice_dates + ", s AS (SELECT l.payment_id, d.ref, " + line_share() + " AS share, (" +
         due_date(p) +
         ")::date AS due FROM account_payment_term_line l CROSS JOIN d), due AS (SELECT "
         "payment_id, count(*) / 2 AS n, string_agg(share || '@' || to_char(due, 'YYYY-MM-DD'), "
         "'; ' ORDER BY ref, due, share) AS v FROM s GROUP BY payment_id) SELECT coalesce(x.xmlid, "
         "'payment_term:' || coalesce(t.company_id::text, '*') || ':' || coalesce(" +
         name + ", '')) AS key, left(" + name + ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('name', " + name +
         ", 'active', t.active::text, 'company', t.company_id::text, "
         "'lines', coalesce(due.n, 0)::text, 'due', due.v, 'early_discount', " +
         early_discount(p) +
         ", '_natural', 'payment_term:' || coalesce(t.company_id::text, '*') "
         "|| ':' || coalesce(" +
         name +
         ", ''))::text AS vals FROM account_payment_term t LEFT JOIN x ON x.res_id = t.id LEFT "
         "JOIN "
         "due ON due.payment_id = t.id";
}

// A pricelist's natural key: company and name.
std::string pricelist_natural(const DbProfile& p, const std::string& alias) {
  return "coalesce(" + alias + ".company_id::text, '*') || ':' || coalesce(" +
         tr(p, "product_pricelist", alias, "name") + ", '')";
}

// A pricelist's key: xml id, else its natural key.
std::string pricelist_key(const DbProfile& p, const std::string& alias) {
  return "coalesce(x.xmlid, " + pricelist_natural(p, alias) + ")";
}

std::optional<std::string> pricelists(const DbProfile& p) {
  if (!p.has_table("product_pricelist")) {
    return std::nullopt;
  }
  bool items = p.has_table("product_pricelist_item");
  std::string active_item =
      p.has_column("product_pricelist_item", "active") ? " WHERE coalesce(active, true)" : "";
  return "WITH " + xmlid_cte("x", "product.pricelist") + ", " + k_std_modules_cte +
         (items ? ", n AS (SELECT pricelist_id, count(*) AS n FROM product_pricelist_item" +
                      active_item + " GROUP BY 1)"
                : std::string()) +
         " SELECT 'pricelist:' || " + pricelist_key(p, "pl") + " AS key, left(" +
         tr(p, "product_pricelist", "pl", "name") + ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('name', " + tr(p, "product_pricelist", "pl", "name") +
         ", 'active', " + col(p, "product_pricelist", "pl", "active") +
         ", 'currency', cur.name, 'company', pl.company_id::text, 'website', " +
         col(p, "product_pricelist", "pl", "website_id") + ", 'discount_policy', " +
         col(p, "product_pricelist", "pl", "discount_policy") + ", 'selectable', " +
         col(p, "product_pricelist", "pl", "selectable") + ", 'code', " +
         col(p, "product_pricelist", "pl", "code") + ", 'rules', " +
         (items ? "coalesce(n.n, 0)::text" : "'0'") + ", '_natural', 'pricelist:' || " +
         pricelist_natural(p, "pl") +
         ")::text AS vals FROM product_pricelist pl LEFT JOIN x ON x.res_id = pl.id LEFT JOIN "
         "res_currency cur ON cur.id = pl.currency_id" +
         (items ? " LEFT JOIN n ON n.pricelist_id = pl.id" : "");
}

// Pricelist rules, keyed by pricelist, what they apply to (product code or name, category) and
// from which quantity and date: ids would not tell the reader which rule changed.
std::optional<std::string> pricelist_rules(const DbProfile& p) {
  if (!p.has_table("product_pricelist_item") || !p.has_table("product_pricelist")) {
    return std::nullopt;
  }
  std::string target =
      "coalesce(CASE i.applied_on WHEN '0_product_variant' THEN coalesce(pp.default_code, " +
      tr(p, "product_template", "vt", "name") +
      ", pp.id::text) WHEN '1_product' THEN coalesce(pt.default_code, " +
      tr(p, "product_template", "pt", "name") +
      ") WHEN '2_product_category' THEN pc.complete_name ELSE '' END, '?')";
  std::string fields;
  for (const auto& [k, c] :
       std::vector<std::pair<std::string, std::string>>{{"fixed", "fixed_price"},
                                                        {"percent", "percent_price"},
                                                        {"discount", "price_discount"},
                                                        {"surcharge", "price_surcharge"},
                                                        {"round", "price_round"},
                                                        {"min_margin", "price_min_margin"},
                                                        {"max_margin", "price_max_margin"}}) {
    fields += ", " + lit(k) + ", " +
              (p.has_column("product_pricelist_item", c) ? num("i." + c) : "NULL::text");
  }
  std::string rule = " || ':' || i.applied_on || ':' || " + target + " || ':' || " +
                     num("i.min_quantity") + " || ':' || coalesce(i.date_start::text, '')";
  return "WITH " + xmlid_cte("x", "product.pricelist") + " SELECT 'pricelist_rule:' || " +
         pricelist_key(p, "pl") + rule + " AS key, left(" +
         tr(p, "product_pricelist", "pl", "name") + " || ' / ' || " + target +
         ", 120) AS name, false AS std, json_build_object('compute', i.compute_price, 'base', "
         "i.base, 'base_pricelist', " +
         tr(p, "product_pricelist", "bpl", "name") + fields +
         ", 'date_end', i.date_end::text, 'active', " +
         col(p, "product_pricelist_item", "i", "active") + ", '_natural', 'pricelist_rule:' || " +
         pricelist_natural(p, "pl") + rule +
         ")::text AS vals FROM product_pricelist_item i JOIN product_pricelist pl ON pl.id = "
         "i.pricelist_id LEFT JOIN x ON x.res_id = pl.id LEFT JOIN product_product pp ON pp.id = "
         "i.product_id LEFT JOIN product_template vt ON vt.id = pp.product_tmpl_id LEFT JOIN "
         "product_template pt ON pt.id = i.product_tmpl_id LEFT JOIN product_category pc ON pc.id "
         "= i.categ_id LEFT JOIN product_pricelist bpl ON bpl.id = i.base_pricelist_id";
}

// Stock on hand per product, internal or transit location, lot, package and owner (not the
// reserved quantity: the upgrade's own new pickings may reserve). The product id is part of the
// key so that two products with the same name stay apart; the upgrade keeps ids.
std::optional<std::string> stock_on_hand(const DbProfile& p) {
  if (!p.has_table("stock_quant") || !p.has_table("stock_location")) {
    return std::nullopt;
  }
  std::string lot_table = p.has_table("stock_lot")              ? "stock_lot"
                          : p.has_table("stock_production_lot") ? "stock_production_lot"
                                                                : "";
  std::string product = "coalesce('[' || pp.default_code || '] ', '') || coalesce(" +
                        tr(p, "product_template", "pt", "name") + ", '')";
  std::string lot = lot_table.empty() ? "" : " || coalesce(' lot ' || lot.name, '')";
  std::string pkg =
      p.has_table("stock_quant_package") ? " || coalesce(' package ' || pk.name, '')" : "";
  return "SELECT 'onhand:' || " + product + " || ' #' || pp.id || ' @ ' || coalesce(" +
         "loc.complete_name, loc.id::text)" + lot + pkg +
         " || coalesce(' owner ' || ow.name, '') AS key, left(" + product +
         " || ' @ ' || coalesce(loc.complete_name, '')" + lot + pkg +
         ", 120) AS name, false AS std, json_build_object('quantity', " + num("sum(q.quantity)") +
         ")::text AS vals FROM stock_quant q JOIN stock_location loc ON loc.id = q.location_id "
         "JOIN product_product pp ON pp.id = q.product_id JOIN product_template pt ON pt.id = "
         "pp.product_tmpl_id LEFT JOIN res_partner ow ON ow.id = q.owner_id" +
         (lot_table.empty() ? "" : " LEFT JOIN " + lot_table + " lot ON lot.id = q.lot_id") +
         (pkg.empty() ? "" : " LEFT JOIN stock_quant_package pk ON pk.id = q.package_id") +
         " WHERE loc.usage IN ('internal', 'transit') GROUP BY 1, 2 HAVING round(sum(q.quantity)"
         "::numeric, 6) <> 0";
}

// Chatter per model: messages on records, activities and followers.
std::optional<std::string> chatter(const DbProfile& p) {
  if (!p.has_table("mail_message")) {
    return std::nullopt;
  }
  std::string parts = "SELECT model AS m, count(*) AS msg, 0 AS act, 0 AS fol FROM mail_message "
                      "WHERE model IS NOT NULL AND coalesce(res_id, 0) <> 0 GROUP BY 1";
  if (p.has_table("mail_activity")) {
    parts += " UNION ALL SELECT res_model, 0, count(*), 0 FROM mail_activity GROUP BY 1";
  }
  if (p.has_table("mail_followers")) {
    parts += " UNION ALL SELECT res_model, 0, 0, count(*) FROM mail_followers GROUP BY 1";
  }
  return "SELECT 'chatter:' || c.m AS key, c.m AS name, false AS std, json_build_object("
         "'messages', sum(c.msg)::text, 'activities', sum(c.act)::text, 'followers', "
         "sum(c.fol)::text)::text AS vals FROM (" +
         parts + ") c WHERE c.m IS NOT NULL GROUP BY c.m";
}

// The chatter of one model's records (chatter_records_sql): the same three counts as `chatter`,
// per record.
std::string chatter_counts(const DbProfile& p, const std::string& model) {
  std::string parts = "SELECT res_id AS id, count(*) AS msg, 0 AS act, 0 AS fol FROM mail_message "
                      "WHERE model = " +
                      lit(model) + " AND coalesce(res_id, 0) <> 0 GROUP BY 1";
  if (p.has_table("mail_activity")) {
    parts += " UNION ALL SELECT res_id, 0, count(*), 0 FROM mail_activity WHERE res_model = " +
             lit(model) + " GROUP BY 1";
  }
  if (p.has_table("mail_followers")) {
    parts += " UNION ALL SELECT res_id, 0, 0, count(*) FROM mail_followers WHERE res_model = " +
             lit(model) + " GROUP BY 1";
  }
  return "SELECT c.id, sum(c.msg) AS msg, sum(c.act) AS act, sum(c.fol) AS fol FROM (" + parts +
         ") c GROUP BY 1";
}

// Payment providers (payment.acquirer before 16.0): `used` when not disabled (enabled or in test
// mode), which is what decides whether the customer relies on it.
std::optional<std::string> payment_providers(const DbProfile& p) {
  auto t = provider_table(p);
  if (!t) {
    return std::nullopt;
  }
  const std::string& table = t->table;
  std::string published = p.has_column(table, "is_published")
                              ? col(p, table, "pp", "is_published")
                              : col(p, table, "pp", "website_published");
  return "WITH " + xmlid_cte("x", t->model) + ", " + k_std_modules_cte +
         " SELECT coalesce(x.xmlid, " + t->natural + ") AS key, left(" + t->name +
         ", 120) AS name, " + is_std("x.module") + " AS std, json_build_object('name', " + t->name +
         ", 'used', (pp.state <> 'disabled')::text, 'test_mode', "
         "(pp.state = 'test')::text, 'published', " +
         published + ", 'company', pp.company_id::text, 'website', " +
         col(p, table, "pp", "website_id") + ", '_natural', " + t->natural +
         ")::text AS vals FROM " + table + " pp LEFT JOIN x ON x.res_id = pp.id";
}

// The payment methods each provider offers (issue 10: "payment providers and methods state"), one
// row per provider and method, named by the method's name (varchar in both series). Up to 16.0 a
// provider's methods are its icons (payment_icon through payment_icon_payment_provider_rel, no
// active flag); from 17.0 they are payment_method records (payment_method_payment_provider_rel,
// with `active`), and a brand (primary_payment_method_id, e.g. a card network of "Card") is
// offered through its primary method while both are active. Read from the schemas of the 16.0 and
// 17.0 fixture databases; an older schema has no such dataset. `used` says whether the provider is
// enabled or in test mode, which decides whether production relies on the method.
std::optional<std::string> payment_methods(const DbProfile& p) {
  std::string table = p.has_table("payment_method_payment_provider_rel") ? "payment_method"
                      : p.has_table("payment_icon_payment_provider_rel") ? "payment_icon"
                                                                         : "";
  if (table.empty() || !p.has_table(table) || !p.has_column("payment_provider", "state")) {
    return std::nullopt;
  }
  std::string rel = table + "_payment_provider_rel";
  std::string fk = table == "payment_method" ? "payment_method_id" : "payment_icon_id";
  std::string active = p.has_column(table, "active") ? "m.active" : "true";
  std::string offered = "SELECT r.payment_provider_id AS provider, m.id AS method, " + active +
                        " AS active FROM " + rel + " r JOIN " + table + " m ON m.id = r." + fk;
  if (p.has_column(table, "primary_payment_method_id")) {
    offered += " UNION ALL SELECT r.payment_provider_id, b.id, b.active AND m.active FROM " + rel +
               " r JOIN " + table + " m ON m.id = r." + fk + " JOIN " + table +
               " b ON b.primary_payment_method_id = m.id";
  }
  std::string provider = tr(p, "payment_provider", "pp", "name");
  std::string code = p.has_column("payment_provider", "code") ? "pp.code" : "NULL::text";
  std::string natural = "'payment_provider:' || coalesce(" + code + ", '') || ':' || " +
                        "pp.company_id || ':' || " + provider;
  std::string method = tr(p, table, "m", "name");
  return "WITH " + xmlid_cte("x", "payment.provider") + ", o AS (SELECT provider, method, " +
         "bool_or(active) AS active FROM (" + offered +
         ") o GROUP BY 1, 2) SELECT 'payment_method:' || coalesce(x.xmlid, " + natural +
         ") || ':' || " + method + " AS key, left(" + provider + " || ' / ' || " + method +
         ", 120) AS name, false AS std, json_build_object('used', (pp.state <> 'disabled')::text, "
         "'active', o.active::text, '_natural', 'payment_method:' || " +
         natural + " || ':' || " + method +
         ")::text AS vals FROM o JOIN payment_provider pp ON pp.id = o.provider JOIN " + table +
         " m ON m.id = o.method LEFT JOIN x ON x.res_id = pp.id";
}

// Product attributes with their values in order (colour, custom entry).
std::optional<std::string> product_attributes(const DbProfile& p) {
  if (!p.has_table("product_attribute") || !p.has_table("product_attribute_value")) {
    return std::nullopt;
  }
  std::string custom = p.has_column("product_attribute_value", "is_custom")
                           ? " || CASE WHEN v.is_custom THEN ' (custom)' ELSE '' END"
                           : "";
  return "WITH " + xmlid_cte("x", "product.attribute") + ", " + k_std_modules_cte +
         ", v AS (SELECT v.attribute_id, string_agg(coalesce(" +
         tr(p, "product_attribute_value", "v", "name") + ", '') || coalesce(' ' || " +
         col(p, "product_attribute_value", "v", "html_color") + ", '')" + custom +
         ", ', ' ORDER BY v.sequence, v.id) AS v FROM product_attribute_value v GROUP BY 1) "
         "SELECT 'attribute:' || coalesce(x.xmlid, " +
         tr(p, "product_attribute", "a", "name") + ") AS key, left(" +
         tr(p, "product_attribute", "a", "name") + ", 120) AS name, " + is_std("x.module") +
         " AS std, json_build_object('name', " + tr(p, "product_attribute", "a", "name") +
         ", 'display_type', " + col(p, "product_attribute", "a", "display_type") +
         ", 'create_variant', " + col(p, "product_attribute", "a", "create_variant") +
         ", 'values', v.v, '_natural', 'attribute:' || " + tr(p, "product_attribute", "a", "name") +
         ")::text AS vals FROM product_attribute a LEFT JOIN x ON x.res_id = a.id "
         "LEFT JOIN v ON v.attribute_id = a.id";
}

// The attributes of each product: values offered, their extra price, inactive ones.
std::optional<std::string> attribute_lines(const DbProfile& p) {
  if (!p.has_table("product_template_attribute_line") ||
      !p.has_table("product_template_attribute_value")) {
    return std::nullopt;
  }
  std::string product = "coalesce('[' || pt.default_code || '] ', '') || coalesce(" +
                        tr(p, "product_template", "pt", "name") + ", '')";
  std::string attribute = "coalesce(" + tr(p, "product_attribute", "a", "name") + ", '')";
  return "SELECT 'attribute_line:' || " + product + " || ':' || " + attribute + " AS key, left(" +
         product + " || ' / ' || " + attribute +
         ", 120) AS name, false AS std, json_build_object('active', " +
         col(p, "product_template_attribute_line", "l", "active") +
         ", 'values', (SELECT string_agg(coalesce(" +
         tr(p, "product_attribute_value", "pav", "name") +
         ", '') || CASE WHEN ptav.price_extra <> 0 THEN ' +' || " + num("ptav.price_extra") +
         " ELSE '' END || CASE WHEN ptav.ptav_active THEN '' ELSE ' (inactive)' END, ', ' ORDER "
         "BY pav.sequence, pav.id) FROM product_template_attribute_value ptav JOIN "
         "product_attribute_value pav ON pav.id = ptav.product_attribute_value_id WHERE "
         "ptav.attribute_line_id = l.id))::text AS vals FROM product_template_attribute_line l "
         "JOIN product_template pt ON pt.id = l.product_tmpl_id JOIN product_attribute a ON a.id "
         "= l.attribute_id";
}

// Analytic plans (account.analytic.group before 16.0 has no plans: empty) with their accounts in
// order (code, name, archived, company). The account name is text in 16.0, jsonb in 17.0. The
// plan's own company and default applicability are not compared: 17.0 drops both columns (its
// applicabilities are records of their own).
std::optional<std::string> analytic_plans(const DbProfile& p) {
  if (!p.has_table("account_analytic_plan") || !p.has_table("account_analytic_account")) {
    return std::nullopt;
  }
  std::string plan = "coalesce(" + tr(p, "account_analytic_plan", "pl", "name") + ", '')";
  return "WITH acc AS (SELECT a.plan_id, string_agg(coalesce(a.code || ' ', '') || coalesce(" +
         tr(p, "account_analytic_account", "a", "name") +
         ", '') || CASE WHEN a.active THEN '' ELSE ' (archived)' END || coalesce(' @' || "
         "a.company_id, ''), '; ' ORDER BY a.code, a.id) AS v FROM account_analytic_account a "
         "GROUP BY 1) SELECT 'analytic_plan:' || coalesce(" +
         tr(p, "account_analytic_plan", "pp", "name") + " || ' / ', '') || " + plan +
         " AS key, left(" + plan +
         ", 120) AS name, false AS std, json_build_object('accounts', acc.v)::text AS vals FROM "
         "account_analytic_plan pl LEFT JOIN "
         "account_analytic_plan pp ON pp.id = pl.parent_id LEFT JOIN acc ON acc.plan_id = pl.id";
}

} // namespace

const std::vector<std::pair<std::string, Builder>>& business_builders() {
  static const std::vector<std::pair<std::string, Builder>> k_builders = {
      {"payment_terms", payment_terms},
      {"pricelists", pricelists},
      {"pricelist_rules", pricelist_rules},
      {"stock_on_hand", stock_on_hand},
      {"chatter", chatter},
      {"payment_providers", payment_providers},
      {"payment_methods", payment_methods},
      {"product_attributes", product_attributes},
      {"attribute_lines", attribute_lines},
      {"analytic_plans", analytic_plans},
  };
  return k_builders;
}

} // namespace odoo_upgrade::adapters::pg::uat_sql

namespace odoo_upgrade::adapters::pg {

std::optional<std::string> chatter_records_sql(const std::string& model, const DbProfile& profile) {
  using namespace uat_sql;
  if (!profile.has_table("mail_message")) {
    return std::nullopt;
  }
  std::string table = model;
  std::replace(table.begin(), table.end(), '.', '_');
  std::string label = "NULL::text";
  std::string join;
  if (profile.has_table(table)) {
    join = " LEFT JOIN " + quote_identifier(table) + " r ON r.id = c.id";
    label = profile.has_column(table, "name")           ? tr(profile, table, "r", "name")
            : profile.has_column(table, "display_name") ? "r.display_name"
                                                        : label;
  }
  return "WITH " + xmlid_cte("x", model) + ", c AS (" + chatter_counts(profile, model) +
         ") SELECT lpad(c.id::text, 12, '0') AS key, left(coalesce(x.xmlid || ' ', '') || "
         "coalesce(" +
         label +
         ", '') || ' (id ' || c.id || ')', 200) AS name, false AS std, json_build_object("
         "'messages', c.msg::text, 'activities', c.act::text, 'followers', c.fol::text)::text AS "
         "vals FROM c" +
         join + " LEFT JOIN x ON x.res_id = c.id";
}

} // namespace odoo_upgrade::adapters::pg
