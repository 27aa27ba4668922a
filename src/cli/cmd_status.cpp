#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/status.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_status(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::StatusOptions>();
  sub.add_option("--history", o->history, "history entries to show (default 10)")
      ->check(CLI::NonNegativeNumber);
  run = [o](commands::Context& ctx) { return commands::run_status(*o, ctx); };
}

} // namespace odoo_upgrade::cli
