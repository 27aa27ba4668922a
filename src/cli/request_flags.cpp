#include <odoo_upgrade/cli/request_flags.hpp>
#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <string>

namespace odoo_upgrade::cli {

namespace {

// --jobs / --compress not given: the user's config file may set their defaults.
void apply_config_defaults(const CLI::App& app, commands::RequestOptions& o) {
  bool jobs = app.count("--jobs") == 0;
  bool compress = app.count("--compress") == 0;
  if (!jobs && !compress) {
    return;
  }
  auto config = commands::load_user_config();
  if (jobs && config.jobs) {
    o.jobs = *config.jobs;
  }
  if (compress && config.compress) {
    o.compression = *config.compress;
  }
}

} // namespace

std::function<void()> add_request_flags(CLI::App& sub,
                                        const std::shared_ptr<commands::RequestOptions>& o,
                                        const std::string& what,
                                        const std::string& jobs_help) {
  auto timeout = std::make_shared<std::string>();
  sub.add_flag(
      "--no-wait", o->no_wait, "return once processing has started (exit 8 while pending)");
  sub.add_option("--jobs,-j", o->jobs, jobs_help);
  sub.add_option("--compress,-Z",
                 o->compression,
                 "pg_dump's gzip level of the dump sent, 0 (none) to 9 (default 1: the fastest; "
                 "a slow link may gain from more)");
  sub.add_flag("--abandon",
               o->abandon,
               "give up the unfinished " + what + " (the service's request is left as is)");
  sub.add_flag("--skip-disk-check",
               o->skip_disk_check,
               "start the dump, download and restore even when the disk space they are "
               "estimated to need is not free");
  sub.add_option(
      "--timeout", *timeout, "how long to wait for processing, e.g. 2h (default: no limit)");
  auto contract = add_secret_flag(sub,
                                  "contract",
                                  "ODOO_UPGRADE_CONTRACT",
                                  "subscription code, when the database has none; kept in the "
                                  "secrets file");
  auto attach =
      add_secret_flag(sub,
                      "attach",
                      "ODOO_UPGRADE_ATTACH_TOKEN",
                      "follow, download" + std::string(what == "round" ? " and restore" : "") +
                          " the request of this token, created elsewhere (the official "
                          "script, Odoo's support, a lost " +
                          what + "), as a new " + what);
  sub.add_option("--ssh-key",
                 o->ssh_key,
                 "with --attach: the private SSH key the request was created with (default: the "
                 "project's)");
  sub.add_option("--env",
                 o->env_vars,
                 "VAR=VALUE sent to the upgrade platform with the new request (its env_vars; "
                 "repeatable); only the names are shown and recorded in the project");
  sub.add_option(
         "--service-url", o->service.url, "upgrade service base URL (overrides the project's)")
      ->envname("ODOO_UPGRADE_SERVICE_URL");
  sub.add_option("--ca-file",
                 o->service.ca_file,
                 "trust this CA for the service (TLS verification stays on)")
      ->envname("ODOO_UPGRADE_CA_FILE");
  sub.add_option("--data-server-user",
                 o->service.data_server_user,
                 "SSH user of the service's data server (default: the project's, else odoo)")
      ->envname("ODOO_UPGRADE_DATA_SERVER_USER");
  CLI::App* app = &sub;
  return [o, timeout, contract, attach, app] {
    apply_config_defaults(*app, *o);
    o->compression_given = app->count("--compress") > 0;
    if (!timeout->empty()) {
      auto d = core::parse_duration(*timeout);
      if (!d) {
        throw core::UsageError("--timeout '" + *timeout + "' is not a duration",
                               "use e.g. 90m, 2h or 45s");
      }
      o->timeout = *d;
    }
    if (auto value = secret_value(*contract, "contract")) {
      o->contract = *value;
    }
    if (auto value = secret_value(*attach, "attach")) {
      o->attach_token = *value;
    }
  };
}

} // namespace odoo_upgrade::cli
