#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

namespace odoo_upgrade::commands::uat_state {

namespace {

// The full findings of a run: its report file in the work dir (the project keeps a bounded
// summary). Fills `report` and returns true when the file is readable.
bool read_report_file(const std::string& file, core::uat::Report& report) {
  if (file.empty()) {
    return false;
  }
  try {
    auto full = nlohmann::json::parse(adapters::fs::read_file(file));
    if (!full.is_object() || !full.contains("checks")) {
      return false;
    }
    std::vector<core::uat::CheckResult> checks;
    for (std::size_t i = 0; i < full["checks"].size(); ++i) {
      checks.push_back(core::uat::check_result_from_json(full["checks"][i],
                                                         "checks[" + std::to_string(i) + "]"));
    }
    report.production_version = full["production"].value("version", report.production_version);
    report.test_version = full["test"].value("version", report.test_version);
    report.checks = std::move(checks);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn(
        "uat: cannot read report file '{}' ({}); showing the summary only", file, e.what());
    return false;
  }
}

} // namespace

RoundRef current_round(const core::Project& project) {
  // The rounds are test-request's; uat needs three facts of the latest one.
  auto round = core::read_latest_round(project);
  if (!round) {
    throw core::PreconditionError("project '" + project.customer() + "' has no test round yet",
                                  "run 'odoo-upgrade test-request' first");
  }
  return {round->number, round->test_db.value_or(""), std::string(core::to_string(round->state))};
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
  const auto& record = uat.round(round.number);
  const auto* run = record.latest_run();
  if (run == nullptr) {
    return r;
  }
  r.has_run = true;
  r.run_at = run->at;
  r.run_seconds = run->seconds;
  if (!read_report_file(run->report_file, r)) {
    r.checks = run->checks;
  }
  return r;
}

} // namespace odoo_upgrade::commands::uat_state
