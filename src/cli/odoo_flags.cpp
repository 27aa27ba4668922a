#include <odoo_upgrade/cli/odoo_flags.hpp>

#include <memory>
#include <string>
#include <vector>

namespace odoo_upgrade::cli {

namespace {

// The raw values, and the options to ask whether each was given.
struct Raw {
  std::string odoo_bin, python, config_file, db_user, db_password_file, update;
  std::vector<std::string> addons_path, args, env, unset;
  CLI::Option *o_bin = nullptr, *o_python = nullptr, *o_addons = nullptr, *o_config = nullptr,
              *o_user = nullptr, *o_password = nullptr, *o_args = nullptr, *o_env = nullptr,
              *o_update = nullptr;
};

template <typename T>
std::optional<T> given(const CLI::Option* option, const T& value) {
  return option != nullptr && option->count() > 0 ? std::optional<T>(value) : std::nullopt;
}

} // namespace

std::function<void(commands::OdooFlags&)> add_odoo_flags(CLI::App& sub, WithUnset unset) {
  auto r = std::make_shared<Raw>();
  const char* group = "Target Odoo";
  r->o_bin = sub.add_option("--odoo-bin",
                            r->odoo_bin,
                            "odoo-bin (or an odoo executable) of the "
                            "target series")
                 ->group(group);
  r->o_python = sub.add_option("--odoo-python",
                               r->python,
                               "Python that runs odoo-bin (default /usr/bin/python3)")
                    ->group(group);
  r->o_addons = sub.add_option("--addons-path",
                               r->addons_path,
                               "addons folders of the target Odoo, DIR[,DIR...] (repeatable)")
                    ->group(group);
  r->o_config =
      sub.add_option("--odoo-config", r->config_file, "an Odoo config file (-c)")->group(group);
  r->o_user = sub.add_option("--odoo-db-user",
                             r->db_user,
                             "role Odoo connects as (default: the owner of each database)")
                  ->group(group);
  r->o_password = sub.add_option("--odoo-db-password-file",
                                 r->db_password_file,
                                 "file whose first line is that role's password (kept in the "
                                 "secrets file)")
                      ->group(group);
  r->o_args = sub.add_option("--odoo-arg",
                             r->args,
                             "extra argument for every Odoo process (repeatable; write "
                             "--odoo-arg=--opt=value)")
                  ->group(group);
  r->o_env = sub.add_option("--odoo-env",
                            r->env,
                            "VAR=VALUE in the environment of every Odoo process (repeatable)")
                 ->group(group);
  r->o_update = sub.add_option("--odoo-update",
                               r->update,
                               "modules a round updates: third-party (default) or all")
                    ->group(group);
  if (unset == WithUnset::yes) {
    sub.add_option("--unset", r->unset, "clear a setting: odoo-bin, addons-path, ... or all")
        ->group(group);
  }
  return [r](commands::OdooFlags& f) {
    f.odoo_bin = given(r->o_bin, r->odoo_bin);
    f.python = given(r->o_python, r->python);
    f.addons_path = given(r->o_addons, r->addons_path);
    f.config_file = given(r->o_config, r->config_file);
    f.db_user = given(r->o_user, r->db_user);
    f.db_password_file = given(r->o_password, r->db_password_file);
    f.args = given(r->o_args, r->args);
    f.env = given(r->o_env, r->env);
    f.update = given(r->o_update, r->update);
    f.unset = r->unset;
  };
}

} // namespace odoo_upgrade::cli
