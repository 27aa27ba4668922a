// End-to-end tests of the go-live chain through the built binary: initiate → test-request → uat →
// freeze plan/apply/lift → prod-request → restore → restore --rollback, against the sandbox
// platform and a real PostgreSQL holding the real Odoo 17 fixture, owned (as in production) by a
// dedicated non-superuser Odoo role. The chain is one shared rehearsal: the test cases below run in
// order and each continues where the previous one left the project (Catch2 runs test cases in
// declaration order).
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

test::ProductionOptions production_options(const test::SandboxProcess& sandbox) {
  test::ProductionOptions o;
  o.prefix = "golive";
  o.odoo_role = true; // a plain login role owning the database and its tables, as in production
  o.sandbox = &sandbox;
  return o;
}

// The production rehearsal shared by every test case of this file (every database derived from
// the production name is dropped with it: pre-upgrade, upgraded, staging, test copies).
struct Chain {
  test::SandboxProcess sandbox{{"--processing-delay-ms", "0"}};
  test::Production prod{production_options(sandbox)};
  std::string db = prod.db;
  std::string role = prod.role;
  stdfs::path hook_log = prod.dir / "hooks.log";

  adapters::ProcessResult cli(const std::vector<std::string>& args,
                              std::vector<std::pair<std::string, std::string>> env = {}) {
    return prod.cli(args, std::move(env));
  }
  json project() const { return prod.project(); }
  std::string phase() const { return project()["phase"]; }
  stdfs::path filestore(const std::string& name) const { return prod.filestore(name); }

  // Whether a write as Odoo's role is accepted in `dbname` (the role's own session, so its
  // per-database settings apply).
  bool role_can_write(const std::string& dbname) const {
    adapters::pg::Connection c(test::pg_conninfo(dbname) + " user=" + role);
    try {
      c.exec_no_rows("BEGIN");
      c.exec_no_rows("UPDATE res_partner SET name = name WHERE id = 1");
      c.exec_no_rows("ROLLBACK");
      return true;
    } catch (const core::DatabaseError& e) {
      std::string what = e.what();
      CHECK(what.find("read-only transaction") != std::string::npos);
      return false;
    }
  }
  long long active_crons(const std::string& dbname) const {
    return std::stoll(test::pg_query_value(dbname, "SELECT count(*) FROM ir_cron WHERE active"));
  }
  std::string base_version(const std::string& dbname) const {
    return test::pg_query_value(dbname,
                                "SELECT latest_version FROM ir_module_module WHERE name = 'base'");
  }
  std::optional<long long> oid(const std::string& dbname) const {
    if (!test::pg_database_exists(dbname)) {
      return std::nullopt;
    }
    return std::stoll(test::pg_query_value(
        "postgres", "SELECT oid FROM pg_database WHERE datname = '" + dbname + "'"));
  }
  // Runs `args` with the project recording another database.uuid for production (as when the
  // database under production's name, or on the server the conninfo reaches, is another one):
  // refused with exit 3 naming both, the project file unchanged.
  void refused_as_another_database(const std::vector<std::string>& args) {
    json saved = project();
    json doc = saved;
    doc["source"]["database_uuid"] = "uuid-of-another-database";
    prod.save_project(doc);
    auto r = cli(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("not the production '" + db + "' (uuid uuid-of-another-database)") !=
          std::string::npos);
    json after = project();
    after["source"]["database_uuid"] = saved["source"]["database_uuid"];
    CHECK(after == saved);
    prod.save_project(saved);
  }
  std::string hooks_log() const {
    return stdfs::exists(hook_log) ? test::read_file(hook_log) : std::string();
  }
};

