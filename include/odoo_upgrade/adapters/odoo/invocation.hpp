#pragma once

#include <odoo_upgrade/core/odoo_settings.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The command lines and environments of the target Odoo's processes, built from the project's
// settings (core/odoo_settings.hpp). Pure: nothing runs here (see adapters/odoo/target_odoo.hpp).
// Options are Odoo 17.0's (odoo/tools/config.py); every process gets the project's PostgreSQL
// server, the role, the data dir (the filestores) and `--max-cron-threads=0`, and odoo-upgrade's
// own options come after the configuration file so that they win. The role's password goes through
// the environment (PGPASSWORD), never into argv.
namespace odoo_upgrade::adapters::odoo {

// Where the target Odoo connects and keeps its files.
struct OdooConnection {
  std::string host;    // libpq host (name, address or socket directory); "" for libpq's default
  std::string port;    // "" for libpq's default
  std::string sslmode; // "" for Odoo's default
  std::string user;    // the role; never "postgres" (Odoo refuses it)
  std::optional<std::string> password; // the secret k_odoo_password_secret, when set
  std::filesystem::path data_dir;      // Odoo's data dir: <data_dir>/filestore/<db>
};

// One process to start: argv[0] is the Python interpreter, argv[1] odoo-bin.
struct Invocation {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env; // set (override the inherited ones)
  std::vector<std::string> unset_env;                   // removed from the inherited environment
};

// The target's Python running `args` (a script of ours, or odoo-bin) in the settings' environment
// (--odoo-env: PYTHONPATH, a virtualenv…), with ODOO_RC=/dev/null so no user config file is read.
Invocation python_invocation(const core::OdooSettings& settings, std::vector<std::string> args);

// `odoo-bin --version` (prints "Odoo Server 17.0").
Invocation version_invocation(const core::OdooSettings& settings);

// The module update of `db`: `-d DB -u MODULES --stop-after-init --no-http --logfile LOG`.
// `modules` are module names, or {"all"}.
Invocation update_invocation(const core::OdooSettings& settings,
                             const OdooConnection& conn,
                             const std::string& db,
                             const std::vector<std::string>& modules,
                             const std::filesystem::path& logfile);

// The same with `-i MODULES` (--init): installs modules not installed yet (a runbook step).
Invocation install_invocation(const core::OdooSettings& settings,
                              const OdooConnection& conn,
                              const std::string& db,
                              const std::vector<std::string>& modules,
                              const std::filesystem::path& logfile);

// `odoo-bin shell -d DB --no-http` with a script on stdin; Odoo's log goes to `logfile`. `env` adds
// variables for the script (e.g. OU_LIVE_CHECKS).
Invocation shell_invocation(const core::OdooSettings& settings,
                            const OdooConnection& conn,
                            const std::string& db,
                            const std::filesystem::path& logfile,
                            const std::vector<std::pair<std::string, std::string>>& env = {});

// The HTTP server for `db` alone: no `-d` (with `-d`, Odoo answers for any database name, and
// creates a missing one), `--db-filter=^DB$`, on 127.0.0.1:`port`, threaded (`--workers=0`).
Invocation server_invocation(const core::OdooSettings& settings,
                             const OdooConnection& conn,
                             const std::string& db,
                             int port,
                             const std::filesystem::path& logfile);

// `db` as an anchored regular expression for Odoo's --db-filter ("^acme_test\_r1$" style: every
// character other than a letter, digit or '_' escaped; '%' doubled since Odoo substitutes %d/%h).
std::string db_filter_for(const std::string& db);

// The series in `odoo-bin --version`'s output ("Odoo Server 17.0" → "17.0", "Odoo Server
// saas~17.2" → "saas~17.2", "Odoo Server 17.0+e" → "17.0"); std::nullopt when not there.
std::optional<std::string> series_of_version_output(const std::string& out);

} // namespace odoo_upgrade::adapters::odoo
