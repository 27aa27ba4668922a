#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The customer's runbook: the fixes found in test rounds, recorded once and replayed exactly for
// production (docs/commands/runbook.md). Project-file layout (core/record.hpp pattern, unknown keys
// kept in `extra`):
//   runbook            {"next_id": 4, "steps": [RunbookStep, …]}          top-level key
//   rounds[i].runbook  [RunbookStepResult, …]   what the round ran, in order
//   production.runbook [RunbookStepResult, …]   what the production request ran (before upload)
//   golive.runbook     [RunbookStepResult, …]   what the go-live ran (after restore, on staging)
//   uat.signoff.runbook {"digest": "…", "steps": [RunbookPin, …]}     what the sign-off approved
namespace odoo_upgrade::core {

// When a step runs. `before_upload` steps never touch production: they run on a scratch copy of
// production whose dump is sent instead. `after_restore` steps run on the restored test database
// (after the target Odoo's module update when one is configured) and, at go-live, on the staging
// database before its verification and the swap.
enum class RunbookWhen { before_upload, after_restore };
std::string_view to_string(RunbookWhen when); // "before-upload", "after-restore"
std::optional<RunbookWhen> parse_runbook_when(std::string_view text);

// What a step runs. `content` holds, per kind: sql → the SQL text; odoo_shell → the Python text
// fed to `odoo-bin shell` of the target Odoo; update/install/uninstall → module names, comma
// separated, sorted, no spaces; shell → the command line, run by /bin/sh -c.
enum class RunbookKind { sql, odoo_shell, update, install, uninstall, shell };
std::string_view to_string(RunbookKind kind); // "sql", "odoo-shell", "update", …
std::optional<RunbookKind> parse_runbook_kind(std::string_view text);

struct RunbookStep {
  std::string id; // "s1", "s2"…: given once from `next_id`, never reused
  RunbookWhen when = RunbookWhen::after_restore;
  RunbookKind kind = RunbookKind::sql;
  std::string title;
  std::string why;         // free text; may name a UAT finding id or a ticket
  std::string content;     // see RunbookKind
  std::string source_file; // the file `--sql`/`--odoo-shell` read (its name only, for the reader)
  // SHA-256 (hex) of canonical_text(step), computed by the command that adds the step
  // (adapters/fs sha256_text); what a round ran and what the sign-off approved are compared by it.
  std::string sha256;
  bool enabled = true;
  bool continue_on_error = false; // advisory: a failure is recorded, the round goes on
  int introduced_round = 0;       // the round number that first runs it (latest round + 1)
  std::string added_at;           // ISO 8601 UTC
  nlohmann::json extra = nlohmann::json::object();
};
// The bytes the step's sha256 covers: when, kind, continue_on_error and content, each on its own
// line(s) (title and why are prose: editing them changes no hash).
std::string canonical_text(const RunbookStep& step);

struct Runbook {
  int next_id = 1;
  std::vector<RunbookStep> steps; // in run order (`when` groups them; order within a group counts)
  nlohmann::json extra = nlohmann::json::object();
  // The step with `id`, or nullptr.
  const RunbookStep* find(std::string_view id) const;
  RunbookStep* find(std::string_view id);
  // The enabled steps of `when`, in order.
  std::vector<RunbookStep> enabled(RunbookWhen when) const;
};

// Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type, an
// unknown kind or when, or a duplicate step id.
Runbook runbook_from_json(const nlohmann::json& j, std::string_view where = "runbook");
nlohmann::json to_json(const RunbookStep& step);
nlohmann::json to_json(const Runbook& runbook);
// The project's runbook (empty when the key is absent) / replaces the `runbook` key.
Runbook read_runbook(const Project& project);
void write_runbook(Project& project, const Runbook& runbook);

// The result of one step in one run (a test round, the production request, the go-live).
struct RunbookStepResult {
  std::string step_id;
  std::string sha256; // of the step as it ran
  std::string title;  // as it was when it ran
  RunbookWhen when = RunbookWhen::after_restore;
  std::string started_at; // ISO 8601 UTC
  std::string finished_at;
  double seconds = 0;            // one decimal
  std::string result;            // "ok", "failed", "failed-continued" (continue_on_error)
  std::optional<long long> rows; // sql: rows affected by the last statement, when known
  std::string output_file;       // the step's output (stdout/stderr, notices), in the run's folder
  std::string error;             // one line, redacted; "" when ok
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const RunbookStepResult& r);
RunbookStepResult step_result_from_json(const nlohmann::json& j, std::string_view where);
// A list of results (`<record>.runbook`); absent or null: empty. Throws like runbook_from_json.
std::vector<RunbookStepResult> step_results_from_json(const nlohmann::json& j,
                                                      std::string_view where);
nlohmann::json to_json(const std::vector<RunbookStepResult>& results);
// How many of `steps` (the enabled steps of one `when`, in run order) `results` already ran in
// that order with the same sha256 and a result other than "failed": an interrupted or failed run
// on the same database goes on from there without running those again.
std::size_t completed_steps(const std::vector<RunbookStepResult>& results,
                            const std::vector<RunbookStep>& steps);

// What a sign-off approved: each enabled step's id and sha256, in run order.
struct RunbookPin {
  std::string step_id;
  std::string sha256;
};
struct RunbookApproval {
  std::string digest; // runbook_digest() of `steps`
  std::vector<RunbookPin> steps;
};
// The pins of the enabled steps, in run order (before-upload first, then after-restore).
RunbookApproval approval_of(const Runbook& runbook);
// A short stable digest of a list of pins: the concatenation of "<id>:<sha256>\n" lines. Core
// does not hash (no crypto here): this is the text the command hashes; equal texts ⇔ equal lists.
std::string pins_text(const std::vector<RunbookPin>& pins);
nlohmann::json to_json(const RunbookApproval& a);
RunbookApproval approval_from_json(const nlohmann::json& j, std::string_view where);

// How the current runbook differs from an approval, one line per change, for the refusal message
// and `runbook show`: "added s4 'Reset sequence' (after-restore)", "changed s2 …", "removed s1 …",
// "moved s3 …", "disabled s2 …". Empty when they match.
std::vector<std::string> approval_changes(const RunbookApproval& approved, const Runbook& now);

// A runbook change since the sign-off that the production request accepted
// (`prod-request --accept-runbook-change --reason TEXT`; production.runbook_change): the new
// approval replaced the sign-off's.
struct RunbookChangeAcceptance {
  std::string reason;
  std::string at;                   // ISO 8601 UTC
  std::vector<std::string> changes; // approval_changes() at that time, one line each
  std::string previous_digest;      // the approval it replaced ("" when the sign-off had none)
  std::string digest;               // the approval that replaced it
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const RunbookChangeAcceptance& a);
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type.
RunbookChangeAcceptance runbook_change_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core
