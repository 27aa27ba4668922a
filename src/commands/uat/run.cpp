// `uat run`: compare production with the current round's test database and record the result.
#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/writable.hpp>
#include <odoo_upgrade/adapters/pg/odoo_inspector.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/commands/uat_live.hpp>
#include <odoo_upgrade/core/error_context.hpp>
#include <odoo_upgrade/core/live_checks.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using core::Severity;

void validate_checks(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (core::uat::find_check(id) == nullptr) {
      std::string known;
      for (const auto& c : core::uat::check_catalogue()) {
        known += (known.empty() ? "" : ", ") + c.id;
      }
      throw core::UsageError("unknown check '" + id + "'", "known checks: " + known);
    }
  }
}

// "2026-11-21T16:45:03Z" → "20261121T164503Z" (safe in file names, sorts by time).
std::string compact_time(const std::string& iso) {
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':') {
      out += c;
    }
  }
  return out;
}

nlohmann::json summary_doc(const std::vector<core::uat::CheckResult>& results) {
  auto s = core::uat::summarize(results);
  return {{"blocking", s.blocking},
          {"warning", s.warning},
          {"info", s.info},
          {"errors", s.errors},
          {"skipped", s.skipped},
          {"accepted", core::uat::accepted_count(results)},
          {"go", s.go()}};
}

nlohmann::json verdict_doc(const core::uat::RunSummary& s) {
  return {{"blocking", s.blocking},
          {"warning", s.warning},
          {"info", s.info},
          {"errors", s.errors},
          {"skipped", s.skipped},
          {"go", s.go()}};
}

// One automated run: what was compared and what came out.
struct Comparison {
  int round = 0;
  std::string production_db;
  std::string production_version;
  std::string test_db;
  std::string test_version;
  std::string started_at;
  double seconds = 0;
  stdfs::path lists_dir; // the missing-record lists of this run (written only when needed)
  std::vector<core::uat::CheckResult> results; // as found, every finding identified
  // As shown: marked against the previous round, acceptances applied (none without a project).
  std::vector<core::uat::CheckResult> shown;
  core::uat::RoundChanges changes;
};

// The checks a run would report, in catalogue order (`only`, or every one when empty).
std::vector<std::string> selected_checks(const std::vector<std::string>& only) {
  std::vector<std::string> checks;
  for (const auto& info : core::uat::check_catalogue()) {
    if (only.empty() || std::find(only.begin(), only.end(), info.id) != only.end()) {
      checks.push_back(info.id);
    }
  }
  return checks;
}

// "views, reports, …": the checks among `checks` compared on the databases (not the live ones).
std::string dataset_check_list(const std::vector<std::string>& checks) {
  std::string list;
  for (const auto& id : checks) {
    if (!core::live::is_live_check(id)) {
      list += (list.empty() ? "" : ", ") + id;
    }
  }
  return list;
}

int print_run_plan(Context& ctx,
                   ProjectSession& session,
                   const Comparison& c,
                   const std::vector<std::string>& only) {
  std::vector<std::string> checks = selected_checks(only);
  std::string list = dataset_check_list(checks);
  // The live checks: run through the target Odoo, or skipped and why (uat_live.hpp).
  LivePlan live = plan_live_checks(session.project(), session.secrets(), c.test_db, only);
  std::vector<std::string> steps = {"compare '" + c.production_db + "' (production) with '" +
                                    c.test_db + "' (test, round " + std::to_string(c.round) +
                                    "), read-only, in one snapshot each"};
  if (!list.empty()) {
    steps.push_back("run the checks: " + list);
  }
  if (!live.line.empty()) {
    steps.push_back(live.line);
  }
  // The work dir is named, not created: a dry run changes nothing.
  stdfs::path dir = stdfs::path(session.project().work_dir()) / "rounds" / std::to_string(c.round);
  steps.push_back("write the report under " + dir.string());
  steps.push_back("record a summary of the run in the project");
  return print_plan(
      ctx,
      "uat run would:",
      steps,
      {{"round", c.round},
       {"production_db", c.production_db},
       {"test_db", c.test_db},
       {"checks", checks},
       {"live_checks", {{"checks", live.ids}, {"status", live.status}, {"why", live.why}}}});
}

