// The target Odoo in the loop (issue 12), on the real pair with the real Odoo 17.0 runtime: the
// 16.0 production `cust16`, whose test rounds come back from the sandbox as its real 17.0 upgrade
// (`result_backup`), with the OCA module auditlog as its third-party module. One chain, each step
// reusing the state of the one before (the expensive steps, a round and a go-live, run once):
// initiate's target column, a round blocked by a missing module then updated and opened, the live
// checks, and restore refusing the swap when the staging database's update fails. Reported as
// skipped by ctest without the runtime (OU_TEST_ODOO17).
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

stdfs::path upgraded_zip() {
  return stdfs::path(OU_SOURCE_DIR) / "tests/fixtures/real-pair/odoo17_customer_upgraded.zip";
}

void require_code(const adapters::ProcessResult& r, int code) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == code);
}

// The --odoo-* flags of the runtime; `addons` empty: Odoo's own addons only.
std::vector<std::string> odoo_flags(const test::OdooRuntime& rt, const std::string& addons) {
  std::vector<std::string> flags = {
      "--odoo-bin", rt.odoo_bin().string(), "--odoo-python", "/usr/bin/python3"};
  if (stdfs::is_directory(rt.t1fonts())) {
    flags.push_back("--odoo-env");
    flags.push_back("RL_T1SearchPath=" + rt.t1fonts().string());
  }
  if (!addons.empty()) {
    flags.push_back("--addons-path");
    flags.push_back(addons);
  }
  return flags;
}

test::ProductionOptions customer16(const test::SandboxProcess& sandbox,
                                   const test::OdooRuntime& rt) {
  test::ProductionOptions o;
  o.fixture = "cust16";
  o.prefix = "oc";
  o.target = "17.0";
  o.odoo_role = true; // Odoo never connects as postgres
  o.sandbox = &sandbox;
  o.initiate_args = odoo_flags(rt, rt.auditlog_addons().string());
  return o;
}

std::string round_field(const test::Production& prod, const char* key) {
  return prod.project()["rounds"].back()[key].get<std::string>();
}

std::optional<long long> oid(const std::string& dbname) {
  if (!test::pg_database_exists(dbname)) {
    return std::nullopt;
  }
  return std::stoll(test::pg_query_value(
      "postgres", "SELECT oid FROM pg_database WHERE datname = '" + dbname + "'"));
}

// The newest UAT report of the current round.
stdfs::path latest_report(const test::Production& prod) {
  json round = prod.project()["rounds"].back();
  stdfs::path dir = prod.project()["work_dir"].get<std::string>();
  dir /= "rounds/" + std::to_string(round["number"].get<int>());
  stdfs::path newest;
  for (const auto& e : stdfs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind("uat-", 0) == 0 && e.path().extension() == ".json" &&
        (newest.empty() || name > newest.filename().string())) {
      newest = e.path();
    }
  }
  REQUIRE_FALSE(newest.empty());
  return newest;
}

