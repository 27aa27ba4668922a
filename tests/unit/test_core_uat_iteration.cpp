#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_report.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace odoo_upgrade::core::uat;
using odoo_upgrade::core::Severity;

namespace {

Finding finding(Severity severity, const std::string& key, const std::string& after = "false") {
  Finding f;
  f.severity = severity;
  f.kind = "changed";
  f.model = "ir.ui.view";
  f.key = key;
  f.name = key;
  f.message = "view '" + key + "' changed: active true → " + after;
  f.changes.push_back({"active", "true", after});
  return f;
}

CheckResult views(const std::vector<Finding>& findings) {
  CheckResult c;
  c.id = "views";
  c.title = "Views";
  for (const auto& f : findings) {
    c.add(f);
  }
  c.finish();
  identify(c);
  return c;
}

Acceptance accept(const Finding& f, const std::string& reason) {
  Acceptance a;
  a.id = f.id;
  a.check = "views";
  a.digest = f.digest;
  a.reason = reason;
  a.by = "Jane";
  a.at = "2026-11-21T10:00:00Z";
  a.round = 1;
  a.message = f.message;
  return a;
}

} // namespace

TEST_CASE("core::uat::finding_id is short, stable and names the check", "[core]") {
  auto a = finding(Severity::blocking, "sale.view_order_form");
  auto b = finding(Severity::warning, "sale.view_order_form", "maybe");
  auto id = finding_id("views", a);
  CHECK(std::regex_match(id, std::regex("views-[0-9a-f]{10}")));
  // The same record gives the same id whatever its values and severity.
  CHECK(finding_id("views", b) == id);
  CHECK(finding_id("reports", a) != id);
  CHECK(finding_id("views", finding(Severity::blocking, "sale.view_order_tree")) != id);
  // A finding about the database as a whole is named by its kind.
  Finding whole;
  whole.kind = "not-neutralized";
  Finding other;
  other.kind = "neutralized";
  CHECK(finding_id("neutralization", whole) != finding_id("neutralization", other));
}

TEST_CASE("core::uat::finding_digest follows the content, not the wording", "[core]") {
  auto a = finding(Severity::blocking, "v1");
  auto reworded = a;
  reworded.message = "another wording";
  reworded.reason = "why";
  CHECK(finding_digest(reworded) == finding_digest(a));
  CHECK(finding_digest(finding(Severity::blocking, "v1", "maybe")) != finding_digest(a));
  CHECK(finding_digest(finding(Severity::warning, "v1")) != finding_digest(a));
  CHECK(finding_digest(a).size() == 16);
}

TEST_CASE("core::uat::identify keeps ids unique within a check", "[core]") {
  auto c = views({finding(Severity::blocking, "v1"), finding(Severity::warning, "v1")});
  REQUIRE(c.findings.size() == 2);
  CHECK(c.findings[1].id == c.findings[0].id + "-2");
  // Ids already set (read from a report file) are kept.
  auto again = c;
  identify(again);
  CHECK(again.findings[0].id == c.findings[0].id);
  CHECK(again.findings[1].id == c.findings[1].id);
}

TEST_CASE("core::uat::compare_rounds: new, still there, fixed", "[core]") {
  std::vector<CheckResult> previous = {views({finding(Severity::blocking, "fixed.one"),
                                              finding(Severity::blocking, "still.one"),
                                              finding(Severity::info, "info.one")})};
  std::vector<CheckResult> current = {views({finding(Severity::blocking, "still.one", "maybe"),
                                             finding(Severity::warning, "new.one"),
                                             finding(Severity::info, "info.two")})};
  auto changes = compare_rounds(current, previous, 1);
  CHECK(changes.fixed == 1);
  CHECK(changes.added == 1);
  CHECK(changes.still == 1);
  REQUIRE(changes.fixed_findings.size() == 1);
  CHECK(changes.fixed_findings[0].first == "views");
  CHECK(changes.fixed_findings[0].second.key == "fixed.one");
  CHECK(current[0].findings[0].since == "still");
  CHECK(current[0].findings[1].since == "new");
  CHECK(current[0].findings[2].since.empty()); // info: not a problem
  CHECK(changes_line(changes) == "1 fixed, 1 new, 1 still there since round 1");

  SECTION("a check without a result on either side is not compared") {
    std::vector<CheckResult> errored = previous;
    errored[0].status = CheckStatus::error;
    std::vector<CheckResult> now = {views({finding(Severity::blocking, "x")})};
    auto c = compare_rounds(now, errored, 1);
    CHECK(c.added == 0);
    CHECK(c.fixed == 0);
    CHECK(now[0].findings[0].since.empty());
  }
  SECTION("the first round has nothing to compare with") {
    std::vector<CheckResult> now = {views({finding(Severity::blocking, "x")})};
    auto c = compare_rounds(now, {}, 0);
    CHECK(changes_line(c) == "first round: nothing to compare with");
    CHECK(now[0].findings[0].since.empty());
  }
}

