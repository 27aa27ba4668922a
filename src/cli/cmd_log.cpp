#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/commands/log.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_log(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::LogOptions>();
  sub.add_option("--round", o->round, "the log of round N (default: the latest with a request)")
      ->check(CLI::PositiveNumber);
  sub.add_flag("--production", o->production, "the log of the production request");
  auto token = add_secret_flag(sub,
                               "token",
                               "ODOO_UPGRADE_TOKEN",
                               "the log of the request of this token, created anywhere (no "
                               "project needed)");
  sub.add_flag("--follow,-f",
               o->follow,
               "print the log as it grows until the request is done, failed or cancelled");
  run = [o, token](commands::Context& ctx) {
    take_service_lookup(*o, *token);
    return commands::run_log(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
