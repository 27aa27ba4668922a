// Unit tests of the runbook record (core/runbook.hpp).
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

RunbookStep step(std::string id, RunbookWhen when, std::string content, std::string sha) {
  RunbookStep s;
  s.id = std::move(id);
  s.when = when;
  s.kind = RunbookKind::sql;
  s.title = "Step " + s.id;
  s.content = std::move(content);
  s.sha256 = std::move(sha);
  return s;
}

Runbook sample() {
  Runbook rb;
  rb.next_id = 4;
  rb.steps = {step("s1", RunbookWhen::after_restore, "UPDATE a SET b = 1;", "h1"),
              step("s2", RunbookWhen::before_upload, "DELETE FROM c;", "h2"),
              step("s3", RunbookWhen::after_restore, "SELECT 1;", "h3")};
  return rb;
}

} // namespace

TEST_CASE("core::runbook round-trips through JSON and keeps unknown keys", "[core]") {
  Runbook rb = sample();
  rb.steps[0].why = "UAT finding views:ir.ui.view:foo";
  rb.steps[0].source_file = "fix.sql";
  rb.steps[1].continue_on_error = true;
  rb.steps[2].enabled = false;
  rb.steps[2].extra["later"] = 1;
  json j = to_json(rb);
  CHECK(j["steps"][0]["when"] == "after-restore");
  CHECK(j["steps"][1]["kind"] == "sql");
  Runbook back = runbook_from_json(j);
  CHECK(to_json(back) == j);
  CHECK(back.next_id == 4);
  CHECK(back.steps[2].extra["later"] == 1);
  CHECK(back.find("s2")->continue_on_error);
  CHECK(back.find("s9") == nullptr);
  auto after = back.enabled(RunbookWhen::after_restore);
  REQUIRE(after.size() == 1);
  CHECK(after[0].id == "s1");
}

TEST_CASE("core::runbook_from_json refuses a wrong shape", "[core]") {
  json j = to_json(sample());
  j["steps"][1]["id"] = "s1";
  CHECK_THROWS_WITH(runbook_from_json(j), Catch::Contains("holds step id 's1' twice"));
  j = to_json(sample());
  j["steps"][0]["kind"] = "python";
  CHECK_THROWS_WITH(runbook_from_json(j), Catch::Contains("runbook.steps[0].kind"));
  j = to_json(sample());
  j["steps"][0].erase("id");
  CHECK_THROWS_AS(runbook_from_json(j), FilesystemError);
  CHECK(runbook_from_json(json::object()).steps.empty());
}

TEST_CASE("core::canonical_text covers what runs, not the prose", "[core]") {
  RunbookStep a = sample().steps[0];
  RunbookStep b = a;
  b.title = "another title";
  b.why = "another reason";
  CHECK(canonical_text(a) == canonical_text(b));
  b.continue_on_error = true;
  CHECK(canonical_text(a) != canonical_text(b));
  b = a;
  b.when = RunbookWhen::before_upload;
  CHECK(canonical_text(a) != canonical_text(b));
  b = a;
  b.content += " ";
  CHECK(canonical_text(a) != canonical_text(b));
}

TEST_CASE("core::approval_changes names every difference since the sign-off", "[core]") {
  Runbook rb = sample();
  RunbookApproval approved = approval_of(rb);
  // Before-upload steps first, then after-restore, in list order.
  REQUIRE(approved.steps.size() == 3);
  CHECK(approved.steps[0].step_id == "s2");
  CHECK(pins_text(approved.steps) == "s2:h2\ns1:h1\ns3:h3\n");
  CHECK(approval_changes(approved, rb).empty());

  Runbook now = rb;
  now.steps[0].sha256 = "h1b";
  now.steps[2].enabled = false;
  now.steps.push_back(step("s4", RunbookWhen::after_restore, "SELECT 4;", "h4"));
  now.steps.erase(now.steps.begin() + 1); // s2 removed
  auto changes = approval_changes(approved, now);
  CHECK(changes == std::vector<std::string>{"changed s1 'Step s1' (after-restore)",
                                            "added s4 'Step s4' (after-restore)",
                                            "removed s2",
                                            "disabled s3 'Step s3' (after-restore)"});

  now = rb;
  std::swap(now.steps[0], now.steps[2]);
  changes = approval_changes(approved, now);
  CHECK(changes == std::vector<std::string>{"order changed: was s2, s1, s3, now s2, s3, s1"});

  json j = to_json(approved);
  CHECK(pins_text(approval_from_json(j, "a").steps) == pins_text(approved.steps));
}

TEST_CASE("core::runbook results live in rounds, production and the sign-off", "[core]") {
  RunbookStepResult r;
  r.step_id = "s1";
  r.sha256 = "h1";
  r.title = "Step s1";
  r.started_at = "2026-11-30T05:00:00Z";
  r.finished_at = "2026-11-30T05:00:02Z";
  r.seconds = 2.1;
  r.result = "ok";
  r.rows = 3;
  RequestRecord round;
  round.number = 2;
  round.aim = "test";
  round.runbook = {r};
  json j = to_json(round);
  CHECK(j["runbook"][0]["rows"] == 3);
  CHECK_FALSE(j["runbook"][0].contains("error"));
  RequestRecord back = request_from_json(j, "rounds[0]");
  REQUIRE(back.runbook.size() == 1);
  CHECK(to_json(back.runbook[0]) == to_json(r));
  CHECK_FALSE(to_json(RequestRecord{}).contains("runbook"));
  j["runbook"] = 5;
  CHECK_THROWS_WITH(request_from_json(j, "rounds[0]"), Catch::Contains("rounds[0].runbook"));

  uat::Signoff s;
  s.round = 2;
  CHECK_FALSE(uat::to_json(s).contains("runbook"));
  s.runbook = approval_of(sample());
  s.runbook->digest = "d";
  auto read = uat::signoff_from_json(uat::to_json(s));
  REQUIRE(read.runbook);
  CHECK(read.runbook->digest == "d");
  CHECK(read.runbook->steps.size() == 3);
}

TEST_CASE("core::completed_steps keeps what an earlier run did to the same steps", "[core]") {
  auto steps = sample().enabled(RunbookWhen::after_restore); // s1, s3
  auto result = [](std::string id, std::string sha, std::string outcome) {
    RunbookStepResult r;
    r.step_id = std::move(id);
    r.sha256 = std::move(sha);
    r.result = std::move(outcome);
    return r;
  };
  CHECK(completed_steps({}, steps) == 0);
  CHECK(completed_steps({result("s1", "h1", "ok")}, steps) == 1);
  CHECK(completed_steps({result("s1", "h1", "ok"), result("s3", "h3", "ok")}, steps) == 2);
  // An advisory failure was recorded and passed; a failure is run again.
  CHECK(completed_steps({result("s1", "h1", "failed-continued")}, steps) == 1);
  CHECK(completed_steps({result("s1", "h1", "ok"), result("s3", "h3", "failed")}, steps) == 1);
  // Another content (sha256), another step or another order: from there on, everything runs.
  CHECK(completed_steps({result("s1", "hX", "ok")}, steps) == 0);
  CHECK(completed_steps({result("s3", "h3", "ok"), result("s1", "h1", "ok")}, steps) == 0);
  // More results than steps (a step disabled since): only the steps count.
  CHECK(completed_steps(
            {result("s1", "h1", "ok"), result("s3", "h3", "ok"), result("s4", "h4", "ok")},
            steps) == 2);
}
