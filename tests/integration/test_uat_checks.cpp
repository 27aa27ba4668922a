// The automated UAT checks against copies of the real Odoo fixtures: identical pairs give no
// blocking finding, and each planted difference in the test copy is found and named.
#include "../support/test_env.hpp"
#include "../support/uat_support.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/adapters/pg/uat_queries.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/live_checks.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace odoo_upgrade;
using core::Severity;
using core::uat::CheckResult;
using core::uat::CheckStatus;
using core::uat::Finding;

namespace {

std::vector<CheckResult> compare(const std::string& prod_db, const std::string& test_db) {
  return test::compare_databases(prod_db, test_db);
}

const CheckResult& check(const std::vector<CheckResult>& results, const std::string& id) {
  return test::check_result(results, id);
}

// The finding of check `id` whose key contains `key`, or nullptr.
const Finding*
find(const std::vector<CheckResult>& results, const std::string& id, const std::string& key) {
  for (const auto& f : check(results, id).findings) {
    if (f.key.find(key) != std::string::npos) {
      return &f;
    }
  }
  return nullptr;
}

std::string describe(const std::vector<CheckResult>& results) {
  return test::describe_results(results);
}

void exec(const std::string& db, const std::vector<std::string>& statements) {
  adapters::pg::Connection c(test::pg_conninfo(db));
  for (const auto& sql : statements) {
    c.exec_no_rows(sql);
  }
}

} // namespace

TEST_CASE("uat checks: identical databases give no blocking finding", "[integration][uat]") {
  for (std::string fixture : {"odoo17", "odoo16"}) {
    DYNAMIC_SECTION(fixture) {
      auto prod = test::unique_db_name("uat_prod");
      auto tst = test::unique_db_name("uat_test");
      test::DatabaseGuard guard({prod, tst});
      test::pg_create_from_fixture(prod, fixture);
      test::pg_create_from_fixture(tst, fixture);
      auto results = compare(prod, tst);
      INFO(describe(results));
      // Every check but the live ones, which run through the target Odoo (uat_live.hpp).
      REQUIRE(results.size() ==
              core::uat::check_catalogue().size() - core::live::live_check_catalogue().size());
      auto s = core::uat::summarize(results);
      CHECK(s.blocking == 0);
      CHECK(s.errors == 0);
      for (const auto& r : results) {
        CHECK(r.status != CheckStatus::error);
        CHECK(r.status != CheckStatus::failed);
        if (r.id != "neutralization" && r.id != "translations" && r.id != "modules-transient") {
          CHECK(r.compared > 0);
        }
      }
      // The copy is not neutralized: that is a warning, never blocking.
      CHECK(check(results, "neutralization").status == CheckStatus::warning);
    }
  }
}

