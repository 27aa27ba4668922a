// The automated UAT checks on the real upgraded pair (tests/fixtures/real-pair: a 16.0 production
// with customer data and its OpenUpgrade 17.0 copy, neutralized). Its README is the ground truth:
// every customer loss it lists must be a blocking finding naming the records, no expected change
// of 17.0 may block, and a pair of identical databases gives nothing above info. The findings of
// one comparison are also printed as a table (the "after" table of
// docs/notes/uat-real-pair-baseline.md) when OU_UAT_TABLE is set.
#include "../support/test_env.hpp"
#include "../support/uat_support.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/commands/uat.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

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

// Every finding of any check whose key contains `key`.
std::vector<const Finding*> find_all(const std::vector<CheckResult>& results,
                                     const std::string& key) {
  std::vector<const Finding*> out;
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      if (f.key.find(key) != std::string::npos) {
        out.push_back(&f);
      }
    }
  }
  return out;
}

std::string describe(const std::vector<CheckResult>& results, Severity at_least) {
  return test::describe_results(results, at_least);
}

// The real pair compared once for all the sections below.
const std::vector<CheckResult>& real_pair() {
  static const std::vector<CheckResult> k_results = [] {
    auto prod = test::unique_db_name("uat_cust16");
    auto tst = test::unique_db_name("uat_cust17");
    static test::DatabaseGuard guard({prod, tst});
    test::pg_create_from_fixture(prod, "cust16");
    test::pg_create_from_fixture(tst, "cust17");
    auto results = compare(prod, tst);
    if (std::getenv("OU_UAT_TABLE") != nullptr) {
      std::cout << "| check | blocking | warning | info |\n| --- | ---: | ---: | ---: |\n";
      for (const auto& r : results) {
        std::cout << "| " << r.id << " | " << r.count(Severity::blocking) << " | "
                  << r.count(Severity::warning) << " | " << r.count(Severity::info) << " |\n";
      }
      std::cout << describe(results, Severity::warning);
    }
    return results;
  }();
  return k_results;
}

} // namespace

TEST_CASE("uat on the real pair: correctness bugs of issue 10 stay fixed", "[integration][uat]") {
  const auto& results = real_pair();
  INFO(describe(results, Severity::warning));
  CHECK(core::uat::summarize(results).errors == 0);

  SECTION("Odoo's dummy relay is not an active mail server; neutralization is info only") {
    const auto& n = check(results, "neutralization");
    CHECK(n.count(Severity::warning) == 0);
    CHECK(n.count(Severity::blocking) == 0);
    CHECK(n.count(Severity::info) > 0);
  }
  SECTION("inactive currencies are not compared") {
    CHECK(find_all(results, "UYI").empty());
    CHECK(find_all(results, "KZT").empty());
  }
  SECTION("taxes whose xml id moved to account are the same taxes") {
    for (const auto* f : find_all(results, "tax:")) {
      CHECK(f->kind == "changed");
      CHECK(f->severity == Severity::info);
      REQUIRE(f->changes.size() == 1);
      CHECK(f->changes[0].field == "xml_id");
      CHECK(f->changes[0].before.rfind("l10n_generic_coa.", 0) == 0);
      CHECK(f->changes[0].after.rfind("account.", 0) == 0);
    }
    CHECK(find_all(results, "tax:").size() == 2);
  }
  SECTION("no module is left half-way") {
    CHECK(check(results, "modules-transient").status == CheckStatus::passed);
  }
}

TEST_CASE("uat on the real pair: a payment term renamed in en_US is reported (issue 10)",
          "[integration][uat]") {
  const auto& results = real_pair();
  // README "Translations": term 8 is renamed in en_US only, its fr/de names keep the old wording;
  // its due dates are the same. A standard record the new version renamed: a warning.
  const Finding* term = nullptr;
  for (const auto* f : find_all(results, "account.account_payment_term_30_days_end_month_the_10")) {
    term = f->model == "account.payment.term" ? f : term;
  }
  REQUIRE(term != nullptr);
  CHECK(term->severity == Severity::warning);
  REQUIRE(term->changes.size() == 1);
  CHECK(term->changes[0].field == "name");
  CHECK(term->changes[0].before == "30 days End of Month on the 10th");
  CHECK(term->changes[0].after == "10 Days after End of Next Month");
  CHECK(term->reason.find("renames") != std::string::npos);
}

