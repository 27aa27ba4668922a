#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace odoo_upgrade::core {

// The one place that decides which command (or sub-action, e.g. "freeze apply") may run in which
// phase. `action` is the command name, optionally followed by a space and its sub-action.
// Returns the phases `action` may start from; empty for an unknown action.
std::vector<Phase> allowed_phases(std::string_view action);

// Throws PreconditionError (exit 3) when `action` may not run in `project`'s phase, with a hint
// naming the next step.
void require_phase(const Project& project, std::string_view action);

// The command a consultant should run next, e.g. "odoo-upgrade test-request".
std::string next_step(const Project& project);

} // namespace odoo_upgrade::core
