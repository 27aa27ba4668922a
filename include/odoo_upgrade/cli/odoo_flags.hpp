#pragma once

#include <odoo_upgrade/commands/odoo_flags.hpp>

#include <CLI/CLI.hpp>

#include <functional>

namespace odoo_upgrade::cli {

// Whether the command also takes `--unset NAME` (config does, initiate does not).
enum class WithUnset { yes, no };

// Binds the --odoo-* flags (see commands/odoo_flags.hpp and docs/commands/config.md) to `sub`, in
// the option group "Target Odoo". Returns what the run function calls first: it fills `flags` with
// the flags that were given (an absent flag stays std::nullopt).
std::function<void(commands::OdooFlags& flags)> add_odoo_flags(CLI::App& sub, WithUnset unset);

} // namespace odoo_upgrade::cli
