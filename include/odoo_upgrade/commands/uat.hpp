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
};
// Compares production with the current round's test database, both read-only in one snapshot
// each (a read-only REPEATABLE READ transaction); writes the full report to
// <work_dir>/rounds/<n>/uat-<timestamp>.json and a summary to the project. Returns 1 when blocking
// findings exist or a check could not run, 0 otherwise. Throws PreconditionError without a restored
// test round, UsageError for an unknown check id, DatabaseError when a database cannot be reached.
int run_uat_run(const UatRunOptions& options, Context& ctx);

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
// records; the full list of each goes to `lists_dir`/uat-missing-<model>.txt (replaced by every
// run; not written when `lists_dir` is empty). Throws Interrupted on Ctrl-C, FilesystemError when a
// list cannot be written.
std::vector<core::uat::CheckResult> run_uat_checks(adapters::pg::Connection& production,
                                                   adapters::pg::Connection& test,
                                                   const std::vector<std::string>& only = {},
                                                   const std::filesystem::path& lists_dir = {});

} // namespace odoo_upgrade::commands
