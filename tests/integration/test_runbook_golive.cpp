// The runbook at go-live (issue 13), through the built binary against the sandbox platform and a
// real PostgreSQL holding the Odoo 17 fixture: `uat signoff` records the approved runbook,
// `prod-request` refuses a runbook changed since (unless the change is accepted, recorded) and
// replays the approved before-upload steps, `restore` the after-restore ones before the swap. One
// shared rehearsal: the test cases run in declaration order and each continues where the previous
// one left the project. The runbook is planted with core::write_runbook (the `runbook` commands are
// tested in test_runbook_cmd.cpp).
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

test::ProductionOptions production_options(const test::SandboxProcess& sandbox) {
  test::ProductionOptions o;
  o.prefix = "rbgolive";
  o.odoo_role = true;
  o.sandbox = &sandbox;
  return o;
}

struct Chain {
  test::SandboxProcess sandbox{{"--processing-delay-ms", "0"}};
  test::Production prod{production_options(sandbox)};
  std::string db = prod.db;

  adapters::ProcessResult cli(const std::vector<std::string>& args,
                              std::vector<std::pair<std::string, std::string>> env = {}) {
    return prod.cli(args, std::move(env));
  }
  json project() const { return prod.project(); }
  std::string phase() const { return project()["phase"]; }

  core::Runbook runbook() const {
    return core::read_runbook(core::Project::from_json(project(), "test"));
  }
  // Plants `runbook` in the project file as `runbook add` would leave it.
  void plant(const core::Runbook& runbook) const {
    auto p = core::Project::from_json(project(), "test");
    core::write_runbook(p, runbook);
    prod.save_project(p.doc());
  }
  bool has_table(const std::string& dbname, const std::string& table) const {
    return test::pg_query_value(
               dbname, "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'") == "1";
  }
};

Chain& chain() {
  static std::unique_ptr<Chain> c;
  static bool tried = false;
  if (!c) {
    REQUIRE_FALSE(tried);
    tried = true;
    c = std::make_unique<Chain>();
  }
  return *c;
}

void require_ok(const adapters::ProcessResult& r, int code = 0) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == code);
}

core::RunbookStep sql_step(core::Runbook& rb,
                           core::RunbookWhen when,
                           const std::string& title,
                           const std::string& sql) {
  core::RunbookStep s;
  s.id = std::string("s").append(std::to_string(rb.next_id++)); // GCC PR105651 at -O3
  s.when = when;
  s.kind = core::RunbookKind::sql;
  s.title = title;
  s.why = "found in round 1";
  s.content = sql;
  s.introduced_round = 1;
  s.added_at = "2026-11-30T05:00:00Z";
  s.sha256 = adapters::fs::sha256_text(core::canonical_text(s));
  return s;
}

void rehash(core::RunbookStep& s) {
  s.sha256 = adapters::fs::sha256_text(core::canonical_text(s));
}

// The number of lines of `text` that are exactly `line` once leading blanks are dropped.
int lines_equal(const std::string& text, const std::string& line) {
  int n = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    std::string l = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    auto first = l.find_first_not_of(' ');
    n += (first != std::string::npos && l.substr(first) == line) ? 1 : 0;
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return n;
}

} // namespace

