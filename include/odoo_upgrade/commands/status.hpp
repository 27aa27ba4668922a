#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <optional>
#include <string>

namespace odoo_upgrade::commands {

struct StatusOptions {
  int history = 10;        // history entries shown in text mode (JSON has all)
  bool refresh = false;    // ask the upgrade service for the latest round's status first
  bool show_token = false; // print the latest round's request token (a secret)
  // Overrides of the project's service settings for `refresh` (the cli fills them from
  // ODOO_UPGRADE_SERVICE_URL, _CA_FILE and _DATA_SERVER_USER).
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
};

// Shows the project: customer, versions, phase, modules, test rounds, recent history and the next
// step. Reads the project file only (no lock, no database). With `refresh`, takes the project lock,
// asks the upgrade service for the latest round's status and records it (not with --dry-run); with
// `show_token`, prints the latest round's request token (the only place it is ever shown). Throws
// PreconditionError (3) without a project or, with `show_token`, without a token.
int run_status(const StatusOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
