#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/odoo_flags.hpp>
#include <odoo_upgrade/commands/config.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_config(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::ConfigOptions>();
  auto take_flags = add_odoo_flags(sub, WithUnset::yes);
  run = [o, take_flags](commands::Context& ctx) {
    take_flags(o->odoo);
    return commands::run_config(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
