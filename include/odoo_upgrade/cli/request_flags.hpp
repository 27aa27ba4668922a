#pragma once

#include <odoo_upgrade/commands/request.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace odoo_upgrade::cli {

// Binds the flags test-request and prod-request share to `o` (--no-wait, --jobs, --abandon,
// --timeout, --contract, --service-url, --ca-file, --data-server-user; the last four also from
// their environment variables ODOO_UPGRADE_CONTRACT, ODOO_UPGRADE_SERVICE_URL,
// ODOO_UPGRADE_CA_FILE, ODOO_UPGRADE_DATA_SERVER_USER: the only place the request commands read
// the environment). `what` names the request in the help ("round", "production request"). Returns
// what the run function calls first: it moves the parsed --timeout and --contract into `o`,
// throwing UsageError for a --timeout that is not a duration.
std::function<void()> add_request_flags(CLI::App& sub,
                                        const std::shared_ptr<commands::RequestOptions>& o,
                                        const std::string& what,
                                        const std::string& jobs_help);

} // namespace odoo_upgrade::cli
