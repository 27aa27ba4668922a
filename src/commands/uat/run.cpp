// `uat run`: compare production with the current round's test database and record the result.
#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
using core::uat::Severity;

// Runs kept in the project per round (the report files keep every run).
constexpr std::size_t k_runs_kept = 10;
// Findings per check copied into the project, as a fallback when the report file is gone.
constexpr std::size_t k_findings_in_project = 20;

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

std::string series_of(adapters::pg::Connection& conn) {
  auto v = conn.query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base'");
  if (!v) {
    return "";
  }
  auto s = core::parse_series(*v);
  return s ? s->str() : *v;
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

nlohmann::json summary_doc(const core::uat::RunSummary& s) {
  return {{"blocking", s.blocking},
          {"warning", s.warning},
          {"info", s.info},
          {"errors", s.errors},
          {"go", s.go()}};
}

void print_run(std::ostream& os,
               const Output& out,
               const std::vector<core::uat::CheckResult>& results,
               const core::uat::RunSummary& s,
               int round,
               const std::string& file) {
  constexpr std::size_t k_shown = 5;
  os << out.bold("UAT round " + std::to_string(round)) << "\n";
  for (const auto& r : results) {
    std::string status(core::uat::to_string(r.status));
    if (r.status == core::uat::CheckStatus::failed || r.status == core::uat::CheckStatus::error) {
      status = out.red(status);
    } else if (r.status == core::uat::CheckStatus::warning) {
      status = out.yellow(status);
    } else {
      status = out.green(status);
    }
    os << "  " << status << "  " << r.id << ": " << r.title << " (" << r.compared << " compared)\n";
    if (!r.error.empty()) {
      os << "      error: " << r.error << "\n";
    }
    std::size_t shown = 0;
    for (const auto& f : r.findings) {
      if (f.severity == Severity::info) {
        continue;
      }
      if (shown++ == k_shown) {
        os << "      … see the report for all findings\n";
        break;
      }
      os << "      " << core::uat::to_string(f.severity) << ": " << f.message << "\n";
    }
  }
  os << "\n"
     << s.blocking << " blocking, " << s.warning << " warning, " << s.info << " info"
     << (s.errors > 0 ? ", " + std::to_string(s.errors) + " check(s) could not run" : "") << ": "
     << (s.go() ? out.green("no blocking finding") : out.red("blocking findings")) << "\n";
  os << "report: " << file << "\n";
  os << "next: odoo-upgrade uat report --format html --output uat.html; uat list; uat mark ID "
        "pass|fail|skip\n";
}

} // namespace