TEST_CASE("uat on the real pair: customised and custom views", "[integration][uat]") {
  const auto& results = real_pair();
  INFO(describe(results, Severity::warning));
  // README summary #2: the customisation of a standard view was reset by the upgrade.
  const Finding* reset = nullptr;
  for (const auto* f : find_all(results, "sale.view_quotation_tree")) {
    reset = f->key == "sale.view_quotation_tree" ? f : reset;
  }
  REQUIRE(reset != nullptr);
  CHECK(reset->severity == Severity::blocking);
  CHECK(reset->changes.at(0).field == "arch_updated");
  CHECK(reset->message.find("arch_prev") != std::string::npos);
  // The diff shows what the customer lost: their "Customer PO #" column.
  CHECK(reset->diff.rfind("@@ ", 0) == 0);
  CHECK(reset->diff.find("\n-") != std::string::npos);
  CHECK(reset->diff.find("Customer PO #") != std::string::npos);
  // Odoo regenerates base.user_groups_view: customised in both, no finding.
  CHECK(find_all(results, "base.user_groups_view").empty());
  // README summary #3: the custom view 1670 still uses attrs, which 17.0 ignores.
  bool legacy = false;
  for (const auto& f : check(results, "views").findings) {
    legacy =
        legacy || (f.name == "sale.order.form.customer.po" && f.severity == Severity::blocking &&
                   f.message.find("attrs") != std::string::npos);
  }
  CHECK(legacy);
}

TEST_CASE("uat: an identical neutralized pair gives nothing above info", "[integration][uat]") {
  test::FixturePair pair("uat_same17", "cust17", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  auto results = compare(prod, tst);
  INFO(describe(results, Severity::info));
  auto s = core::uat::summarize(results);
  CHECK(s.blocking == 0);
  CHECK(s.warning == 0);
  CHECK(s.errors == 0);
}

TEST_CASE("uat: a payment provider enabled in test and a module half-way are reported",
          "[integration][uat]") {
  test::FixturePair pair("uat_pp17", "cust17", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  {
    adapters::pg::Connection c(test::pg_conninfo(tst));
    c.exec_no_rows("UPDATE payment_provider SET state = 'enabled' WHERE id = (SELECT res_id FROM "
                   "ir_model_data WHERE module = 'payment' AND name = 'payment_provider_stripe')");
    c.exec_no_rows("UPDATE ir_module_module SET state = 'to upgrade' WHERE name = 'sale'");
    c.exec_no_rows("INSERT INTO ir_mail_server (name, smtp_host, smtp_port, smtp_encryption, "
                   "smtp_authentication, active, sequence) VALUES ('Office relay', "
                   "'smtp.acme.example', 25, 'none', 'login', true, 1)");
  }
  auto results = compare(prod, tst);
  INFO(describe(results, Severity::info));
  const auto* stripe = find_all(results, "payment.payment_provider_stripe").at(0);
  CHECK(stripe->severity == Severity::warning);
  CHECK(stripe->kind == "payment-provider-enabled");
  const auto& transient = check(results, "modules-transient");
  CHECK(transient.status == CheckStatus::failed);
  REQUIRE(transient.findings.size() == 1);
  CHECK(transient.findings[0].key == "sale");
  // The mail server that can send is named in its own row, not as an empty record cell.
  bool relay = false;
  for (const auto& f : check(results, "neutralization").findings) {
    relay = relay || (f.kind == "mail-server-active" && f.model == "ir.mail_server" &&
                      f.name.find("Office relay") != std::string::npos);
  }
  CHECK(relay);
  // Odoo's dummy relay (smtp_host 'invalid', what neutralization leaves) is no finding at all.
  CHECK(find_all(results, "neutralization - disable emails").empty());
}

TEST_CASE("uat on the real pair: the README's customer losses block, expected changes do not",
          "[integration][uat]") {
  const auto& results = real_pair();
  INFO(describe(results, Severity::warning));
  // README summary #1 (M1): the customer's fr/de subject of the invoice template was replaced.
  for (std::string lang : {"fr_FR", "de_DE"}) {
    auto lost = find_all(results, "mail.template:8:subject:" + lang);
    REQUIRE(lost.size() == 1);
    CHECK(lost[0]->severity == Severity::blocking);
    CHECK(lost[0]->name.find("Invoice") != std::string::npos);
  }
  // Of the 6000 translation differences, only the customer's own wording blocks.
  CHECK(check(results, "translations").count(Severity::blocking) == 2);
  // README summary #6 (M6): fr/de bodies of the quotation template are out of step: a warning.
  for (std::string lang : {"fr_FR", "de_DE"}) {
    auto step = find_all(results, "mail.template:15:body_html:" + lang);
    REQUIRE(step.size() == 1);
    CHECK(step[0]->severity == Severity::warning);
    CHECK(step[0]->kind == "out-of-step");
  }
  // The lead's decision: report_name (removed in 17.0) is a warning with its reason when the
  // customer edited the template, info otherwise; never blocking.
  auto report_names = find_all(results, ":report_name:");
  REQUIRE_FALSE(report_names.empty());
  for (const auto* f : report_names) {
    CHECK(f->severity != Severity::blocking);
    CHECK(f->reason.find("17.0") != std::string::npos);
  }
  // Expected 17.0 changes: modules merged/added, groups, reports, products of new modules.
  for (std::string id : {"modules", "users", "reports", "products", "record-counts"}) {
    INFO(id);
    CHECK(check(results, id).count(Severity::blocking) == 0);
    CHECK(check(results, id).count(Severity::warning) == 0);
  }
  // Mail template bodies replaced by 17.0 read as a short diff, not only a digest.
  for (const auto& f : check(results, "mail-templates").findings) {
    if (f.kind == "changed" && f.changes.at(0).field == "body") {
      INFO(f.key);
      CHECK(f.diff.rfind("@@ ", 0) == 0);
      CHECK(std::count(f.diff.begin(), f.diff.end(), '\n') <= 31);
    }
  }
  const auto* merged = find_all(results, "l10n_generic_coa").at(0);
  CHECK(merged->severity == Severity::info);
  CHECK(merged->reason.find("account") != std::string::npos);
  // Group changes read as removed / added.
  const auto* admin = find_all(results, "user:admin").at(0);
  CHECK(admin->message.find("removed: account.group_show_line_subtotals_tax_excluded") !=
        std::string::npos);
  // Warnings are few, and each one is explained.
  auto s = core::uat::summarize(results);
  CHECK(s.warning <= 16);
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      if (f.severity == Severity::warning) {
        INFO(f.message);
        CHECK((!f.reason.empty() || f.kind == "out-of-step"));
      }
    }
  }
}