// Runs one of tests/fixtures/odoo/plant_*.sql on `db`.
void plant(const std::string& db, const std::string& file) {
  auto r =
      adapters::run_process({"psql",
                             "-X",
                             "-q",
                             "-v",
                             "ON_ERROR_STOP=1",
                             "-d",
                             test::pg_conninfo(db),
                             "-f",
                             (stdfs::path(OU_SOURCE_DIR) / "tests/fixtures/odoo" / file).string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// Plants an after-restore runbook (issue 13) in the project: an odoo-shell step whose change
// persists only when the executor commits it, the customer's module updated again, and an advisory
// uninstall of a misspelt module (a name the database does not know fails, even for an uninstall).
void plant_runbook(const test::Production& prod) {
  core::Runbook rb;
  auto add = [&](const std::string& id, core::RunbookKind kind, const std::string& content) {
    core::RunbookStep s;
    s.id = id;
    s.kind = kind;
    s.title = "step " + id;
    s.content = content;
    s.sha256 = adapters::fs::sha256_text(core::canonical_text(s));
    rb.steps.push_back(s);
  };
  add("s1",
      core::RunbookKind::odoo_shell,
      "n = env['ir.module.module'].search_count([('name', '=', 'auditlog'), "
      "('state', '=', 'installed')])\nenv['ir.config_parameter'].set_param('ou.runbook.shell', "
      "str(n))\nprint('auditlog installed:', n)");
  add("s2", core::RunbookKind::update, "auditlog");
  add("s3", core::RunbookKind::uninstall, "auditlgo");
  rb.steps.back().continue_on_error = true;
  rb.steps.back().sha256 = adapters::fs::sha256_text(core::canonical_text(rb.steps.back()));
  rb.next_id = 4;
  json doc = prod.project();
  doc["runbook"] = core::to_json(rb);
  prod.save_project(doc);
}

} // namespace

TEST_CASE("odoo chain: target column, round update and open, restore's update before the swap",
          "[integration][odoo]") {
  auto rt = test::odoo17_runtime();
  if (!rt) {
    return;
  }
  test::SandboxProcess sandbox(
      {"--processing-delay-ms", "0", "--result-backup", upgraded_zip().string()});
  test::Production prod(customer16(sandbox, *rt));
  // The target Odoo connects as production's own (plain LOGIN) role: every copy is created like
  // production, owned by it (adapters/pg/database_shape.hpp), so no superuser is needed.
  require_code(prod.cli({"config", "--odoo-db-user", prod.role}), 0);

  // initiate: auditlog found for 17.0 on the addons path given...
  json p = prod.project();
  REQUIRE(p.contains("target_modules"));
  CHECK(p["target_modules"]["series"] == "17.0");
  REQUIRE(p["target_modules"]["modules"].size() == 1);
  json auditlog = p["target_modules"]["modules"][0];
  CHECK(auditlog["module"] == "auditlog");
  CHECK(auditlog["verdict"] == "found");
  CHECK(auditlog["version"] == "17.0.1.0.1");
  CHECK(auditlog["path"] == (rt->auditlog_addons() / "auditlog").string());
  CHECK(p["odoo"]["odoo_bin"] == rt->odoo_bin().string());
  // ... and missing without it (a dry run: nothing is written).
  std::vector<std::string> args = prod.initiate_args();
  args.resize(args.size() - odoo_flags(*rt, rt->auditlog_addons().string()).size());
  for (const auto& f : odoo_flags(*rt, "")) {
    args.push_back(f);
  }
  args.push_back("--force");
  args.insert(args.begin(), "--dry-run");
  auto r = prod.cli(args);
  require_code(r, 0);
  CHECK(r.out.find("target: missing") != std::string::npos);
  args.insert(args.begin(), "--json");
  r = prod.cli(args);
  require_code(r, 0);
  CHECK(json::parse(r.out)["target_modules"]["modules"][0]["verdict"] == "missing");
  CHECK(prod.project() == p);

  // A round whose third-party module is missing from the addons path is blocked, with the module.
  require_code(prod.cli({"config", "--unset", "addons-path"}), 0);
  r = prod.cli({"test-request", "--contract", "M-TEST-0001", "--jobs", "2"});
  INFO("sandbox: " << sandbox.stderr_text());
  require_code(r, 1);
  CHECK(r.out.find("round 1 blocked") != std::string::npos);
  CHECK(r.out.find("auditlog") != std::string::npos);
  json round = prod.project()["rounds"].back();
  CHECK(round["state"] == "restored");
  CHECK(round["target_odoo"]["state"] == "update_failed");
  CHECK(prod.project()["phase"] != "tested");
  std::string test_db = round_field(prod, "test_db");

  // With the module back on the path, the re-run updates it and opens the database over HTTP,
  // then runs the after-restore runbook steps with the target Odoo.
  require_code(prod.cli({"config", "--addons-path", rt->auditlog_addons().string()}), 0);
  plant_runbook(prod);
  r = prod.cli({"--json", "test-request"});
  require_code(r, 0);
  round = prod.project()["rounds"].back();
  CHECK(round["state"] == "tested");
  REQUIRE(round["runbook"].size() == 3);
  CHECK(round["runbook"][0]["result"] == "ok");
  CHECK(round["runbook"][1]["result"] == "ok");
  CHECK(round["runbook"][2]["result"] == "failed-continued");
  CHECK(round["runbook"][2]["error"].get<std::string>().find(
            "module auditlgo is unknown to the database") != std::string::npos);
  // An advisory failure is said on the console, not only recorded.
  CHECK(r.err.find("runbook step s3 'step s3' failed (advisory, the run goes on)") !=
        std::string::npos);
  CHECK(test::pg_query_value(
            test_db, "SELECT value FROM ir_config_parameter WHERE key = 'ou.runbook.shell'") ==
        "1");
  CHECK(test::read_file(round["runbook"][0]["output_file"].get<std::string>())
            .find("auditlog installed: 1") != std::string::npos);
  CHECK(round["test_db"] == test_db);
  json t = round["target_odoo"];
  CHECK(t["state"] == "opened");
  CHECK(t["attempts"] == 2);
  CHECK(round["timings"]["update_s"].get<double>() > 0);
  CHECK(round["timings"]["open_s"].get<double>() > 0);
  CHECK(stdfs::exists(t["update_log"].get<std::string>()));
  CHECK(test::read_file(t["update_log"].get<std::string>()).find("Module auditlog loaded in") !=
        std::string::npos);
  CHECK(test::pg_query_value(test_db,
                             "SELECT count(*) FROM ir_module_module WHERE state IN "
                             "('to install', 'to upgrade', 'to remove')") == "0");
  std::string partners = test::pg_query_value(test_db, "SELECT count(*) FROM res_partner");
  json out = json::parse(r.out);
  CHECK(out.dump().find("update_s") != std::string::npos);
  r = prod.cli({"status"});
  CHECK(r.exit_code == 0);

  // The dry run says the live checks would run through the target Odoo, and starts nothing.
  r = prod.cli({"--dry-run", "--json", "uat", "run"});
  require_code(r, 0);
  json plan = json::parse(r.out);
  CHECK(plan["live_checks"]["status"] == "run");
  CHECK(plan["live_checks"]["checks"].size() == 5);
  CHECK(plan.dump().find("run the live checks views-render, reports-render, pages, records, "
                         "export through the target Odoo") != std::string::npos);

  // The five live checks through the target Odoo: green on the real upgrade.
  std::vector<std::string> live = {"uat", "run"};
  for (const char* id : {"views-render", "reports-render", "pages", "records", "export"}) {
    live.push_back("--check");
    live.push_back(id);
  }
  r = prod.cli(live);
  require_code(r, 0);
  json report = json::parse(test::read_file(latest_report(prod)));
  REQUIRE(report["checks"].size() == 5);
  for (const auto& c : report["checks"]) {
    INFO(c.dump());
    CHECK(c["status"] != "failed");
    CHECK(c["status"] != "error");
  }
  // PDF reports are rendered as PDF when wkhtmltopdf is installed (scripts/install-deps.sh
  // --odoo), else checked as HTML only, said either way.
  bool wkhtmltopdf = adapters::find_executable("wkhtmltopdf").has_value();
  std::string reports;
  for (const auto& c : report["checks"]) {
    if (c["id"] == "reports-render") {
      reports = c.dump();
    }
  }
  CHECK(reports.find(wkhtmltopdf ? "PDF reports also rendered as PDF with wkhtmltopdf"
                                 : "PDF reports checked as HTML only") != std::string::npos);
  // They changed nothing in the test database (rolled back).
  CHECK(test::pg_query_value(test_db, "SELECT count(*) FROM res_partner") == partners);

  // The planted broken view and report: blocking findings naming them.
  plant(test_db, "plant_broken_view.sql");
  plant(test_db, "plant_missing_report_template.sql");
  r = prod.cli({"uat", "run", "--check", "views-render", "--check", "reports-render"});
  require_code(r, 1);
  report = json::parse(test::read_file(latest_report(prod)));
  std::string findings = report.dump();
  CHECK(findings.find("ou_planted.view_picking_form_immediate_transfer") != std::string::npos);
  CHECK(findings.find("immediate_transfer") != std::string::npos);
  CHECK(findings.find("ou_planted.action_report_saleorder_confirmation") != std::string::npos);
  for (const auto& c : report["checks"]) {
    CHECK(c["status"] == "failed");
  }
  require_code(prod.cli({"uat",
                         "signoff",
                         "--by",
                         "Customer",
                         "--force",
                         "--reason",
                         "the rehearsal's findings are accepted"}),
               0);
  require_code(prod.cli({"--yes", "freeze", "apply"}), 0);
  require_code(prod.cli({"prod-request", "--jobs", "2"}), 0);
  auto prod_oid = oid(prod.db);
  REQUIRE(prod_oid);

  // restore runs the same update on the staging database and refuses the swap when it fails; the
  // verification's findings (a real upgrade against the frozen 16.0 counts) are accepted: --force
  // does not skip the target Odoo.
  std::vector<std::string> restore = {
      "--yes", "restore", "--jobs", "2", "--force", "--reason", "the real upgrade's counts"};
  require_code(prod.cli({"config", "--unset", "addons-path"}), 0);
  r = prod.cli(restore);
  require_code(r, 1);
  CHECK(r.out.find("restore stopped before the swap") != std::string::npos);
  CHECK(r.out.find("auditlog") != std::string::npos);
  CHECK(oid(prod.db) == prod_oid);
  json g = prod.project()["golive"];
  CHECK(g["state"] == "verify_failed");
  CHECK(g["target_odoo"]["state"] == "update_failed");
  CHECK(prod.project()["phase"] == "production_request");

  // Fixed, the re-run updates, opens and swaps.
  require_code(prod.cli({"config", "--addons-path", rt->auditlog_addons().string()}), 0);
  r = prod.cli(restore);
  require_code(r, 0);
  g = prod.project()["golive"];
  CHECK(g["state"] == "live");
  CHECK(g["target_odoo"]["state"] == "opened");
  CHECK(oid(prod.db) != prod_oid);
  CHECK(oid(g["pre_upgrade_db"].get<std::string>()) == prod_oid);
}
