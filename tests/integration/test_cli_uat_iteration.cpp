// The UAT round after round, through the built binary on real PostgreSQL: finding ids, a second
// round where one planted difference was fixed ("fixed"), acceptances (they stop blocking, show in
// the HTML report, lapse or are revoked), and `uat run --prod-db/--test-db` without a project
// round on the real upgraded pair (same counts as a project round).
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

json parse_stdout(const adapters::ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

void sql(const std::string& db, const std::string& statement) {
  adapters::pg::Connection c(test::pg_conninfo(db));
  c.exec_no_rows(statement);
}

// Deactivates the view of xml id `module.name` in `db`: a blocking finding of check `views`.
void deactivate_view(const std::string& db, const std::string& module, const std::string& name) {
  sql(db,
      "UPDATE ir_ui_view SET active = false WHERE id = (SELECT res_id FROM ir_model_data WHERE "
      "module = '" +
          module + "' AND name = '" + name + "')");
}

// Records round `number` as test-request does once its test database is restored.
void add_round(const test::Production& production, int number, const std::string& test_db) {
  auto project = adapters::fs::load_project(production.project_path());
  core::RequestRecord round;
  round.number = number;
  round.aim = "test";
  round.state = core::RequestState::restored;
  round.test_db = test_db;
  core::write_round(project, round);
  core::phase_after_round_tested(project);
  adapters::fs::save_project(production.project_path(), project);
}

// The finding of `run` (a --json document) whose key is `key`; fails the test when none.
json finding_by_key(const json& doc, const std::string& key) {
  for (const auto& c : doc["checks"]) {
    for (const auto& f : c["findings"]) {
      if (f["key"] == key) {
        return f;
      }
    }
  }
  FAIL("no finding for " << key);
  return {};
}

test::ProductionOptions options(const std::string& prefix, const std::string& fixture) {
  test::ProductionOptions o;
  o.prefix = prefix;
  o.fixture = fixture;
  if (fixture == "cust16") {
    o.target = "17.0";
  }
  return o;
}

} // namespace

