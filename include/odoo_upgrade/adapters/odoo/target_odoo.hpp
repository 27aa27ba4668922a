#pragma once

#include <odoo_upgrade/adapters/odoo/http_server.hpp>
#include <odoo_upgrade/adapters/odoo/invocation.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/odoo_open.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Runs the target Odoo of a project on the databases of the project's PostgreSQL server: the module
// update, `odoo-bin shell` with a script, the HTTP server and its "does it open" check, and the
// manifest reader. Every Odoo process is a child of odoo-upgrade (adapters::run_process: it dies
// with odoo-upgrade, Ctrl-C stops it) and gets the password, if any, through its environment.
// Before any Odoo process touches a database, the database is checked to exist: an Odoo server
// (`-u` included) started on a missing database creates it.
namespace odoo_upgrade::adapters::odoo {

// The process of one run and what it left.
struct OdooRun {
  ProcessResult process;
  std::filesystem::path log; // Odoo's log file of the run (kept)
  std::string log_text;      // its content (update runs)
  std::string out;           // stdout (shell runs: the script's output)
  double seconds = 0;        // wall time, start to exit
};

class TargetOdoo {
public:
  // `admin_conninfo` reaches any database of the server the project's databases live on.
  // `conn.user` empty: Odoo connects as the owner of the database it runs on.
  TargetOdoo(core::OdooSettings settings, OdooConnection conn, std::string admin_conninfo);

  const core::OdooSettings& settings() const { return m_settings; }

  // The series `odoo-bin --version` reports ("17.0"). Throws UsageError (exit 2) naming the
  // program when it cannot run or does not say, with its last error line.
  static std::string series(const core::OdooSettings& settings);

  // `-u modules` ({"all"} for every module) on `db`, `--stop-after-init`, no HTTP; the whole log in
  // `logfile` (truncated first). Throws PreconditionError (3) when `db` does not exist or its role
  // is `postgres`, FilesystemError (6) when odoo-bin cannot start, Interrupted on Ctrl-C. The
  // verdict is the caller's (core/odoo_update.hpp): a failed update still returns.
  OdooRun update(const std::string& db,
                 const std::vector<std::string>& modules,
                 const std::filesystem::path& logfile,
                 std::chrono::milliseconds timeout);

  // `-i modules` on `db`, otherwise as update() (a runbook step: core/runbook.hpp).
  OdooRun install(const std::string& db,
                  const std::vector<std::string>& modules,
                  const std::filesystem::path& logfile,
                  std::chrono::milliseconds timeout);

  // `odoo-bin shell` on `db` with `script` on stdin (written to `script_file` first), `env` added
  // to its environment; Odoo's log in `logfile`. Throws as update().
  OdooRun shell(const std::string& db,
                std::string_view script,
                const std::filesystem::path& script_file,
                const std::filesystem::path& logfile,
                const std::vector<std::pair<std::string, std::string>>& env,
                std::chrono::milliseconds timeout);

  // The HTTP server for `db` alone on a free loopback port (log in `logfile`), waited for
  // (HttpServer::wait_ready, `ready_timeout`). When another program takes the port between its
  // choice and Odoo's bind, the server is stopped and started again on another port (3 tries).
  struct Served {
    std::unique_ptr<HttpServer> server;
    std::optional<double> ready; // seconds to the first answer; std::nullopt: server->why_not()
  };
  // Throws as update() before starting it.
  Served serve(const std::string& db,
               const std::filesystem::path& logfile,
               std::chrono::milliseconds ready_timeout);

  // "Does it open": serve(), wait for it (`ready_timeout`), GET /web/login?db=DB with a cookie jar,
  // ask /web/webclient/version_info, stop the server (always, also on exceptions), and read the
  // first ERROR/CRITICAL record of its log. The verdict is core::judge_open's.
  core::OpenFacts open_check(const std::string& db,
                             const std::filesystem::path& logfile,
                             std::chrono::milliseconds ready_timeout);

  // Runs resources/odoo/read_manifests.py (embedded) with the settings' Python on Odoo's own addons
  // (found from odoo-bin), `<data dir>/addons/<series>` and the settings' addons paths, for
  // `modules`. Throws FilesystemError (6) when the script cannot run or its output is not JSON.
  nlohmann::json read_manifests(const std::vector<std::string>& modules,
                                const std::string& series,
                                const std::filesystem::path& scratch_dir) const;

private:
  // The connection for `db`: the role (the database's owner when none is set), checked; throws
  // PreconditionError when `db` is missing or the role is `postgres`.
  OdooConnection connection_for(const std::string& db) const;

  core::OdooSettings m_settings;
  OdooConnection m_conn;
  std::string m_admin_conninfo;
};

// The JSON document a live-checks run printed between its markers in `out`, or std::nullopt when
// the markers are missing (the script did not run to the end) or the text between them is not JSON.
std::optional<nlohmann::json>
marked_document(const std::string& out, std::string_view begin_marker, std::string_view end_marker);

} // namespace odoo_upgrade::adapters::odoo
