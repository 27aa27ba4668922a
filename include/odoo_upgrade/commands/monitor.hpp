#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace odoo_upgrade::commands {

struct MonitorOptions {
  std::optional<std::string> url;    // Odoo's base URL; default: the project's monitor.url
  std::optional<std::string> series; // expected series; default: the project's target version
  std::optional<std::chrono::milliseconds> watch;    // repeat every INTERVAL
  std::optional<std::chrono::milliseconds> duration; // with `watch`: stop after DURATION
};

// Checks the upgraded production after go-live: Odoo over HTTP (health, series, response time),
// the database (modules, crons, mail queue, logged errors, activity against the freeze baseline,
// historical journal totals) and free disk space. Each check comes out as a core::Severity (ok,
// info, skipped, warning, blocking); thresholds come from the project's `monitor` section
// (core/monitor_record.hpp).
// Without a project file, or when the database cannot be reached, only the HTTP checks run (the
// database checks are reported as skipped) as long as an Odoo URL is known.
// One-shot: prints the table and returns 0 (nothing to act on), 1 (anything blocking) or 8
// (warnings only). With `watch`, repeats every interval until `duration` elapses or Ctrl-C, prints
// what changes, then appends a summary to the project history (the project lock is taken only for
// that append; not with --dry-run) and returns the exit code of the last iteration. Throws
// UsageError on bad options or thresholds, PreconditionError without project and URL or outside
// phase 'live', FilesystemError for a section field of the wrong type.
int run_monitor(const MonitorOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
