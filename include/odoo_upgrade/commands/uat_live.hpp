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
// one, also logged) when no target Odoo is configured, none when `only` names no live check. A
// script that cannot run gives results of status `error` naming why. Throws PreconditionError when
// `test_db` is missing, DatabaseError when production cannot be read, Interrupted on Ctrl-C (the
// server is stopped).
std::vector<core::uat::CheckResult> run_live_checks(const core::Project& project,
                                                    const adapters::fs::SecretStore& secrets,
                                                    const std::string& test_db,
                                                    const std::filesystem::path& folder,
                                                    const std::vector<std::string>& only);

} // namespace odoo_upgrade::commands
