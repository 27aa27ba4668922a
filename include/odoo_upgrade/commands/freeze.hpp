#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <optional>
#include <string>

// The `freeze` command: plan the go-live window, stop data entry in production in a verifiable and
// reversible way, and undo it. Everything it records lives in the project's `freeze` section,
// typed by core/freeze_record.hpp:
//   freeze.plan      {at, go_live, window_s, round, estimate {total_s, parts, missing}, fits,
//                     forced, recorded_at}
//   freeze.state     applying | not_applied | applied | lifting | lifted | superseded
//   freeze.journal   the steps of apply, each recorded before and after it is performed
//   freeze.baseline  record counts and key totals at the freeze (adapters/pg/baseline.hpp)
//   freeze.previous  earlier freezes (after a lift or a go-live), oldest first
// The hooks it lists and changes are typed by core/hooks_record.hpp.
namespace odoo_upgrade::commands {

struct FreezePlanOptions {
  std::string at;      // when data entry stops (ISO 8601; without offset: UTC)
  std::string go_live; // when the upgraded database must serve
  bool force = false;  // plan without a sign-off of the latest round (needs `reason`)
  std::string reason;
};
// Validates and records the window and prints the downtime estimated from the latest tested
// round's timings. UsageError (2) for a bad window; PreconditionError (3) without sign-off.
int run_freeze_plan(const FreezePlanOptions& options, Context& ctx);

struct FreezeApplyOptions {
  std::optional<std::string> odoo_role; // default: the owner of the production tables
  bool force = false;                   // freeze without a sign-off (needs `reason`)
  std::string reason;
};
// Runs the before_freeze hooks, makes production read-only for the Odoo role, terminates the
// other sessions, disables the active crons, verifies that a write as the Odoo role fails,
// records the baseline, runs the after_freeze hooks and sets the phase to `frozen`. Each step is
// journaled; a re-run after a crash or a failing hook completes the remaining steps. Exit 3 for a
// failing hook or a missing sign-off, 5 when the freeze cannot be applied or verified.
int run_freeze_apply(const FreezeApplyOptions& options, Context& ctx);

struct FreezeLiftOptions {};
// Undoes exactly what apply recorded (also a half-done apply): crons back on, the read-only
// setting restored to what it was; then runs the after_lift hooks. The phase goes back to what it
// was before the freeze.
int run_freeze_lift(const FreezeLiftOptions& options, Context& ctx);

struct FreezeHooksOptions {
  std::string add_event; // with add_command: append a hook command
  std::string add_command;
  std::string clear_event;            // remove every command of this event
  std::optional<std::string> timeout; // set hooks_timeout ("5m")
};
// Lists the configured hooks, or changes them (see docs/hooks.md).
int run_freeze_hooks(const FreezeHooksOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
