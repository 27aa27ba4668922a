#pragma once

#include <odoo_upgrade/commands/context.hpp>

namespace odoo_upgrade::commands {

struct StatusOptions {
  int history = 10; // history entries shown in text mode (JSON has all)
};

// Shows the project: customer, versions, phase, modules, test rounds, recent history and the next
// step. Reads the project file only (no lock, no database).
int run_status(const StatusOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
