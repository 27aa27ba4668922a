#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The project's hook commands (project `hooks`): shell commands run at the events of the go-live
// chain, e.g. stop the Odoo service before the freeze, start it after the restore, and at the
// events of an upgrade request, to notify someone. See docs/hooks.md. Stored as core::HookConfig
// (core/hooks_record.hpp):
//   hooks = {"before_freeze": ["cmd", …], "after_freeze": […], "after_lift": […],
//            "before_restore": […], "after_restore": […], "on_rollback": […],
//            "request_started": […], "request_done": […], "request_failed": […],
//            "round_tested": […]}
//   hooks_timeout = "5m" (per command; default 5m)
namespace odoo_upgrade::commands::hooks {

// The events, in the order of the chain.
const std::vector<std::string>& events();
bool valid_event(std::string_view event);

// The commands configured for `event` (empty when none). Throws FilesystemError (exit 6) when
// `hooks` or `hooks_timeout` has the wrong shape.
std::vector<std::string> commands_for(const core::Project& project, std::string_view event);
// The per-command timeout (project `hooks_timeout`, default 5 minutes). Throws UsageError when the
// value is not a duration.
std::chrono::milliseconds timeout(const core::Project& project);

// Environment the commands get (added to the inherited one, from which known secret variables
// such as PGPASSWORD and ODOO_UPGRADE_CONTRACT are removed): ODOO_UPGRADE_PROJECT,
// ODOO_UPGRADE_CUSTOMER, ODOO_UPGRADE_DB, ODOO_UPGRADE_PHASE (= the event), ODOO_UPGRADE_TARGET,
// ODOO_UPGRADE_SOURCE_VERSION, ODOO_UPGRADE_DATA_DIR, ODOO_UPGRADE_FILESTORE,
// ODOO_UPGRADE_WORK_DIR, ODOO_UPGRADE_DB_HOST, ODOO_UPGRADE_DB_PORT, ODOO_UPGRADE_DB_USER, plus
// `extra`.
std::vector<std::pair<std::string, std::string>>
environment(const core::Project& project,
            const std::filesystem::path& project_path,
            std::string_view event,
            const std::vector<std::pair<std::string, std::string>>& extra = {});

// Runs the commands of `event` one after the other with `sh -c`, their output logged on stderr.
// Returns what ran ([{command, exit_code, seconds}]). Throws PreconditionError (exit 3) naming the
// event and the command at the first one that fails or times out; the later ones do not run.
nlohmann::json run(const core::Project& project,
                   const std::filesystem::path& project_path,
                   std::string_view event,
                   const std::vector<std::pair<std::string, std::string>>& extra = {});

} // namespace odoo_upgrade::commands::hooks
