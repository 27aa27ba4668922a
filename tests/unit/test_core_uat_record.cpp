#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/live_checks.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core::uat;
using nlohmann::json;
using odoo_upgrade::core::ExitCode;
using odoo_upgrade::core::FilesystemError;
using odoo_upgrade::core::parse_iso8601;
using odoo_upgrade::core::Project;
using odoo_upgrade::core::Severity;

namespace {

CheckResult views_check(std::size_t findings) {
  CheckResult c;
  c.id = "views";
  c.title = "Views";
  c.severity = Severity::blocking;
  for (std::size_t i = 0; i < findings; ++i) {
    Finding f;
    f.severity = Severity::blocking;
    f.key = std::string("v").append(std::to_string(i)); // GCC PR105651 at -O3
    c.add(f);
  }
  c.finish();
  return c;
}

UatRecord sample() {
  UatRecord u;
  u.checklist = default_checklist();
  u.checklist->push_back({"customs", "Print the customs declaration", "custom"});
  RunRecord run;
  run.at = "2026-11-21T10:00:00Z";
  run.seconds = 2.5;
  run.report_file = "/w/rounds/1/uat-20261121T100000Z.json";
  run.test_db = "acme_test_1";
  run.checks = {views_check(1)};
  run.summary = summarize(run.checks);
  u.rounds[1].add_run(run);
  u.rounds[1].marks["customs"] = {MarkStatus::fail, "blank page", "2026-11-21T11:00:00Z", "Jane"};
  Signoff s;
  s.round = 1;
  s.by = "Jane Customer";
  s.at = "2026-11-21T12:00:00Z";
  s.forced = true;
  s.reason = "not used";
  s.refusals_overridden = {"1 manual item(s) failed: customs"};
  u.signoff = s;
  return u;
}

} // namespace

TEST_CASE("core::uat::UatRecord round-trips through JSON", "[core]") {
  auto u = sample();
  u.extra["future"] = 1;
  u.rounds[1].extra["kept"] = true;
  auto j = to_json(u);
  CHECK(j["rounds"]["1"]["runs"][0]["blocking"] == 1);
  CHECK(j["rounds"]["1"]["runs"][0]["go"] == false);
  CHECK(j["rounds"]["1"]["marks"]["customs"]["status"] == "fail");
  auto back = uat_from_json(j);
  REQUIRE(back.checklist);
  CHECK(back.items().size() == default_checklist().size() + 1);
  const auto* run = back.round(1).latest_run();
  REQUIRE(run != nullptr);
  CHECK(run->summary.blocking == 1);
  CHECK(run->checks[0].findings[0].severity == Severity::blocking);
  CHECK(back.round(1).marks.at("customs").note == "blank page");
  REQUIRE(back.signoff);
  CHECK(back.signoff->refusals_overridden.size() == 1);
  CHECK(back.extra == json{{"future", 1}});
  CHECK(back.round(1).extra == json{{"kept", true}});
  CHECK(to_json(back) == j);
}

TEST_CASE("core::uat::UatRecord keeps unknown keys of nested entries", "[core]") {
  auto j = to_json(sample());
  j["checklist"][0]["owner"] = "Jane";
  j["rounds"]["1"]["marks"]["customs"]["ticket"] = 12;
  j["signoff"]["witness"] = "Bob";
  j["rounds"]["1"]["runs"][0]["host"] = "laptop";
  CHECK(to_json(uat_from_json(j)) == j);
}

TEST_CASE("core::uat::UatRecord views of one round", "[core]") {
  auto u = sample();
  auto items = u.marked_items(1);
  CHECK(items.back().first.id == "customs");
  CHECK(items.back().second.status == MarkStatus::fail);
  CHECK(items.front().second.status == MarkStatus::unmarked);
  CHECK(u.signoff_of(1));
  CHECK_FALSE(u.signoff_of(2));
  CHECK(u.round(2).latest_run() == nullptr);
  CHECK(UatRecord{}.items().size() == default_checklist().size());
}

TEST_CASE("core::uat::RoundRecord::add_run keeps the latest runs", "[core]") {
  RoundRecord r;
  for (std::size_t i = 0; i < k_runs_kept + 3; ++i) {
    RunRecord run;
    run.at = std::to_string(i);
    r.add_run(run);
  }
  CHECK(r.runs.size() == k_runs_kept);
  CHECK(r.latest_run()->at == std::to_string(k_runs_kept + 2));
  CHECK(r.runs.front().at == "3");
}

