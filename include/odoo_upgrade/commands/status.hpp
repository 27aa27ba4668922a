#pragma once

#include <odoo_upgrade/commands/context.hpp>

namespace odoo_upgrade::commands {

struct StatusOptions {
  int history = 10;        // history entries shown in text mode (JSON has all)
  bool refresh = false;    // ask the upgrade service for the latest round's status first
  bool show_token = false; // print the latest round's request token (a secret)
};

// Shows the project: customer, versions, phase, modules, test rounds, recent history and the next
// step. Reads the project file only (no lock, no database). With `refresh`, takes the project lock,
// asks the upgrade service for the latest round's status and records it; with `show_token`, prints
// the latest round's request token (the only place it is ever shown).
int run_status(const StatusOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