// Compares both databases, read-only, each in one snapshot so that the checks agree with each
// other. The full lists of missing records of this run go to `<lists_root>/uat-<time>-missing/`
// (created only when a list is written), so that every report points at the lists of its run.
void compare_snapshots(Comparison& c,
                       const std::string& prod_conninfo,
                       const std::string& test_conninfo,
                       const std::vector<std::string>& checks,
                       const stdfs::path& lists_root,
                       Context& ctx) {
  // Every database error says which of the two databases failed (never its conninfo).
  std::string prod_side = "production database '" + c.production_db + "'";
  std::string test_side = "test database '" + c.test_db + "'";
  auto open = [](const std::string& side, const std::string& conninfo, std::string& version) {
    return core::in_database(side, [&] {
      pg::Connection conn(conninfo);
      conn.set_read_only();
      version = pg::odoo_series(conn);
      return conn;
    });
  };
  pg::Connection prod = open(prod_side, prod_conninfo, c.production_version);
  pg::Connection test = open(test_side, test_conninfo, c.test_version);
  auto snapshot = [](const std::string& side, pg::Connection& conn) {
    return core::in_database(side, [&] {
      return pg::Transaction(conn, pg::Isolation::repeatable_read, pg::Access::read_only);
    });
  };
  pg::Transaction prod_snapshot = snapshot(prod_side, prod);
  pg::Transaction test_snapshot = snapshot(test_side, test);
  c.started_at = core::iso8601_utc(ctx.clock.now());
  c.lists_dir = lists_root / ("uat-" + compact_time(c.started_at) + "-missing");
  spdlog::info("uat: comparing '{}' ({}) with '{}' ({}){}",
               c.production_db,
               c.production_version,
               c.test_db,
               c.test_version,
               c.round > 0 ? ", round " + std::to_string(c.round) : "");
  c.results = run_uat_checks(prod, test, checks, c.lists_dir);
  core::in_database(prod_side, [&] { prod_snapshot.commit(); });
  core::in_database(test_side, [&] { test_snapshot.commit(); });
}

// The project's round: production against the round's test database, then the live checks
// through the target Odoo itself (none when it is not configured).
void compare(Comparison& c, ProjectSession& session, const UatRunOptions& options, Context& ctx) {
  auto t0 = std::chrono::steady_clock::now();
  stdfs::path round_dir = work_dir(session.project()) / "rounds" / std::to_string(c.round);
  compare_snapshots(c,
                    source_conninfo(session.project(), session.secrets()),
                    server_conninfo(session.project(), session.secrets(), c.test_db),
                    options.checks,
                    round_dir,
                    ctx);
  auto live =
      run_live_checks(session.project(), session.secrets(), c.test_db, round_dir, options.checks);
  c.results.insert(c.results.end(), live.begin(), live.end());
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The folder of the missing-record lists of a run, when the run wrote any (else null).
nlohmann::json lists_doc(const Comparison& c) {
  std::error_code ec;
  return !c.lists_dir.empty() && stdfs::is_directory(c.lists_dir, ec)
             ? nlohmann::json(c.lists_dir.string())
             : nlohmann::json();
}

nlohmann::json checks_doc(const std::vector<core::uat::CheckResult>& results) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& r : results) {
    checks.push_back(core::uat::to_json(r));
  }
  return checks;
}

// The full report of a run: every finding as found, with its id and digest.
nlohmann::json report_doc(const Comparison& c) {
  return {{"round", c.round},
          {"at", c.started_at},
          {"seconds", c.seconds},
          {"production", {{"db", c.production_db}, {"version", c.production_version}}},
          {"test", {{"db", c.test_db}, {"version", c.test_version}}},
          {"summary", summary_doc(c.results)},
          {"missing_lists", lists_doc(c)},
          {"checks", checks_doc(c.results)}};
}

// Writes the full report to <work_dir>/rounds/<n>/uat-<time>.json; returns its path.
stdfs::path write_report(const core::Project& project, const Comparison& c) {
  nlohmann::json report = report_doc(c);
  stdfs::path dir = work_dir(project) / "rounds" / std::to_string(c.round);
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + dir.string() + "': " + ec.message());
  }
  stdfs::path file = dir / ("uat-" + compact_time(c.started_at) + ".json");
  adapters::fs::write_file_atomic(file, report.dump(2) + "\n", 0644);
  return file;
}

// The run as the project keeps it: counts and at most a few findings per check.
core::uat::RunRecord run_record(const Comparison& c, const stdfs::path& file) {
  core::uat::RunRecord run;
  run.at = c.started_at;
  run.seconds = c.seconds;
  run.report_file = file.string();
  run.test_db = c.test_db;
  run.summary = core::uat::summarize(c.results);
  for (const auto& r : c.results) {
    run.checks.push_back(core::uat::brief(r));
  }
  return run;
}

