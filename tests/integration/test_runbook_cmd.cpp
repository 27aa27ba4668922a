// End-to-end tests of `runbook` (issue 13) through the built binary: a project made by `initiate`
// on a real Odoo 17 fixture copy; the results a round's executor records are planted in the round
// records where a test needs them.
#include "../support/json_schema.hpp"
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

json parse_stdout(const adapters::ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

test::ProductionOptions runbook_options() {
  test::ProductionOptions o;
  o.prefix = "rbcmd";
  o.with_filestore = false;
  return o;
}

// The steps' ids of the project's runbook, in order.
std::vector<std::string> step_ids(const json& project) {
  std::vector<std::string> ids;
  for (const auto& s : project["runbook"]["steps"]) {
    ids.push_back(s["id"].get<std::string>());
  }
  return ids;
}

// What a round's executor records for one step (commands/runbook_steps.hpp).
core::RunbookStepResult
planted(const core::RunbookStep& step, const std::string& result, double seconds) {
  core::RunbookStepResult r;
  r.step_id = step.id;
  r.sha256 = step.sha256;
  r.title = step.title;
  r.when = step.when;
  r.started_at = "2026-11-30T04:00:00Z";
  r.finished_at = "2026-11-30T04:00:03Z";
  r.seconds = seconds;
  r.result = result;
  r.error = result == "ok" ? "" : "ERROR:  relation \"x\" does not exist";
  return r;
}

// A finished round `number` that ran `results`, as test-request records it.
void plant_round(const stdfs::path& file,
                 int number,
                 const std::vector<core::RunbookStepResult>& results,
                 core::RequestState state = core::RequestState::restored) {
  auto project = adapters::fs::load_project(file);
  core::RequestRecord round;
  round.number = number;
  round.aim = "test";
  round.state = state;
  round.runbook = results;
  round.timings.dump_s = 60;
  round.timings.upload_s = 30;
  round.timings.processing_s = 600;
  round.timings.download_s = 30;
  round.timings.restore_s = 120;
  core::write_round(project, round);
  core::phase_after_round_tested(project);
  adapters::fs::save_project(file, project);
}

} // namespace