TEST_CASE("runbook go-live: the sign-off records the approved runbook", "[integration][runbook]") {
  Chain& c = chain();
  require_ok(c.cli({"test-request", "--contract", k_contract, "--jobs", "2"}));
  REQUIRE(c.phase() == "tested");
  core::Runbook rb;
  rb.steps.push_back(sql_step(rb,
                              core::RunbookWhen::before_upload,
                              "Mark the dump",
                              "CREATE TABLE ou_rb_before (x int); INSERT INTO ou_rb_before "
                              "VALUES (1)"));
  rb.steps.push_back(sql_step(rb,
                              core::RunbookWhen::after_restore,
                              "Mark the upgraded database",
                              "CREATE TABLE ou_rb_after (x int); INSERT INTO ou_rb_after "
                              "VALUES (2)"));
  auto disabled = sql_step(rb, core::RunbookWhen::after_restore, "Advisory", "SELECT 1");
  disabled.enabled = false;
  rb.steps.push_back(disabled);
  c.plant(rb);

  auto run = c.cli({"uat", "run", "--check", "modules"});
  INFO("uat run: " << run.err);
  REQUIRE((run.exit_code == 0 || run.exit_code == 1));
  // --dry-run says what would be approved and records nothing.
  auto dry = c.cli({"--dry-run", "uat", "signoff", "--by", "Customer", "--force", "--reason", "r"});
  require_ok(dry);
  CHECK(dry.out.find("record the runbook: 2 steps approved") != std::string::npos);
  CHECK_FALSE(c.project()["uat"].contains("signoff"));

  auto s = c.cli({"uat", "signoff", "--by", "Customer"});
  if (s.exit_code == 3) {
    s = c.cli({"uat",
               "signoff",
               "--by",
               "Customer",
               "--force",
               "--reason",
               "sandbox side effects accepted for the rehearsal"});
  }
  require_ok(s);
  // Two enabled steps: the disabled one is not part of what production replays.
  CHECK(s.out.find("runbook: 2 steps approved") != std::string::npos);
  json approval = c.project()["uat"]["signoff"]["runbook"];
  REQUIRE(approval["steps"].size() == 2);
  CHECK(approval["steps"][0]["step_id"] == "s1");
  CHECK(approval["steps"][0]["sha256"] == rb.steps[0].sha256);
  CHECK(approval["steps"][1]["step_id"] == "s2");
  CHECK(approval["digest"] ==
        adapters::fs::sha256_text(core::pins_text(core::approval_of(rb).steps)));
  bool recorded = false;
  const json history = c.project()["history"]; // not a temporary's member in the loop
  for (const auto& e : history) {
    recorded = recorded || (e["command"] == "uat signoff" &&
                            e["details"]["runbook_digest"] == approval["digest"]);
  }
  CHECK(recorded);
  require_ok(c.cli({"--yes", "freeze", "apply"}));
  REQUIRE(c.phase() == "frozen");
}

