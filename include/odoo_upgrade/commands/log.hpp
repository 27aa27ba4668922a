#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <chrono>
#include <optional>
#include <string>

// `log`: the upgrade service's log of a round, of the production request or of any request by its
// token, after the fact (the official script's `log -t TOKEN`), or followed while it is processed.
namespace odoo_upgrade::commands {

struct LogOptions {
  std::optional<int> round; // --round N (default: the latest round with a request)
  bool production = false;  // --production: the current production request's log
  // --token: any request's (created anywhere); no project needed. A secret: the cli reads it from
  // --token, --token-file or ODOO_UPGRADE_TOKEN.
  std::optional<std::string> token;
  bool follow = false; // print the log as it grows until the request leaves pending/progress
  // Overrides of the project's service settings (the cli fills them from
  // ODOO_UPGRADE_SERVICE_URL, _CA_FILE and _DATA_SERVER_USER).
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
  // --follow's status polling: the first delay, growing by half up to the maximum.
  std::chrono::milliseconds poll_first{2000};
  std::chrono::milliseconds poll_max{10000};
};

// Prints the service log of the chosen request on stdout (redacted; --json: {"request", "source",
// "status", "log"}). Reads the project without the lock and records nothing. Without --follow, the
// whole log as the service holds it; when the service does not answer (or the token is lost) and
// the request's log was downloaded or streamed before, that local copy, with a warning ("source":
// "local"). With --follow, the log as it grows, polling the status, until the request is done,
// failed or cancelled (exit 0; the final status on stderr). Throws UsageError (2) for --round with
// --production or --token, PreconditionError (3) without a project, such a round or a token,
// ServiceError (4) when the service refuses and no local copy exists.
int run_log(const LogOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
