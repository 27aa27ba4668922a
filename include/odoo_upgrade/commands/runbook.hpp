#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>

// `odoo-upgrade runbook`: the customer's runbook, the fixes found in test rounds, recorded once in
// the project (core/runbook.hpp) and replayed exactly for production (docs/commands/runbook.md).
namespace odoo_upgrade::commands {

struct RunbookAddOptions {
  std::string when; // "before-upload" or "after-restore"
  std::string title;
  std::string why;
  // Exactly one of these says what the step runs.
  std::optional<std::string> sql;        // a file of SQL, read in
  std::optional<std::string> odoo_shell; // a file of Python for the target Odoo's shell, read in
  std::optional<std::string> update;     // module technical names, comma separated
  std::optional<std::string> install;
  std::optional<std::string> uninstall;
  std::optional<std::string> shell; // a command line for /bin/sh -c
  bool continue_on_error = false;
};

// Adds a step at the end of the runbook: id "s<next_id>", introduced in the round after the latest,
// its content read in (files: UTF-8, not empty, at most core::k_runbook_file_max_bytes) and hashed
// (sha256 of core::canonical_text). Records a history event. Bad input (no or two contents, an
// unreadable or empty file, a wrong module name, an Odoo kind before upload): UsageError (2),
// nothing changed. PreconditionError (3) without a project or in a phase after prod-request.
int run_runbook_add(const RunbookAddOptions& options, Context& ctx);

// The steps in run order, each with its last result (from the latest round that ran it). Reads the
// project only. --json: {"next_id", "steps": [...]} (docs/schemas/runbook-list.schema.json).
int run_runbook_list(Context& ctx);
// The document of `runbook list --json` (without its "schema" field), also `status`'s "runbook".
nlohmann::json runbook_list_json(const core::Project& project);
// The table of `runbook list` for `steps` (runbook_list_json's "steps"), each line after `indent`;
// "the runbook is empty…" when there is none. Also `status`'s runbook lines.
void print_runbook_steps(std::ostream& os, const nlohmann::json& steps, const std::string& indent);

struct RunbookMoveOptions {
  std::string id;
  std::string before; // exactly one of before/after
  std::string after;
};
// Moves a step before or after another step of the same time. UsageError (2) for an unknown id,
// none or both of --before/--after, or a step of the other time.
int run_runbook_move(const RunbookMoveOptions& options, Context& ctx);

// Enables (`enabled` true) or disables a step: a disabled step stays in the runbook but no round,
// production request or go-live runs it. UsageError (2) for an unknown id.
int run_runbook_enable(const std::string& id, bool enabled, Context& ctx);

// Removes a step (its id is not reused), after confirmation (--yes). UsageError (2) for an unknown
// id; PreconditionError (3) when not confirmed.
int run_runbook_remove(const std::string& id, Context& ctx);

struct RunbookShowOptions {
  std::string format = "markdown";   // markdown, html or json
  std::optional<std::string> output; // write there instead of stdout
};
// The customer-specific upgrade documentation (docs/commands/runbook.md). An --output that cannot
// be written is refused before any work (FilesystemError, 6).
int run_runbook_show(const RunbookShowOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
