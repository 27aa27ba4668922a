// End-to-end tests of `uat` through the built binary: a project made by `initiate` on a real Odoo
// 17 fixture copy, a restored test round recorded the way test-request records it, and a test
// database with planted differences.
#include "../support/json_schema.hpp"
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

using namespace odoo_upgrade;
using test::run_cli;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

json parse_stdout(const adapters::ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

void sql(const std::string& db, const std::string& statement) {
  adapters::pg::Connection c(test::pg_conninfo(db));
  c.exec_no_rows(statement);
}

test::ProductionOptions uat_options() {
  test::ProductionOptions o;
  o.prefix = "uat";
  return o;
}

// What test-request records once the test database is restored (`verified_at`: when the test
// database was restored and verified, finished_at).
void record_round(const stdfs::path& file,
                  int number,
                  const std::string& test_db,
                  std::optional<std::string> verified_at = std::nullopt) {
  auto project = adapters::fs::load_project(file);
  core::RequestRecord round;
  round.number = number;
  round.aim = "test";
  round.state = core::RequestState::restored;
  round.test_db = test_db;
  round.finished_at = verified_at;
  core::write_round(project, round);
  core::phase_after_round_tested(project);
  adapters::fs::save_project(file, project);
}

struct Project {
  // Production initiated from a copy of the Odoo 17 fixture; the test database is a second copy
  // (dropped with the production: same prefix).
  test::Production production{uat_options()};
  test::TempDir& dir = production.dir;
  std::string prod = production.db;
  std::string tst = production.db + "_test";

  Project() { test::pg_create_from_fixture(tst, "odoo17"); }
  stdfs::path file() const { return production.project_path(); }
  adapters::ProcessResult cli(std::vector<std::string> args,
                              std::vector<std::pair<std::string, std::string>> env = {}) const {
    return production.cli(args, std::move(env));
  }
  json doc() const { return production.project(); }
  // What test-request records once the test database is restored.
  // `verified_at`: when the test database was restored and verified (finished_at).
  void add_round(int number,
                 const std::string& test_db,
                 std::optional<std::string> verified_at = std::nullopt) const {
    record_round(file(), number, test_db, std::move(verified_at));
  }
};

const char* k_deactivate_view = "UPDATE ir_ui_view SET active = false WHERE id = (SELECT res_id "
                                "FROM ir_model_data WHERE module = 'sale' AND name = "
                                "'view_order_form')";
const char* k_reactivate_view = "UPDATE ir_ui_view SET active = true WHERE id = (SELECT res_id "
                                "FROM ir_model_data WHERE module = 'sale' AND name = "
                                "'view_order_form')";

} // namespace

