#pragma once

#include <odoo_upgrade/commands/request.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace odoo_upgrade::cli {

// Binds the flags test-request and prod-request share to `o` (--no-wait, --jobs, --abandon,
// --timeout, --contract, --attach, --ssh-key, --env, --service-url, --ca-file, --data-server-user;
// --contract, --attach and the last three also from their environment variables
// ODOO_UPGRADE_CONTRACT, ODOO_UPGRADE_ATTACH_TOKEN, ODOO_UPGRADE_SERVICE_URL, ODOO_UPGRADE_CA_FILE,
// ODOO_UPGRADE_DATA_SERVER_USER: the only place the request commands read the environment; the two
// secrets also from --contract-file and --attach-file). `what` names the request in the help
// ("round", "production request"). Returns what the run function calls first: it moves the parsed
// --timeout, --contract and --attach into `o`, throwing UsageError for a --timeout that is not a
// duration or a secret given twice.
std::function<void()> add_request_flags(CLI::App& sub,
                                        const std::shared_ptr<commands::RequestOptions>& o,
                                        const std::string& what,
                                        const std::string& jobs_help);

} // namespace odoo_upgrade::cli
