#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/commands/odoo_flags.hpp>

#include <optional>
#include <string>

namespace odoo_upgrade::commands {

struct InitiateOptions {
  std::string customer;
  std::string db;     // libpq conninfo or URI of the production database
  std::string target; // target series, e.g. "18.0"
  std::optional<std::string> data_dir;
  std::optional<std::string> work_dir;
  // Upgrade service settings (the cli fills them from ODOO_UPGRADE_SERVICE_URL, _CA_FILE and
  // _DATA_SERVER_USER when the flags are not given); defaults https://upgrade.odoo.com, no CA,
  // odoo.
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
  bool force = false; // replace an existing project file (the old one is kept as a backup)
  // How the target Odoo runs (--odoo-bin, --addons-path, …; docs/commands/config.md). When it is
  // configured, every installed third-party module is looked up on its addons paths.
  OdooFlags odoo;
};

// Inspects the production database (read-only), validates the target, runs the pre-flight checks
// and creates the project file (sections `source`, `service`, `preflight`; see
// docs/project-file.md), with the `odoo` settings and, when a target Odoo is configured, the
// `target_modules` section (the target column of the third-party list). Exit 0, or 1 when a
// pre-flight check is blocking (the project is still created: the inspection is the deliverable).
// Throws UsageError for bad options or target, DatabaseError when the database is unreachable or
// not Odoo, PreconditionError when the project exists without --force; in those cases nothing is
// written.
int run_initiate(const InitiateOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
