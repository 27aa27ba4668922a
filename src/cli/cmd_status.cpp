#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/status.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_status(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::StatusOptions>();
  sub.add_option("--history", o->history, "history entries to show (default 10)")
      ->check(CLI::NonNegativeNumber);
  sub.add_flag("--refresh", o->refresh, "ask the upgrade service for the latest round's status");
  sub.add_flag("--show-token", o->show_token, "print the latest round's request token (a secret)");
  run = [o](commands::Context& ctx) { return commands::run_status(*o, ctx); };
}

} // namespace odoo_upgrade::cli
