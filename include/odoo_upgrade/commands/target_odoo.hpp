#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/odoo_manifest.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/target_odoo.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// The target-Odoo steps on a restored upgraded database, shared by the test rounds (after the
// restore and verification) and `restore` (on the staging database before the swap): update the
// customer's modules with the target Odoo, then "does it open" over HTTP, timing each, following
// the state machine of core/target_odoo.hpp. See docs/commands/config.md.
namespace odoo_upgrade::commands {

// The project's target Odoo: its settings, the project's PostgreSQL server (the Odoo role's
// password from the secrets file) and data dir. Throws PreconditionError when the project has no
// production database recorded.
adapters::odoo::TargetOdoo target_odoo_of(const core::Project& project,
                                          const adapters::fs::SecretStore& secrets);

// What one run of the steps works on.
struct TargetOdooJob {
  std::string database;         // the restored database
  std::filesystem::path folder; // where the logs are kept (the round's folder)
  std::string target_series;    // "17.0"
  std::chrono::milliseconds update_timeout{std::chrono::hours(2)};
  std::chrono::milliseconds ready_timeout{std::chrono::minutes(5)};
};

// The modules a run updates: with UpdateScope::all {"all"}; else the third-party modules installed
// in the database (classified as initiate classifies production's; one the upgrade uninstalled is
// not updated: the UAT reports it).
std::vector<std::string> modules_to_update(const core::OdooSettings& settings,
                                           const std::vector<core::ModuleInfo>& installed);

// Runs the steps `record`'s state calls for, saving the record through `save` before and after
// each step (so a re-run resumes, core::next_target_step), and returns the final record. Without a
// configured target Odoo the record is `skipped` with the hint to configure one. Before the
// update, the modules are looked up on the target's addons paths: one that is missing, of another
// series or with missing dependencies fails the update at once, without starting Odoo (which would
// leave it `to upgrade`). Throws PreconditionError when the database is missing, DatabaseError,
// FilesystemError when Odoo cannot be started, Interrupted on Ctrl-C (the record then says the
// step is under way, and the HTTP server is stopped).
core::TargetOdooRecord
run_target_steps(const core::Project& project,
                 const adapters::fs::SecretStore& secrets,
                 const TargetOdooJob& job,
                 core::TargetOdooRecord record,
                 const std::function<void(const core::TargetOdooRecord&)>& save);

// The target column of initiate: the verdict for each of `modules` on the target Odoo's addons
// paths (read_manifests.py, run with the settings' Python in `scratch_dir`).
std::vector<core::TargetCheck> check_target_modules(const adapters::odoo::TargetOdoo& odoo,
                                                    const std::vector<std::string>& modules,
                                                    const std::string& series,
                                                    const std::filesystem::path& scratch_dir);

} // namespace odoo_upgrade::commands
