// The customer's runbook in the test rounds (issue 13), through the built binary against the
// sandbox platform and a real PostgreSQL holding the real Odoo 17 fixture: before-upload steps on
// a scratch copy of production whose dump is sent, after-restore steps on the test database, a
// failing step that ends the round, its fix, and a run killed during the steps.
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

core::RunbookStep step(const std::string& id,
                       core::RunbookWhen when,
                       core::RunbookKind kind,
                       const std::string& title,
                       const std::string& content) {
  core::RunbookStep s;
  s.id = id;
  s.when = when;
  s.kind = kind;
  s.title = title;
  s.why = "found in a test round";
  s.content = content;
  s.sha256 = adapters::fs::sha256_text(core::canonical_text(s));
  s.added_at = "2026-11-30T05:00:00Z";
  return s;
}

// Plants `runbook` in the project file (the `runbook` commands are another command's).
void plant(const test::Production& p, const core::Runbook& runbook) {
  json doc = p.project();
  doc["runbook"] = core::to_json(runbook);
  p.save_project(doc);
}

std::string config_value(const std::string& db, const std::string& key) {
  return test::pg_query_value(db,
                              "SELECT coalesce(string_agg(value, ','), '') FROM "
                              "ir_config_parameter WHERE key = '" +
                                  key + "'");
}

adapters::ProcessResult test_request(const test::Production& p) {
  return p.cli({"test-request", "--contract", k_contract, "--jobs", "2"});
}

} // namespace