TEST_CASE("uat: run, report, checklist and sign-off end to end", "[integration][uat][cli]") {
  Project p;

  // No round yet: nothing to compare, nothing to list.
  auto r = p.cli({"uat", "run"});
  CHECK(r.exit_code == 3);
  r = p.cli({"uat", "list"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no test round") != std::string::npos);

  p.add_round(1, p.tst);
  sql(p.tst, k_deactivate_view);
  auto before = test::read_file(p.file());

  // Bad input and dry runs change nothing.
  r = p.cli({"uat", "run", "--check", "nope"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown check 'nope'") != std::string::npos);
  r = p.cli({"--dry-run", "uat", "run"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("uat run would:") != std::string::npos);
  CHECK(r.out.find("compare '" + p.prod + "' (production) with '" + p.tst + "'") !=
        std::string::npos);
  auto plan = parse_stdout(p.cli({"--json", "--dry-run", "uat", "run", "--check", "views"}));
  CHECK(plan["dry_run"] == true);
  CHECK(plan["round"] == 1);
  CHECK(plan["test_db"] == p.tst);
  CHECK(plan["checks"] == json::array({"views"}));
  r = p.cli({"--dry-run", "--json", "uat", "signoff", "--by", "Jane", "--force", "--reason", "x"});
  CHECK(r.exit_code == 0);
  CHECK(parse_stdout(r)["dry_run"] == true);
  r = p.cli({"uat", "mark", "nope", "pass"});
  CHECK(r.exit_code == 2);
  r = p.cli({"uat", "mark", "buy-product", "maybe"});
  CHECK(r.exit_code == 2);
  CHECK(test::read_file(p.file()) == before);

  // Sign-off without a run is refused.
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no automated run for round 1") != std::string::npos);

  // A blocking finding: exit 1, full report in the work dir, summary in the project.
  r = p.cli({"--json", "uat", "run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  auto run = parse_stdout(r);
  CHECK(run["summary"]["blocking"].get<int>() >= 1);
  CHECK(run["summary"]["go"] == false);
  stdfs::path report_file = run["report_file"].get<std::string>();
  CHECK(stdfs::exists(report_file));
  CHECK(report_file.parent_path().filename() == "1");
  CHECK(report_file.parent_path().parent_path().filename() == "rounds");
  auto full = json::parse(test::read_file(report_file));
  bool named = false;
  for (const auto& c : full["checks"]) {
    for (const auto& f : c["findings"]) {
      named = named || f["key"] == "sale.view_order_form";
    }
  }
  CHECK(named);
  auto project = p.doc();
  REQUIRE(project["uat"]["rounds"]["1"]["runs"].size() == 1);
  CHECK(project["uat"]["rounds"]["1"]["runs"][0]["blocking"].get<int>() >= 1);
  CHECK(project["history"].back()["command"] == "uat run");

  // Reports in every format.
  for (std::string format : {"text", "json", "junit", "markdown", "html"}) {
    auto out = p.dir / ("uat." + format);
    r = p.cli({"uat", "report", "--format", format, "--output", out.string()});
    INFO(format << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(stdfs::file_size(out) > 200);
  }
  CHECK(test::read_file(p.dir / "uat.html").find("NO-GO") != std::string::npos);
  CHECK(test::read_file(p.dir / "uat.html").find("sale.view_order_form") != std::string::npos);
  CHECK(json::parse(test::read_file(p.dir / "uat.json"))["verdict"] == "no-go");
  CHECK(test::read_file(p.dir / "uat.markdown").find("sale.view_order_form") != std::string::npos);
  // The JUnit XML is well-formed and has one testcase per check and per manual item.
  auto xml = (p.dir / "uat.junit").string();
  auto lint = adapters::run_process({"xmllint", "--noout", xml}, {});
  CHECK(lint.exit_code == 0);
  auto cases =
      adapters::run_process({"xmllint", "--xpath", "count(//testsuite/testcase)", xml}, {});
  // 14 checks on the datasets, 5 live checks (skipped: no target Odoo), 17 manual items.
  CHECK(trimmed(cases.out) == "36");
  auto skipped = adapters::run_process(
      {"xmllint", "--xpath", "string(//testsuite[@name='uat.automated']/@skipped)", xml}, {});
  CHECK(trimmed(skipped.out) == "5");
  auto hint = adapters::run_process(
      {"xmllint",
       "--xpath",
       "string(//testcase[starts-with(@name,'views-render:')]/skipped/@message)",
       xml},
      {});
  CHECK(hint.out.find("no target Odoo configured") != std::string::npos);
  auto failures = adapters::run_process(
      {"xmllint", "--xpath", "string(//testcase[starts-with(@name,'views:')]/failure/@type)", xml},
      {});
  CHECK(trimmed(failures.out) == "blocking");
  // Without --output the report goes to stdout; with --json it is the JSON report.
  r = p.cli({"--json", "uat", "report", "--format", "html"});
  CHECK(parse_stdout(r)["round"] == 1);

  // Blocking findings refuse the sign-off.
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("blocking finding") != std::string::npos);
  CHECK(p.doc()["phase"] == "tested");

  // Issue 10: a partial run of a clean check does not hide the blocking finding of another check.
  r = p.cli({"uat", "run", "--check", "filters"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("verdict (latest result of every check): NO-GO") != std::string::npos);
  auto partial = parse_stdout(p.cli({"--json", "uat", "report"}));
  CHECK(partial["verdict"] == "no-go");
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("blocking finding") != std::string::npos);

  // The consultant fixes the view and adds an item; a clean run exits 0.
  sql(p.tst, k_reactivate_view);
  r = p.cli({"--json", "uat", "add", "--title", "Print the customs declaration"});
  REQUIRE(r.exit_code == 0);
  CHECK(parse_stdout(r)["id"] == "print-the-customs-declaration");
  r = p.cli({"uat", "add", "--title", "Again", "--id", "print-the-customs-declaration"});
  CHECK(r.exit_code == 2);
  r = p.cli({"uat", "run"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  // The live checks without a target Odoo are skipped with the hint, and the round is GO.
  CHECK(r.out.find("skipped: no target Odoo configured") != std::string::npos);
  CHECK(r.out.find("odoo-upgrade config --odoo-bin") != std::string::npos);
  CHECK(r.out.find("verdict (latest result of every check): GO") != std::string::npos);
  // Runs made before the test database was last restored do not count.
  p.add_round(1, p.tst, "2999-01-01T00:00:00Z");
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no automated run for round 1 on its current test database") !=
        std::string::npos);
  CHECK(parse_stdout(p.cli({"--json", "uat", "report"}))["verdict"] == "no-go");
  p.add_round(1, p.tst);

  // Unmarked items refuse; then a failed item refuses.
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("not marked") != std::string::npos);
  auto items = parse_stdout(p.cli({"--json", "uat", "list"}))["items"];
  CHECK(items.size() == 18);
  for (const auto& item : items) {
    auto m = p.cli({"uat", "mark", item["id"].get<std::string>(), "pass", "--by", "Jane"});
    CHECK(m.exit_code == 0);
  }
  r = p.cli({"uat", "mark", "webshop-order", "fail", "--note", "payment page blank"});
  CHECK(r.exit_code == 0);
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("failed: webshop-order") != std::string::npos);

  // --force needs a reason; with one, the sign-off is recorded as forced.
  r = p.cli({"uat", "signoff", "--by", "Jane Customer", "--force"});
  CHECK(r.exit_code == 2);
  r = p.cli({"--json",
             "uat",
             "signoff",
             "--by",
             "Jane Customer",
             "--force",
             "--reason",
             "web shop not used at go-live"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  project = p.doc();
  CHECK(project["phase"] == "signed_off");
  CHECK(project["uat"]["signoff"]["round"] == 1);
  CHECK(project["uat"]["signoff"]["forced"] == true);
  CHECK(project["uat"]["signoff"]["reason"] == "web shop not used at go-live");
  CHECK(project["uat"]["signoff"]["by"] == "Jane Customer");
  auto report = parse_stdout(p.cli({"--json", "uat", "report"}));
  CHECK(report["signoff"]["by"] == "Jane Customer");

  // A new round needs its own run, marks and sign-off.
  p.add_round(2, p.tst);
  report = parse_stdout(p.cli({"--json", "uat", "report"}));
  CHECK(report["round"] == 2);
  CHECK(report["signoff"].is_null());
  CHECK(report["automated"]["run"] == false);
  CHECK(report["manual"][0]["status"] == "unmarked");
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no automated run for round 2") != std::string::npos);
}

TEST_CASE("uat report: the consultant's name and logo from the user's config file (issues 14, 16)",
          "[integration][uat][cli]") {
  Project p;
  p.add_round(1, p.tst);
  auto config_dir = p.dir / "config";
  stdfs::create_directories(config_dir);
  auto config = config_dir / "config.json";
  std::vector<std::pair<std::string, std::string>> env{{"ODOO_UPGRADE_CONFIG", config.string()}};
  // The logo's type comes from its content: an SVG named .png is embedded as SVG. A relative path
  // is read from the config file's folder.
  std::string svg = R"(<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120" )"
                    R"(height="40"><rect width="120" height="40" fill="#714b67"/></svg>)";
  test::write_file(config_dir / "logo.png", svg);
  test::write_file(
      config,
      json{{"consultant", {{"name", "Partners & Co"}, {"contact", "jane@partners.example"}}},
           {"logo", "logo.png"}}
          .dump());
  auto html = p.dir / "uat.html";
  auto r = p.cli({"uat", "report", "--format", "html", "--output", html.string()}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto page = test::read_file(html);
  CHECK(page.find("<b>Partners &amp; Co</b>") != std::string::npos);
  CHECK(page.find("jane@partners.example") != std::string::npos);
  // Self-contained: the logo is in the file, not a link to it.
  CHECK(page.find("<img src=\"data:image/svg+xml;base64,") != std::string::npos);
  CHECK(page.find("logo.png") == std::string::npos);
  auto md = p.dir / "uat.md";
  REQUIRE(
      p.cli({"uat", "report", "--format", "markdown", "--output", md.string()}, env).exit_code ==
      0);
  CHECK(test::read_file(md).find("Prepared by **Partners & Co**") != std::string::npos);
  auto js = p.dir / "uat.json";
  REQUIRE(p.cli({"uat", "report", "--format", "json", "--output", js.string()}, env).exit_code ==
          0);
  auto report = json::parse(test::read_file(js));
  CHECK(report["consultant"]["name"] == "Partners & Co");
  // The file is the --json document: it names its schema and matches it.
  CHECK(report["schema"] == "odoo-upgrade/uat-report/1");
  CHECK(test::output_schema_errors(report).empty());
  // --json with --output says where the report went (checked against its schema by run_cli).
  auto written =
      p.cli({"--json", "uat", "report", "--format", "json", "--output", js.string()}, env);
  REQUIRE(written.exit_code == 0);
  CHECK(json::parse(written.out)["verdict"].is_string());

  // A bad logo stops the report with exit 6 naming the config file's key and the image; nothing
  // is written.
  auto refused = [&](const std::string& logo, const std::string& why) {
    test::write_file(config, json{{"consultant", "Partners & Co"}, {"logo", logo}}.dump());
    auto out = p.dir / "refused.html";
    auto bad = p.cli({"uat", "report", "--format", "html", "--output", out.string()}, env);
    INFO(logo << ": " << bad.err);
    CHECK(bad.exit_code == 6);
    CHECK(bad.err.find("config file field '" + config.string() + ".logo'") != std::string::npos);
    CHECK(bad.err.find(why) != std::string::npos);
    CHECK_FALSE(stdfs::exists(out));
  };
  refused((config_dir / "missing.svg").string(), "missing.svg' does not exist");
  test::write_file(config_dir / "logo.svg", "not an image, whatever its name says");
  refused("logo.svg", "is not a PNG, JPEG or SVG image");
  test::write_file(config_dir / "big.png",
                   std::string("\x89PNG\r\n\x1A\n", 8) + std::string(1024 * 1024, 'x'));
  refused("big.png", "at most 1 MiB");
  refused(config_dir.string(), "is not a file");
}

TEST_CASE("initiate adds the consultant's checklist template once (issue 14)",
          "[integration][uat][cli]") {
  Project p; // initiated without a config file: the default checklist
  CHECK_FALSE(p.doc().contains("uat"));
  auto config = p.dir / "config.json";
  auto tmpl = p.dir / "scenarios.txt";
  std::vector<std::pair<std::string, std::string>> env{{"ODOO_UPGRADE_CONFIG", config.string()}};
  test::write_file(config, json{{"checklist_template", "scenarios.txt"}}.dump());
  // One new scenario, one the default checklist already has (same title).
  test::write_file(tmpl,
                   "# Partners SA: every customer\nPrint the customs declaration\n"
                   "Invoice the sale and register the payment\n");
  auto initiate = p.production.initiate_args();
  initiate.push_back("--force");
  auto initiated = [&](const std::string& what) {
    auto r = p.cli(initiate, env);
    INFO(what << ": " << r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    return r;
  };
  auto r = initiated("with the template");
  CHECK(r.out.find("UAT checklist: 1 item(s) added from the template '" + tmpl.string() + "'") !=
        std::string::npos);
  auto checklist = p.doc()["uat"]["checklist"];
  REQUIRE(checklist.size() == 18);
  CHECK(checklist[17]["id"] == "print-the-customs-declaration");
  CHECK(checklist[17]["category"] == "custom");

  // The project's own item, then a re-run: kept, and the template adds nothing twice.
  p.add_round(1, p.tst);
  REQUIRE(p.cli({"uat", "add", "--title", "Check the Intrastat report"}).exit_code == 0);
  CHECK(p.doc()["uat"]["checklist"].size() == 19);
  CHECK(p.cli({"uat", "list"}).out.find("print-the-customs-declaration") != std::string::npos);
  initiated("a re-run");
  checklist = p.doc()["uat"]["checklist"];
  REQUIRE(checklist.size() == 19);
  CHECK(checklist[17]["id"] == "print-the-customs-declaration");
  CHECK(checklist[18]["title"] == "Check the Intrastat report");

  // A bad template or a template that is not there: exit 6 naming it, the project unchanged.
  auto before = test::read_file(p.file());
  auto json_tmpl = p.dir / "scenarios.json";
  test::write_file(config, json{{"checklist_template", json_tmpl.string()}}.dump());
  r = p.cli(initiate, env);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("config file field '" + config.string() + ".checklist_template': '" +
                   json_tmpl.string() + "' does not exist") != std::string::npos);
  test::write_file(json_tmpl, R"([{"title": "Run the payroll", "id": "Payroll!"}])");
  r = p.cli(initiate, env);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("checklist template '" + json_tmpl.string() + "' item 1: invalid id") !=
        std::string::npos);
  CHECK(test::read_file(p.file()) == before);
}

TEST_CASE("uat report: record names in the consultant's report language (issue 14)",
          "[integration][uat][cli]") {
  // The real pair: a 16.0 production and its real 17.0 upgrade, French and German active in both.
  test::ProductionOptions o;
  o.prefix = "uatlang";
  o.fixture = "cust16";
  o.target = "17.0";
  o.with_filestore = false;
  test::Production prod(o);
  std::string tst = prod.db + "_test";
  test::pg_create_from_fixture(tst, "cust17");
  record_round(prod.project_path(), 1, tst);
  auto run = prod.cli({"uat", "run"});
  INFO(run.err);
  REQUIRE((run.exit_code == 0 || run.exit_code == 1));
  auto config = prod.dir / "config.json";
  std::vector<std::pair<std::string, std::string>> env{{"ODOO_UPGRADE_CONFIG", config.string()}};
  auto report = [&](const std::string& language, const std::string& format) {
    test::write_file(config, json{{"report_language", language}}.dump());
    auto out = prod.dir / ("uat-" + language + "." + format);
    auto r = prod.cli({"uat", "report", "--format", format, "--output", out.string()}, env);
    INFO(language << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return test::read_file(out);
  };
  auto english = json::parse(report("en_US", "json"));
  auto french = json::parse(report("fr_FR", "json"));
  CHECK_FALSE(english.contains("language"));
  CHECK(french["language"] == "fr_FR");
  CHECK_FALSE(french.contains("language_warning"));
  // Every name that changed is the record's French name in the test database, read here
  // independently; keys and ids stay.
  adapters::pg::Connection test_db(test::pg_conninfo(tst));
  int translated = 0;
  const auto& en_checks = english["automated"]["checks"];
  const auto& fr_checks = french["automated"]["checks"];
  REQUIRE(en_checks.size() == fr_checks.size());
  for (std::size_t c = 0; c < en_checks.size(); ++c) {
    REQUIRE(en_checks[c]["findings"].size() == fr_checks[c]["findings"].size());
    for (std::size_t i = 0; i < en_checks[c]["findings"].size(); ++i) {
      const auto& en = en_checks[c]["findings"][i];
      const auto& fr = fr_checks[c]["findings"][i];
      CHECK(en["id"] == fr["id"]);
      CHECK(en["key"] == fr["key"]);
      if (en["name"] == fr["name"]) {
        continue;
      }
      ++translated;
      std::string key = en["key"];
      auto table = core::odoo_table(en["model"].get<std::string>());
      REQUIRE(table);
      auto expected = test_db.query_value(
          "SELECT t.name->>'fr_FR' FROM ir_model_data d JOIN " +
              adapters::pg::quote_identifier(*table) +
              " t ON t.id = d.res_id WHERE d.model = $1 AND d.module || '.' || d.name = $2",
          {en["model"].get<std::string>(), key});
      CHECK(fr["name"] == expected.value_or("?"));
    }
  }
  CHECK(translated > 0);
  auto html = report("fr_FR", "html");
  CHECK(html.find("<html lang=\"fr-FR\">") != std::string::npos);
  CHECK(html.find("<h2>Summary</h2>") != std::string::npos); // fixed headings stay English

  // A language the test database does not have active: en_US names and a warning, not an error.
  auto spanish = json::parse(report("es_ES", "json"));
  CHECK_FALSE(spanish.contains("language"));
  CHECK(spanish["language_warning"] ==
        "record names are shown in en_US: the language 'es_ES' is not active in the test "
        "database '" +
            tst + "'");
  CHECK(spanish["automated"]["checks"] == english["automated"]["checks"]);
  html = report("es_ES", "html");
  CHECK(html.find("<html lang=\"en-US\">") != std::string::npos);
  CHECK(html.find("is not active in the test database") != std::string::npos);
  // A code that is not a language code is a bad config file: exit 6 naming the key.
  test::write_file(config, json{{"report_language", "French"}}.dump());
  auto bad = prod.cli({"uat", "report", "--format", "html"}, env);
  CHECK(bad.exit_code == 6);
  CHECK(bad.err.find(config.string() + ".report_language") != std::string::npos);
}

TEST_CASE("uat run: every database error says whether it is production or test (issue 10)",
          "[integration][uat][cli]") {
  Project p;
  // A conninfo that cannot connect, with a password that must not be shown.
  std::string gone = "host=/nowhere port=1 dbname=gone_db password=hunter2secret";
  auto gone_file = p.dir / "gone.conninfo";
  test::write_file(gone_file, gone + "\n");
  auto no_secret = [](const adapters::ProcessResult& r) {
    CHECK(r.err.find("hunter2secret") == std::string::npos);
    CHECK(r.out.find("hunter2secret") == std::string::npos);
  };

  SECTION("production unreachable") {
    auto r = p.cli({"uat",
                    "run",
                    "--prod-db-file",
                    gone_file.string(),
                    "--test-db",
                    test::pg_conninfo(p.tst)});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("production database 'gone_db'") != std::string::npos);
    no_secret(r);
  }
  SECTION("test unreachable, --json error document") {
    auto r = p.cli({"--json",
                    "uat",
                    "run",
                    "--prod-db",
                    test::pg_conninfo(p.prod),
                    "--test-db-file",
                    gone_file.string()});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    auto doc = parse_stdout(r);
    CHECK(doc["error"]["message"].get<std::string>().find("test database 'gone_db'") !=
          std::string::npos);
    no_secret(r);
  }
  SECTION("the round's test database is gone") {
    p.add_round(1, p.tst + "_dropped");
    auto r = p.cli({"uat", "run"});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("test database '" + p.tst + "_dropped'") != std::string::npos);
  }
  SECTION("a query that fails on one side: the check's error names that side") {
    // A value no query expects (the rounding of an active currency is not a number).
    sql(p.tst, "ALTER TABLE res_currency DROP CONSTRAINT res_currency_rounding_gt_zero");
    sql(p.tst, "ALTER TABLE res_currency ALTER COLUMN rounding TYPE text");
    sql(p.tst, "UPDATE res_currency SET rounding = 'not a number' WHERE active");
    auto r = p.cli({"--json",
                    "uat",
                    "run",
                    "--prod-db",
                    test::pg_conninfo(p.prod),
                    "--test-db",
                    test::pg_conninfo(p.tst),
                    "--check",
                    "accounting"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    auto doc = parse_stdout(r);
    REQUIRE(doc["checks"].size() == 1);
    CHECK(doc["checks"][0]["status"] == "error");
    CHECK(doc["checks"][0]["error"].get<std::string>().find("test database '" + p.tst + "'") !=
          std::string::npos);
  }
}

TEST_CASE("uat: an output that cannot be written is refused before any work (issue 10)",
          "[integration][uat][cli]") {
  Project p;
  p.add_round(1, p.tst);
  auto before = test::read_file(p.file());
  test::write_file(p.dir / "a-file", "x\n");
  // A folder that does not exist, a file where a folder should be, a folder as the output.
  // Section names must be the same on every run of the test case (the temp folder is not).
  const std::vector<std::pair<std::string, std::filesystem::path>> outputs = {
      {"a missing folder", p.dir / "no-such-dir" / "r.html"},
      {"a file as the folder", p.dir / "a-file" / "r.html"},
      {"a folder as the output", p.dir.path()}};
  for (const auto& [label, out] : outputs) {
    DYNAMIC_SECTION(label) {
      auto r = p.cli({"uat", "report", "--format", "html", "-o", out.string()});
      INFO(r.err);
      CHECK(r.exit_code == 6);
      CHECK(r.err.find(out.string()) != std::string::npos);
      // Checked before connecting: with an unreachable test database the output still comes
      // first (exit 6, not 5), and no missing-record list is written anywhere.
      r = p.cli({"uat",
                 "run",
                 "--prod-db",
                 test::pg_conninfo(p.prod),
                 "--test-db",
                 "host=/nowhere port=1 dbname=gone_db",
                 "-o",
                 out.string()});
      INFO(r.err);
      CHECK(r.exit_code == 6);
      CHECK(r.err.find(out.string()) != std::string::npos);
      CHECK(test::read_file(p.file()) == before);
    }
  }
  SECTION("the round's folder under the work dir cannot be made") {
    // A file where the rounds folder goes; the test database unreachable: exit 6 says the check
    // came before the comparison.
    auto work = stdfs::path(p.doc()["work_dir"].get<std::string>());
    stdfs::create_directories(work);
    test::write_file(work / "rounds", "x\n");
    p.add_round(1, p.tst + "_gone");
    before = test::read_file(p.file());
    auto r = p.cli({"uat", "run"});
    INFO(r.err);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find((work / "rounds").string()) != std::string::npos);
    CHECK(test::read_file(p.file()) == before);
  }
}