int run_uat_run(const UatRunOptions& options, Context& ctx) {
  // Bad input changes nothing: check the ids before touching anything.
  validate_checks(options.checks);
  adapters::fs::ProjectLock lock(ctx.project_path());
  auto project = adapters::fs::load_project(ctx.project_path());
  core::require_phase(project, "uat run");
  auto round = uat_state::current_round(project);
  if (round.test_db.empty()) {
    throw core::PreconditionError("round " + std::to_string(round.number) +
                                      " has no restored test database",
                                  "run 'odoo-upgrade test-request' until the round is restored");
  }
  const auto* source = project.find_section("source");
  std::string prod_db = source != nullptr ? source->value("dbname", "") : "";

  if (ctx.options.dry_run) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : core::uat::check_catalogue()) {
      if (options.checks.empty() ||
          std::find(options.checks.begin(), options.checks.end(), c.id) != options.checks.end()) {
        checks.push_back(c.id);
      }
    }
    nlohmann::json plan = {{"dry_run", true},
                           {"round", round.number},
                           {"production_db", prod_db},
                           {"test_db", round.test_db},
                           {"checks", checks}};
    ctx.out.result(plan, [&](std::ostream& os) {
      os << "would compare '" << prod_db << "' (production) with '" << round.test_db
         << "' (test, round " << round.number << "), read-only, with checks: ";
      for (const auto& c : checks) {
        os << c.get<std::string>() << " ";
      }
      os << "\nwould write the report under "
         << (stdfs::path(project.doc().value("work_dir", "")) / "rounds" /
             std::to_string(round.number))
                .string()
         << " and a summary to the project\n";
    });
    return 0;
  }

  // Both databases read-only, each in one snapshot, so that the checks agree with each other.
  adapters::fs::SecretStore secrets(ctx.project_path());
  adapters::pg::Connection prod(source_conninfo(project, secrets));
  adapters::pg::Connection test(server_conninfo(project, secrets, round.test_db));
  prod.set_read_only();
  test.set_read_only();
  std::string prod_version = series_of(prod);
  std::string test_version = series_of(test);
  begin_snapshot(prod);
  begin_snapshot(test);

  std::string started_at = core::iso8601_utc(ctx.clock.now());
  auto t0 = std::chrono::steady_clock::now();
  spdlog::info("uat: comparing '{}' ({}) with '{}' ({}), round {}",
               prod_db,
               prod_version,
               round.test_db,
               test_version,
               round.number);
  auto results = run_uat_checks(prod, test, options.checks);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  prod.exec_no_rows("COMMIT");
  test.exec_no_rows("COMMIT");
  auto summary = core::uat::summarize(results);

  // The full report goes to the work dir; the project keeps a bounded summary.
  nlohmann::json checks = nlohmann::json::array();
  nlohmann::json check_summaries = nlohmann::json::array();
  for (const auto& r : results) {
    checks.push_back(core::uat::to_json(r));
    auto brief = core::uat::to_json(r);
    if (brief["findings"].size() > k_findings_in_project) {
      brief["findings"].erase(brief["findings"].begin() + k_findings_in_project,
                              brief["findings"].end());
      brief["truncated"] = true;
    }
    check_summaries.push_back(brief);
  }
  nlohmann::json report = {{"round", round.number},
                           {"at", started_at},
                           {"seconds", seconds},
                           {"production", {{"db", prod_db}, {"version", prod_version}}},
                           {"test", {{"db", round.test_db}, {"version", test_version}}},
                           {"summary", summary_doc(summary)},
                           {"checks", checks}};
  stdfs::path dir = work_dir(project) / "rounds" / std::to_string(round.number);
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + dir.string() + "': " + ec.message());
  }
  stdfs::path file = dir / ("uat-" + compact_time(started_at) + ".json");
  adapters::fs::write_file_atomic(file, report.dump(2) + "\n", 0644);

  auto& rs = uat_state::round_state(project, round.number);
  auto& runs = rs["runs"];
  if (!runs.is_array()) {
    runs = nlohmann::json::array();
  }
  nlohmann::json run = summary_doc(summary);
  run["at"] = started_at;
  run["seconds"] = seconds;
  run["report_file"] = file.string();
  run["test_db"] = round.test_db;
  run["checks"] = check_summaries;
  runs.push_back(run);
  while (runs.size() > k_runs_kept) {
    runs.erase(runs.begin());
  }
  ctx.record(project,
             "uat run",
             summary.go() ? "ok" : "blocking",
             {{"round", round.number},
              {"blocking", summary.blocking},
              {"warning", summary.warning},
              {"errors", summary.errors},
              {"report_file", file.string()}});
  adapters::fs::save_project(ctx.project_path(), project);

  nlohmann::json result = {{"round", round.number},
                           {"at", started_at},
                           {"seconds", seconds},
                           {"report_file", file.string()},
                           {"summary", summary_doc(summary)},
                           {"checks", check_summaries}};
  ctx.out.result(result, [&](std::ostream& os) {
    print_run(os, ctx.out, results, summary, round.number, file.string());
  });
  return summary.go() ? 0 : static_cast<int>(core::ExitCode::blocking_findings);
}

} // namespace odoo_upgrade::commands
