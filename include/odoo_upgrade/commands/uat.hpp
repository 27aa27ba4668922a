#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace odoo_upgrade::adapters::pg {
class Connection;
}

// The `uat` command: automated production-vs-test checks, the manual checklist, sign-off and
// reports. Everything it records lives in the project's `uat` section (core/uat_record.hpp). The
// sub-actions that record (run, mark, add, signoff) hold the project lock; list and report only
// read. With --dry-run, the recording ones print their plan and change nothing.
namespace odoo_upgrade::commands {

struct UatRunOptions {
  std::vector<std::string> checks; // only these check ids (empty: all)
  // Two databases of the user's choice (libpq conninfos, both or neither): compared without a
  // project round; no project is read or written. Their passwords are registered as secrets.
  std::string prod_db;
  std::string test_db;
  // With prod_db/test_db: also write the full JSON report to this file.
  std::optional<std::filesystem::path> output;
};
// Compares production with the current round's test database, both read-only in one snapshot
// each (a read-only REPEATABLE READ transaction); writes the full report (every finding, with its
// id and digest) to <work_dir>/rounds/<n>/uat-<timestamp>.json and a summary to the project; shows
// each finding against the previous round and with its acceptance. Returns 1 when blocking
// findings that are not accepted exist or a check could not run, 0 otherwise. With `prod_db` and
// `test_db`, compares those two databases the same way without any project (the live checks are
// skipped: they need a project's target Odoo). Throws PreconditionError without a restored test
// round, UsageError for an unknown check id, a malformed conninfo or only one of prod_db/test_db,
// DatabaseError when a database cannot be reached.
int run_uat_run(const UatRunOptions& options, Context& ctx);

struct UatAcceptOptions {
  std::string id; // the finding to accept (shown in every report)
  std::string reason;
  std::string by;
  bool list = false;  // list the acceptances instead
  std::string revoke; // revoke the acceptance of this finding id instead
};
// Records that the customer accepts finding `id` of the current round's latest results (with who,
// when, why and the finding's content digest); lists or revokes acceptances. An accepted finding
// no longer counts against GO while its digest is unchanged. Throws UsageError (exit 2, nothing
// changed) for an unknown finding id, an info finding, a missing --reason/--by, or revoking an id
// that is not accepted; PreconditionError without a test round.
int run_uat_accept(const UatAcceptOptions& options, Context& ctx);

struct UatListOptions {};
// Lists the manual checklist of the current round with its marks, and the latest automated run.
int run_uat_list(const UatListOptions& options, Context& ctx);

struct UatMarkOptions {
  std::string id;
  std::string status; // pass, fail, skip
  std::string note;
  std::string by;
};
// Marks a checklist item for the current round. Throws UsageError for an unknown item or status.
int run_uat_mark(const UatMarkOptions& options, Context& ctx);

struct UatAddOptions {
  std::string title;
  std::string id; // derived from the title when empty
};
// Adds a consultant's item to the checklist. Throws UsageError for a duplicate or invalid id.
int run_uat_add(const UatAddOptions& options, Context& ctx);

struct UatSignoffOptions {
  std::string by;
  std::string note;
  bool force = false;
  std::string reason; // required with force
};
// Signs off the current round: refused (PreconditionError, exit 3) while the latest automated run
// has blocking findings or errors, or manual items failed or are unmarked, unless `force` with a
// `reason` (recorded). Sets the phase to signed_off.
int run_uat_signoff(const UatSignoffOptions& options, Context& ctx);

struct UatReportOptions {
  std::string format = "text"; // text, json, junit, markdown, html
  std::optional<std::filesystem::path> output;
};
// Renders the report of the current round (latest automated run, checklist, sign-off).
int run_uat_report(const UatReportOptions& options, Context& ctx);

// --- the check engine, also used by the benchmark and the integration tests ---

// Runs the automated checks `only` (all when empty) comparing `production` with `test`. Each
// check runs in a savepoint: a check that fails with a database error is reported with status
// `error` and the others still run. Both connections should be in a read-only repeatable-read
// transaction (adapters::pg::Transaction with Isolation::repeatable_read, Access::read_only), so
// that every check sees one snapshot. A model with fewer records in test names its missing
// records; the full list of each goes to `lists_dir`/uat-missing-<model>.txt (`lists_dir` is
// created when a list is written; give each run its own; nothing is written when it is empty).
// Throws Interrupted on Ctrl-C, FilesystemError when a list cannot be written.
std::vector<core::uat::CheckResult> run_uat_checks(adapters::pg::Connection& production,
                                                   adapters::pg::Connection& test,
                                                   const std::vector<std::string>& only = {},
                                                   const std::filesystem::path& lists_dir = {});

} // namespace odoo_upgrade::commands