TEST_CASE("runbook add, list, move, disable, enable and remove", "[integration][runbook][cli]") {
  test::Production p(runbook_options());
  test::write_file(p.dir / "fix.sql", "UPDATE res_partner SET active = true WHERE id = 1;\n");

  // An after-restore SQL step: read in, hashed, new in round 1.
  auto r = p.cli({"--json",
                  "runbook",
                  "add",
                  "--when",
                  "after-restore",
                  "--title",
                  "Re-activate the main partner",
                  "--why",
                  "UAT finding records-1a2b",
                  "--sql",
                  "fix.sql"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto added = parse_stdout(r);
  CHECK(added["action"] == "added");
  CHECK(added["step"]["id"] == "s1");
  auto project = p.project();
  auto runbook = core::runbook_from_json(project["runbook"]);
  REQUIRE(runbook.steps.size() == 1);
  const auto& s1 = runbook.steps[0];
  CHECK(s1.content == "UPDATE res_partner SET active = true WHERE id = 1;\n");
  CHECK(s1.source_file == "fix.sql");
  CHECK(s1.kind == core::RunbookKind::sql);
  CHECK(s1.introduced_round == 1);
  CHECK(s1.sha256 == adapters::fs::sha256_text(core::canonical_text(s1)));
  CHECK(runbook.next_id == 2);
  CHECK(project["history"].back()["command"] == "runbook add");
  CHECK(project["history"].back()["details"]["id"] == "s1");

  // A before-upload shell step and an advisory module update (names sorted, once).
  r = p.cli({"runbook",
             "add",
             "--when",
             "before-upload",
             "--title",
             "Drop the old attachments",
             "--why",
             "TICKET-42",
             "--shell",
             "echo cleaned"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "added s2 'Drop the old attachments' (before-upload, shell)"));
  r = p.cli({"runbook",
             "add",
             "--when",
             "after-restore",
             "--title",
             "Update the customer's modules",
             "--why",
             "views broken after upgrade",
             "--update",
             "sale, account,sale",
             "--continue-on-error"});
  CHECK(r.exit_code == 0);
  project = p.project();
  // The list is kept in run order: the before-upload step went before the after-restore ones.
  CHECK(step_ids(project) == std::vector<std::string>{"s2", "s1", "s3"});
  CHECK(project["runbook"]["steps"][2]["content"] == "account,sale");
  CHECK(project["runbook"]["steps"][2]["continue_on_error"] == true);

  // list: the table and the JSON document, in run order, none run yet.
  r = p.cli({"runbook", "list"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "s3   after-restore  update"));
  CHECK(has(r.out, "never run  Update the customer's modules"));
  auto list = parse_stdout(p.cli({"--json", "runbook", "list"}));
  REQUIRE(list["steps"].size() == 3);
  CHECK(list["steps"][0]["last"].is_null());
  CHECK(list["next_id"] == 4);

  // move within a group; across groups is refused and changes nothing.
  r = p.cli({"--json", "runbook", "move", "s3", "--before", "s1"});
  CHECK(json::parse(r.out)["action"] == "moved");
  CHECK(r.exit_code == 0);
  CHECK(step_ids(p.project()) == std::vector<std::string>{"s2", "s3", "s1"});
  auto before = test::read_file(p.project_path());
  r = p.cli({"runbook", "move", "s2", "--after", "s1"});
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "step s2 runs before-upload and step s1 after-restore"));
  CHECK(test::read_file(p.project_path()) == before);

  // disable/enable change only the flag (not the hash).
  r = p.cli({"--json", "runbook", "disable", "s1"});
  CHECK(r.exit_code == 0);
  project = p.project();
  CHECK(project["runbook"]["steps"][2]["enabled"] == false);
  CHECK(project["runbook"]["steps"][2]["sha256"] == s1.sha256);
  CHECK(has(p.cli({"runbook", "list"}).out, "disabled"));
  r = p.cli({"--json", "runbook", "enable", "s1"});
  CHECK(r.exit_code == 0);
  CHECK(p.project()["runbook"]["steps"][2]["enabled"] == true);
  // Enabling an enabled step writes nothing (no history event either).
  before = test::read_file(p.project_path());
  r = p.cli({"runbook", "enable", "s1"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "already enabled: s1"));
  CHECK(test::read_file(p.project_path()) == before);
  r = p.cli({"--json", "runbook", "enable", "s1"});
  CHECK(json::parse(r.out)["action"] == "unchanged");

  // remove asks first: without a terminal and without --yes nothing changes.
  before = test::read_file(p.project_path());
  r = p.cli({"runbook", "remove", "s2"});
  CHECK(r.exit_code == 3);
  CHECK(test::read_file(p.project_path()) == before);
  r = p.cli({"--json", "--yes", "runbook", "remove", "s2"});
  CHECK(r.exit_code == 0);
  CHECK(step_ids(p.project()) == std::vector<std::string>{"s3", "s1"});
  CHECK(p.project()["history"].back()["command"] == "runbook remove");
  // status's history keeps the command and its outcome apart, however long the command.
  r = p.cli({"status"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::regex_search(r.out, std::regex("runbook remove  +ok\n")));

  // An id is never reused.
  r = p.cli({"--json",
             "runbook",
             "add",
             "--when",
             "after-restore",
             "--title",
             "Install the report module",
             "--why",
             "customer request",
             "--install",
             "account"});
  CHECK(r.exit_code == 0);
  CHECK(parse_stdout(r)["step"]["id"] == "s4");

  // `next_id` lowered by hand: the next id is still one never used.
  auto lowered = p.project();
  lowered["runbook"]["next_id"] = 1;
  test::write_file(p.project_path(), lowered.dump(2));
  r = p.cli({"--json",
             "runbook",
             "add",
             "--when",
             "after-restore",
             "--title",
             "Another fix",
             "--why",
             "W",
             "--shell",
             "true"});
  CHECK(r.exit_code == 0);
  CHECK(parse_stdout(r)["step"]["id"] == "s5");
  CHECK(p.project()["runbook"]["next_id"] == 6);
}

TEST_CASE("runbook: bad input and --dry-run change nothing", "[integration][runbook][cli]") {
  test::Production p(runbook_options());
  test::write_file(p.dir / "fix.sql", "SELECT 1;\n");
  test::write_file(p.dir / "empty.sql", " \n");
  test::write_file(p.dir / "latin1.sql", "UPDATE x SET name = 'caf\xe9';\n");
  test::write_file(p.dir / "fix.py", "env['res.partner'].search([]).write({})\n");
  test::write_file(p.dir / "bom.sql", "\xEF\xBB\xBFSELECT 1;\n");
  test::write_file(p.dir / "nul.sql", std::string("SELECT 1;\n\0DROP TABLE x;\n", 25));
  std::vector<std::string> head = {
      "runbook", "add", "--when", "after-restore", "--title", "T", "--why", "W"};
  auto with = [&](std::vector<std::string> more) {
    auto args = head;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  REQUIRE(p.cli(with({"--sql", "fix.sql"})).exit_code == 0);
  auto before = test::read_file(p.project_path());

  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<Case> cases = {
      {with({}), "no step content given"},
      {with({"--sql", "fix.sql", "--shell", "true"}), "more than one step content given"},
      {with({"--sql", "missing.sql"}), "--sql file 'missing.sql' is not a readable file"},
      {with({"--sql", "empty.sql"}), "--sql file 'empty.sql' is empty"},
      {with({"--sql", "latin1.sql"}), "--sql file 'latin1.sql' is not UTF-8 text (line 1)"},
      {with({"--sql", "bom.sql"}), "--sql file 'bom.sql' starts with a byte-order mark"},
      {with({"--sql", "nul.sql"}), "--sql file 'nul.sql' holds a NUL byte (line 2)"},
      {with({"--update", "Sale"}), "'Sale' given to --update is not an Odoo module's technical"},
      {with({"--uninstall", " , "}), "--uninstall names no module"},
      {with({"--shell", "  "}), "--shell names no command"},
      {{"runbook",
        "add",
        "--when",
        "before-upload",
        "--title",
        "T",
        "--why",
        "W",
        "--odoo-shell",
        "fix.py"},
       "a step of kind odoo-shell cannot run before-upload"},
      {{"runbook", "add", "--when", "later", "--title", "T", "--why", "W", "--sql", "fix.sql"},
       "unknown --when 'later'"},
      {{"runbook", "move", "s9", "--before", "s1"}, "no runbook step 's9'"},
      {{"runbook", "move", "s1"}, "runbook move needs exactly one of --before ID and --after ID"},
      {{"runbook", "move", "s1", "--after", "s1"}, "cannot move next to itself"},
      {{"runbook", "disable", "s7"}, "no runbook step 's7'"},
      {{"--yes", "runbook", "remove", "s7"}, "no runbook step 's7'"},
  };
  for (const auto& c : cases) {
    auto r = p.cli(c.args);
    INFO(c.args.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, c.error));
    CHECK(r.err.find('\n') == r.err.find("\nhint:"));
    auto json_run = c.args;
    json_run.insert(json_run.begin(), "--json");
    CHECK(p.cli(json_run).exit_code == 2);
  }

  // --dry-run prints the plan.
  auto r = p.cli({"--dry-run",
                  "runbook",
                  "add",
                  "--when",
                  "after-restore",
                  "--title",
                  "Fix",
                  "--why",
                  "W",
                  "--sql",
                  "fix.sql"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out,
            "runbook add would:\n  - add s2 'Fix' (after-restore, sql), first run in round 1"));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"runbook", "disable", "s1"}, {"runbook", "remove", "s1"}}) {
    args.insert(args.begin(), {"--json", "--dry-run"});
    auto plan = parse_stdout(p.cli(args));
    CHECK(plan["dry_run"] == true);
    CHECK(plan["plan"].size() == 1);
  }
  CHECK(test::read_file(p.project_path()) == before);

  // What a step runs edited by hand in the project file: every command refuses the project
  // (exit 6) before anything runs, since the step's sha256 would vouch for untested content.
  auto edited = json::parse(before);
  edited["runbook"]["steps"][0]["content"] = "SELECT 2;\n";
  test::write_file(p.project_path(), edited.dump(2));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"runbook", "list"}, {"status"}, {"--dry-run", "test-request"}}) {
    auto run = p.cli(args);
    INFO(args.back() << ": " << run.err);
    CHECK(run.exit_code == 6);
    CHECK(has(run.err, "runbook' step s1 ('T') does not match its sha256"));
  }
  test::write_file(p.project_path(), before);
}