// The round's verdict: the latest result of every check on its current test database (a check
// not run counts as an error).
core::uat::RunSummary round_verdict(const core::uat::UatRecord& uat,
                                    const uat_state::RoundRef& round) {
  std::vector<core::uat::CheckResult> latest;
  for (auto& l : uat_state::latest_results(uat, round)) {
    latest.push_back(std::move(l.result));
  }
  return core::uat::summarize(latest);
}

// What a reader must see first: blocking findings not (or no longer) accepted, then warnings, then
// what the customer accepted.
int display_rank(const core::uat::Finding& f) {
  bool accepted = f.accepted && !f.accepted->lapsed;
  return accepted ? 2 : f.severity == Severity::blocking ? 0 : 1;
}

void print_finding(std::ostream& os, const core::uat::Finding& f) {
  std::string since = f.since == "still" ? ", still there" : f.since.empty() ? "" : ", new";
  os << "      " << core::to_string(f.severity) << " [" << f.id << since << "]: " << f.message
     << "\n";
  if (!f.reason.empty()) {
    os << "        why: " << f.reason << "\n";
  }
  if (f.accepted) {
    os << "        " << (f.accepted->lapsed ? "acceptance lapsed (changed since): " : "accepted: ")
       << f.accepted->reason << " (" << f.accepted->by << ")\n";
  }
}

// Each check with its findings above info, their ids, state and acceptance: every blocking
// finding that is not accepted, then the first others.
void print_checks(std::ostream& os, const Output& out, const Comparison& c) {
  constexpr std::size_t k_shown = 5;
  for (const auto& r : c.shown) {
    std::string status(core::uat::to_string(r.status));
    bool bad =
        r.status == core::uat::CheckStatus::failed || r.status == core::uat::CheckStatus::error;
    status = bad                                           ? out.red(status)
             : r.status == core::uat::CheckStatus::warning ? out.yellow(status)
                                                           : out.green(status);
    os << "  " << status << "  " << r.id << ": " << r.title << " (" << r.compared << " compared)\n";
    if (!r.error.empty()) {
      bool skipped = r.status == core::uat::CheckStatus::skipped;
      os << "      " << (skipped ? "skipped: " : "error: ") << r.error << "\n";
    }
    std::vector<const core::uat::Finding*> listed;
    for (const auto& f : r.findings) {
      if (f.severity != Severity::info) {
        listed.push_back(&f);
      }
    }
    std::stable_sort(listed.begin(), listed.end(), [](const auto* a, const auto* b) {
      return display_rank(*a) < display_rank(*b);
    });
    std::size_t shown = 0;
    for (const auto* f : listed) {
      if (shown >= k_shown && display_rank(*f) > 0) {
        os << "      … " << listed.size() - shown
           << " more (warnings or accepted): in the report (--output FILE) and --json\n";
        break;
      }
      print_finding(os, *f);
      ++shown;
    }
  }
}

void print_totals(std::ostream& os, const Output& out, const Comparison& c) {
  auto s = core::uat::summarize(c.shown);
  auto accepted = core::uat::accepted_count(c.shown);
  os << "\n"
     << s.blocking << " blocking, " << s.warning << " warning, " << s.info << " info"
     << (accepted > 0 ? ", " + std::to_string(accepted) + " accepted" : "")
     << (s.errors > 0 ? ", " + std::to_string(s.errors) + " check(s) could not run" : "")
     << (s.skipped > 0 ? ", " + std::to_string(s.skipped) + " skipped" : "") << ": "
     << (s.go() ? out.green("no blocking finding") : out.red("blocking findings")) << "\n";
}

void print_run(std::ostream& os,
               const Output& out,
               const Comparison& c,
               const std::string& file,
               const core::uat::RunSummary& verdict) {
  os << out.bold("UAT round " + std::to_string(c.round)) << "\n";
  print_checks(os, out, c);
  print_totals(os, out, c);
  os << "iteration: " << core::uat::changes_line(c.changes) << "\n";
  os << "round " << c.round << " verdict (latest result of every check): "
     << (verdict.go() ? out.green("GO") : out.red("NO-GO")) << " (" << verdict.blocking
     << " blocking, " << verdict.errors << " check(s) not run or failed to run)\n";
  os << "report: " << file << "\n";
  if (auto lists = lists_doc(c); lists.is_string()) {
    os << "missing-record lists: " << lists.get<std::string>() << "\n";
  }
  os << "next: odoo-upgrade uat report --format html --output uat.html; uat list; uat mark ID "
        "pass|fail|skip; uat accept FINDING_ID --reason TEXT --by NAME\n";
}

