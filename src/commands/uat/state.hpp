#pragma once

// Internal to the uat command: the round it works on and the report of that round.

#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/uat_report.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace odoo_upgrade::commands::uat_state {

// The latest test round: its number and test database.
struct RoundRef {
  int number = 0;
  std::string test_db; // "" until the round is restored
  std::string state;
  std::string verified_at; // when the test database was restored and verified ("" unknown)
};
// Throws PreconditionError when the project has no test round yet.
RoundRef current_round(const core::Project& project);
// The current round, which must have a restored test database (PreconditionError otherwise).
RoundRef restored_round(const core::Project& project);

// The latest result of every check of the catalogue for `round` (the verdict rule of
// core::uat::RoundRecord::latest_results) as the project keeps it, its findings identified and the
// acceptances of `uat` applied (an accepted finding no longer counts).
std::vector<core::uat::LatestResult> latest_results(const core::uat::UatRecord& uat,
                                                    const RoundRef& round);

// The latest results of the round before `number` (its test database, since it was verified),
// every finding read from the run's report file when readable; `number` 0 when there is none.
struct PreviousRound {
  int number = 0;
  std::vector<core::uat::CheckResult> results;
};
PreviousRound
previous_round(const core::Project& project, const core::uat::UatRecord& uat, int number);

// The report of the current round: latest run (its full JSON file when readable), checklist and
// marks, sign-off.
core::uat::Report build_report(const core::Project& project, const std::string& now);

// True when `text` has nothing but spaces: a recorded name or reason must say something.
bool blank(std::string_view text);

} // namespace odoo_upgrade::commands::uat_state
