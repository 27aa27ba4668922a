#pragma once

// Internal to the go-live commands (freeze, prod-request, restore): the facts they share and the
// journaled step runner that makes each of them re-runnable after a crash.

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::commands::golive {

// The production database's name (project `source.dbname`). Throws PreconditionError without one.
std::string production_db(const core::Project& project);

// Conninfo of the maintenance database (`postgres`) on the production server, used for the
// statements that may not run inside the databases they change (renames, terminations).
std::string maintenance_conninfo(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets);

// Conninfo to reach `dbname` as `role`: the production conninfo itself when its user is `role`
// (with its password), else the stored conninfo (no password) with user=`role`.
std::string role_conninfo(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          const std::string& role,
                          const std::string& dbname);

// The UAT sign-off of the latest test round (project `uat.signoff`), or nullptr when the latest
// round is not signed off.
const nlohmann::json* latest_signoff(const core::Project& project);

// The test hook OU_TEST_CRASH_AFTER_STEP=<command>.<step>[:started] (documented in
// docs/commands/restore.md): the process ends at once with _exit(137) right after the journal
// entry of that step was saved as done (or as started, with ":started"). Used by the tests to
// prove that a re-run after a crash at any step ends consistent.
void crash_point(std::string_view command, std::string_view step, core::golive::StepStatus status);

// Runs journaled steps: records a step as started (with what is needed to undo it) and saves the
// project, performs it, records it done and saves again. A step already done is skipped.
class StepRunner {
public:
  StepRunner(core::Project& project,
             Context& ctx,
             std::string command,
             std::function<nlohmann::json&()> journal);

  core::golive::Journal journal() { return core::golive::Journal(m_journal()); }
  bool done(std::string_view step) {
    return journal().status(step) == core::golive::StepStatus::done;
  }
  // `prepare` returns the data to record before the step (called only when the step has no entry
  // yet, so that a re-run keeps what the first run saw); `action` performs the step and returns
  // data recorded with `done`.
  void run(const std::string& step,
           const std::function<nlohmann::json()>& prepare,
           const std::function<nlohmann::json(const nlohmann::json& entry)>& action);
  void save();
  std::string now() const;

private:
  core::Project& m_project;
  Context& m_ctx;
  std::string m_command;
  std::function<nlohmann::json&()> m_journal;
};

} // namespace odoo_upgrade::commands::golive
