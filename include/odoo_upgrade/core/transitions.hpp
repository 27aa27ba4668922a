#pragma once

#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>

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

// --- the phase rules of the upgrade requests (test-request, prod-request, status --refresh) -----
// Each sets `project`'s phase after the named event and returns it.

// A test round started or resumes: testing (a new round supersedes an earlier sign-off).
Phase phase_after_round_started(Project& project);
// The latest test round is restored and verified: tested.
Phase phase_after_round_tested(Project& project);
// A test round failed, was cancelled or abandoned (its state recorded in `rounds`): tested when an
// earlier round is tested (its database is still usable), else initiated.
Phase phase_after_failed_round(Project& project);
// The production request started or resumes: production_request.
Phase phase_after_production_request_started(Project& project);
// The production request failed, was cancelled or abandoned: frozen (production stays frozen; a
// new request may start).
Phase phase_after_failed_production_request(Project& project);

// --- the phase rule of the UAT -----------------------------------------------------------------

// `uat signoff` completed: the customer signed off the latest round. Sets `project`'s phase to
// signed_off and returns it.
Phase phase_after_signoff(Project& project);

} // namespace odoo_upgrade::core
