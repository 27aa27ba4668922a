#pragma once

// Internal to the uat command: reading and writing the project's `uat` section.

#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/uat.hpp>
#include <odoo_upgrade/core/uat_report.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace odoo_upgrade::commands::uat_state {

// The latest test round: its number and test database.
struct RoundRef {
  int number = 0;
  std::string test_db;
  std::string state;
};
// Throws PreconditionError when the project has no test round yet.
RoundRef current_round(const core::Project& project);

// The checklist: `uat.checklist`, or the default one when the project has none yet.
std::vector<core::uat::ChecklistItem> checklist(const core::Project& project);
// Marks of round `round` by item id.
std::map<std::string, core::uat::Mark> marks(const core::Project& project, int round);
// The checklist with the marks of `round` (unmarked when none).
std::vector<std::pair<core::uat::ChecklistItem, core::uat::Mark>>
marked_items(const core::Project& project, int round);

// `uat.rounds["<round>"]`, created when missing.
nlohmann::json& round_state(core::Project& project, int round);
// The latest run summary of `round`; nullptr when none.
const nlohmann::json* latest_run(const core::Project& project, int round);
// The summary of a run summary document.
core::uat::RunSummary run_summary(const nlohmann::json& run);
// The sign-off when it belongs to `round`.
std::optional<core::uat::Signoff> signoff_for(const core::Project& project, int round);

// The report of the current round: latest run (its full JSON file when readable), checklist and
// marks, sign-off.
core::uat::Report build_report(const core::Project& project, const std::string& now);

} // namespace odoo_upgrade::commands::uat_state