TEST_CASE("uat on the real pair: business data losses are named", "[integration][uat]") {
  const auto& results = real_pair();
  INFO(describe(results, Severity::warning));
  // README (M7): 5 partner tag links lost, each named by partner and tag.
  std::vector<const Finding*> links;
  for (const auto* f : find_all(results, "partner_tag:")) {
    CHECK(f->severity == Severity::blocking);
    links.push_back(f);
  }
  CHECK(links.size() == 5);
  bool deco = false;
  for (const auto* f : links) {
    deco = deco || f->name == "Deco Addict → Key Account";
  }
  CHECK(deco);
  // README (M5): company 1 lost its chart of accounts identity.
  const auto* chart = find_all(results, "company_chart:1").at(0);
  CHECK(chart->severity == Severity::blocking);
  // README (M4): the 35 h and 38 h schedules, deleted by OpenUpgrade because unused and
  // unmodified: a warning naming them, with the reason (the lead's decision).
  for (std::string xmlid :
       {"resource.resource_calendar_std_35h", "resource.resource_calendar_std_38h"}) {
    const auto* cal = find_all(results, "calendar:" + xmlid).at(0);
    CHECK(cal->severity == Severity::warning);
    CHECK(cal->kind == "missing");
    CHECK(cal->reason.find("OpenUpgrade") != std::string::npos);
  }
  // The planted schedule is kept.
  CHECK(find_all(results, "Warehouse 4-day week").empty());
}

