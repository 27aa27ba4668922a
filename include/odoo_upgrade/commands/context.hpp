#pragma once

#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace odoo_upgrade::commands {

// Options every command shares (the global options of the command line).
struct GlobalOptions {
  std::filesystem::path project = "odoo-upgrade.json";
  bool json = false;    // exactly one JSON document on stdout
  bool yes = false;     // never prompt; assume yes
  bool dry_run = false; // print the plan of a mutating command, change nothing
  int verbosity = 0;    // -1 quiet, 0 normal, 1 verbose, 2 trace
  bool color = false;   // decorations allowed (stdout is a TTY and --no-color not given)
  std::optional<std::filesystem::path> log_file;
};

// The one JSON document a run prints on stdout when it fails before printing its result
// (docs/exit-codes.md): {"error": {"code": N, "message": "…", "hint": "…"}}, `message` and `hint`
// redacted of registered secrets. Every --json error document of the command line is built here.
nlohmann::json
error_document(core::ExitCode code, const std::string& message, const std::string& hint);

// Where results go. Results go to stdout (human text, or one JSON document with --json); progress
// and logs go to stderr through spdlog.
class Output {
public:
  // `color`: decorations allowed on stdout. `stderr_decorations`: stderr is a terminal and neither
  // -q, --no-color nor NO_COLOR was given (cli::run decides). `quiet` (-q): no human result lines
  // on stdout (`result`'s printer and `text()` print nothing); --json documents and errors stay.
  Output(std::ostream& out,
         std::ostream& err,
         bool json,
         bool color,
         bool stdin_tty,
         bool stderr_decorations = false,
         bool quiet = false);

  bool json() const { return m_json; }
  bool color() const { return m_color; }
  // True when a live progress display (a bar redrawn in place) may be drawn on stderr: stderr is
  // a terminal, no --json, no -q, no --no-color or NO_COLOR. Otherwise progress goes to the log.
  bool progress_allowed() const { return m_stderr_decorations && !m_json; }
  // Names the kind of document `result` prints, e.g. "uat-run" (cli::run sets it from the command
  // line): `result` adds `"schema": schema_id(name)` to every JSON object it prints, and
  // docs/schemas/<name>.schema.json describes it.
  void set_document(std::string name) { m_document = std::move(name); }
  // Prints the command's result: `doc` in JSON mode (with its "schema" field when a document name
  // was set and `doc` is an object), else what `human` writes (nothing with -q). Called once per
  // run.
  void result(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human);
  // Like `result`, for a result that is the data asked for (a completion script, a help text), not
  // a report of what was done: printed with -q too.
  void data(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human);
  // True once `result` was called (cli::run prints an error document only when it was not).
  bool has_result() const { return m_has_result; }
  // Human-oriented text on stdout (ignored in JSON mode and with -q).
  std::ostream& text();
  std::ostream& err() { return m_err; }
  // Asks a yes/no question on stderr; true when `assume_yes`. Without a terminal to ask on, throws
  // PreconditionError telling the user to pass --yes.
  bool confirm(const std::string& question, bool assume_yes);

  // Terminal styling helpers (no-ops without color).
  std::string bold(const std::string& s) const;
  std::string red(const std::string& s) const;
  std::string green(const std::string& s) const;
  std::string yellow(const std::string& s) const;

private:
  std::ostream& m_out;
  std::ostream& m_err;
  bool m_json;
  bool m_color;
  bool m_stdin_tty;
  bool m_stderr_decorations;
  bool m_quiet;
  bool m_has_result = false;
  std::string m_document;
};

// The version of the --json documents' shapes: bumped when a field changes meaning or is removed
// (adding an optional field keeps it). docs/schemas/README.md says the rules.
inline constexpr int k_output_schema_version = 1;

// The value of the "schema" field of the JSON document named `name`:
// "odoo-upgrade/<name>/<k_output_schema_version>", e.g. "odoo-upgrade/uat-run/1".
std::string schema_id(const std::string& name);

// Everything a command needs from the outside world. Built once by cli::run; tests build their own.
struct Context {
  GlobalOptions options;
  Output& out;
  core::Clock& clock;
  // True while the command line holds the project lock for this run (commands whose table row
  // says Lock::take); open_project then takes no second one.
  bool project_locked = false;

  const std::filesystem::path& project_path() const { return options.project; }
  // Records an event in the project's history (UTC now).
  void record(core::Project& project,
              const std::string& command,
              const std::string& outcome,
              nlohmann::json details = nlohmann::json::object()) const;
};

} // namespace odoo_upgrade::commands