TEST_CASE("runbook go-live: prod-request refuses a runbook changed since the sign-off",
          "[integration][runbook]") {
  Chain& c = chain();
  const core::Runbook approved = c.runbook();
  const json signed_project = c.project();

  // The SQL of s2 edited, a step added, the title of s1 edited (prose: no change).
  core::Runbook changed = approved;
  changed.steps[0].title = "Mark the dump (reworded)";
  changed.steps[1].content += "; INSERT INTO ou_rb_after VALUES (3)";
  rehash(changed.steps[1]);
  // A shell step that fails until the test creates its file (its command, hence its hash, stays).
  core::RunbookStep gate = sql_step(changed, core::RunbookWhen::after_restore, "Late fix", "");
  gate.kind = core::RunbookKind::shell;
  gate.content = "test -f '" + (c.prod.dir / "gate").string() + "'";
  rehash(gate);
  changed.steps.push_back(gate);
  c.plant(changed);
  json before = c.project();

  auto r = c.cli({"prod-request", "--jobs", "2"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("the runbook changed since the sign-off (2 changes); nothing was sent") !=
        std::string::npos);
  // One change per line.
  CHECK(lines_equal(r.err, "changed s2 'Mark the upgraded database' (after-restore)") == 1);
  CHECK(lines_equal(r.err, "added s4 'Late fix' (after-restore)") == 1);
  CHECK(r.err.find("--accept-runbook-change --reason TEXT") != std::string::npos);
  CHECK(c.project() == before);
  CHECK(c.phase() == "frozen");

  // --dry-run is refused the same way; --accept-runbook-change needs a reason and vice versa.
  r = c.cli({"--dry-run", "prod-request"});
  CHECK(r.exit_code == 3);
  r = c.cli({"prod-request", "--accept-runbook-change"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--accept-runbook-change needs --reason") != std::string::npos);
  r = c.cli({"prod-request", "--reason", "why"});
  CHECK(r.exit_code == 2);
  CHECK(c.project() == before);

  // A sign-off written before runbooks existed approved no step: with an empty runbook the
  // production request may go, with steps they count as added.
  json old = signed_project;
  old["uat"]["signoff"].erase("runbook");
  old.erase("runbook");
  c.prod.save_project(old);
  r = c.cli({"--dry-run", "prod-request"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  old["runbook"] = signed_project["runbook"];
  c.prod.save_project(old);
  r = c.cli({"--dry-run", "prod-request"});
  CHECK(r.exit_code == 3);
  CHECK(lines_equal(r.err, "added s1 'Mark the dump' (before-upload)") == 1);
  c.prod.save_project(before);

  // Accepted: the plan says it; nothing recorded by the dry run.
  r = c.cli({"--dry-run", "prod-request", "--accept-runbook-change", "--reason", "typo in s2"});
  require_ok(r);
  CHECK(r.out.find("accept the runbook changes since the sign-off (reason: typo in s2)") !=
        std::string::npos);
  CHECK(r.out.find("run the runbook's before-upload step s1 'Mark the dump (reworded)' on a "
                   "scratch copy of it") != std::string::npos);
  CHECK(c.project() == before);
}

TEST_CASE("runbook go-live: an accepted change is recorded and becomes the approved runbook",
          "[integration][runbook]") {
  Chain& c = chain();
  const std::string old_digest = c.project()["uat"]["signoff"]["runbook"]["digest"];
  // As the freeze leaves production when the tool connects as the Odoo role: read-only for it.
  // The scratch copy of the before-upload steps is created and dropped elsewhere.
  const std::string read_only =
      "ALTER ROLE CURRENT_USER IN DATABASE \"" + c.db + "\" SET default_transaction_read_only = ";
  test::pg_query_value("postgres", read_only + "on");
  auto r = c.cli({"prod-request",
                  "--jobs",
                  "2",
                  "--accept-runbook-change",
                  "--reason",
                  "typo in s2, re-read by the customer"});
  require_ok(r);
  CHECK(c.phase() == "production_request");
  json p = c.project()["production"];
  CHECK(p["state"] == "downloaded");
  json change = p["runbook_change"];
  CHECK(change["reason"] == "typo in s2, re-read by the customer");
  CHECK(change["changes"] == json::array({"changed s2 'Mark the upgraded database' (after-restore)",
                                          "added s4 'Late fix' (after-restore)"}));
  CHECK(change["previous_digest"] == old_digest);
  // The runbook as it stands is the approved one now.
  json approval = c.project()["uat"]["signoff"]["runbook"];
  CHECK(approval["digest"] == change["digest"]);
  CHECK(approval["digest"] ==
        adapters::fs::sha256_text(core::pins_text(core::approval_of(c.runbook()).steps)));
  CHECK(approval["steps"].size() == 3);
  bool recorded = false;
  const json history = c.project()["history"]; // not a temporary's member in the loop
  for (const auto& e : history) {
    recorded =
        recorded || (e["command"] == "prod-request" && e["outcome"] == "runbook_change_accepted" &&
                     e["details"]["reason"] == change["reason"]);
  }
  CHECK(recorded);
  // The approved before-upload step ran on a scratch copy of the frozen production, whose dump was
  // sent; production itself is untouched and the scratch database is gone.
  CHECK(p["dump"]["source"] == "runbook-scratch");
  REQUIRE(p["runbook"].size() == 1);
  CHECK(p["runbook"][0]["step_id"] == "s1");
  CHECK(p["runbook"][0]["result"] == "ok");
  test::pg_query_value("postgres", read_only + "off");
  CHECK_FALSE(c.has_table(c.db, "ou_rb_before"));
  CHECK(test::pg_query_value("postgres",
                             "SELECT count(*) FROM pg_database WHERE datname LIKE "
                             "'%runbook%p1'") == "0");
  // A re-run reports the downloaded request; nothing is refused any more.
  require_ok(c.cli({"prod-request"}));
}

TEST_CASE("runbook go-live: restore replays the after-restore steps before the swap",
          "[integration][runbook]") {
  Chain& c = chain();
  // The plan names the approved steps; nothing recorded.
  auto r = c.cli({"--dry-run", "restore"});
  require_ok(r);
  CHECK(r.out.find("run the 2 approved after-restore runbook step(s) on '") != std::string::npos);
  CHECK(r.out.find(": s2 'Mark the upgraded database', s4 'Late fix'") != std::string::npos);
  CHECK_FALSE(c.project().contains("golive"));

  // s4's gate file is missing: the step fails on the staging database, the swap is refused and
  // production is untouched (still frozen).
  r = c.cli({"--yes", "restore", "--jobs", "2"});
  {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("restore stopped before the swap: runbook step s4 'Late fix' failed") !=
          std::string::npos);
  }
  CHECK(c.phase() == "production_request");
  json g = c.project()["golive"];
  CHECK(g["state"] == "verify_failed");
  REQUIRE(g["runbook"].size() == 2);
  CHECK(g["runbook"][0]["step_id"] == "s2");
  CHECK(g["runbook"][0]["result"] == "ok");
  CHECK(g["runbook"][1]["step_id"] == "s4");
  CHECK(g["runbook"][1]["result"] == "failed");
  CHECK(stdfs::exists(g["runbook"][1]["output_file"].get<std::string>()));
  const std::string staging = g["staging_db"];
  CHECK(c.has_table(staging, "ou_rb_after"));
  CHECK_FALSE(c.has_table(c.db, "ou_rb_after"));
  const json first_s2 = g["runbook"][0];

  // The cause fixed, the re-run goes on from s4 (s2, done on the same staging database, is not run
  // again) and swaps.
  adapters::fs::write_file_atomic(c.prod.dir / "gate", "ok\n");
  r = c.cli({"--json", "--yes", "restore", "--jobs", "2"});
  require_ok(r);
  CHECK(c.phase() == "live");
  CHECK(json::parse(r.out)["runbook"].size() == 2);
  g = c.project()["golive"];
  REQUIRE(g["runbook"].size() == 2);
  CHECK(g["runbook"][0] == first_s2);
  CHECK(g["runbook"][1]["step_id"] == "s4");
  CHECK(g["runbook"][1]["result"] == "ok");
  // The markers are in the live database: the before-upload one came with the upgraded dump, the
  // after-restore ones ran once each; the pre-upgrade database has none of them.
  CHECK(c.has_table(c.db, "ou_rb_before"));
  CHECK(test::pg_query_value(c.db, "SELECT string_agg(x::text, ',' ORDER BY x) FROM ou_rb_after") ==
        "2,3");
  // An SQL step runs as the database's owner (the role Odoo connects as): what it creates is
  // Odoo's, as if Odoo had created it.
  const std::string owner = test::pg_query_value(
      c.db, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()");
  CHECK(owner != test::pg_query_value(c.db, "SELECT current_user"));
  CHECK(test::pg_query_value(
            c.db, "SELECT tableowner FROM pg_tables WHERE tablename = 'ou_rb_after'") == owner);
  const std::string pre = g["pre_upgrade_db"];
  CHECK_FALSE(c.has_table(pre, "ou_rb_after"));
  CHECK_FALSE(c.has_table(pre, "ou_rb_before"));

  // The customer-specific documentation shows where each step ran, production included.
  r = c.cli({"runbook", "show", "--format", "markdown"});
  require_ok(r);
  CHECK(r.out.find("- Production request 1: ok in") != std::string::npos);
  CHECK(r.out.find("- Go-live attempt 1: ok in") != std::string::npos);
  r = c.cli({"--json", "runbook", "show"});
  require_ok(r);
  json shown = json::parse(r.out);
  REQUIRE(shown["steps"].size() == 4);
  const json& runs = shown["steps"][3]["runs"]; // s4: only the go-live ran it
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["run"] == "go-live attempt 1");
  CHECK(runs[0]["round"].is_null());
}