TEST_CASE("uat on the real pair: the customer's configuration is compared and kept",
          "[integration][uat]") {
  const auto& results = real_pair();
  INFO(describe(results, Severity::info));
  // README "Payment terms": same terms and lines, converted to 17.0's percent / nb_days. The one
  // change is '2 Months' (N months → N×30 days): a warning with OpenUpgrade's reason.
  std::vector<const Finding*> terms;
  for (const auto* f : find_all(results, "account_payment_term")) {
    // Term 8's rename in en_US has its own test above.
    if (f->changes.size() != 1 || f->changes[0].field != "name") {
      terms.push_back(f);
    }
  }
  for (const auto* f : find_all(results, "payment_term:")) {
    terms.push_back(f);
  }
  REQUIRE(terms.size() == 1);
  CHECK(terms[0]->key == "account.account_payment_term_2months");
  CHECK(terms[0]->severity == Severity::warning);
  CHECK(terms[0]->reason.find("30") != std::string::npos);
  // README "Pricelists", "Stock", attributes and analytic plans: equal, so no finding; payment
  // providers: only the new, disabled Xendit, which production does not use.
  for (std::string key :
       {"pricelist", "onhand:", "attribute", "analytic_plan:", "payment_provider"}) {
    INFO(key);
    CHECK(find_all(results, key).empty());
  }
  // Chatter per model: the notes of the removed account.account.template and the channels
  // renamed discuss.channel are expected (info, with the reason); every other model only grew.
  for (const auto* f : find_all(results, "chatter:")) {
    INFO(f->message);
    CHECK(f->severity == Severity::info);
    if (f->kind == "missing") {
      CHECK_FALSE(f->reason.empty());
    }
  }
  CHECK(find_all(results, "chatter:account.account.template").size() == 1);
  CHECK(find_all(results, "chatter:mail.channel").size() == 1);
}

TEST_CASE("uat on the real pair: translations by language, read from the jsonb columns",
          "[integration][uat]") {
  const auto& results = real_pair();
  const auto& tr = check(results, "translations");
  // The jsonb path reads every translated column of 16.0 (README: fr/de on products, categories,
  // templates, menus, tags, terms and Odoo's own metadata).
  CHECK(tr.compared > 30000);
  // Only the languages production has are compared: fr_FR and de_DE.
  std::set<std::string> languages;
  for (const auto& f : tr.findings) {
    languages.insert(f.key.substr(f.key.rfind(':') + 1));
  }
  CHECK(languages == std::set<std::string>{"de_DE", "fr_FR"});
  // README: the planted fr/de product names are kept, so no product name is reported.
  for (const auto* f : find_all(results, "product.template:")) {
    CHECK(f->key.find(":name:") == std::string::npos);
  }

  // A customer's own product name (CUST-001, written by a user) losing its French wording and its
  // German one in the test copy: both blocking, naming the product.
  test::FixturePair pair("uat_tr16", "cust16", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  {
    adapters::pg::Connection c(test::pg_conninfo(tst));
    c.exec_no_rows("UPDATE product_template SET name = jsonb_set(name, '{fr_FR}', "
                   "'\"Bureau debout\"') - 'de_DE' WHERE default_code = 'CUST-001'");
  }
  auto changed = compare(prod, tst);
  INFO(describe(changed, Severity::blocking));
  int named = 0;
  for (const auto& f : check(changed, "translations").findings) {
    if (f.key.rfind("product.template:", 0) == 0 && f.key.find(":name:") != std::string::npos) {
      CHECK(f.severity == Severity::blocking);
      CHECK(f.name == "Ergonomic Standing Desk");
      CHECK(f.kind == (f.key.find("fr_FR") != std::string::npos ? "changed" : "missing"));
      ++named;
    }
  }
  CHECK(named == 2);
}

TEST_CASE("uat run's text output shows every blocking finding, however many warnings come first",
          "[integration][uat]") {
  // On the real pair, translations has more warnings than the text shows per check, found before
  // its two blocking findings (the lost fr/de invoice subjects).
  test::FixturePair pair("uat_text16", "cust16", "cust17");
  const std::string& prod = pair.prod;
  const std::string& tst = pair.test;
  test::TempDir dir("uat-text");
  auto report = dir / "report.json";
  auto text = test::run_cli({"uat",
                             "run",
                             "--prod-db",
                             test::pg_conninfo(prod),
                             "--test-db",
                             test::pg_conninfo(tst),
                             "--check",
                             "translations",
                             "-o",
                             report.string()},
                            dir.path());
  INFO(text.out);
  REQUIRE(text.exit_code == 1);
  // Every finding is in the report file (stdout keeps only the text).
  auto doc = nlohmann::json::parse(test::read_file(report));
  int blocking = 0;
  for (const auto& check : doc["checks"]) {
    for (const auto& f : check["findings"]) {
      if (f["severity"] == "blocking") {
        ++blocking;
        CHECK(text.out.find(std::string("[").append(f["id"].get<std::string>())) !=
              std::string::npos); // not `"[" + …`: GCC PR105651 at -O3
      }
    }
  }
  CHECK(blocking >= 2);
  CHECK(text.out.find("more (warnings or accepted)") != std::string::npos);
}