TEST_CASE("runbook list: each step's last result comes from the latest round that ran it",
          "[integration][runbook][cli]") {
  test::Production p(runbook_options());
  test::write_file(p.dir / "a.sql", "SELECT 1;\n");
  for (std::string title : {"First fix", "Second fix"}) {
    auto r = p.cli({"runbook",
                    "add",
                    "--when",
                    "after-restore",
                    "--title",
                    title,
                    "--why",
                    "round finding",
                    "--sql",
                    "a.sql"});
    REQUIRE(r.exit_code == 0);
  }
  auto runbook = core::runbook_from_json(p.project()["runbook"]);
  plant_round(p.project_path(),
              1,
              {planted(runbook.steps[0], "ok", 1.5), planted(runbook.steps[1], "failed", 0.4)});
  // Round 2 stopped before the second step.
  plant_round(p.project_path(), 2, {planted(runbook.steps[0], "ok", 2.5)});

  auto list = parse_stdout(p.cli({"--json", "runbook", "list"}));
  CHECK(list["steps"][0]["last"]["round"] == 2);
  CHECK(list["steps"][0]["last"]["seconds"] == 2.5);
  CHECK(list["steps"][1]["last"]["round"] == 1);
  CHECK(list["steps"][1]["last"]["result"] == "failed");
  auto text = p.cli({"runbook", "list"}).out;
  CHECK(has(text, "ok in round 2 (2.5 s)"));
  CHECK(has(text, "failed in round 1 (0.4 s)"));

  // A step added now is new in round 3.
  auto r = p.cli({"--json",
                  "runbook",
                  "add",
                  "--when",
                  "before-upload",
                  "--title",
                  "Clean",
                  "--why",
                  "W",
                  "--sql",
                  "a.sql"});
  CHECK(parse_stdout(r)["step"]["introduced_round"] == 3);
}

