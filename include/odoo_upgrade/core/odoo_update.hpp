#pragma once

#include <odoo_upgrade/core/odoo_log.hpp>
#include <odoo_upgrade/core/odoo_manifest.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The module update of a restored database by the target Odoo (`odoo-bin -u MODULES
// --stop-after-init`): what its log says, and the verdict once the database's module states after
// the run are known. The exit code alone is not enough: `-u` of a module no addons path holds exits
// 0 and leaves the module `to upgrade` (measured on 17.0, docs/notes/target-odoo-facts.md), so the
// verdict combines the log, the exit code and ir_module_module's transient states.
namespace odoo_upgrade::core {

// How one module came out of the update.
enum class ModuleOutcome {
  updated,         // "Module X loaded in …"
  failed,          // its update raised (it started and never ended, or the run's error names it)
  missing,         // no addons path holds it (the manifest check says so; Odoo: "not installable")
  not_installable, // "module X: not installable, skipped": its manifest says installable False
  not_reached,     // the run failed before the module's turn
  not_updated,     // the run ended without loading it
  transient,       // left `to upgrade`, `to install` or `to remove` in the database
};
std::string_view to_string(ModuleOutcome o); // "updated", "failed", "missing", …
std::optional<ModuleOutcome> parse_module_outcome(std::string_view text);

// What the update's log says (info level; an empty log says nothing).
struct UpdateLog {
  std::string odoo_version;                           // "17.0-20240709" (the run header)
  std::vector<std::string> started;                   // "Loading module X (i/n)", in order
  std::vector<std::pair<std::string, double>> loaded; // "Module X loaded in S s": name, seconds
  std::vector<std::string> not_installable;           // "module X: not installable, skipped"
  std::vector<std::string> inconsistent;         // "Some modules have inconsistent states … [X]"
  std::vector<std::string> not_loaded;           // "Some modules are not loaded … [X]"
  std::vector<std::string> invalid_names;        // "invalid module names, ignored: X, Y"
  std::vector<std::string> import_failed;        // "Couldn't load module X"
  std::map<std::string, int> warnings;           // WARNING records by kind (warning_kind)
  std::vector<std::string> warning_samples;      // first line of the first 20 warnings
  int errors = 0;                                // ERROR and CRITICAL records
  std::optional<odoo_log::ErrorSummary> failure; // "Failed to load registry" (or CRITICAL)
  bool modules_loaded = false;                   // "Modules loaded." seen
  std::optional<double> registry_seconds;        // "Registry loaded in S s"
};

// Reads an update's log (the whole `--logfile`).
UpdateLog parse_update_log(std::string_view log);
// The kind a WARNING record is counted under: "invalid-custom-view", "not-installable", "schema",
// "unknown-module-name", "states-reset", else the record's logger.
std::string warning_kind(const odoo_log::Record& record);

// What else is known about the run.
struct UpdateFacts {
  std::vector<std::string> requested; // the modules given to -u ({} with `all`)
  bool all = false;                   // -u all
  int exit_code = 0;                  // odoo-bin's exit status (-1: killed)
  // ir_module_module rows in `to install`, `to upgrade` or `to remove` after the run: name, state.
  std::vector<std::pair<std::string, std::string>> transient;
  // Requested modules that no addons path holds (the manifest check); Odoo reports them as "not
  // installable" like a module whose manifest says installable False.
  std::vector<std::string> missing_from_paths;
  // How odoo-bin ended ("exit status 1", "killed by signal 9", "timed out":
  // ProcessResult::describe) and the last line of its stderr: said in the message when the log
  // itself holds no error (Odoo that cannot connect, or that is killed, logs none).
  std::string ended;
  std::string process_error;
};

struct ModuleUpdate {
  std::string name;
  ModuleOutcome outcome = ModuleOutcome::updated;
  std::optional<double> seconds; // the module's own update time, from "loaded in"
  std::string state;             // its transient state after the run, when it has one
  odoo_log::ErrorSummary error;  // for failed: the run's error
};

// The verdict of one update.
struct UpdateResult {
  bool ok = false;
  int exit_code = 0;
  std::string odoo_version;
  std::vector<ModuleUpdate> modules; // the requested ones (with `all`: every module seen)
  std::map<std::string, int> warnings;
  std::vector<std::string> warning_samples;
  int errors = 0;
  odoo_log::ErrorSummary failure; // the run's own error, when it failed
  std::optional<double> registry_seconds;
  // One line: "N modules updated", or why it failed, naming the module and its error.
  std::string message;
};

// The verdict: ok only when the exit code is 0, every module is `updated`, no module is left in a
// transient state and the log holds no ERROR or CRITICAL record. A failed run whose log holds no
// error has `facts.ended` and `facts.process_error` added to the message.
UpdateResult judge_update(const UpdateLog& log, const UpdateFacts& facts);

// The verdict when the target's addons paths refuse the update before Odoo runs (`checks`: the
// manifest verdict of every module to update): ok when all are found; else every other module is
// reported (missing; not_installable; failed with the verdict as its error for a wrong series, an
// invalid manifest or missing dependencies) and the message names the first. Odoo is then not
// started: `-u` of a missing module would leave it `to upgrade`.
UpdateResult judge_manifests(const std::vector<TargetCheck>& checks);

nlohmann::json to_json(const UpdateResult& r);
// Reads what to_json wrote; throws FilesystemError (exit 6) naming `<where>.<field>` for a field of
// the wrong type or an unknown outcome.
UpdateResult update_result_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core