// The run as shown: against the previous round's latest results, with the acceptances applied.
void mark_iteration(Comparison& c, const core::Project& project) {
  auto uat = core::uat::read_uat(project);
  auto previous = uat_state::previous_round(project, uat, c.round);
  c.shown = c.results;
  c.changes = core::uat::compare_rounds(c.shown, previous.results, previous.number);
  core::uat::apply_acceptances(c.shown, uat.acceptances);
}

int exit_code(const std::vector<core::uat::CheckResult>& shown) {
  return core::uat::summarize(shown).go() ? 0 : static_cast<int>(core::ExitCode::blocking_findings);
}

// --- two databases of the user's choice, without a project round ---

// A conninfo given with --prod-db/--test-db: parsed (UsageError when malformed), its password
// registered as a secret, and the database name it names for people.
std::string named_database(const std::string& conninfo, const std::string& flag) {
  if (auto pw = pg::conninfo_password(conninfo)) {
    core::register_secret(*pw);
  }
  auto info = pg::parse_conninfo(conninfo);
  auto name = info.get("dbname");
  if (!name || name->empty()) {
    throw core::UsageError(flag + " names no database", "give dbname=NAME in the conninfo");
  }
  return *name;
}

// Why the live checks do not run on a pair of databases given without a project.
constexpr const char* k_pair_no_live =
    "the live checks run through a project's target Odoo; --prod-db/--test-db has no project";

// The dry run of a pair: what would be compared, which checks would run (the live ones skipped),
// and no round. Connects to nothing.
int print_pair_plan(Context& ctx, const Comparison& c, const UatRunOptions& options) {
  std::vector<std::string> checks = selected_checks(options.checks);
  std::string list = dataset_check_list(checks);
  auto live = core::live::selected_live_checks(options.checks);
  std::vector<std::string> steps = {"compare '" + c.production_db + "' (production) with '" +
                                    c.test_db +
                                    "' (test), read-only, in one snapshot each, without a project "
                                    "round"};
  if (!list.empty()) {
    steps.push_back("run the checks: " + list);
  }
  if (!live.empty()) {
    steps.push_back("skip the live checks (" + std::string(k_pair_no_live) + ")");
  }
  steps.push_back(options.output ? "write the report to " + options.output->string()
                                 : "print the findings (no report file, nothing recorded)");
  steps.push_back("write the lists of missing records, if any, to a folder uat-<time>-missing "
                  "beside the report (without --output: under the system's temporary folder)");
  return print_plan(ctx,
                    "uat run would:",
                    steps,
                    {{"round", nullptr},
                     {"production_db", c.production_db},
                     {"test_db", c.test_db},
                     {"checks", checks},
                     {"live_checks",
                      {{"checks", live},
                       {"status", live.empty() ? "run" : "skipped"},
                       {"why", live.empty() ? "" : k_pair_no_live}}}});
}

