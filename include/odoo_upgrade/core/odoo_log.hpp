#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reading an Odoo server log (the `--logfile` of the target Odoo, or its stderr). The format is
// Odoo's (odoo/netsvc.py, measured on 17.0, see docs/notes/target-odoo-facts.md): one record per
// line
//   `YYYY-MM-DD HH:MM:SS,mmm PID LEVEL DB LOGGER: MESSAGE PERF_INFO`
// (DB is `?` before a database is selected; PERF_INFO is empty outside werkzeug, so every record
// ends with a space), with the lines of a multi-line message or a Python traceback following the
// first line without a prefix. Python 3.11 tracebacks: `Traceback (most recent call last):`, frames
// `  File "PATH", line N, in FUNC` (no `, in FUNC` for a SyntaxError), each followed by its source
// line and optionally a `^^^` marker line, then the exception `Type: message` (possibly on several
// lines); chained exceptions are separated by "The above exception was the direct cause …" or
// "During handling of the above exception …".
namespace odoo_upgrade::core::odoo_log {

struct Record {
  std::string time;               // "2026-11-29 11:48:29,640": Odoo's local time, as written
  long long pid = 0;              // the Odoo process
  std::string level;              // DEBUG, INFO, WARNING, ERROR or CRITICAL
  std::string db;                 // "?" before a database is selected
  std::string logger;             // e.g. "odoo.modules.loading"
  std::string message;            // the first line, without the trailing space
  std::vector<std::string> lines; // the lines that follow it (message continued, traceback)
};

// Splits `log` into records. Lines before the first record (or text that is not an Odoo log) are
// ignored; a '\r' before '\n' is dropped.
std::vector<Record> parse_records(std::string_view log);

// A Python error as one reads it first.
struct ErrorSummary {
  // The root cause: the first traceback's exception line ("ValueError: Invalid version …"), or the
  // record's message when it holds no traceback.
  std::string error;
  // The last frame of that traceback: "PATH:LINE in FUNC: SOURCE" with PATH shortened to what
  // follows its last `odoo/`, `addons/` or `dist-packages/` ("odoo/modules/module.py:456 in
  // adapt_version: raise ValueError(…)"); empty when there is no frame.
  std::string frame;
  // For an exception whose message spans lines: its last informative line (an Odoo ParseError ends
  // with the validation error, e.g. `Field "x" does not exist in model "y"`); else empty.
  std::string detail;
  // The last traceback's exception line when it differs from `error` (what the root cause led to:
  // "ValueError: Module auditlog: invalid manifest"); else empty.
  std::string outcome;

  bool empty() const { return error.empty(); }
  // One line: error (detail) [outcome], at frame.
  std::string one_line() const;
};

// The summary of a record's error: its message and, when its lines hold a traceback, the root
// cause, frame, detail and outcome as above.
ErrorSummary summarize_error(const Record& record);
// `path` shortened after its last "odoo/", "addons/" or "dist-packages/" (unchanged otherwise).
std::string short_path(std::string_view path);

nlohmann::json to_json(const ErrorSummary& e);
// Reads what to_json wrote (unknown keys are ignored; a wrong type throws FilesystemError naming
// `where`).
ErrorSummary error_summary_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core::odoo_log
