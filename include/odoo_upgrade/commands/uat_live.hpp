#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

// The live checks of `uat run` (core/live_checks.hpp): through the project's target Odoo, on the
// test database, never changing it. See docs/commands/uat.md, "Live checks".
namespace odoo_upgrade::commands {

// Runs the live checks among `only` (all five when `only` is empty) on `test_db`:
// resources/odoo/live_checks.py fed to `odoo-bin shell` (one transaction, rolled back; its output
// and Odoo's log kept in `folder` as live-checks.out / live-checks.log), then, for `pages`, the
// target Odoo's HTTP server started on `test_db` and every listed URL fetched, compared with
// production's published pages. Returns results of status `skipped` (with the hint to configure
// one, also logged) when no target Odoo is configured, of status `error` without starting Odoo when
// the test database has modules left mid-update (core::live::live_gate), none when `only` names no
// live check. A
// script that cannot run gives results of status `error` naming why. Throws PreconditionError when
// `test_db` is missing, DatabaseError when production cannot be read, Interrupted on Ctrl-C (the
// server is stopped).
// What `uat run --dry-run` says of the live checks among `only`.
struct LivePlan {
  std::string line;             // the plan's line (core::live::plan_line); empty: no live check
  std::vector<std::string> ids; // the live checks among `only`
  std::string status;           // "run", "skipped" or "error"
  std::string why;              // why not run; empty when run
};
// The plan of the live checks on `test_db`: whether a target Odoo is configured, and whether the
// test database has modules left mid-update (read-only; a database that cannot be read is said in
// `why`, not thrown). Changes nothing.
LivePlan plan_live_checks(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          const std::string& test_db,
                          const std::vector<std::string>& only);

std::vector<core::uat::CheckResult> run_live_checks(const core::Project& project,
                                                    const adapters::fs::SecretStore& secrets,
                                                    const std::string& test_db,
                                                    const std::filesystem::path& folder,
                                                    const std::vector<std::string>& only);

} // namespace odoo_upgrade::commands