TEST_CASE("uat checks: every check's SQL runs on 16.0 and 17.0 schemas", "[integration][uat]") {
  test::FixturePair pair("uat_p16", "odoo16", "odoo17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  adapters::pg::Connection p16(test::pg_conninfo(prod));
  adapters::pg::Connection p17(test::pg_conninfo(tst));
  auto prof16 = adapters::pg::detect_profile(p16);
  auto prof17 = adapters::pg::detect_profile(p17);
  CHECK(prof16.series == "16.0");
  CHECK(prof17.series == "17.0");
  CHECK(prof16.translations_in_jsonb());
  CHECK_FALSE(prof16.company_dependent_in_jsonb());
  // account_account.name became translated (jsonb) in 17.0: both read as en_US text.
  CHECK_FALSE(prof16.is_jsonb("account_account", "name"));
  CHECK(prof17.is_jsonb("account_account", "name"));

  auto results = compare(prod, tst);
  INFO(describe(results));
  for (const auto& r : results) {
    CHECK(r.status != CheckStatus::error);
  }
  // Same demo data across series: the generic chart's account names compare by meaning, so the
  // trial balance of the common sales account does not differ for type reasons.
  CHECK(core::uat::summarize(results).errors == 0);
}

// One pair with every planted difference, compared once for all the sections below (Catch2 runs
// the test case once per section).
const std::vector<CheckResult>& planted_results() {
  static const std::vector<CheckResult> k_results = [] {
    auto prod = test::unique_db_name("uat_prod");
    auto tst = test::unique_db_name("uat_test");
    static test::DatabaseGuard guard({prod, tst});
    test::pg_create_from_fixture(prod, "odoo17");
    test::pg_create_from_fixture(tst, "odoo17");

    // Production keeps a translation the test copy lost; a custom view only in production.
    exec(
        prod,
        {"UPDATE product_template SET name = name || '{\"fr_FR\": \"Bureau sur mesure\"}' WHERE id "
         "= (SELECT res_id FROM ir_model_data WHERE module = 'product' AND name = "
         "'product_product_4_product_template')",
         "INSERT INTO ir_filters (name, model_id, domain, context, sort, active, is_default) "
         "VALUES "
         "('My late invoices', 'account.move', '[]', '{}', '[]', true, false)"});
    exec(
        tst,
        {// 1. the upgrade deactivated a view
         "UPDATE ir_ui_view SET active = false WHERE id = (SELECT res_id FROM ir_model_data WHERE "
         "module = 'sale' AND name = 'view_order_form')",
         // 2. a report changed, another lost its identity (removed)
         "UPDATE ir_act_report_xml SET report_type = 'qweb-html' WHERE id = (SELECT res_id FROM "
         "ir_model_data WHERE module = 'sale' AND name = 'action_report_pro_forma_invoice')",
         "DELETE FROM ir_act_report_xml WHERE id = (SELECT res_id FROM ir_model_data WHERE module "
         "= "
         "'sale' AND name = 'action_report_saleorder')",
         // 3. a page unpublished, a menu deleted
         "UPDATE website_page SET is_published = false WHERE url = '/contactus'",
         "DELETE FROM website_menu WHERE id = (SELECT max(id) FROM website_menu WHERE parent_id IS "
         "NOT NULL AND url = '/contactus')",
         // 4. a mail template's subject changed
         "UPDATE mail_template SET subject = '{\"en_US\": \"Changed subject\"}' WHERE id = (SELECT "
         "res_id FROM ir_model_data WHERE module = 'auth_signup' AND name = 'set_password_email')",
         // 6. a filter deleted
         "DELETE FROM ir_filters WHERE name = 'Newest Products'",
         // 7. a third-party module lost
         "UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'auditlog'",
         // 9. product price changed, cost changed
         "UPDATE product_template SET list_price = list_price + 1 WHERE id = (SELECT res_id FROM "
         "ir_model_data WHERE module = 'product' AND name = 'product_product_4_product_template')",
         "UPDATE ir_property SET value_float = value_float * 2 WHERE res_id = 'product.product,' "
         "|| "
         "(SELECT res_id FROM ir_model_data WHERE module = 'product' AND name = "
         "'product_product_5') AND name = 'standard_price'",
         // 10. accounting: deactivated currency, changed tax, unbalanced line, lock date
         "UPDATE res_currency SET active = false WHERE name = 'USD'",
         "UPDATE account_tax SET amount = 21 WHERE id = (SELECT min(id) FROM account_tax)",
         "UPDATE account_move_line SET debit = debit + 10 WHERE id = (SELECT min(l.id) FROM "
         "account_move_line l JOIN account_move m ON m.id = l.move_id WHERE m.state = 'posted' AND "
         "l.debit > 0)",
         "UPDATE res_company SET fiscalyear_lock_date = '2020-12-31' WHERE id = 1",
         // 11. a user deactivated
         "UPDATE res_users SET active = false WHERE login = 'demo'",
         // 12. neutralized: crons off, flag set
         "UPDATE ir_cron SET active = false",
         "INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', "
         "'True')"});
    return compare(prod, tst);
  }();
  return k_results;
}

TEST_CASE("uat checks: planted differences are found and named", "[integration][uat]") {
  const auto& results = planted_results();
  INFO(describe(results));
  CHECK(core::uat::summarize(results).errors == 0);

  SECTION("1 views") {
    const auto* f = find(results, "views", "sale.view_order_form");
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::blocking);
    CHECK(f->changes.at(0).field == "active");
    CHECK(f->model == "ir.ui.view");
    CHECK(check(results, "views").status == CheckStatus::failed);
  }
  SECTION("2 reports") {
    const auto* removed = find(results, "reports", "sale.action_report_saleorder");
    REQUIRE(removed != nullptr);
    CHECK(removed->kind == "missing");
    const auto* changed = find(results, "reports", "sale.action_report_pro_forma_invoice");
    REQUIRE(changed != nullptr);
    CHECK(changed->kind == "changed");
    CHECK(changed->changes.at(0).before == "qweb-pdf");
    CHECK(changed->changes.at(0).after == "qweb-html");
  }
  SECTION("3 website") {
    const auto* page = find(results, "website", "page:*:/contactus");
    REQUIRE(page != nullptr);
    CHECK(page->severity == Severity::blocking);
    CHECK(page->changes.at(0).field == "published");
    bool menu_missing = false;
    for (const auto& f : check(results, "website").findings) {
      menu_missing = menu_missing || (f.model == "website.menu" && f.kind == "missing");
    }
    CHECK(menu_missing);
  }
  SECTION("4 mail templates") {
    const auto* f = find(results, "mail-templates", "auth_signup.set_password_email");
    REQUIRE(f != nullptr);
    CHECK(f->changes.at(0).field == "subject");
    CHECK(f->changes.at(0).after == "Changed subject");
  }
  SECTION("5 translations") {
    bool found = false;
    for (const auto& f : check(results, "translations").findings) {
      found = found || (f.kind == "missing" && f.key.find("product.template:") == 0 &&
                        f.key.find(":name:fr_FR") != std::string::npos);
    }
    CHECK(found);
  }
  SECTION("6 filters") {
    // A consultant's filter is blocking; a standard one is a warning (it may be gone on purpose).
    const auto* custom = find(results, "filters", "My late invoices");
    REQUIRE(custom != nullptr);
    CHECK(custom->kind == "missing");
    CHECK(custom->severity == Severity::blocking);
    const auto* standard = find(results, "filters", "Newest Products");
    REQUIRE(standard != nullptr);
    CHECK(standard->severity == Severity::warning);
  }
  SECTION("7 modules") {
    const auto* f = find(results, "modules", "auditlog");
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::blocking);
  }
  SECTION("8 record counts: nothing deleted here, nothing counted differently") {
    CHECK(check(results, "record-counts").findings.empty());
  }
  SECTION("9 products") {
    bool price = false;
    bool cost = false;
    for (const auto& f : check(results, "products").findings) {
      for (const auto& c : f.changes) {
        price = price || c.field == "sale_price";
        cost = cost || c.field == "cost";
      }
    }
    CHECK(price);
    CHECK(cost);
    CHECK(check(results, "products").status == CheckStatus::failed);
  }
  SECTION("10 accounting") {
    const auto* usd = find(results, "accounting", "USD");
    REQUIRE(usd != nullptr);
    CHECK(usd->severity == Severity::blocking);
    CHECK(usd->changes.at(0).field == "active");
    bool tax = false;
    bool tb = false;
    bool unbalanced = false;
    bool lock = false;
    for (const auto& f : check(results, "accounting").findings) {
      tax = tax || (f.model == "account.tax" && f.changes.at(0).field == "amount" &&
                    f.changes.at(0).after == "21");
      tb = tb || (f.model == "account.move.line" && f.key.rfind("tb:", 0) == 0);
      unbalanced = unbalanced || (f.model == "account.move" && f.kind == "added");
      lock = lock || (f.model == "res.company" && f.changes.at(0).field == "fiscalyear_lock_date");
    }
    CHECK(tax);
    CHECK(tb);
    CHECK(unbalanced);
    CHECK(lock);
  }
  SECTION("11 users") {
    const auto* f = find(results, "users", "user:demo");
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::blocking);
  }
  SECTION("12 neutralization") {
    const auto& r = check(results, "neutralization");
    CHECK(r.status == CheckStatus::passed);
    CHECK(r.count(Severity::info) > 1);
  }
}