TEST_CASE("core::uat::apply_acceptances", "[core]") {
  auto blocking = finding(Severity::blocking, "v1");
  std::vector<CheckResult> results = {views({blocking, finding(Severity::blocking, "v2")})};
  auto a = accept(results[0].findings[0], "the customer removed that field on purpose");
  std::vector<Acceptance> acceptances = {a};

  SECTION("an unchanged finding no longer counts") {
    CHECK(summarize(results).blocking == 2);
    CHECK(apply_acceptances(results, acceptances) == 1);
    CHECK(summarize(results).blocking == 1);
    CHECK(results[0].findings[0].is_accepted());
    CHECK(results[0].findings[0].accepted->reason == a.reason);
    CHECK(accepted_count(results) == 1);
    CHECK(results[0].status == CheckStatus::failed);
  }
  SECTION("every blocking finding accepted: the check passes") {
    acceptances.push_back(accept(results[0].findings[1], "also"));
    apply_acceptances(results, acceptances);
    CHECK(summarize(results).go());
    CHECK(results[0].status == CheckStatus::passed);
  }
  SECTION("a changed finding blocks again and says its acceptance lapsed") {
    std::vector<CheckResult> later = {views({finding(Severity::blocking, "v1", "maybe")})};
    REQUIRE(later[0].findings[0].id == a.id);
    CHECK(apply_acceptances(later, acceptances) == 0);
    CHECK(summarize(later).blocking == 1);
    REQUIRE(later[0].findings[0].accepted);
    CHECK(later[0].findings[0].accepted->lapsed);
    CHECK_FALSE(later[0].findings[0].is_accepted());
  }
  SECTION("find_finding") {
    auto [check, f] = find_finding(results, a.id);
    REQUIRE(f != nullptr);
    CHECK(check->id == "views");
    CHECK(find_finding(results, "views-0000000000").second == nullptr);
  }
}

TEST_CASE("core::uat reports show ids, the iteration and acceptances", "[core]") {
  Report r;
  r.customer = "Acme";
  r.round = 2;
  r.has_run = true;
  std::vector<CheckResult> previous = {
      views({finding(Severity::blocking, "gone.view"), finding(Severity::blocking, "kept.view")})};
  r.checks = {
      views({finding(Severity::blocking, "kept.view"), finding(Severity::blocking, "new.view")})};
  r.changes = compare_rounds(r.checks, previous, 1);
  auto a = accept(r.checks[0].findings[0], "known: the customer drops this view");
  apply_acceptances(r.checks, {a});
  std::string id = r.checks[0].findings[0].id;
  for (auto format : {ReportFormat::text,
                      ReportFormat::markdown,
                      ReportFormat::html,
                      ReportFormat::junit,
                      ReportFormat::json}) {
    auto out = render_report(r, format);
    INFO(out);
    CHECK(out.find(id) != std::string::npos);
    CHECK(out.find("known: the customer drops this view") != std::string::npos);
    CHECK(out.find("1 fixed, 1 new, 1 still there since round 1") != std::string::npos);
    CHECK(out.find("gone.view") != std::string::npos); // the fixed finding is listed
  }
  auto json = report_to_json(r);
  CHECK(json["iteration"]["fixed"] == 1);
  CHECK(json["iteration"]["accepted"] == 1);
  CHECK(json["automated"]["blocking"] == 1);
  CHECK(json["automated"]["checks"][0]["findings"][0]["accepted"]["by"] == "Jane");
  CHECK(json["automated"]["checks"][0]["findings"][1]["since"] == "new");
  // The accepted blocking finding is not a JUnit failure; the other one is.
  auto xml = render_report(r, ReportFormat::junit);
  auto failure = xml.substr(xml.find("<failure"));
  failure = failure.substr(0, failure.find("</failure>"));
  CHECK(failure.find("new.view") != std::string::npos);
  CHECK(failure.find("kept.view") == std::string::npos);
}

TEST_CASE("core::uat a finding's id, state and acceptance round-trip through JSON", "[core]") {
  std::vector<CheckResult> results = {views({finding(Severity::blocking, "v1")})};
  apply_acceptances(results, {accept(results[0].findings[0], "why not")});
  results[0].findings[0].since = "still";
  auto back = check_result_from_json(to_json(results[0]));
  const auto& f = back.findings.at(0);
  CHECK(f.id == results[0].findings[0].id);
  CHECK(f.digest == results[0].findings[0].digest);
  CHECK(f.since == "still");
  REQUIRE(f.accepted);
  CHECK(f.accepted->reason == "why not");
  CHECK_FALSE(f.accepted->lapsed);
}
