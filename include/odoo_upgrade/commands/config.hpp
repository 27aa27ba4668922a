#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/commands/odoo_flags.hpp>

// The `config` command: shows or changes how the target Odoo runs (the project's `odoo` section:
// odoo-bin, its Python, addons paths, config file, role, extra arguments and environment, which
// modules to update). Without flags it shows the settings; with flags it validates every value
// first (nothing changes when one is wrong), then saves them (the role's password in the secrets
// file). See docs/commands/config.md.
namespace odoo_upgrade::commands {

struct ConfigOptions {
  OdooFlags odoo;
};

// Exit 0 (shown or saved); 2 a bad value (the settings are unchanged); 3 no project; 6 an invalid
// project file; 7 the project is locked by another run.
int run_config(const ConfigOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
