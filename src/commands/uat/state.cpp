#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <map>
#include <optional>

namespace odoo_upgrade::commands::uat_state {

namespace {

// The checks of a run's report file in the work dir (the project keeps a bounded summary), with
// every finding; empty when the file is not readable.
struct ReportFile {
  std::vector<core::uat::CheckResult> checks;
  std::string production_version;
  std::string test_version;
};
std::optional<ReportFile> read_report_file(const std::string& file) {
  if (file.empty()) {
    return std::nullopt;
  }
  try {
    auto full = nlohmann::json::parse(adapters::fs::read_file(file));
    if (!full.is_object() || !full.contains("checks")) {
      return std::nullopt;
    }
    ReportFile out;
    for (std::size_t i = 0; i < full["checks"].size(); ++i) {
      out.checks.push_back(core::uat::check_result_from_json(full["checks"][i],
                                                             "checks[" + std::to_string(i) + "]"));
    }
    out.production_version = full["production"].value("version", "");
    out.test_version = full["test"].value("version", "");
    return out;
  } catch (const std::exception& e) {
    spdlog::warn(
        "uat: cannot read report file '{}' ({}); showing the summary only", file, e.what());
    return std::nullopt;
  }
}

using ReportFiles = std::map<std::string, std::optional<ReportFile>>;

// The full result of `latest` from its run's report file (read once per file), or the summary the
// project keeps; its findings identified (report files written before ids existed get them here).
core::uat::CheckResult
full_result(const core::uat::LatestResult& latest, ReportFiles& files, core::uat::Report* report) {
  if (!latest.ran()) {
    return latest.result;
  }
  auto it = files.find(latest.report_file);
  if (it == files.end()) {
    it = files.emplace(latest.report_file, read_report_file(latest.report_file)).first;
  }
  core::uat::CheckResult out = latest.result;
  if (it->second) {
    if (report != nullptr) {
      report->production_version = it->second->production_version.empty()
                                       ? report->production_version
                                       : it->second->production_version;
      report->test_version =
          it->second->test_version.empty() ? report->test_version : it->second->test_version;
    }
    for (const auto& c : it->second->checks) {
      if (c.id == latest.result.id) {
        out = c;
        break;
      }
    }
  }
  core::uat::identify(out);
  return out;
}

// The raw latest results of round `number` on `test_db` since `since` (no acceptance applied).
std::vector<core::uat::LatestResult> raw_latest(const core::uat::UatRecord& uat,
                                                int number,
                                                const std::string& test_db,
                                                const std::string& since) {
  auto latest = uat.round(number).latest_results(core::uat::check_ids(), test_db, since);
  for (auto& l : latest) {
    core::uat::identify(l.result);
  }
  return latest;
}

} // namespace

RoundRef current_round(const core::Project& project) {
  // The rounds are test-request's; uat needs three facts of the latest one.
  auto round = core::read_latest_round(project);
  if (!round) {
    throw core::PreconditionError("project '" + project.customer() + "' has no test round yet",
                                  "run 'odoo-upgrade test-request' first");
  }
  return {round->number,
          round->test_db.value_or(""),
          std::string(core::to_string(round->state)),
          round->finished_at.value_or("")};
}

RoundRef restored_round(const core::Project& project) {
  auto round = current_round(project);
  if (round.test_db.empty()) {
    throw core::PreconditionError("round " + std::to_string(round.number) +
                                      " has no restored test database",
                                  "run 'odoo-upgrade test-request' until the round is restored");
  }
  return round;
}

std::vector<core::uat::LatestResult> latest_results(const core::uat::UatRecord& uat,
                                                    const RoundRef& round) {
  auto latest = raw_latest(uat, round.number, round.test_db, round.verified_at);
  for (auto& l : latest) {
    std::vector<core::uat::CheckResult> one{std::move(l.result)};
    core::uat::apply_acceptances(one, uat.acceptances);
    l.result = std::move(one.front());
  }
  return latest;
}

PreviousRound
previous_round(const core::Project& project, const core::uat::UatRecord& uat, int number) {
  // The round before `number` that test-request recorded with a test database.
  std::optional<core::RequestRecord> before;
  for (auto& r : core::read_rounds(project)) {
    if (r.number < number && r.test_db && (!before || r.number > before->number)) {
      before = std::move(r);
    }
  }
  PreviousRound out;
  if (!before) {
    return out;
  }
  out.number = before->number;
  ReportFiles files;
  for (const auto& l :
       raw_latest(uat, before->number, *before->test_db, before->finished_at.value_or(""))) {
    out.results.push_back(full_result(l, files, nullptr));
  }
  return out;
}

core::uat::Report build_report(const core::Project& project, const std::string& now) {
  auto round = current_round(project);
  auto uat = core::uat::read_uat(project);
  auto source = core::find_source(project);
  core::uat::Report r;
  r.customer = project.customer();
  r.round = round.number;
  r.production_db = source ? source->dbname : "";
  r.production_version = project.source_version();
  r.test_db = round.test_db;
  r.test_version = project.target_version();
  r.generated_at = now;
  r.items = uat.marked_items(round.number);
  r.signoff = uat.signoff_of(round.number);
  for (const auto& record : core::read_rounds(project)) {
    if (record.number == round.number && record.received.report_path) {
      r.upgrade_report = *record.received.report_path;
    }
  }
  // The verdict rule: the latest result of every check on this round's test database.
  ReportFiles files;
  for (const auto& latest : raw_latest(uat, round.number, round.test_db, round.verified_at)) {
    if (latest.ran()) {
      r.has_run = true;
      if (latest.run_at > r.run_at) {
        r.run_at = latest.run_at;
      }
    }
    r.checks.push_back(full_result(latest, files, &r));
  }
  if (const auto* run = uat.round(round.number).latest_run(); run != nullptr && r.has_run) {
    r.run_seconds = run->seconds;
  }
  // The iteration: what changed since the previous round, and what the customer accepted.
  auto previous = previous_round(project, uat, round.number);
  r.changes = core::uat::compare_rounds(r.checks, previous.results, previous.number);
  core::uat::apply_acceptances(r.checks, uat.acceptances);
  return r;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

} // namespace odoo_upgrade::commands::uat_state
