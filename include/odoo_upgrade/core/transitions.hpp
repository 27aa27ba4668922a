#pragma once

#include <odoo_upgrade/core/freeze_record.hpp>
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

// --- the phase rules of the go-live chain ------------------------------------------------------
// Each sets `project`'s phase after the named event and returns it.

// `freeze apply` completed: production is frozen.
Phase phase_after_freeze(Project& project);
// `freeze lift` completed: back to the phase before the freeze (`freeze.phase_before`; signed_off
// when not recorded).
Phase phase_after_lift(Project& project, const FreezeRecord& freeze);
// Whether a rollback leaves the pre-upgrade database frozen (to retry the restore).
enum class KeepFrozen { yes, no };
// `restore --rollback` completed: production_request when the pre-upgrade database stays frozen
// (the same download may be restored again), else as after a lift.
Phase phase_after_rollback(Project& project, const FreezeRecord& freeze, KeepFrozen keep);
// `restore` completed: the upgraded database is live.
Phase phase_after_golive(Project& project);

} // namespace odoo_upgrade::core