TEST_CASE("runbook show, status and the freeze plan: the documentation and the estimate",
          "[integration][runbook][cli]") {
  test::Production p(runbook_options());
  test::write_file(p.dir / "clean.sql", "DELETE FROM mail_message WHERE model = 'x';\n");
  test::write_file(p.dir / "views.py", "env['ir.ui.view'].search([]).write({'active': True})\n");
  REQUIRE(p.cli({"runbook",
                 "add",
                 "--when",
                 "before-upload",
                 "--title",
                 "Clean <old> messages",
                 "--why",
                 "upgrade script chokes",
                 "--sql",
                 "clean.sql"})
              .exit_code == 0);
  REQUIRE(p.cli({"runbook",
                 "add",
                 "--when",
                 "after-restore",
                 "--title",
                 "Re-activate views",
                 "--why",
                 "UAT finding views-9f3e",
                 "--odoo-shell",
                 "views.py"})
              .exit_code == 0);
  auto runbook = core::runbook_from_json(p.project()["runbook"]);
  plant_round(p.project_path(),
              1,
              {planted(runbook.steps[0], "ok", 12.0), planted(runbook.steps[1], "failed", 3.0)},
              core::RequestState::failed);
  plant_round(p.project_path(),
              2,
              {planted(runbook.steps[0], "ok", 10.0), planted(runbook.steps[1], "ok", 20.0)},
              core::RequestState::tested);

  // status: the runbook and the last result of each step.
  auto r = p.cli({"status"});
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "Runbook"));
  CHECK(has(r.out, "ok in round 2 (20.0 s)  Re-activate views"));

  // An unwritable --output is refused before any work.
  r = p.cli({"runbook", "show", "--output", (p.dir / "no/such/dir/doc.md").string()});
  CHECK(r.exit_code == 6);
  CHECK(has(r.err, "cannot write"));
  // The project's own files are never written over, however they are spelt.
  const std::string project_text = test::read_file(p.project_path());
  for (const auto& own :
       {p.project_path().string(),
        (p.project_path().parent_path() / "." / p.project_path().filename()).string() + ".lock",
        adapters::fs::sibling_path(p.project_path(), "secrets.json").string()}) {
    r = p.cli({"runbook", "show", "--output", own});
    INFO(own);
    CHECK(r.exit_code == 6);
    CHECK(has(r.err, "refusing to write over the project's own file"));
  }
  CHECK(test::read_file(p.project_path()) == project_text);
  // --dry-run writes nothing.
  r = p.cli({"--json", "--dry-run", "runbook", "show", "--output", (p.dir / "dry.md").string()});
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out)["dry_run"] == true);
  CHECK_FALSE(stdfs::exists(p.dir / "dry.md"));

  // Markdown: the modules, every step with its content and rounds, the go-live order.
  r = p.cli({"runbook", "show"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "# Upgrade runbook: "));
  // Prose is text: HTML in a title is escaped for the Markdown renderer.
  CHECK(has(r.out, "### s1: Clean &lt;old&gt; messages"));
  CHECK(has(r.out, "```sql\nDELETE FROM mail_message WHERE model = 'x';\n```"));
  CHECK(has(r.out, "```python\nenv['ir.ui.view']"));
  CHECK(has(r.out, "- Round 1: failed in 3.0 s: ERROR:  relation"));
  CHECK(has(r.out, "- Round 2: ok in 20.0 s"));
  CHECK(has(r.out, "| 3 | runbook before-upload | steps s1 | 10.0 s |"));
  CHECK(has(r.out, "| 8 | target Odoo | none configured (odoo-upgrade config) | 0.0 s |"));
  CHECK(has(r.out, "| 9 | runbook after-restore | steps s2 | 20.0 s |"));
  // The dump's 60 s included s1's 10 s: 50 + 10 + 30 + 600 + 30 + 120 + 20 s; freeze,
  // verification, swap and monitoring unknown.
  CHECK(
      has(r.out, "| 2 | dump | dump the frozen production (odoo-upgrade prod-request) | 50.0 s |"));
  CHECK(has(r.out,
            "Estimated downtime: **14 min 20 s** (without: freeze, verification, swap, "
            "monitoring)"));

  // JSON (stdout and file) and HTML (escaped, the UAT report's style).
  auto doc = parse_stdout(p.cli({"--json", "runbook", "show"}));
  CHECK(doc["steps"][1]["runs"].size() == 2);
  CHECK(doc["estimate_s"] == 860.0);
  r = p.cli({"--json", "runbook", "show", "--format", "json", "-o", "runbook.json"});
  CHECK(r.exit_code == 0);
  auto file_doc = json::parse(test::read_file(p.dir / "runbook.json"));
  CHECK(test::output_schema_errors(file_doc).empty());
  r = p.cli({"runbook", "show", "--format", "html", "--output", "runbook.html"});
  CHECK(r.exit_code == 0);
  auto html = test::read_file(p.dir / "runbook.html");
  CHECK(has(html, "Clean &lt;old&gt; messages"));
  CHECK(has(html, "border-collapse:collapse"));
  // The browser test (browser.runbook_document) renders this real document.
  auto artifacts = stdfs::path(OU_BINARY_DIR) / "test-artifacts";
  stdfs::create_directories(artifacts);
  stdfs::copy_file(
      p.dir / "runbook.html", artifacts / "runbook.html", stdfs::copy_options::overwrite_existing);

  // The freeze plan's estimate counts the steps as round 2 measured them; a step no round ran is
  // said to be unknown.
  REQUIRE(p.cli({"runbook",
                 "add",
                 "--when",
                 "after-restore",
                 "--title",
                 "New fix",
                 "--why",
                 "W",
                 "--update",
                 "base"})
              .exit_code == 0);
  r = p.cli({"--json",
             "--yes",
             "freeze",
             "plan",
             "--at",
             "2099-01-01T20:00:00Z",
             "--go-live",
             "2099-01-02T08:00:00Z",
             "--force",
             "--reason",
             "test"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto plan = parse_stdout(r);
  auto estimate = plan["plan"]["estimate"];
  CHECK(estimate["parts"]["runbook_s"] == 30.0);
  // The round's dump (60 s) included its before-upload step s1 (10 s): counted once, as a step.
  CHECK(estimate["parts"]["dump_s"] == 50.0);
  CHECK(estimate["total_s"] == 860.0);
  CHECK(estimate["missing"] == json::array({"runbook:s3"}));
}
