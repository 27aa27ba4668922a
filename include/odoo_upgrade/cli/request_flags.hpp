#pragma once

#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

namespace odoo_upgrade::cli {

// Binds the flags test-request and prod-request share (--timeout, --contract, --service-url,
// --ca-file, --data-server-user) to `o`. Returns what the run function calls first: it moves the
// parsed --timeout and --contract into `o`, throwing UsageError for a --timeout that is not a
// duration.
template <typename Options>
std::function<void()> add_request_flags(CLI::App& sub, const std::shared_ptr<Options>& o) {
  auto timeout = std::make_shared<std::string>();
  auto contract = std::make_shared<std::string>();
  sub.add_option(
      "--timeout", *timeout, "how long to wait for processing, e.g. 2h (default: no limit)");
  sub.add_option("--contract",
                 *contract,
                 "subscription code, when the database has none (env ODOO_UPGRADE_CONTRACT); kept "
                 "in the secrets file")
      ->envname("ODOO_UPGRADE_CONTRACT");
  sub.add_option(
         "--service-url", o->service_url, "upgrade service base URL (overrides the project's)")
      ->envname("ODOO_UPGRADE_SERVICE_URL");
  sub.add_option(
         "--ca-file", o->ca_file, "trust this CA for the service (TLS verification stays on)")
      ->envname("ODOO_UPGRADE_CA_FILE");
  sub.add_option("--data-server-user",
                 o->data_server_user,
                 "SSH user of the service's data server (default: the project's, else odoo)")
      ->envname("ODOO_UPGRADE_DATA_SERVER_USER");
  return [o, timeout, contract] {
    if (!timeout->empty()) {
      auto d = core::parse_duration(*timeout);
      if (!d) {
        throw core::UsageError("--timeout '" + *timeout + "' is not a duration",
                               "use e.g. 90m, 2h or 45s");
      }
      o->timeout = *d;
    }
    if (!contract->empty()) {
      o->contract = *contract;
    }
  };
}

} // namespace odoo_upgrade::cli