namespace {

CheckResult result_of(const std::string& id, Severity worst) {
  CheckResult c;
  c.id = id;
  c.title = id;
  if (worst != Severity::info) {
    Finding f;
    f.severity = worst;
    f.key = id + ":k";
    c.add(f);
  }
  c.finish();
  return c;
}

RunRecord
run_of(const std::string& at, const std::string& test_db, std::vector<CheckResult> checks) {
  RunRecord run;
  run.at = at;
  run.test_db = test_db;
  run.report_file = "/r/" + at + ".json";
  run.checks = std::move(checks);
  run.summary = summarize(run.checks);
  return run;
}

} // namespace

TEST_CASE("core::uat::RoundRecord::latest_results (the verdict rule)", "[core]") {
  RoundRecord r;
  // A full run with a blocking finding in accounting, then a partial run of views only.
  r.add_run(run_of("2026-11-29T10:00:00Z",
                   "t1",
                   {result_of("views", Severity::blocking),
                    result_of("accounting", Severity::blocking),
                    result_of("users", Severity::warning)}));
  r.add_run(run_of("2026-11-29T11:00:00Z", "t1", {result_of("views", Severity::info)}));
  std::vector<std::string> ids = {"views", "accounting", "users", "filters"};

  SECTION("a partial run replaces only the checks it ran") {
    auto latest = r.latest_results(ids, "t1", "");
    REQUIRE(latest.size() == 4);
    CHECK(latest[0].result.status == CheckStatus::passed);
    CHECK(latest[0].run_at == "2026-11-29T11:00:00Z");
    CHECK(latest[1].result.status == CheckStatus::failed);
    CHECK(latest[1].run_at == "2026-11-29T10:00:00Z");
    CHECK(latest[1].report_file == "/r/2026-11-29T10:00:00Z.json");
    CHECK(latest[2].result.status == CheckStatus::warning);
    // Never run: an error, so the round is not GO.
    CHECK_FALSE(latest[3].ran());
    CHECK(latest[3].result.status == CheckStatus::error);
    CHECK(latest[3].result.error.find("uat run --check filters") != std::string::npos);
    std::vector<CheckResult> results;
    for (const auto& l : latest) {
      results.push_back(l.result);
    }
    auto s = summarize(results);
    CHECK(s.blocking == 1);
    CHECK(s.errors == 1);
    CHECK_FALSE(s.go());
  }
  SECTION("runs before the latest restore or on another database do not count") {
    auto latest = r.latest_results(ids, "t1", "2026-11-29T10:30:00Z");
    CHECK(latest[0].ran());
    CHECK_FALSE(latest[1].ran());
    CHECK(latest[1].result.status == CheckStatus::error);
    CHECK_FALSE(latest[2].ran());
    for (const auto& l : r.latest_results(ids, "t2", "")) {
      CHECK_FALSE(l.ran());
    }
  }
  SECTION("every check run and clean is GO") {
    r.add_run(run_of("2026-11-29T12:00:00Z",
                     "t1",
                     {result_of("accounting", Severity::info),
                      result_of("users", Severity::warning),
                      result_of("filters", Severity::info)}));
    std::vector<CheckResult> results;
    for (const auto& l : r.latest_results(ids, "t1", "2026-11-29T10:30:00Z")) {
      CHECK(l.ran());
      results.push_back(l.result);
    }
    CHECK(summarize(results).go());
  }
  SECTION("live checks skipped without a target Odoo count as run and keep the round GO") {
    std::vector<CheckResult> checks = {result_of("accounting", Severity::info),
                                       result_of("users", Severity::warning),
                                       result_of("filters", Severity::info)};
    auto skipped = odoo_upgrade::core::live::skipped_results({"views-render", "export"},
                                                             "no target Odoo configured");
    REQUIRE(skipped.size() == 2);
    checks.insert(checks.end(), skipped.begin(), skipped.end());
    r.add_run(run_of("2026-11-29T12:00:00Z", "t1", checks));
    std::vector<std::string> with_live = ids;
    with_live.push_back("views-render");
    with_live.push_back("export");
    std::vector<CheckResult> results;
    for (const auto& l : r.latest_results(with_live, "t1", "2026-11-29T10:30:00Z")) {
      CHECK(l.ran());
      results.push_back(l.result);
    }
    CHECK(results[4].status == CheckStatus::skipped);
    CHECK(results[4].error == "no target Odoo configured");
    auto s = summarize(results);
    CHECK(s.skipped == 2);
    CHECK(s.errors == 0);
    CHECK(s.go());
    // The run record keeps the count through the project file.
    auto back = run_from_json(to_json(r.runs.back()), "run");
    CHECK(back.summary.skipped == 2);
    // A live check never run (not even skipped) is still NO-GO.
    with_live.push_back("pages");
    results.clear();
    for (const auto& l : r.latest_results(with_live, "t1", "2026-11-29T10:30:00Z")) {
      results.push_back(l.result);
    }
    CHECK_FALSE(summarize(results).go());
  }
}

