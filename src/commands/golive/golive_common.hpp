#pragma once

// Internal to the go-live commands (freeze, prod-request, restore): the facts they share and the
// journaled step runner that makes each of them re-runnable after a crash.

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odoo_upgrade::commands::golive {

// The production database's name (project `source.dbname`). Throws PreconditionError without one.
std::string production_db(const core::Project& project);

// Conninfo of the maintenance database (`postgres`) on the production server, used for the
// statements that may not run inside the databases they change (renames, terminations).
std::string maintenance_conninfo(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets);

// Conninfo to reach `dbname` as `role`: the production conninfo itself when its user is `role`
// (with its password), else the production conninfo without its password and with user=`role`
// (the role's password, if it needs one, comes from PGPASSFILE/.pgpass, never ours).
std::string role_conninfo(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          const std::string& role,
                          const std::string& dbname);

// The UAT sign-off of the latest test round (project `uat.signoff`), or std::nullopt when the
// latest round is not signed off.
std::optional<core::uat::Signoff> latest_signoff(const core::Project& project);

// The approval of the project's runbook as it stands: its enabled steps' pins (core::approval_of)
// and their digest (adapters/fs sha256_text of core::pins_text). What `uat signoff` records.
core::RunbookApproval runbook_approval(const core::Project& project);
// The runbook the latest sign-off approved; an empty approval when the latest round is not signed
// off or was signed off before runbooks existed (then every step counts as added).
core::RunbookApproval approved_runbook(const core::Project& project);
// How the project's runbook differs from the latest sign-off's approval (core::approval_changes),
// one line per change; empty when they match.
std::vector<std::string> runbook_changes_since_signoff(const core::Project& project);
// Replaces the latest sign-off's approval with the runbook as it stands (an accepted change).
// No-op without a sign-off of the latest round.
void replace_signoff_approval(core::Project& project);

// The latest round that was tested (its timings measure a whole chain; project `rounds`);
// std::nullopt when no round was tested.
std::optional<core::RequestRecord> latest_tested_round(const core::Project& project);

// What the go-live needs of the production request (project `production`, the request's record):
// the downloaded upgrade and the freeze it was made under.
struct DownloadedUpgrade {
  int number = 0;                // the production request's number
  std::string freeze_started_at; // `freeze.started_at` of the freeze it was dumped under
  bool pg_version_compatible = true;
  core::DownloadedDump dump;                // received.dump
  std::filesystem::path returned_filestore; // received.filestore.path; empty when none
};
// The production request's download; std::nullopt unless it is downloaded and not invalidated.
std::optional<DownloadedUpgrade> downloaded_upgrade(const core::Project& project);
// Makes the production request void (`production.invalidated` = `why`): production may have
// changed since its dump. No-op without a production request.
void invalidate_production_request(core::Project& project, const std::string& why);

// Refuses (UsageError, exit 2) --force without --reason (`why` says what the reason is for) and
// --reason without --force.
void check_force_reason(bool force, const std::string& reason, const std::string& why);

// The test hook OU_TEST_CRASH_AFTER_STEP=<command>.<step>[:started] (documented in
// docs/commands/restore.md): the process ends at once with _exit(137) right after the journal
// entry of that step was saved as done (or as started, with ":started"). Used by the tests to
// prove that a re-run after a crash at any step ends consistent.
void crash_point(std::string_view command, std::string_view step, core::golive::StepStatus status);

// Runs journaled steps: records a step as started (with what is needed to undo it) and saves,
// performs it, records it done and saves again. A step already done is skipped.
class StepRunner {
public:
  // `journal`: the journal inside the caller's record (it must outlive the runner); `save`: writes
  // that record into the project and saves the project (ProjectSession::edit).
  StepRunner(Context& ctx,
             std::string command,
             nlohmann::json& journal,
             std::function<void()> save);

  core::golive::Journal journal() { return core::golive::Journal(m_journal); }
  bool done(std::string_view step) {
    return journal().status(step) == core::golive::StepStatus::done;
  }
  // `prepare` returns the data to record before the step (called only when the step has no entry
  // yet, so that a re-run keeps what the first run saw); `action` performs the step and returns
  // data recorded with `done`.
  void run(const std::string& step,
           const std::function<nlohmann::json()>& prepare,
           const std::function<nlohmann::json(const nlohmann::json& entry)>& action);
  void save() { m_save(); }
  std::string now() const;

private:
  Context& m_ctx;
  std::string m_command;
  nlohmann::json& m_journal;
  std::function<void()> m_save;
};

} // namespace odoo_upgrade::commands::golive