TEST_CASE("uat: round after round, a fix shows as fixed; acceptances stop blocking",
          "[integration][uat][cli]") {
  test::Production p(options("uatit", "odoo17"));
  std::string round1 = p.db + "_t1";
  std::string round2 = p.db + "_t2";
  test::pg_create_from_fixture(round1, "odoo17");
  deactivate_view(round1, "sale", "view_order_form");
  deactivate_view(round1, "purchase", "purchase_order_form");

  // Round 1: two planted differences, each a blocking finding with its id.
  add_round(p, 1, round1);
  auto r = p.cli({"--json", "uat", "run"});
  REQUIRE(r.exit_code == 1);
  auto run1 = parse_stdout(r);
  CHECK(run1["iteration"]["previous_round"] == 0);
  auto sale1 = finding_by_key(run1, "sale.view_order_form");
  auto purchase1 = finding_by_key(run1, "purchase.purchase_order_form");
  CHECK(sale1["severity"] == "blocking");
  std::string purchase_id = purchase1["id"].get<std::string>();
  CHECK(purchase_id.rfind("views-", 0) == 0);
  CHECK(purchase_id.size() == std::string("views-").size() + 10);
  // Ids are unique within the run, and the human output shows them.
  std::set<std::string> ids;
  std::size_t findings = 0;
  for (const auto& c : run1["checks"]) {
    for (const auto& f : c["findings"]) {
      ids.insert(f["id"].get<std::string>());
      ++findings;
    }
  }
  CHECK(ids.size() == findings);
  auto text = p.cli({"uat", "report"});
  CHECK(text.out.find(purchase_id) != std::string::npos);

  // Round 2: the consultant fixed the sale form; the purchase form is still deactivated.
  test::pg_create_from_fixture(round2, "odoo17");
  deactivate_view(round2, "purchase", "purchase_order_form");
  add_round(p, 2, round2);
  r = p.cli({"--json", "uat", "run"});
  REQUIRE(r.exit_code == 1);
  auto run2 = parse_stdout(r);
  CHECK(run2["iteration"]["previous_round"] == 1);
  CHECK(run2["iteration"]["fixed"] == 1);
  CHECK(run2["iteration"]["new"] == 0);
  CHECK(finding_by_key(run2, "purchase.purchase_order_form")["id"] == purchase_id);
  CHECK(finding_by_key(run2, "purchase.purchase_order_form")["since"] == "still");
  auto report = parse_stdout(p.cli({"--json", "uat", "report"}));
  CHECK(report["iteration"]["fixed"] == 1);
  REQUIRE(report["iteration"]["fixed_findings"].size() == 1);
  CHECK(report["iteration"]["fixed_findings"][0]["key"] == "sale.view_order_form");
  CHECK(report["iteration"]["fixed_findings"][0]["id"] == sale1["id"]);
  text = p.cli({"uat", "report"});
  CHECK(text.out.find("1 fixed, 0 new,") != std::string::npos);
  CHECK(text.out.find("fixed [" + sale1["id"].get<std::string>() + "]") != std::string::npos);

  // Bad acceptances change nothing: unknown id, an info finding, no reason.
  auto before = test::read_file(p.project_path());
  r = p.cli({"uat", "accept", "views-0000000000", "--reason", "x", "--by", "Jane"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown finding 'views-0000000000'") != std::string::npos);
  r = p.cli({"uat", "accept", purchase_id, "--by", "Jane"});
  CHECK(r.exit_code == 2);
  r = p.cli({"uat", "accept", "--revoke", purchase_id});
  CHECK(r.exit_code == 2);
  CHECK(test::read_file(p.project_path()) == before);

  // The customer accepts the purchase form: it stops blocking and shows with its reason.
  std::string reason = "purchase orders are entered by EDI only";
  r = p.cli({"uat", "accept", purchase_id, "--reason", reason, "--by", "Jane Customer"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto list = parse_stdout(p.cli({"--json", "uat", "accept", "--list"}));
  REQUIRE(list["acceptances"].size() == 1);
  CHECK(list["acceptances"][0]["standing"] == "in force");
  CHECK(p.project()["history"].back()["command"] == "uat accept");
  report = parse_stdout(p.cli({"--json", "uat", "report"}));
  CHECK(report["automated"]["blocking"] == 0);
  CHECK(report["iteration"]["accepted"] == 1);
  auto html = p.dir / "uat.html";
  r = p.cli({"uat", "report", "--format", "html", "--output", html.string()});
  REQUIRE(r.exit_code == 0);
  auto page = test::read_file(html);
  CHECK(page.find(purchase_id) != std::string::npos);
  CHECK(page.find(reason) != std::string::npos);
  CHECK(page.find("accepted by Jane Customer") != std::string::npos);
  // Sign-off is no longer refused for a blocking finding (the manual items are still open).
  r = p.cli({"uat", "signoff", "--by", "Jane Customer"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("blocking finding") == std::string::npos);
  // The acceptance carries over to the next run: no blocking finding left.
  r = p.cli({"--json", "uat", "run"});
  CHECK(r.exit_code == 0);
  CHECK(parse_stdout(r)["summary"]["accepted"] == 1);

  // Revoked: it blocks again.
  r = p.cli({"uat", "accept", "--revoke", purchase_id});
  REQUIRE(r.exit_code == 0);
  CHECK(p.project()["history"].back()["outcome"] == "revoked");
  CHECK(p.project()["uat"]["acceptances"].is_null());
  r = p.cli({"uat", "run"});
  CHECK(r.exit_code == 1);
  CHECK(parse_stdout(p.cli({"--json", "uat", "report"}))["automated"]["blocking"].get<int>() >= 1);

  // Accepted again, then the finding changes (production's view turns out customised, and the
  // test database lost that too): it blocks again and says its acceptance lapsed.
  r = p.cli({"uat", "accept", purchase_id, "--reason", reason, "--by", "Jane Customer"});
  REQUIRE(r.exit_code == 0);
  CHECK(p.cli({"uat", "run"}).exit_code == 0);
  sql(p.db,
      "UPDATE ir_ui_view SET arch_updated = true WHERE id = (SELECT res_id FROM ir_model_data "
      "WHERE module = 'purchase' AND name = 'purchase_order_form')");
  r = p.cli({"--json", "uat", "run"});
  CHECK(r.exit_code == 1);
  auto lapsed = finding_by_key(parse_stdout(r), "purchase.purchase_order_form");
  CHECK(lapsed["id"] == purchase_id);
  CHECK(lapsed["digest"] != purchase1["digest"]);
  CHECK(lapsed["accepted"]["lapsed"] == true);
  CHECK(p.cli({"uat", "report"}).out.find("acceptance lapsed") != std::string::npos);
  auto standing = parse_stdout(p.cli({"--json", "uat", "accept", "--list"}));
  CHECK(standing["acceptances"][0]["standing"] == "lapsed (the finding changed)");
}

namespace {

// The findings of every check of a report file, by id (every finding: the counts are complete).
std::set<std::string> finding_ids(const json& report) {
  std::set<std::string> ids;
  for (const auto& c : report["checks"]) {
    long long counted = 0;
    for (auto& [severity, n] : c["counts"].items()) {
      counted += n.get<long long>();
    }
    CHECK(static_cast<long long>(c["findings"].size()) == counted);
    for (const auto& f : c["findings"]) {
      ids.insert(f["id"].get<std::string>());
    }
  }
  return ids;
}

} // namespace

TEST_CASE("uat run --prod-db/--test-db compares two databases without a project round",
          "[integration][uat][cli]") {
  // The real pair: a project round on it, then the same pair without a project.
  test::Production p(options("uatpair", "cust16"));
  std::string upgraded = p.db + "_t1";
  test::pg_create_from_fixture(upgraded, "cust17");
  add_round(p, 1, upgraded);
  auto r = p.cli({"uat", "run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 1); // the README's customer losses block
  auto project_file = p.project()["uat"]["rounds"]["1"]["runs"][0]["report_file"];
  auto project_run = json::parse(test::read_file(project_file.get<std::string>()));

  // The people's reports stay readable with 6000+ info findings: blocking findings and warnings
  // one by one, the infos grouped per check and reason (collapsed in HTML), every info in a CSV
  // beside the report (and in the JSON report).
  auto info_total = project_run["summary"]["info"].get<std::size_t>();
  REQUIRE(info_total > 6000);
  for (std::string format : {"html", "markdown"}) {
    auto out = p.dir / ("uat." + format);
    r = p.cli({"--json", "uat", "report", "--format", format, "-o", out.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto side = p.dir / "uat-info.csv";
    CHECK(parse_stdout(r)["info_list"] == side.string());
    auto page = test::read_file(out);
    CHECK(page.size() < 100 * 1024);
    CHECK(page.find("uat-info.csv") != std::string::npos);
    if (format == "html") {
      CHECK(page.find("<details class=\"expected\"><summary>") != std::string::npos);
    }
    auto list = test::read_file(side);
    CHECK(static_cast<std::size_t>(std::count(list.begin(), list.end(), '\n')) == info_total + 1);
  }
  auto project_before = test::read_file(p.project_path());

  // The conninfos come from a file and the environment: no password in argv.
  auto prod_file = p.dir / "prod.conninfo";
  test::write_file(prod_file, p.conninfo() + "\n");
  std::vector<std::pair<std::string, std::string>> test_env = {
      {"ODOO_UPGRADE_TEST_DB", test::pg_conninfo(upgraded)}};
  std::string report_file = (p.dir / "pair.json").string();
  r = p.cli({"uat", "run", "--prod-db-file", prod_file.string(), "-o", report_file}, test_env);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("no project round") != std::string::npos);
  auto pair = json::parse(test::read_file(report_file));
  for (std::string count : {"blocking", "warning", "info", "errors", "skipped"}) {
    INFO(count);
    CHECK(pair["summary"][count] == project_run["summary"][count]);
  }
  REQUIRE(pair["checks"].size() == project_run["checks"].size());
  for (std::size_t i = 0; i < pair["checks"].size(); ++i) {
    INFO(pair["checks"][i]["id"]);
    CHECK(pair["checks"][i]["counts"] == project_run["checks"][i]["counts"]);
  }
  // Every finding in both, with the same ids.
  CHECK(finding_ids(pair) == finding_ids(project_run));
  CHECK(finding_ids(pair).size() > 6000);
  // --json prints every finding too.
  r = p.cli({"--json", "uat", "run", "--prod-db-file", prod_file.string(), "--check", "views"},
            test_env);
  auto views = parse_stdout(r);
  CHECK(r.exit_code == 1);
  CHECK(views["summary"]["blocking"] == project_run["checks"][0]["counts"]["blocking"]);
  CHECK(finding_ids(views).size() == views["checks"][0]["findings"].size());
  // Nothing recorded in the project.
  CHECK(test::read_file(p.project_path()) == project_before);

  // A dry run is the whole plan: the checks that would run (the live ones skipped: no project)
  // and no round; it connects to nothing.
  r = p.cli({"--json", "--dry-run", "uat", "run", "--check", "pages", "--check", "views"},
            {{"ODOO_UPGRADE_PROD_DB", "host=/nowhere dbname=prod"},
             {"ODOO_UPGRADE_TEST_DB", "host=/nowhere dbname=test"}});
  auto plan = parse_stdout(r);
  CHECK(r.exit_code == 0);
  CHECK(plan["dry_run"] == true);
  CHECK(plan["round"].is_null());
  CHECK(plan["production_db"] == "prod");
  CHECK(plan["test_db"] == "test");
  CHECK(plan["checks"] == json::array({"views", "pages"}));
  CHECK(plan["live_checks"]["checks"] == json::array({"pages"}));
  CHECK(plan["live_checks"]["status"] == "skipped");
  r = p.cli({"--json", "--dry-run", "uat", "run"},
            {{"ODOO_UPGRADE_PROD_DB", "host=/nowhere dbname=prod"},
             {"ODOO_UPGRADE_TEST_DB", "host=/nowhere dbname=test"}});
  CHECK(parse_stdout(r)["checks"].size() == project_run["checks"].size());

  // Bad input: one side only, no database named.
  r = p.cli({"uat", "run", "--prod-db-file", prod_file.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--prod-db and --test-db go together") != std::string::npos);
  r = p.cli({"uat", "run", "--prod-db-file", prod_file.string()},
            {{"ODOO_UPGRADE_TEST_DB", "host=/nowhere"}});
  CHECK(r.exit_code == 2);
  CHECK(test::read_file(p.project_path()) == project_before);
}

namespace {

// Deletes the `n` sale order lines of highest id in `db`: a blocking record-count finding that
// names them.
void delete_sale_lines(const std::string& db, int n) {
  sql(db,
      "DELETE FROM sale_order_line WHERE id IN (SELECT id FROM sale_order_line ORDER BY id DESC "
      "LIMIT " +
          std::to_string(n) + ")");
}

} // namespace

TEST_CASE("uat: an acceptance carries over into the next round while its finding is unchanged",
          "[integration][uat][cli]") {
  test::Production p(options("uatcarry", "odoo17"));
  std::string round1 = p.db + "_t1";
  std::string round2 = p.db + "_t2";
  test::pg_create_from_fixture(round1, "odoo17");
  deactivate_view(round1, "purchase", "purchase_order_form");
  delete_sale_lines(round1, 1);

  // Round 1: two blocking findings, both accepted by the customer.
  add_round(p, 1, round1);
  auto r = p.cli({"--json", "uat", "run"});
  REQUIRE(r.exit_code == 1);
  auto run1 = parse_stdout(r);
  auto view1 = finding_by_key(run1, "purchase.purchase_order_form");
  auto count1 = finding_by_key(run1, "sale.order.line");
  CHECK(count1["severity"] == "blocking");
  for (const auto& f : {view1, count1}) {
    r = p.cli({"uat", "accept", f["id"].get<std::string>(), "--reason", "known", "--by", "Jane"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  // The list of the missing line is the run's own.
  auto list1 =
      stdfs::path(run1["missing_lists"].get<std::string>()) / "uat-missing-sale.order.line.txt";
  REQUIRE(stdfs::exists(list1));
  CHECK(count1["message"].get<std::string>().find(list1.string()) != std::string::npos);

  // Round 2: the view still deactivated (the same finding), one more sale line lost (the count
  // finding changed).
  test::pg_create_from_fixture(round2, "odoo17");
  deactivate_view(round2, "purchase", "purchase_order_form");
  delete_sale_lines(round2, 2);
  add_round(p, 2, round2);
  r = p.cli({"--json", "uat", "run"});
  CHECK(r.exit_code == 1); // the lapsed acceptance blocks again
  auto run2 = parse_stdout(r);
  auto view2 = finding_by_key(run2, "purchase.purchase_order_form");
  CHECK(view2["id"] == view1["id"]);
  CHECK(view2["since"] == "still");
  CHECK(view2["accepted"]["lapsed"] == false);
  auto count2 = finding_by_key(run2, "sale.order.line");
  CHECK(count2["id"] == count1["id"]);
  CHECK(count2["since"] == "still");
  CHECK(count2["accepted"]["lapsed"] == true);
  CHECK(run2["summary"]["blocking"] == 1);
  CHECK(run2["summary"]["accepted"] == 1);

  // Each run's list stays where its report says: round 1's names one line, round 2's two.
  auto list2 =
      stdfs::path(run2["missing_lists"].get<std::string>()) / "uat-missing-sale.order.line.txt";
  CHECK(list2 != list1);
  CHECK(count2["message"].get<std::string>().find(list2.string()) != std::string::npos);
  auto lines = [](const stdfs::path& file) {
    auto text = test::read_file(file);
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(lines(list1) == 1);
  CHECK(lines(list2) == 2);

  // uat list shows the same state without running: still there, accepted, lapsed, the verdict.
  auto list = parse_stdout(p.cli({"--json", "uat", "list"}));
  CHECK(list["verdict"] == "no-go");
  CHECK(list["iteration"]["previous_round"] == 1);
  CHECK(list["iteration"]["still"] == run2["iteration"]["still"]);
  CHECK(list["iteration"]["fixed"] == 0);
  CHECK(list["iteration"]["new"] == 0);
  bool view_accepted = false;
  bool count_lapsed = false;
  for (const auto& f : list["findings"]) {
    CHECK(f["since"] == "still");
    view_accepted = view_accepted || (f["id"] == view1["id"] && f["accepted"] == true);
    count_lapsed = count_lapsed || (f["id"] == count1["id"] && f["acceptance_lapsed"] == true);
  }
  CHECK(view_accepted);
  CHECK(count_lapsed);
  auto text = p.cli({"uat", "list"}).out;
  CHECK(text.find("[" + view1["id"].get<std::string>() + ", still there]") != std::string::npos);
  CHECK(text.find("acceptance lapsed") != std::string::npos);
  CHECK(text.find("iteration: " + run2["iteration"]["line"].get<std::string>()) !=
        std::string::npos);
  CHECK(text.find("round 2 verdict: NO-GO") != std::string::npos);

  // The same pair without a project: the lists go beside --output and the output says where.
  auto before = test::read_file(p.project_path());
  // The round's own folder (its report and lists) is not written by a pair run. Compared as a
  // listing: the lists folders are named after the second a run started, so the round's may bear
  // the very name the pair's gets.
  auto round_dir = stdfs::path(run2["report_file"].get<std::string>()).parent_path();
  auto listing = [](const stdfs::path& dir) {
    std::vector<std::string> files;
    for (const auto& e : stdfs::recursive_directory_iterator(dir)) {
      files.push_back(stdfs::relative(e.path(), dir).string() +
                      (e.is_regular_file() ? " " + std::to_string(e.file_size()) : ""));
    }
    std::sort(files.begin(), files.end());
    return files;
  };
  auto round_files = listing(round_dir);
  auto out_dir = p.dir / "pair";
  stdfs::create_directories(out_dir);
  r = p.cli({"uat",
             "run",
             "--prod-db",
             p.conninfo(),
             "--test-db",
             test::pg_conninfo(round2),
             "--check",
             "record-counts",
             "-o",
             (out_dir / "pair.json").string()});
  CHECK(r.exit_code == 1);
  auto pair = json::parse(test::read_file(out_dir / "pair.json"));
  REQUIRE(pair["missing_lists"].is_string());
  auto pair_lists = stdfs::path(pair["missing_lists"].get<std::string>());
  CHECK(pair_lists.parent_path() == out_dir);
  CHECK(r.out.find("missing-record lists: " + pair_lists.string()) != std::string::npos);
  CHECK(lines(pair_lists / "uat-missing-sale.order.line.txt") == 2);
  CHECK(test::read_file(p.project_path()) == before);
  CHECK(listing(round_dir) == round_files);
}