Chain& chain() {
  static std::unique_ptr<Chain> c;
  static bool tried = false;
  if (!c) {
    // One attempt: the later test cases depend on the rehearsal of the earlier ones.
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

std::string in(std::chrono::hours h) {
  return core::iso8601_utc(std::chrono::system_clock::now() + h);
}

// A hook that appends its event and the database it was told about to the hooks log.
std::string logging_hook(const Chain& c) {
  return "echo \"$ODOO_UPGRADE_PHASE db=$ODOO_UPGRADE_DB customer=$ODOO_UPGRADE_CUSTOMER "
         "contract=${ODOO_UPGRADE_CONTRACT:-none}\" >> '" +
         c.hook_log.string() + "'";
}

} // namespace

TEST_CASE("go-live: nothing runs before a tested, signed-off round", "[integration][golive]") {
  Chain& c = chain();
  require_ok(c.cli({"test-request", "--contract", k_contract, "--jobs", "2"}));
  REQUIRE(c.phase() == "tested");

  // prod-request before sign-off (and before freeze): refused, nothing recorded.
  auto r = c.cli({"prod-request"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("cannot run in phase 'tested'") != std::string::npos);
  CHECK_FALSE(c.project().contains("production"));
  // freeze without sign-off: refused unless forced, and production untouched.
  r = c.cli({"--yes", "freeze", "apply"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("not signed off") != std::string::npos);
  CHECK(c.role_can_write(c.db));
  r = c.cli({"freeze",
             "plan",
             "--at",
             in(std::chrono::hours(1)),
             "--go-live",
             in(std::chrono::hours(3))});
  CHECK(r.exit_code == 3);
}

TEST_CASE("go-live: sign-off, then freeze plan with a downtime estimate", "[integration][golive]") {
  Chain& c = chain();
  // One quick automated check keeps the run in the chain without the suite's full cost.
  auto run = c.cli({"uat", "run", "--check", "modules"});
  INFO("uat run: " << run.err);
  REQUIRE((run.exit_code == 0 || run.exit_code == 1));
  auto s = c.cli({"uat", "signoff", "--by", "Customer"});
  if (s.exit_code == 3) {
    // The sandbox's planted side effects may be blocking findings.
    s = c.cli({"uat",
               "signoff",
               "--by",
               "Customer",
               "--force",
               "--reason",
               "sandbox side effects accepted for the rehearsal"});
  }
  require_ok(s);
  REQUIRE(c.phase() == "signed_off");

  // prod-request before the freeze: refused.
  auto r = c.cli({"prod-request"});
  CHECK(r.exit_code == 3);
  CHECK_FALSE(c.project().contains("production"));

  // A window in the wrong order, or in the past, is bad input.
  r = c.cli({"freeze",
             "plan",
             "--at",
             in(std::chrono::hours(3)),
             "--go-live",
             in(std::chrono::hours(1))});
  CHECK(r.exit_code == 2);
  r = c.cli(
      {"freeze", "plan", "--at", "2020-01-01T00:00:00Z", "--go-live", in(std::chrono::hours(1))});
  CHECK(r.exit_code == 2);
  CHECK_FALSE(c.project().contains("freeze"));

  r = c.cli({"--json",
             "freeze",
             "plan",
             "--at",
             in(std::chrono::hours(1)),
             "--go-live",
             in(std::chrono::hours(5))});
  require_ok(r);
  json plan = c.project()["freeze"]["plan"];
  CHECK(plan["round"] == 1);
  CHECK(plan["estimate"]["total_s"].get<double>() > 0);
  CHECK(plan["estimate"]["missing"].empty());
  CHECK(plan["fits"] == true);
  CHECK(json::parse(r.out)["plan"]["go_live"] == plan["go_live"]);
  // status names the next step: apply the plan, not plan again (issue 14).
  auto st = c.cli({"--json", "status"});
  require_ok(st);
  CHECK(json::parse(st.out)["next"] ==
        "odoo-upgrade freeze apply (planned for " + plan["at"].get<std::string>() + ")");

  // The estimate scales round 1's hops to production's size now (issue 15): the same size yet.
  json est = plan["estimate"];
  json timings = c.project()["rounds"][0]["timings"];
  CHECK(est["database_bytes_then"] == timings["database_bytes"]);
  REQUIRE(est["scaled"].size() == 5);
  CHECK(est["scaled"][0]["hop"] == "dump_s");
  CHECK(est["scaled"][0]["bytes"] == timings["dump_bytes"]);
  CHECK(est["scaled"][0]["bytes_per_s"] == timings["dump_bytes_per_s"]);

  // Production grows (rows in a schema of its own, dropped again: the chain goes on with the
  // production it had): the plan scales every hop to the bigger size.
  {
    adapters::pg::Connection admin(test::pg_conninfo(c.db));
    admin.exec_no_rows("CREATE SCHEMA ou_growth");
    admin.exec_no_rows("CREATE TABLE ou_growth.padding AS SELECT g AS id, repeat(md5(g::text), 30) "
                       "AS pad FROM generate_series(1, 40000) g");
  }
  r = c.cli({"freeze",
             "plan",
             "--at",
             in(std::chrono::hours(1)),
             "--go-live",
             in(std::chrono::hours(5))});
  {
    adapters::pg::Connection admin(test::pg_conninfo(c.db));
    admin.exec_no_rows("DROP SCHEMA ou_growth CASCADE");
  }
  require_ok(r);
  json grown = c.project()["freeze"]["plan"]["estimate"];
  INFO("before: " << est.dump() << "\nafter: " << grown.dump());
  CHECK(grown["database_bytes_now"].get<double>() > est["database_bytes_now"].get<double>() + 30e6);
  REQUIRE(grown["scaled"].size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(grown["scaled"][i]["seconds"].get<double>() >= est["scaled"][i]["seconds"].get<double>());
    if (grown["scaled"][i]["bytes"].get<double>() > 0) {
      CHECK(grown["scaled"][i]["bytes_now"].get<double>() >
            est["scaled"][i]["bytes_now"].get<double>());
    }
  }
  CHECK(grown["total_s"].get<double>() > est["total_s"].get<double>());
  // The printout says which round each hop was measured in and what it was scaled to.
  CHECK(r.out.find("dump ") != std::string::npos);
  CHECK(r.out.find(" in round 1, scaled to ") != std::string::npos);
  CHECK(r.out.find("processing ") != std::string::npos);
  CHECK(r.out.find("scaled by the database's size") != std::string::npos);
  // The rates hold for the round's gzip level (1, the default): the plan says when prod-request
  // would dump at another one.
  CHECK(r.err.find("gzip level") == std::string::npos);
  auto config = c.prod.dir / "compress6.json";
  test::write_file(config, R"({"compress": 6})");
  r = c.cli({"--dry-run",
             "freeze",
             "plan",
             "--at",
             in(std::chrono::hours(1)),
             "--go-live",
             in(std::chrono::hours(5))},
            {{"ODOO_UPGRADE_CONFIG", config.string()}});
  require_ok(r);
  CHECK(r.err.find("round 1's dump was made at gzip level 1, prod-request will dump at level 6 "
                   "(the config's compress)") != std::string::npos);
}

TEST_CASE("go-live: freeze apply is verified, lift restores writes, hooks can stop it",
          "[integration][golive]") {
  Chain& c = chain();
  long long crons_before = c.active_crons(c.db);
  REQUIRE(crons_before > 0);

  // A failing before_freeze hook stops the chain with exit 3 and nothing done.
  require_ok(c.cli({"freeze", "hooks", "--add", "before_freeze", "exit 7"}));
  auto r = c.cli({"--yes", "freeze", "apply"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("hook before_freeze #1 ('exit 7') failed") != std::string::npos);
  CHECK(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == crons_before);
  CHECK(c.phase() == "signed_off");
  require_ok(c.cli({"--json", "freeze", "hooks", "--clear", "before_freeze"}));
  for (const char* e : {"before_freeze",
                        "after_freeze",
                        "after_lift",
                        "before_restore",
                        "after_restore",
                        "on_rollback"}) {
    require_ok(c.cli({"freeze", "hooks", "--add", e, logging_hook(c)}));
  }

  // --dry-run changes nothing.
  r = c.cli({"--dry-run", "freeze", "apply"});
  require_ok(r);
  CHECK(r.out.find("default_transaction_read_only = on") != std::string::npos);
  CHECK(c.role_can_write(c.db));

  // It asks first: without a terminal and without --yes it is refused; on a terminal, an answer
  // other than yes changes nothing either (issue 14).
  r = c.cli({"freeze", "apply"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("confirmation needed: freeze production database '" + c.db + "'") !=
        std::string::npos);
  CHECK(r.err.find("hint: re-run with --yes") != std::string::npos);
  auto tty = test::run_cli_on_tty({"freeze", "apply"}, c.prod.dir.path(), "n\n");
  CHECK(tty.exit_code == 3);
  CHECK(tty.screen.find("every session ended, crons off)? [y/N]") != std::string::npos);
  CHECK(tty.screen.find("not confirmed; nothing was changed") != std::string::npos);
  CHECK(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == crons_before);
  CHECK(c.phase() == "signed_off");
  CHECK(c.hooks_log().find("before_freeze") == std::string::npos);

  // Apply: the Odoo role can no longer write, crons are off, a baseline is recorded.
  require_ok(c.cli({"--yes", "freeze", "apply"}));
  CHECK(c.phase() == "frozen");
  CHECK_FALSE(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == 0);
  json fr = c.project()["freeze"];
  CHECK(fr["state"] == "applied");
  // One name per fact: the freeze time is `frozen_at` only.
  CHECK(fr["frozen_at"].is_string());
  CHECK_FALSE(fr.contains("at"));
  CHECK(fr["odoo_role"] == c.role);
  CHECK(fr["verification"]["method"] == "write_refused");
  CHECK(fr["baseline"]["database"] == c.db);
  CHECK(fr["baseline"]["counts"]["res.partner"] == 42);
  CHECK(fr["baseline"]["counts"]["account.move.line"] == 68);
  CHECK(fr["baseline"]["max_ids"]["res.partner"].get<long long>() >= 42);
  CHECK(fr["baseline"]["totals"]["account_move_line_debit"] ==
        fr["baseline"]["totals"]["account_move_line_credit"]);
  CHECK(fr["baseline"]["totals"]["account_move_line_balance_by_company"].is_object());
  CHECK(fr["baseline"]["taken_at"].get<std::string>().size() == 20);
  CHECK(c.hooks_log().find("before_freeze db=" + c.db + " customer=Acme contract=none") !=
        std::string::npos);
  CHECK(c.hooks_log().find("after_freeze") != std::string::npos);

  // Lift: writes and crons are back, exactly as before.
  require_ok(c.cli({"--json", "freeze", "lift"}));
  CHECK(c.phase() == "signed_off");
  CHECK(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == crons_before);
  CHECK(c.hooks_log().find("after_lift") != std::string::npos);

  // A crash half-way through apply: lift still undoes exactly what was done.
  r = c.cli({"--yes", "freeze", "apply"}, {{"OU_TEST_CRASH_AFTER_STEP", "freeze.crons"}});
  CHECK(r.exit_code == 137);
  CHECK_FALSE(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == 0);
  CHECK(c.phase() == "signed_off");
  require_ok(c.cli({"freeze", "lift"}));
  CHECK(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == crons_before);

  // A crash half-way, then apply again: it completes.
  r = c.cli({"--yes", "freeze", "apply"},
            {{"OU_TEST_CRASH_AFTER_STEP", "freeze.read_only:started"}});
  CHECK(r.exit_code == 137);
  require_ok(c.cli({"--yes", "freeze", "apply"}));
  CHECK(c.phase() == "frozen");
  CHECK_FALSE(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) == 0);
  // The crons recorded are the ones active before the freeze, not after the crash.
  json journal = c.project()["freeze"]["journal"];
  for (const auto& e : journal) {
    if (e["step"] == "crons") {
      CHECK(static_cast<long long>(e["ids"].size()) == crons_before);
    }
  }
  CHECK(c.project()["freeze"]["previous"].size() == 2);
}

TEST_CASE("go-live: prod-request sends the frozen database and keeps the result",
          "[integration][golive]") {
  Chain& c = chain();
  long long creates = c.sandbox.registry().value("create_calls", 0LL);
  require_ok(c.cli({"prod-request", "--jobs", "2"}));
  CHECK(c.phase() == "production_request");
  json p = c.project()["production"];
  CHECK(p["aim"] == "production");
  CHECK(p["state"] == "downloaded");
  CHECK(c.project()["rounds"].size() == 1); // not a test round
  stdfs::path dump = p["received"]["dump"]["path"].get<std::string>();
  CHECK(dump.string().find("/production/1/received/") != std::string::npos);
  REQUIRE(stdfs::exists(dump / "toc.dat"));
  CHECK(p["received"]["dump"]["sha256"].get<std::string>().size() == 64);
  // The production request records its hops' bytes and rates as a round does (issue 15).
  CHECK(p["timings"]["dump_bytes"] == p["dump"]["bytes"]);
  CHECK(p["timings"]["upload_bytes"] == p["dump"]["bytes"]);
  CHECK(p["timings"]["download_bytes"].get<double>() >=
        p["received"]["dump"]["bytes"].get<double>());
  CHECK(p["timings"]["upload_bytes_per_s"].get<double>() > 0);
  CHECK(p["timings"]["database_bytes"].get<double>() > 0);
  CHECK(c.sandbox.registry().value("create_calls", 0LL) == creates + 1);
  json registry = c.sandbox.registry();
  CHECK(registry["requests"].back()["aim"] == "production");
  // The production stays frozen; a re-run only reports.
  CHECK_FALSE(c.role_can_write(c.db));
  require_ok(c.cli({"prod-request"}));
  CHECK(c.sandbox.registry().value("create_calls", 0LL) == creates + 1);
}

TEST_CASE("go-live: restore survives a crash at every step and keeps the old production",
          "[integration][golive]") {
  Chain& c = chain();
  auto old_oid = c.oid(c.db);
  REQUIRE(old_oid);
  std::string old_filestore_sum = adapters::fs::sha256_tree(c.filestore(c.db));

  // Without a terminal to confirm on and without --yes: refused, nothing done.
  auto r = c.cli({"restore"});
  CHECK(r.exit_code == 3);
  CHECK_FALSE(c.project().contains("golive"));
  r = c.cli({"--dry-run", "restore"});
  require_ok(r);
  CHECK(r.out.find("rename database '" + c.db + "' to '" + c.db + "_pre_18.0_") !=
        std::string::npos);
  CHECK_FALSE(c.project().contains("golive"));

  // Crash right after each step is journaled (as started, then as done) and re-run.
  for (const auto& step : core::golive::restore_steps()) {
    for (const char* when : {":started", ""}) {
      std::string spec = "restore." + step + when;
      r = c.cli({"--yes", "restore", "--jobs", "2"}, {{"OU_TEST_CRASH_AFTER_STEP", spec}});
      INFO(spec << "\n" << r.err);
      REQUIRE(r.exit_code == 137);
      // Nothing lost: the pre-upgrade database and filestore exist under one of their names.
      json g = c.project()["golive"];
      std::string pre = g["pre_upgrade_db"];
      auto at_prod = c.oid(c.db);
      auto at_pre = c.oid(pre);
      CHECK(((at_prod && *at_prod == *old_oid) || (at_pre && *at_pre == *old_oid)));
      CHECK((stdfs::exists(c.filestore(c.db)) || stdfs::exists(c.filestore(pre))));
      CHECK(c.phase() == "production_request");
      if (step == "restore_db" && *when == '\0') {
        // The staging restore shows its progress in tables (issue 14).
        test::require_table_progress_lines(
            r.err,
            "restore",
            test::pg_toc_table_data(c.project()["golive"]["dump"]["path"].get<std::string>()));
      }
      if (step == "rename_production" && *when == '\0') {
        // A project file as earlier builds wrote it (alias keys included) resumes as well.
        json doc = c.project();
        doc["golive"]["pre_upgrade_database"] = pre;
        doc["freeze"]["at"] = doc["freeze"]["frozen_at"];
        c.prod.save_project(doc);
      }
    }
  }
  r = c.cli({"--yes", "restore", "--jobs", "2"});
  require_ok(r);
  CHECK(c.phase() == "live");
  json g = c.project()["golive"];
  CHECK(g["state"] == "live");
  std::string pre = g["pre_upgrade_db"];
  // One name per fact: `pre_upgrade_db` and `live_at` only (monitor reads the same record).
  CHECK(g["live_at"].is_string());
  CHECK_FALSE(g.contains("at"));
  CHECK_FALSE(g.contains("pre_upgrade_database"));
  // The upgraded database serves under the production name; the old one is kept, still frozen.
  CHECK(c.base_version(c.db).rfind("18.0.", 0) == 0);
  CHECK(*c.oid(c.db) != *old_oid);
  CHECK(*c.oid(pre) == *old_oid);
  CHECK(c.base_version(pre).rfind("17.0.", 0) == 0);
  CHECK(c.role_can_write(c.db));
  CHECK_FALSE(c.role_can_write(pre));
  // Owned by the role Odoo connects as (Odoo lists only the databases its role owns), like the
  // old production.
  auto owner = [](const std::string& name) {
    return test::pg_query_value(
        "postgres",
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + name + "'");
  };
  CHECK(owner(c.db) == c.role);
  CHECK(owner(pre) == c.role);
  CHECK(test::pg_query_value(c.db,
                             "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                             "AND tableowner <> '" +
                                 c.role + "'") == "0");
  CHECK(c.active_crons(c.db) > 0);
  CHECK(adapters::fs::sha256_tree(c.filestore(pre)) == old_filestore_sum);
  CHECK(adapters::fs::tree_size(c.filestore(c.db)).files >
        adapters::fs::tree_size(c.filestore(pre)).files);
  CHECK_FALSE(stdfs::exists(c.filestore(g["staging_db"].get<std::string>())));
  CHECK(test::pg_query_value(c.db, "SELECT count(*) FROM res_partner") == "42");
  CHECK(g["verification"]["blocking"] == false);
  CHECK(c.hooks_log().find("after_restore db=" + c.db) != std::string::npos);
  // status names the go-live and where the old production is kept.
  auto st = c.cli({"status"});
  CHECK(st.exit_code == 0);
  CHECK(st.out.find("pre-upgrade database kept as " + pre) != std::string::npos);
  CHECK(st.out.find("Sign-off  round 1") != std::string::npos);
}

TEST_CASE("go-live: rollback brings the old production back, also from a half-done restore",
          "[integration][golive]") {
  Chain& c = chain();
  json g = c.project()["golive"];
  std::string pre = g["pre_upgrade_db"];
  long long old_oid = g["old_oid"];
  long long new_oid = g["new_oid"];
  // Only the production initiate recorded comes back.
  c.refused_as_another_database({"--yes", "restore", "--rollback"});
  c.refused_as_another_database({"--dry-run", "restore", "--rollback"});
  CHECK(*c.oid(pre) == old_oid);

  // Rollback from live, crashing after each step; kept frozen to retry the restore.
  for (const auto& step : core::golive::rollback_steps()) {
    if (step == "lift_old") {
      continue;
    }
    auto r = c.cli({"--yes", "restore", "--rollback", "--keep-frozen"},
                   {{"OU_TEST_CRASH_AFTER_STEP", "rollback." + step}});
    INFO(step << "\n" << r.err);
    REQUIRE(r.exit_code == 137);
    CHECK(((c.oid(c.db) && *c.oid(c.db) == old_oid) || (c.oid(pre) && *c.oid(pre) == old_oid)));
  }
  require_ok(c.cli({"--json", "--yes", "restore", "--rollback", "--keep-frozen"}));
  CHECK(c.phase() == "production_request");
  g = c.project()["golive"];
  std::string aside = g["rollback"]["aside_db"];
  CHECK(*c.oid(c.db) == old_oid);
  CHECK(*c.oid(aside) == new_oid);
  CHECK_FALSE(c.oid(pre));
  CHECK(c.base_version(c.db).rfind("17.0.", 0) == 0);
  CHECK_FALSE(c.role_can_write(c.db)); // still frozen
  CHECK(stdfs::exists(c.filestore(aside)));
  CHECK_FALSE(stdfs::exists(c.filestore(pre)));
  CHECK(c.hooks_log().find("on_rollback db=" + c.db) != std::string::npos);

  // A new attempt stopped by a failing before_restore hook: production untouched.
  require_ok(c.cli({"freeze", "hooks", "--add", "before_restore", "exit 3"}));
  auto r = c.cli({"--yes", "restore", "--jobs", "2"});
  CHECK(r.exit_code == 3);
  CHECK(*c.oid(c.db) == old_oid);
  require_ok(c.cli({"freeze", "hooks", "--clear", "before_restore"}));

  // The same attempt crashes half-way through the swap (production already renamed)...
  r = c.cli({"--yes", "restore"}, {{"OU_TEST_CRASH_AFTER_STEP", "restore.rename_new:started"}});
  REQUIRE(r.exit_code == 137);
  g = c.project()["golive"];
  CHECK(g["attempt"] == 2);
  std::string pre2 = g["pre_upgrade_db"];
  CHECK_FALSE(c.oid(c.db));
  CHECK(*c.oid(pre2) == old_oid);
  // ...and is rolled back instead of completed: production is back and open for writes.
  require_ok(c.cli({"--json", "--yes", "restore", "--rollback"}));
  CHECK(c.phase() == "signed_off");
  CHECK(*c.oid(c.db) == old_oid);
  CHECK(c.role_can_write(c.db));
  CHECK(c.active_crons(c.db) > 0);
  CHECK(c.project()["freeze"]["state"] == "lifted");
  CHECK(c.project()["production"].contains("invalidated"));
  // Nothing was ever dropped: both upgraded copies are kept aside.
  CHECK(c.oid(aside));
  CHECK(c.oid(c.project()["golive"]["rollback"]["aside_db"].get<std::string>()));
  // The old production's filestore is back under its name.
  CHECK(stdfs::exists(c.filestore(c.db)));
  CHECK(c.hooks_log().find("contract=M-TEST") == std::string::npos);
}

TEST_CASE("go-live: an UPDATE by another role during the freeze stops the restore, naming the "
          "tables",
          "[integration][golive]") {
  Chain& c = chain();
  REQUIRE(c.phase() == "signed_off");
  require_ok(c.cli({"--yes", "freeze", "apply"}));
  // Another database than the recorded one is neither unfrozen nor swapped out.
  c.refused_as_another_database({"freeze", "lift"});
  CHECK_FALSE(c.role_can_write(c.db));
  require_ok(c.cli({"prod-request", "--jobs", "2"}));
  c.refused_as_another_database({"--yes", "restore", "--jobs", "2"});
  auto old_oid = c.oid(c.db);
  long long partners = std::stoll(test::pg_query_value(c.db, "SELECT count(*) FROM res_partner"));
  {
    // An integration user's own role (here the superuser) is not frozen: it updates a contact
    // (no count, no total changes) and a table no baseline count covers.
    adapters::pg::Connection other(test::pg_conninfo(c.db));
    REQUIRE(other.user() != c.role);
    other.exec_no_rows("UPDATE res_partner SET comment = 'changed by the integration' WHERE id = "
                       "(SELECT min(id) FROM res_partner)");
    other.exec_no_rows("UPDATE res_country SET code = code WHERE id = (SELECT min(id) FROM "
                       "res_country)");
    // Its statistics reach the server now rather than when the session ends.
    other.query_value("SELECT pg_stat_force_next_flush()");
    other.query_value("SELECT 1");
  }
  auto r = c.cli({"--yes", "restore", "--jobs", "2"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("production changed after the freeze: table 'res_partner' ('res.partner') was "
                   "written to") != std::string::npos);
  CHECK(r.out.find("table 'res_country' was written to: 1 rows") != std::string::npos);
  // The counts alone saw nothing; production is untouched and still frozen.
  CHECK(std::stoll(test::pg_query_value(c.db, "SELECT count(*) FROM res_partner")) == partners);
  CHECK(c.oid(c.db) == old_oid);
  CHECK_FALSE(c.role_can_write(c.db));
  json g = c.project()["golive"];
  CHECK(g["state"] == "verify_failed");
  bool named = false;
  for (const auto& d : g["verification"]["production_changes"]) {
    named = named || d["key"] == "digests.res.partner";
  }
  CHECK(named);
  CHECK(c.phase() == "production_request");
}
