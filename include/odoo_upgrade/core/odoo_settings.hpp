#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The project's `odoo` section: how odoo-upgrade runs the *target* Odoo (the series the customer
// upgrades to) on a restored database, to update the customer's modules, open the database over
// HTTP and run the live checks. Written by `odoo-upgrade config` (and initiate's --odoo-* flags);
// read by the test rounds, `uat run` and `restore`. See docs/commands/config.md. Follows the
// pattern of core/record.hpp.
//
// The password of the role Odoo connects as is not in this section: it is the secret
// `k_odoo_password_secret` of the secrets file, handed to Odoo through the environment
// (PGPASSWORD), never on a command line.
namespace odoo_upgrade::core {

// The interpreter odoo-bin runs with when none is set: Debian's, which has the Debian packages
// Odoo needs (a pyenv `python3` earlier on PATH usually lacks them).
inline constexpr const char* k_default_odoo_python = "/usr/bin/python3";
// Key of the Odoo role's password in the secrets file.
inline constexpr const char* k_odoo_password_secret = "odoo_db_password";

// Which modules a target-Odoo update updates (`-u`): the installed third-party modules (the
// customer's own and the community's; the default) or every installed module (`-u all`, much
// slower: about 70 s instead of 7 s on the fixtures).
enum class UpdateScope { third_party, all };
std::string_view to_string(UpdateScope s); // "third-party", "all"
std::optional<UpdateScope> parse_update_scope(std::string_view text);

struct OdooSettings {
  // Absolute path of `odoo-bin` (a source checkout or nightly package) or of an installed `odoo`
  // executable; empty: no target Odoo is configured (its steps are then skipped).
  std::string odoo_bin;
  // The Python interpreter that runs `odoo_bin`; empty: k_default_odoo_python.
  std::string python;
  // Absolute addons folders in Odoo's search order (after Odoo's own addons).
  std::vector<std::string> addons_paths;
  // An Odoo configuration file (`-c`); empty: none. odoo-upgrade's own options override it.
  std::string config_file;
  // The PostgreSQL role Odoo connects as; empty: the owner of the database it runs on.
  std::string db_user;
  // Extra arguments for every Odoo process, as given (e.g. "--log-handler=odoo.sql_db:WARNING").
  std::vector<std::string> extra_args;
  // Extra environment of every Odoo process (e.g. RL_T1SearchPath for barcode fonts).
  std::map<std::string, std::string> env;
  UpdateScope update = UpdateScope::third_party;
  nlohmann::json extra = nlohmann::json::object();

  // True when a target Odoo is configured (an odoo-bin is set).
  bool configured() const { return !odoo_bin.empty(); }
  // `python`, or k_default_odoo_python when not set.
  std::string python_or_default() const;
};

// Reads an `odoo` section (null: nothing configured). Throws FilesystemError (exit 6) naming
// `<where>.<field>` for a field of the wrong type or an unknown update scope.
OdooSettings odoo_settings_from_json(const nlohmann::json& j, std::string_view where = "odoo");
// Writes the settings that are set (empty ones are left out), then `extra`.
nlohmann::json to_json(const OdooSettings& s);
// The project's settings (empty when there is no `odoo` section) / replaces the section (removes it
// when nothing is set).
OdooSettings read_odoo_settings(const Project& project);
void write_odoo_settings(Project& project, const OdooSettings& settings);

// --- validation of values given on the command line (pure; the command checks the paths) ---

// "VAR=VALUE" split at the first '='; std::nullopt when VAR is not a shell variable name
// ([A-Za-z_][A-Za-z0-9_]*).
std::optional<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text);
// Why `name` may not be set through the settings (it would put a secret in the project file, or
// odoo-upgrade sets it itself), or std::nullopt when it may.
std::optional<std::string> refuse_env_name(std::string_view name);
// Why `role` may not be Odoo's database role (empty, not a plain name, or `postgres`, which Odoo
// itself refuses: "Using the database user 'postgres' is a security risk, aborting."), or
// std::nullopt.
std::optional<std::string> refuse_db_user(std::string_view role);
// Why `arg` may not be an extra Odoo argument, or std::nullopt. Refused: the options odoo-upgrade
// sets itself for each run (database, modules, HTTP, log, addons path, data dir, connection), the
// password options (a secret would show in the process list), `--save` (it rewrites the config
// file) and `--log-level` (the update's log must stay at info to be read).
std::optional<std::string> refuse_extra_arg(std::string_view arg);

// The `db_name` an Odoo configuration file (INI text, section [options]) sets, or std::nullopt when
// it sets none (absent, empty or `False`). odoo-upgrade refuses such a file: an Odoo server started
// without `-d` would load (or create) that database, which may be production.
std::optional<std::string> config_db_name(std::string_view ini_text);

// True when an Odoo configuration file sets `db_password` (not empty, not `False`). odoo-upgrade
// refuses such a file: Odoo would connect with it instead of the password odoo-upgrade gives it
// (PGPASSWORD, from the secrets file), so the settings would not say how Odoo connects, and the
// secret would live outside the 0600 secrets file. The value is never read out or shown.
bool config_sets_db_password(std::string_view ini_text);

// Why odoo-upgrade refuses an Odoo configuration file of text `ini_text` (it sets db_name, or
// db_password: see above), with a hint, or std::nullopt. The message never holds the password.
struct ConfigRefusal {
  std::string why; // "sets db_password: ..."
  std::string hint;
};
std::optional<ConfigRefusal> refuse_config(std::string_view ini_text);

// The value of `key` in section [options] of an Odoo configuration file, or std::nullopt when it
// is absent, empty or `False` (as Odoo 17.0 reads it: odoo/tools/config.py, Python's
// RawConfigParser, `=` or `:`; a key given twice is an error there).
std::optional<std::string> config_option(std::string_view ini_text, std::string_view key);

} // namespace odoo_upgrade::core