TEST_CASE("uat checks: record counts name the model that lost records", "[integration][uat]") {
  test::FixturePair pair("uat_prod", "odoo16", "odoo16");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  exec(tst,
       {"DELETE FROM sale_order_line WHERE id = (SELECT max(id) FROM sale_order_line)",
        "UPDATE product_template SET categ_id = (SELECT max(id) FROM product_category) WHERE id = "
        "(SELECT min(id) FROM product_template WHERE categ_id <> (SELECT max(id) FROM "
        "product_category))"});
  test::TempDir lists;
  auto results = test::compare_databases(prod, tst, lists.path());
  INFO(describe(results));
  const auto* f = find(results, "record-counts", "sale.order.line");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::blocking);
  CHECK(f->changes.at(0).before == "67");
  CHECK(f->changes.at(0).after == "66");
  // The finding names the missing line and says where the full list is.
  adapters::pg::Connection c(test::pg_conninfo(prod));
  auto id = c.query_value("SELECT max(id) FROM sale_order_line");
  REQUIRE(id);
  CHECK(f->message.find("missing in test: ") != std::string::npos);
  CHECK(f->message.find("(id " + *id + ")") != std::string::npos);
  auto file = lists.path() / "uat-missing-sale.order.line.txt";
  CHECK(f->message.find(file.string()) != std::string::npos);
  REQUIRE(std::filesystem::exists(file));
  auto text = test::read_file(file);
  CHECK(text.find("(id " + *id + ")\n") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  bool category = false;
  for (const auto& p : check(results, "products").findings) {
    category = category || (!p.changes.empty() && p.changes[0].field == "category");
  }
  CHECK(category);
}