TEST_CASE("core::uat::brief", "[core]") {
  // Every blocking finding and warning stays (what the verdict and acceptances need), those
  // beyond the first ones without their changes; infos beyond the first ones are cut.
  auto c = views_check(k_findings_in_project + 5);
  c.findings[k_findings_in_project + 1].changes.push_back({"active", "true", "false"});
  c.findings[0].changes.push_back({"active", "true", "false"});
  for (std::size_t i = 0; i < 7; ++i) {
    Finding info;
    info.key = std::string("i").append(std::to_string(i)); // GCC PR105651 at -O3
    c.add(info);
  }
  auto b = brief(c);
  CHECK(b.findings.size() == k_findings_in_project + 5);
  CHECK(b.truncated);
  CHECK(b.findings[0].changes.size() == 1);
  CHECK(b.findings[k_findings_in_project + 1].changes.empty());
  CHECK(b.findings[k_findings_in_project + 1].key == c.findings[k_findings_in_project + 1].key);
  CHECK(b.count(Severity::blocking) == static_cast<long long>(k_findings_in_project + 5));
  CHECK(b.count(Severity::info) == 7);
  CHECK_FALSE(brief(views_check(1)).truncated);
}

TEST_CASE("core::uat::Acceptance round-trips and is refused with a wrong field", "[core]") {
  auto u = sample();
  Acceptance a;
  a.id = "views-0123456789";
  a.check = "views";
  a.digest = "0123456789abcdef";
  a.reason = "retired form";
  a.by = "Jane";
  a.at = "2026-11-21T10:00:00Z";
  a.round = 1;
  a.severity = Severity::warning;
  a.message = "view 'x' changed";
  a.extra["ticket"] = 7;
  u.acceptances.push_back(a);
  auto j = to_json(u);
  auto back = uat_from_json(j);
  REQUIRE(back.acceptances.size() == 1);
  REQUIRE(back.acceptance("views-0123456789") != nullptr);
  CHECK(back.acceptance("views-0123456789")->severity == Severity::warning);
  CHECK(back.acceptance("views-0123456789")->reason == "retired form");
  CHECK(back.acceptance("nope") == nullptr);
  CHECK(to_json(back) == j);
  j["acceptances"][0]["round"] = "one";
  CHECK_THROWS_AS(uat_from_json(j), FilesystemError);
  j["acceptances"][0]["round"] = 1;
  j["acceptances"][0]["severity"] = "fatal";
  try {
    uat_from_json(j);
    FAIL("an unknown severity is accepted");
  } catch (const FilesystemError& e) {
    CHECK(std::string(e.what()).find("uat.acceptances[0].severity") != std::string::npos);
  }
}

TEST_CASE("core::uat::uat_from_json refuses bad fields (exit 6)", "[core]") {
  auto j = to_json(sample());
  auto refused = [](const json& doc, const std::string& field) {
    try {
      uat_from_json(doc);
      FAIL("no error for " << field);
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      INFO(e.what());
      CHECK(std::string(e.what()).find("'" + field + "'") != std::string::npos);
    }
  };
  SECTION("a sign-off round that is not a number") {
    j["signoff"]["round"] = "one";
    refused(j, "uat.signoff.round");
  }
  SECTION("a round key that is not a number") {
    j["rounds"]["first"] = j["rounds"]["1"];
    refused(j, "uat.rounds.first");
  }
  SECTION("an unknown mark status") {
    j["rounds"]["1"]["marks"]["customs"]["status"] = "maybe";
    refused(j, "uat.rounds.1.marks.customs.status");
  }
  SECTION("run counts of the wrong type") {
    j["rounds"]["1"]["runs"][0]["blocking"] = "many";
    refused(j, "uat.rounds.1.runs[0].blocking");
  }
  SECTION("a checklist that is not a list") {
    j["checklist"] = "default";
    refused(j, "uat.checklist");
  }
}

TEST_CASE("core::uat::read_uat and write_uat", "[core]") {
  Project p("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
  CHECK(read_uat(p).rounds.empty());
  CHECK_FALSE(find_uat(p));
  write_uat(p, sample());
  CHECK(find_uat(p));
  CHECK(read_uat(p).signoff_of(1)->by == "Jane Customer");
}