TEST_CASE("test-request runs the runbook: before-upload on a scratch copy, after-restore on the "
          "test database; a failing step ends the round; a killed run starts over",
          "[integration][runbook]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::ProductionOptions o;
  o.sandbox = &sandbox;
  test::Production p(o);
  using W = core::RunbookWhen;
  using K = core::RunbookKind;
  core::Runbook rb;
  rb.steps.push_back(step("s1",
                          W::before_upload,
                          K::sql,
                          "Mark the sent database",
                          "INSERT INTO ir_config_parameter (key, value) VALUES "
                          "('ou.runbook.before', 'scratch');\nUPDATE ir_config_parameter SET "
                          "value = value WHERE key = 'ou.runbook.before';"));
  rb.steps.push_back(step("s2",
                          W::after_restore,
                          K::sql,
                          "Mark the test database",
                          "DO $$ BEGIN RAISE NOTICE 'restoring the setting'; END $$;\n"
                          "INSERT INTO ir_config_parameter (key, value) VALUES "
                          "('ou.runbook.after', 'test');"));
  rb.steps.push_back(step("s3",
                          W::after_restore,
                          K::shell,
                          "Say where it runs",
                          "echo \"database=$PGDATABASE step=$ODOO_UPGRADE_RUNBOOK_STEP\""));
  rb.next_id = 4;
  plant(p, rb);

  // The plan names the steps and where they run.
  auto plan = p.cli({"--dry-run", "test-request", "--contract", k_contract});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("run the runbook's before-upload step s1 'Mark the sent database' on a "
                      "scratch copy of production, and send its dump") != std::string::npos);
  CHECK(plan.out.find("run the runbook's after-restore steps s2 'Mark the test database', s3 'Say "
                      "where it runs' on '") != std::string::npos);

  // Round 1: every step ok; the marker of the before-upload step reached the test database
  // through the sent dump, production never saw it.
  auto res = test_request(p);
  INFO("stdout: " << res.out << "\nstderr: " << res.err);
  REQUIRE(res.exit_code == 0);
  json round = p.project()["rounds"].back();
  CHECK(round["state"] == "tested");
  CHECK(round["dump"]["source"] == "runbook-scratch");
  std::string test_db = round["test_db"];
  CHECK(config_value(test_db, "ou.runbook.before") == "scratch");
  CHECK(config_value(test_db, "ou.runbook.after") == "test");
  CHECK(config_value(p.db, "ou.runbook.before").empty());
  CHECK(config_value(p.db, "ou.runbook.after").empty());
  CHECK_FALSE(test::pg_database_exists(p.db + "_runbook_18.0_r1"));
  stdfs::path dir = stdfs::path(p.project()["work_dir"].get<std::string>()) / "rounds" / "1";
  CHECK_FALSE(stdfs::exists(dir / "production.dump"));
  REQUIRE(round["runbook"].size() == 3);
  for (const auto& r : round["runbook"]) {
    INFO(r.dump());
    CHECK(r["result"] == "ok");
    CHECK(stdfs::exists(r["output_file"].get<std::string>()));
    CHECK(r["seconds"].is_number());
  }
  CHECK(round["runbook"][0]["when"] == "before-upload");
  CHECK(round["runbook"][0]["rows"] == 1);
  CHECK(round["runbook"][0]["sha256"] == rb.steps[0].sha256);
  CHECK(round["runbook"][1]["when"] == "after-restore");
  CHECK(test::read_file(dir / "runbook" / "s2.log").find("restoring the setting") !=
        std::string::npos);
  CHECK(test::read_file(dir / "runbook" / "s3.log").find("database=" + test_db + " step=s3") !=
        std::string::npos);

  // Round 2: a failing before-upload step ends the round before any request is created.
  rb.steps.insert(
      rb.steps.begin() + 1,
      step("s4", W::before_upload, K::sql, "Reset sequence", "UPDATE ou_no_such_table SET x = 1;"));
  rb.next_id = 5;
  plant(p, rb);
  long long creates = sandbox.registry().value("create_calls", -1LL);
  auto failed = test_request(p);
  INFO("stdout: " << failed.out << "\nstderr: " << failed.err);
  CHECK(failed.exit_code == 3);
  CHECK(failed.err.find("runbook step s4 'Reset sequence' failed") != std::string::npos);
  round = p.project()["rounds"].back();
  CHECK(round["number"] == 2);
  CHECK(round["state"] == "failed");
  CHECK(round["reason"].get<std::string>().rfind("runbook step s4 'Reset sequence' failed: ", 0) ==
        0);
  CHECK(round["reason"].get<std::string>().find("ou_no_such_table") != std::string::npos);
  REQUIRE(round["runbook"].size() == 2);
  CHECK(round["runbook"][1]["result"] == "failed");
  // The step's log has the server's error once, as the server said it.
  std::string s4_log = test::read_file(round["runbook"][1]["output_file"].get<std::string>());
  INFO(s4_log);
  CHECK(s4_log.find("ERROR:  relation \"ou_no_such_table\" does not exist") != std::string::npos);
  CHECK(s4_log.find("ERROR: ERROR:") == std::string::npos);
  CHECK(sandbox.registry().value("create_calls", -1LL) == creates);
  CHECK_FALSE(test::pg_database_exists(p.db + "_runbook_18.0_r2"));
  CHECK(config_value(p.db, "ou.runbook.before").empty());

  // Round 3: the step fixed (disabled), and a step that kills odoo-upgrade once, mid-way through
  // the before-upload steps: the re-run starts over on a fresh scratch copy (s1's INSERT would
  // fail on a key it already inserted), and the round passes.
  rb.steps[1].enabled = false;
  stdfs::path once = p.dir / "killed-once";
  rb.steps.insert(rb.steps.begin() + 2,
                  step("s5",
                       W::before_upload,
                       K::shell,
                       "Crash once",
                       "if [ ! -e '" + once.string() + "' ]; then touch '" + once.string() +
                           "'; kill -9 $PPID; sleep 5; fi"));
  rb.next_id = 6;
  plant(p, rb);
  auto killed = test_request(p);
  INFO("stdout: " << killed.out << "\nstderr: " << killed.err);
  CHECK(killed.term_signal == SIGKILL);
  CHECK(killed.exit_code != 0);
  REQUIRE(stdfs::exists(once));
  round = p.project()["rounds"].back();
  CHECK(round["number"] == 3);
  CHECK(round["state"] == "dumping");
  auto resumed = test_request(p);
  INFO("stdout: " << resumed.out << "\nstderr: " << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  round = p.project()["rounds"].back();
  CHECK(round["number"] == 3);
  CHECK(round["state"] == "tested");
  CHECK(resumed.err.find("left by an interrupted run") != std::string::npos);
  std::string test_db3 = round["test_db"];
  CHECK(config_value(test_db3, "ou.runbook.before") == "scratch");
  REQUIRE(round["runbook"].size() == 4);
  CHECK(round["runbook"][1]["step_id"] == "s5");
  CHECK(config_value(p.db, "ou.runbook.before").empty());
  CHECK_FALSE(test::pg_database_exists(p.db + "_runbook_18.0_r3"));

  // Round 4 killed the same way, then given up: --abandon drops the scratch copy it left.
  stdfs::remove(once);
  killed = test_request(p);
  CHECK(killed.term_signal == SIGKILL);
  REQUIRE(p.project()["rounds"].back()["state"] == "dumping");
  CHECK(test::pg_database_exists(p.db + "_runbook_18.0_r4"));
  auto abandoned = p.cli({"test-request", "--abandon", "--yes"});
  INFO(abandoned.err);
  REQUIRE(abandoned.exit_code == 0);
  CHECK(p.project()["rounds"].back()["state"] == "abandoned");
  CHECK_FALSE(test::pg_database_exists(p.db + "_runbook_18.0_r4"));
}