TEST_CASE("uat checks: losses of the customer's business configuration are named",
          "[integration][uat]") {
  test::FixturePair pair("uat_conf17", "cust17", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  // Production uses Stripe in test mode (a provider in use); the test copy has it disabled.
  exec(prod,
       {"UPDATE payment_provider SET state = 'test' WHERE id = (SELECT res_id FROM ir_model_data "
        "WHERE module = 'payment' AND name = 'payment_provider_stripe')"});
  // The contacts whose messages the test copy loses below, as the finding must name them.
  const std::string chatter_lost_on = test::pg_query_value(
      tst,
      "SELECT string_agg(p.name || ' (id ' || p.id || '): messages ' || n.before || ' → ' || "
      "n.before - n.lost, '|' ORDER BY p.id) FROM (SELECT m.res_id, count(*) FILTER (WHERE m.id "
      "IN (SELECT id FROM mail_message WHERE model = 'res.partner' AND res_id IS NOT NULL ORDER BY "
      "id LIMIT 2)) AS lost, count(*) AS before FROM mail_message m WHERE m.model = 'res.partner' "
      "GROUP BY 1) n JOIN res_partner p ON p.id = n.res_id WHERE n.lost > 0");
  REQUIRE(!chatter_lost_on.empty());
  exec(tst,
       {// the customer's own payment term now falls due 15 days later
        "UPDATE account_payment_term_line SET nb_days = 45 WHERE payment_id = (SELECT id FROM "
        "account_payment_term WHERE name->>'en_US' = '30% Now, 70% in 30 Days') AND nb_days = 30",
        // a pricelist rule lost
        "DELETE FROM product_pricelist_item WHERE product_tmpl_id = (SELECT id FROM "
        "product_template WHERE default_code = 'FURN_0269')",
        // stock on hand lower in one location
        "UPDATE stock_quant SET quantity = quantity - 1 WHERE id = (SELECT min(q.id) FROM "
        "stock_quant q JOIN stock_location l ON l.id = q.location_id WHERE l.usage = 'internal' "
        "AND q.quantity > 1)",
        // chatter lost on contacts
        "DELETE FROM mail_message WHERE id IN (SELECT id FROM mail_message WHERE model = "
        "'res.partner' AND res_id IS NOT NULL ORDER BY id LIMIT 2)",
        // an attribute value renamed, an analytic account archived
        "UPDATE product_attribute_value SET name = '{\"en_US\": \"Alu\"}' WHERE name->>'en_US' = "
        "'Aluminium'",
        "UPDATE account_analytic_account SET active = false WHERE name->>'en_US' = 'Deco Addict'",
        // translatable names renamed in en_US only (jsonb: the other languages kept): the
        // customer's product, a standard payment term (keyed by its xml id)
        "UPDATE product_template SET name = jsonb_set(name, '{en_US}', '\"Standing Desk\"') WHERE "
        "default_code = 'CUST-001'",
        "UPDATE account_payment_term SET name = jsonb_set(name, '{en_US}', '\"Pay now\"') WHERE "
        "id = (SELECT res_id FROM ir_model_data WHERE module = 'account' AND name = "
        "'account_payment_term_immediate')"});
  auto results = compare(prod, tst);
  INFO(describe(results));
  CHECK(core::uat::summarize(results).errors == 0);

  const auto* term = find(results, "business-data", "payment_term:*:30% Now, 70% in 30 Days");
  REQUIRE(term != nullptr);
  CHECK(term->severity == Severity::blocking);
  CHECK(term->changes.at(0).field == "due");
  CHECK(term->changes.at(0).after.find("70%@2025-03-17") != std::string::npos);

  const auto* rule = find(results, "business-data", "pricelist_rule:1:Wholesale 2025:1_product");
  REQUIRE(rule != nullptr);
  CHECK(rule->severity == Severity::blocking);
  CHECK(rule->kind == "missing");
  CHECK(rule->name.find("FURN_0269") != std::string::npos);
  const auto* list = find(results, "business-data", "pricelist:1:Wholesale 2025");
  REQUIRE(list != nullptr);
  CHECK(list->changes.at(0).field == "rules");

  const auto* onhand = find(results, "business-data", "onhand:");
  REQUIRE(onhand != nullptr);
  CHECK(onhand->severity == Severity::blocking);
  CHECK(onhand->name.find(" @ WH/Stock") != std::string::npos);

  const auto* chatter = find(results, "record-counts", "chatter:res.partner");
  REQUIRE(chatter != nullptr);
  CHECK(chatter->severity == Severity::blocking);
  CHECK(chatter->changes.at(0).field == "messages");
  // The records that lost their messages are named, each with its own counts.
  REQUIRE(chatter->changes.size() == 2);
  CHECK(chatter->changes.at(1).field == "records that lost chatter");
  std::stringstream expected(chatter_lost_on);
  for (std::string record; std::getline(expected, record, '|');) {
    INFO(record);
    CHECK(chatter->changes.at(1).before.find(record) != std::string::npos);
    CHECK(chatter->message.find(record) != std::string::npos);
  }

  const auto* stripe = find(results, "business-data", "payment.payment_provider_stripe");
  REQUIRE(stripe != nullptr);
  CHECK(stripe->severity == Severity::warning);

  const auto* attribute = find(results, "business-data", "attribute:product.product_attribute_1");
  REQUIRE(attribute != nullptr);
  CHECK(attribute->severity == Severity::warning); // a standard attribute: Odoo may change it
  bool line = false;
  for (const auto& f : check(results, "business-data").findings) {
    line =
        line || (f.model == "product.template.attribute.line" && f.severity == Severity::blocking &&
                 f.changes.at(0).after.find("Alu +") != std::string::npos);
  }
  CHECK(line);

  // Issue 10: a translatable name is compared, not only used as a label.
  bool product_renamed = false;
  for (const auto& f : check(results, "products").findings) {
    product_renamed =
        product_renamed ||
        (f.name.find("CUST-001") != std::string::npos && f.severity == Severity::blocking &&
         f.changes.at(0).field == "name" && f.changes.at(0).before == "Ergonomic Standing Desk" &&
         f.changes.at(0).after == "Standing Desk");
  }
  CHECK(product_renamed);
  const auto* immediate = find(results, "business-data", "account.account_payment_term_immediate");
  REQUIRE(immediate != nullptr);
  CHECK(immediate->severity == Severity::warning); // a standard term: the new version may rename it
  CHECK(immediate->changes.at(0).field == "name");
  CHECK(immediate->changes.at(0).after == "Pay now");

  const auto* plan = find(results, "business-data", "analytic_plan:Projects");
  REQUIRE(plan != nullptr);
  CHECK(plan->severity == Severity::blocking);
  CHECK(plan->changes.at(0).after.find("Deco Addict (archived)") != std::string::npos);
}

TEST_CASE("uat checks: the payment methods of a provider in use are compared",
          "[integration][uat]") {
  SECTION("17.0 against 17.0: a method deactivated or unlinked is blocking, only while used") {
    test::FixturePair pair("uat_pm17", "cust17", "cust17");
    const std::string& prod = pair.prod;
    const std::string& tst = pair.test;
    const std::string stripe = "(SELECT res_id FROM ir_model_data WHERE module = 'payment' AND "
                               "name = 'payment_provider_stripe')";
    exec(prod, {"UPDATE payment_provider SET state = 'test' WHERE id = " + stripe});
    exec(tst,
         {// Giropay deactivated (Stripe, in use, and Adyen, disabled, offer it)
          "UPDATE payment_method SET active = false WHERE name = 'Giropay'",
          // Stripe no longer offers Bancontact
          "DELETE FROM payment_method_payment_provider_rel WHERE payment_provider_id = " + stripe +
              " AND payment_method_id = (SELECT id FROM payment_method WHERE name = 'Bancontact')",
          // the provider disabled in test, as neutralization does: not a method finding
          "UPDATE payment_provider SET state = 'disabled' WHERE id = " + stripe});
    auto results = compare(prod, tst);
    INFO(describe(results));
    const auto* giropay =
        find(results, "business-data", "payment_method:payment.payment_provider_stripe:Giropay");
    REQUIRE(giropay != nullptr);
    CHECK(giropay->severity == Severity::blocking);
    CHECK(giropay->model == "payment.method");
    REQUIRE(giropay->changes.size() == 1);
    CHECK(giropay->changes[0].field == "active");
    const auto* bancontact =
        find(results, "business-data", "payment_method:payment.payment_provider_stripe:Bancontact");
    REQUIRE(bancontact != nullptr);
    CHECK(bancontact->severity == Severity::blocking);
    CHECK(bancontact->kind == "missing");
    CHECK(bancontact->name == "Stripe / Bancontact");
    // Adyen is disabled in production: its Giropay is not the customer's concern.
    CHECK(find(results, "business-data", "payment_method:payment.payment_provider_adyen") ==
          nullptr);
  }
  SECTION("16.0 icons against 17.0 methods: what a used provider showed and no longer offers") {
    test::FixturePair pair("uat_pm16", "cust16", "cust17");
    const std::string& prod = pair.prod;
    const std::string& tst = pair.test;
    auto quiet = compare(prod, tst);
    CHECK(find(quiet, "business-data", "payment_method:") == nullptr);
    // Production takes payments through Mollie in test mode.
    exec(prod,
         {"UPDATE payment_provider SET state = 'test' WHERE id = (SELECT res_id FROM "
          "ir_model_data WHERE module = 'payment' AND name = 'payment_provider_mollie')"});
    auto results = compare(prod, tst);
    INFO(describe(results));
    // 16.0 showed Apple Pay for Mollie (an icon 17.0 deleted), VISA (a method 17.0's Mollie
    // offers as a brand of Card, not linked): both no longer offered.
    for (const std::string method : {"Apple Pay", "VISA"}) {
      const auto* f = find(
          results, "business-data", "payment_method:payment.payment_provider_mollie:" + method);
      REQUIRE(f != nullptr);
      CHECK(f->severity == Severity::blocking);
      CHECK(f->kind == "missing");
    }
    // Methods Mollie offers in both (iDEAL, Bancontact) and active give nothing.
    CHECK(find(results, "business-data", "payment_method:payment.payment_provider_mollie:iDEAL") ==
          nullptr);
    CHECK(find(results,
               "business-data",
               "payment_method:payment.payment_provider_mollie:Bancontact") == nullptr);
  }
}

TEST_CASE("uat checks: a record whose xml id moved to another module is the same record",
          "[integration][uat]") {
  test::FixturePair pair("uat_mv17", "cust17", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  // In test, the upgrade moved these records' xml ids to another module (as 17.0 moved the
  // generic chart's records from l10n_generic_coa to account); the 45 days term also changed.
  auto move = [](const std::string& model, const std::string& name) {
    return "UPDATE ir_model_data SET module = 'l10n_moved' WHERE model = '" + model +
           "' AND name = '" + name + "'";
  };
  exec(tst,
       {move("account.payment.term", "account_payment_term_30days"),
        move("account.payment.term", "account_payment_term_45days"),
        move("product.pricelist", "list0"),
        move("product.attribute", "product_attribute_1"),
        move("resource.calendar", "resource_calendar_std"),
        move("payment.provider", "payment_provider_stripe"),
        "UPDATE account_payment_term_line SET nb_days = 50 WHERE nb_days = 45 AND payment_id = "
        "(SELECT res_id FROM ir_model_data WHERE model = 'account.payment.term' AND name = "
        "'account_payment_term_45days')"});
  auto results = compare(prod, tst);
  INFO(describe(results));
  const auto& business = check(results, "business-data");
  // Nothing is missing or added: each moved record is one info finding naming both xml ids.
  for (const auto& f : business.findings) {
    CHECK(f.kind != "missing");
    CHECK(f.kind != "added");
  }
  for (const std::string key : {"account.account_payment_term_30days",
                                "pricelist:product.list0",
                                "attribute:product.product_attribute_1",
                                "calendar:resource.resource_calendar_std"}) {
    const auto* f = find(results, "business-data", key);
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::info);
    REQUIRE(f->changes.size() == 1);
    CHECK(f->changes[0].field == "xml_id");
    CHECK(f->changes[0].after.find("l10n_moved.") != std::string::npos);
  }
  // A provider production does not use is not compared, moved or not.
  CHECK(find(results, "business-data", "payment.payment_provider_stripe") == nullptr);
  // Moved and changed: the change is still reported (a standard term: a warning), once.
  const auto* term = find(results, "business-data", "account.account_payment_term_45days");
  REQUIRE(term != nullptr);
  CHECK(term->severity == Severity::warning);
  CHECK(term->changes.size() == 2);
  CHECK(business.count(Severity::blocking) == 0);
  CHECK(business.count(Severity::warning) == 1);
}
