#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

// The project's hook commands: shell commands run at the events of the go-live chain (see
// docs/hooks.md). Two top-level keys of the project file:
//   hooks         = {"<event>": ["command", …] or "command", …}
//   hooks_timeout = "5m" (per command; a number is seconds)
// Follows the pattern of core/record.hpp.
namespace odoo_upgrade::core {

struct HookConfig {
  // event → its commands, in order. Events this build does not know are kept (and never run).
  std::map<std::string, std::vector<std::string>> commands;
  // `hooks_timeout` as written (a number of seconds is read as its text, e.g. "90");
  // std::nullopt: the default. Checked as a duration where it is used (commands/hooks.hpp).
  std::optional<std::string> timeout;
};

// Reads `hooks` and `hooks_timeout` (null: none). Throws FilesystemError (exit 6) naming
// `hooks.<event>` when an event holds something other than a command or a list of commands, and
// `hooks_timeout` when it is neither a string nor a number.
HookConfig hooks_from_json(const nlohmann::json& hooks, const nlohmann::json& timeout);
// The `hooks` object: each event as a list of commands.
nlohmann::json to_json(const HookConfig& h);
// The project's hooks / replaces `hooks` and `hooks_timeout` (removed when not set).
HookConfig read_hooks(const Project& project);
void write_hooks(Project& project, const HookConfig& hooks);

} // namespace odoo_upgrade::core
