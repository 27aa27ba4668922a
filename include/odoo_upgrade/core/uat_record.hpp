#pragma once

#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The project's `uat` section, written by `uat` and read by `status`, `freeze` and the reports:
//   uat.checklist            [{id, title, category}] (absent: the default checklist)
//   uat.rounds["<n>"].runs   summaries of the automated runs of round n (latest last, at most
//                            k_runs_kept)
//   uat.rounds["<n>"].marks  {item id: {status, note, at, by}}
//   uat.signoff              {round, by, at, note, forced, reason, refusals_overridden, runbook}
//   uat.acceptances          [{id, check, digest, reason, by, at, round, severity, message}]
// See core/record.hpp for the record pattern (unknown keys kept in `extra`).
namespace odoo_upgrade::core::uat {

// The customer's sign-off of one round.
struct Signoff {
  int round = 0;
  std::string by;
  std::string at; // ISO 8601 UTC
  std::string note;
  bool forced = false;                          // signed off despite refusals
  std::string reason;                           // why, when forced
  std::vector<std::string> refusals_overridden; // the refusals a forced sign-off accepted
  // The runbook the sign-off approved (core/runbook.hpp); std::nullopt in files written before
  // runbooks existed (then any runbook counts as changed since the sign-off).
  std::optional<RunbookApproval> runbook;
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const Signoff& s);
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type.
Signoff signoff_from_json(const nlohmann::json& j, std::string_view where = "uat.signoff");

// The summary of one automated run kept in the project (the full report is in `report_file`).
struct RunRecord {
  std::string at; // when the run started, ISO 8601 UTC
  double seconds = 0;
  std::string report_file; // the full JSON report in the work dir
  std::string test_db;
  RunSummary summary;              // written flat: blocking, warning, info, errors, go
  std::vector<CheckResult> checks; // per check, findings cut to k_findings_in_project
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const RunRecord& r);
RunRecord run_from_json(const nlohmann::json& j, std::string_view where);

// Runs kept in the project per round (the report files keep every run).
inline constexpr std::size_t k_runs_kept = 10;
// Findings per check copied whole into the project, as a fallback when the report file is gone.
inline constexpr std::size_t k_findings_in_project = 20;
// `result` as the project keeps it: the first k_findings_in_project findings whole, and every
// other finding above info without its changes (what the verdict, acceptances and the comparison
// with the next round need: id, digest, severity, record, message); infos beyond the first ones
// are cut (`truncated` set; the counts stay complete).
CheckResult brief(const CheckResult& result);

// The customer's acceptance of one finding (`uat accept`): recorded with who, when and why, and
// the finding's content digest. It applies to the finding of that id in any later run or round
// while its digest is unchanged.
struct Acceptance {
  std::string id;     // the finding's id (core::uat::finding_id)
  std::string check;  // the check that reported it
  std::string digest; // its content when accepted (core::uat::finding_digest)
  std::string reason;
  std::string by;
  std::string at; // ISO 8601 UTC
  int round = 0;  // the round it was accepted in
  Severity severity = Severity::blocking;
  std::string message; // the finding's message when accepted, for `uat accept --list`
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const Acceptance& a);
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type.
Acceptance acceptance_from_json(const nlohmann::json& j, std::string_view where);

// One check's result as it counts for a round's verdict, and the run it comes from.
struct LatestResult {
  CheckResult result;
  std::string run_at;      // "" when the check has no valid result
  std::string report_file; // the run's full report ("" when none)
  bool ran() const { return !run_at.empty(); }
};

// What uat recorded for one test round.
struct RoundRecord {
  std::vector<RunRecord> runs;       // oldest first
  std::map<std::string, Mark> marks; // by checklist item id
  nlohmann::json extra = nlohmann::json::object();

  // The latest run; nullptr when none.
  const RunRecord* latest_run() const { return runs.empty() ? nullptr : &runs.back(); }
  // Appends `run`, dropping the oldest beyond k_runs_kept.
  void add_run(RunRecord run);
  // The verdict rule: for each check of `check_ids` (in that order), its result in the latest
  // run that ran it on `test_db` at or after `since` (ISO 8601 UTC, the moment the round's test
  // database was restored and verified; "" for no bound). A check without such a result (never
  // run, run on another database or before the latest restore) gets status `error` with a reason,
  // so that it counts against GO. Titles of results not run come from the check catalogue.
  std::vector<LatestResult> latest_results(const std::vector<std::string>& check_ids,
                                           const std::string& test_db,
                                           const std::string& since) const;
};

struct UatRecord {
  std::optional<std::vector<ChecklistItem>> checklist; // std::nullopt: the default checklist
  std::map<int, RoundRecord> rounds;                   // by round number
  std::optional<Signoff> signoff;                      // the latest sign-off, of any round
  std::vector<Acceptance> acceptances;                 // in force, oldest first; one per id
  nlohmann::json extra = nlohmann::json::object();

  // The checklist in force: `checklist`, or the default one.
  std::vector<ChecklistItem> items() const;
  // The record of round `number`; an empty one when uat has not touched it. Valid while this
  // record lives unchanged.
  const RoundRecord& round(int number) const;
  // The checklist with the marks of round `number` (unmarked when none).
  std::vector<std::pair<ChecklistItem, Mark>> marked_items(int number) const;
  // The sign-off when it belongs to round `number`.
  std::optional<Signoff> signoff_of(int number) const;
  // The acceptance of finding `id`; nullptr when none.
  const Acceptance* acceptance(const std::string& id) const;
};

// Reads a `uat` section. Throws FilesystemError (exit 6) naming `<where>.<field>` when a field has
// the wrong type, a round key is not a number, or a mark status is unknown.
UatRecord uat_from_json(const nlohmann::json& j, std::string_view where = "uat");
nlohmann::json to_json(const UatRecord& u);

// The project's uat section (empty when missing); throws like uat_from_json.
UatRecord read_uat(const Project& project);
// The project's uat section; std::nullopt before uat recorded anything.
std::optional<UatRecord> find_uat(const Project& project);
void write_uat(Project& project, const UatRecord& uat);

} // namespace odoo_upgrade::core::uat
