#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/commands/status.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_status(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::StatusOptions>();
  sub.add_option("--history", o->history, "history entries to show (default 10)")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            return !v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == v.npos
                       ? ""
                       : "--history takes a whole number, 0 or more";
          },
          "N"));
  sub.add_flag("--refresh", o->refresh, "ask the upgrade service for the latest round's status");
  sub.add_flag("--show-token", o->show_token, "print the latest round's request token (a secret)");
  sub.add_option("--all",
                 o->all,
                 "one table of every project in DIR (its odoo-upgrade.json and its sub-folders'), "
                 "or of the project files given (repeatable)");
  auto token = add_secret_flag(sub,
                               "token",
                               "ODOO_UPGRADE_TOKEN",
                               "look once at the request of this token, created anywhere (nothing "
                               "is recorded; no project needed)");
  run = [o, token](commands::Context& ctx) {
    take_service_lookup(*o, *token);
    return commands::run_status(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
