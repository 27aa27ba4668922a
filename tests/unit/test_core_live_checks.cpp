// The live checks' results from live_checks.py's output, on the documents captured from the real
// Odoo 17.0 runtime on the real pair's 17.0 database, with and without the planted broken view and
// report (tests/fixtures/odoo-logs/README.md).
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/core/live_checks.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace odoo_upgrade;
using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

json captured(const std::string& name) {
  std::string out =
      test::read_file(std::filesystem::path(OU_SOURCE_DIR) / "tests/fixtures/odoo-logs" / name);
  auto doc =
      adapters::odoo::marked_document(out, "@@OU-LIVE-CHECKS-BEGIN@@", "@@OU-LIVE-CHECKS-END@@");
  REQUIRE(doc);
  return *doc;
}

const uat::CheckResult& result(const std::vector<uat::CheckResult>& all, const std::string& id) {
  for (const auto& r : all) {
    if (r.id == id) {
      return r;
    }
  }
  FAIL("no result for " << id);
  throw std::logic_error("unreachable");
}

const uat::Finding* blocking(const uat::CheckResult& r) {
  for (const auto& f : r.findings) {
    if (f.severity == Severity::blocking) {
      return &f;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("live checks: the catalogue and the script's parameters", "[core]") {
  CHECK(live::selected_live_checks({}).size() == 5);
  CHECK(live::selected_live_checks({"views", "pages"}) == std::vector<std::string>{"pages"});
  CHECK(live::selected_live_checks({"modules"}).empty());
  CHECK(live::is_live_check("reports-render"));
  CHECK_FALSE(live::is_live_check("pages-list"));
  json p = live::script_parameters({"views-render", "pages"}, "admin");
  CHECK(p["checks"] == json({"views-render", "pages-list"}));
  CHECK(p["login"] == "admin");
  CHECK_FALSE(live::script_parameters({"export"}, "").contains("login"));
}

TEST_CASE("live checks: skipped without a target Odoo, in catalogue order, not blocking",
          "[core]") {
  auto skipped = live::skipped_results({"export", "views-render"}, "no target Odoo configured");
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0].id == "views-render");
  CHECK(skipped[1].id == "export");
  for (const auto& r : skipped) {
    CHECK(r.status == odoo_upgrade::core::uat::CheckStatus::skipped);
    CHECK(r.error == "no target Odoo configured");
    CHECK_FALSE(r.title.empty());
  }
  auto s = odoo_upgrade::core::uat::summarize(skipped);
  CHECK(s.skipped == 2);
  CHECK(s.errors == 0);
  CHECK(s.go());
  // Every live check is in the UAT catalogue, so that the round's verdict asks for its result.
  for (const auto& c : live::live_check_catalogue()) {
    CHECK(odoo_upgrade::core::uat::find_check(c.id) != nullptr);
  }
}

TEST_CASE("live checks: the real 17.0 upgrade is green", "[core]") {
  json doc = captured("live-checks-cust17.stdout");
  auto pages = live::pages_to_fetch(doc);
  REQUIRE_FALSE(pages.empty());
  CHECK(pages.front().url == "/");
  std::vector<live::PageFetch> fetched;
  for (const auto& p : pages) {
    fetched.push_back({p, 200, ""});
  }
  auto all =
      live::live_results(live::selected_live_checks({}), doc, "", fetched, {"/", "/contactus"});
  REQUIRE(all.size() == 5);
  for (const auto& r : all) {
    INFO(r.id << " " << r.error);
    CHECK(r.status != uat::CheckStatus::failed);
    CHECK(r.status != uat::CheckStatus::error);
    CHECK(r.count(Severity::blocking) == 0);
  }
  CHECK(result(all, "views-render").compared == 355);
  // The custom view that still uses `attrs` is a warning: the update deactivates nothing for it.
  CHECK(result(all, "views-render").count(Severity::warning) == 1);
  CHECK(result(all, "records").status == uat::CheckStatus::passed);
}

TEST_CASE("live checks: the planted broken view and report are blocking findings naming them",
          "[core]") {
  json doc = captured("live-checks-cust17_planted.stdout");
  auto all = live::live_results({"views-render", "reports-render"}, doc, "", {}, {});
  REQUIRE(all.size() == 2);
  const auto* view = blocking(result(all, "views-render"));
  REQUIRE(view != nullptr);
  CHECK(view->key == "ou_planted.view_picking_form_immediate_transfer");
  CHECK(view->model == "stock.picking");
  CHECK(view->message.find("immediate_transfer") != std::string::npos);
  CHECK(view->name.find("stock.picking.form.customer.immediate_transfer") != std::string::npos);
  const auto* report = blocking(result(all, "reports-render"));
  REQUIRE(report != nullptr);
  CHECK(report->key == "ou_planted.action_report_saleorder_confirmation");
  CHECK(report->message.find("External ID not found") != std::string::npos);
  CHECK(result(all, "reports-render").status == uat::CheckStatus::failed);
}

TEST_CASE("live checks: pages answering 5xx or gone, and a script that did not finish", "[core]") {
  json doc = captured("live-checks-cust17.stdout");
  auto pages = live::pages_to_fetch(doc);
  REQUIRE(pages.size() >= 2);
  std::vector<live::PageFetch> fetched = {{pages[0], 500, ""}, {pages[1], 0, "timed out"}};
  auto all = live::live_results({"pages"}, doc, "", fetched, {"/about-us"});
  const auto& r = result(all, "pages");
  CHECK(r.count(Severity::blocking) == 2);
  CHECK(r.count(Severity::warning) == 1);
  CHECK(r.status == uat::CheckStatus::failed);

  all = live::live_results(
      {"records", "export"}, json(), "odoo-bin shell exited 1: SyntaxError", {}, {});
  REQUIRE(all.size() == 2);
  CHECK(all[0].status == uat::CheckStatus::error);
  CHECK(all[0].error.find("SyntaxError") != std::string::npos);
}

TEST_CASE("live checks: the gate, and what uat run --dry-run says", "[core]") {
  // Not configured: skipped, with the command that configures one.
  auto gate = live::live_gate(false, {});
  REQUIRE(gate);
  CHECK(gate->status == uat::CheckStatus::skipped);
  CHECK(gate->why.find("odoo-upgrade config --odoo-bin") != std::string::npos);
  // Modules left mid-update (Odoo killed during -u): not run, naming them.
  gate = live::live_gate(true, {{"auditlog", "to upgrade"}, {"sale", "to install"}});
  REQUIRE(gate);
  CHECK(gate->status == uat::CheckStatus::error);
  CHECK(gate->why.find("auditlog (to upgrade), sale (to install)") != std::string::npos);
  CHECK(gate->why.find("test-request") != std::string::npos);
  auto results = live::gated_results({"records", "views-render"}, *gate);
  REQUIRE(results.size() == 2);
  CHECK(results[0].id == "views-render");
  CHECK(results[0].status == uat::CheckStatus::error);
  CHECK_FALSE(uat::summarize(results).go());
  CHECK_FALSE(live::live_gate(true, {}));

  CHECK(live::plan_line({}, std::nullopt, "x", "db").empty());
  std::string run =
      live::plan_line({"views-render", "pages"}, std::nullopt, "py odoo-bin shell", "t1");
  CHECK(run ==
        "run the live checks views-render, pages through the target Odoo (py odoo-bin shell) on "
        "'t1', in one transaction rolled back");
  std::string skip = live::plan_line({"export"}, live::live_gate(false, {}), "", "t1");
  CHECK(skip.rfind("skip the live checks export: no target Odoo configured", 0) == 0);
  std::string stop = live::plan_line({"export"}, gate, "", "t1");
  CHECK(stop.rfind("not run the live checks export: the test database has modules left", 0) == 0);
}

TEST_CASE("live checks: reports-render says whether PDF was rendered, or HTML only and why",
          "[core]") {
  CHECK(live::script_parameters({"reports-render"}, "")["pdf"] == true);
  auto pdf_finding = [](const json& doc) {
    auto all = live::live_results({"reports-render"}, doc, "", {}, {});
    REQUIRE(all.size() == 1);
    for (const auto& f : all[0].findings) {
      if (f.kind == "pdf") {
        CHECK(f.severity == Severity::info);
        return f.message;
      }
    }
    return std::string();
  };
  // The captured run had no wkhtmltopdf: HTML only, and why.
  json doc = captured("live-checks-cust17.stdout");
  CHECK(pdf_finding(doc).find("HTML only: wkhtmltopdf is not installed") != std::string::npos);
  for (auto& c : doc["checks"]) {
    if (c["id"] == "reports-render") {
      c["pdf"] = {{"wkhtmltopdf", "ok"}, {"rendered", true}, {"count", 12}};
      c["failures"] = json::array({{{"key", "report:stock.action_report_picking"},
                                    {"kind", "pdf-error"},
                                    {"model", "stock.picking"},
                                    {"xml_id", "stock.action_report_picking"},
                                    {"name", "Picking Operations"},
                                    {"error", "UserError: Wkhtmltopdf failed (error code: -6)"}}});
    }
  }
  CHECK(pdf_finding(doc) == "PDF reports also rendered as PDF with wkhtmltopdf (12 rendered)");
  auto all = live::live_results({"reports-render"}, doc, "", {}, {});
  const auto* failure = blocking(all[0]);
  REQUIRE(failure != nullptr);
  CHECK(failure->kind == "pdf-error");
  CHECK(failure->key == "stock.action_report_picking");
  CHECK(all[0].status == uat::CheckStatus::failed);
}
