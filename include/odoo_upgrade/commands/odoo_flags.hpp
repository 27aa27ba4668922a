#pragma once

#include <odoo_upgrade/core/odoo_settings.hpp>

#include <optional>
#include <string>
#include <vector>

// The --odoo-* flags that set how the target Odoo runs (the project's `odoo` section), shared by
// `config` and `initiate`, and their validation: every value is checked before anything changes.
// See docs/commands/config.md.
namespace odoo_upgrade::commands {

// The flags as given; an absent flag leaves its setting as it is. Each flag given replaces its
// setting (lists too).
struct OdooFlags {
  std::optional<std::string> odoo_bin;                 // --odoo-bin PATH
  std::optional<std::string> python;                   // --odoo-python PATH
  std::optional<std::vector<std::string>> addons_path; // --addons-path DIR[,DIR…] (repeatable)
  std::optional<std::string> config_file;              // --odoo-config FILE
  std::optional<std::string> db_user;                  // --odoo-db-user ROLE
  std::optional<std::string> db_password_file;         // --odoo-db-password-file FILE
  std::optional<std::vector<std::string>> args;        // --odoo-arg ARG (repeatable)
  std::optional<std::vector<std::string>> env;         // --odoo-env VAR=VALUE (repeatable)
  std::optional<std::string> update;                   // --odoo-update third-party|all
  std::vector<std::string> unset;                      // --unset NAME (config only)

  // True when any flag (or --unset) was given.
  bool any() const;
};

// The settings' names, as --unset takes them: "odoo-bin", "odoo-python", "addons-path",
// "odoo-config", "odoo-db-user", "odoo-db-password", "odoo-arg", "odoo-env", "odoo-update", and
// "all" for every one.
const std::vector<std::string>& odoo_setting_names();

// What the flags change.
struct OdooChange {
  core::OdooSettings settings;         // the settings after the change
  std::optional<std::string> password; // a new password for the secrets file
  bool erase_password = false;         // --unset odoo-db-password (or all)
  std::vector<std::string> changed;    // the names of the settings changed, in the order above
  std::string series;                  // the series the target Odoo reported, when it was run
};

// Validates `flags` and applies them to `current`. Paths are made absolute (relative to the
// current directory) and must exist: odoo-bin a file, the Python an executable, each addons path a
// folder holding at least one module, the config file a readable file that sets no db_name. The
// role may not be `postgres`, extra arguments may not be ones odoo-upgrade sets itself, environment
// names may not carry secrets. When odoo-bin, the Python or the environment change and odoo-bin is
// set, `odoo-bin --version` must run and report `target_series` (when not empty). Throws UsageError
// (exit 2) naming the first bad value; nothing is changed then.
OdooChange apply_odoo_flags(const core::OdooSettings& current,
                            const OdooFlags& flags,
                            const std::string& target_series);

} // namespace odoo_upgrade::commands