// Both databases compared, read-only, each in one snapshot; the live checks skipped. The lists
// of missing records go beside --output, else under the system's temporary folder: never into a
// project round.
void compare_pair(Comparison& c, const UatRunOptions& options, Context& ctx) {
  auto t0 = std::chrono::steady_clock::now();
  stdfs::path lists_root = options.output ? stdfs::absolute(*options.output).parent_path()
                                          : stdfs::temp_directory_path();
  compare_snapshots(c, options.prod_db, options.test_db, options.checks, lists_root, ctx);
  auto live =
      core::live::skipped_results(core::live::selected_live_checks(options.checks), k_pair_no_live);
  c.results.insert(c.results.end(), live.begin(), live.end());
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void print_pair(std::ostream& os, const Output& out, const Comparison& c, const std::string& file) {
  os << out.bold("UAT: '" + c.production_db + "' (" + c.production_version + ") against '" +
                 c.test_db + "' (" + c.test_version + "), no project round")
     << "\n";
  print_checks(os, out, c);
  print_totals(os, out, c);
  if (!file.empty()) {
    os << "report: " << file << "\n";
  }
  if (auto lists = lists_doc(c); lists.is_string()) {
    os << "missing-record lists: " << lists.get<std::string>() << "\n";
  }
}

int run_pair(const UatRunOptions& options, Context& ctx) {
  // Both or neither: a half-given pair is a mistake, not a project run.
  if (options.prod_db.empty() || options.test_db.empty()) {
    throw core::UsageError("--prod-db and --test-db go together",
                           "give both (or --prod-db-file/--test-db-file), or neither for the "
                           "project's round");
  }
  Comparison c;
  c.production_db = named_database(options.prod_db, "--prod-db");
  c.test_db = named_database(options.test_db, "--test-db");
  if (ctx.options.dry_run) {
    return print_pair_plan(ctx, c, options);
  }
  // Where the report and the lists go must be writable: said now, not after the comparison.
  if (options.output) {
    refuse_project_file_output(ctx, *options.output);
    adapters::fs::check_writable_file(*options.output, "the report");
  } else {
    adapters::fs::check_writable_dir(stdfs::temp_directory_path(), "the lists of missing records");
  }
  compare_pair(c, options, ctx);
  for (auto& r : c.results) {
    core::uat::identify(r);
  }
  c.shown = c.results;
  if (options.output) {
    adapters::fs::write_file_atomic(*options.output, report_doc(c).dump(2) + "\n", 0644);
  }
  std::string file = options.output ? options.output->string() : "";
  ctx.out.result({{"production", {{"db", c.production_db}, {"version", c.production_version}}},
                  {"test", {{"db", c.test_db}, {"version", c.test_version}}},
                  {"at", c.started_at},
                  {"seconds", c.seconds},
                  {"report_file", file.empty() ? nlohmann::json() : nlohmann::json(file)},
                  {"missing_lists", lists_doc(c)},
                  {"summary", summary_doc(c.shown)},
                  {"checks", checks_doc(c.shown)}},
                 [&](std::ostream& os) { print_pair(os, ctx.out, c, file); });
  return exit_code(c.shown);
}

} // namespace

int run_uat_run(const UatRunOptions& options, Context& ctx) {
  // Bad input changes nothing: check the ids before touching anything.
  validate_checks(options.checks);
  // Two databases of the user's choice: no project is read or written.
  if (!options.prod_db.empty() || !options.test_db.empty()) {
    return run_pair(options, ctx);
  }
  // The run is recorded in the project: hold its lock (none for a dry run).
  auto session = open_project(ctx, "uat run", Lock::take);
  auto round = uat_state::restored_round(session.project());
  Comparison c;
  c.round = round.number;
  c.test_db = round.test_db;
  c.production_db = core::read_source(session.project()).dbname;
  // A dry run says what would be compared and stops.
  if (ctx.options.dry_run) {
    return print_run_plan(ctx, session, c, options.checks);
  }
  // The round's folder receives the report: said now if it cannot, not after the comparison.
  adapters::fs::check_writable_dir(work_dir(session.project()) / "rounds" / std::to_string(c.round),
                                   "the run's report");
  // Compare, name every finding, then keep the full report in the work dir and a bounded summary
  // in the project.
  compare(c, session, options, ctx);
  for (auto& r : c.results) {
    core::uat::identify(r);
  }
  stdfs::path file = write_report(session.project(), c);
  auto run = run_record(c, file);
  core::uat::RunSummary verdict;
  session.edit([&](core::Project& project) {
    auto uat = core::uat::read_uat(project);
    uat.rounds[c.round].add_run(run);
    core::uat::write_uat(project, uat);
    verdict = round_verdict(uat, uat_state::current_round(project));
    mark_iteration(c, project);
    auto shown = core::uat::summarize(c.shown);
    ctx.record(project,
               "uat run",
               shown.go() ? "ok" : "blocking",
               {{"round", c.round},
                {"blocking", shown.blocking},
                {"warning", shown.warning},
                {"accepted", core::uat::accepted_count(c.shown)},
                {"errors", shown.errors},
                {"report_file", file.string()}});
  });
  // Show the result (every finding with --json); exit 1 when this run found something blocking
  // that is not accepted.
  ctx.out.result({{"round", c.round},
                  {"at", run.at},
                  {"seconds", run.seconds},
                  {"report_file", run.report_file},
                  {"missing_lists", lists_doc(c)},
                  {"summary", summary_doc(c.shown)},
                  {"round_verdict", verdict_doc(verdict)},
                  {"iteration",
                   {{"previous_round", c.changes.previous_round},
                    {"fixed", c.changes.fixed},
                    {"new", c.changes.added},
                    {"still", c.changes.still},
                    {"line", core::uat::changes_line(c.changes)}}},
                  {"checks", checks_doc(c.shown)}},
                 [&](std::ostream& os) { print_run(os, ctx.out, c, file.string(), verdict); });
  return exit_code(c.shown);
}

} // namespace odoo_upgrade::commands
