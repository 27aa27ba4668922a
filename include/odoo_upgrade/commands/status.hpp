#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <optional>
#include <string>
#include <vector>

namespace odoo_upgrade::commands {

struct StatusOptions {
  int history = 10;        // history entries shown in text mode (JSON has all)
  bool refresh = false;    // ask the upgrade service for the latest round's status first
  bool show_token = false; // print the latest round's request token (a secret)
  // A one-off look at the request of this token (created anywhere): its status on the service,
  // nothing recorded, no project needed (the project's service settings are used when there is
  // one). A secret: the cli reads it from --token, --token-file or ODOO_UPGRADE_TOKEN.
  std::optional<std::string> token;
  // --all: folders (their own odoo-upgrade.json and those of their sub-folders, one per customer)
  // or project files, shown as one table.
  std::vector<std::string> all;
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
// PreconditionError (3) without a project or, with `show_token`, without a token. With `token`,
// only asks the service for that request's status and prints it ({"token_status": {"status",
// "reason", "archived", "host"}}); ServiceError (4) when the service refuses the token.
int run_status(const StatusOptions& options, Context& ctx);

// status --all: one row per project found in `options.all` (customer, phase, latest round, open
// findings of its latest UAT run: blocking and warning counts, next step, the file), read without
// locks; --json {"projects": [{"project", "customer", "phase", "last_round": {"number", "state"} |
// null, "open_findings": {"blocking", "warning"} | null, "next"} | {"project", "error"}]}. A
// project that cannot be read gets a row with its error and the exit code is 6 (the others are
// shown). Throws UsageError (2) for a path that is neither a folder nor a file.
int run_status_all(const StatusOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
