#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/odoo_flags.hpp>
#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/commands/initiate.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_initiate(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::InitiateOptions>();
  sub.add_option("--customer", o->customer, "customer name (used in reports)")->required();
  auto db = add_secret_flag(sub,
                            "db",
                            "ODOO_UPGRADE_DB",
                            "production database: libpq conninfo or postgresql:// URI (required)");
  sub.add_option("--target", o->target, "target Odoo series, e.g. 18.0")->required();
  sub.add_option("--data-dir", o->data_dir, "Odoo data_dir (default ~/.local/share/Odoo)");
  sub.add_option("--work-dir", o->work_dir, "working files (default <project>-work beside it)");
  // The service settings come from the flags, else the environment.
  sub.add_option("--service-url",
                 o->service_url,
                 "upgrade service base URL (default https://upgrade.odoo.com; env "
                 "ODOO_UPGRADE_SERVICE_URL)")
      ->envname("ODOO_UPGRADE_SERVICE_URL");
  sub.add_option(
         "--ca-file", o->ca_file, "trust this CA for the service (env ODOO_UPGRADE_CA_FILE)")
      ->envname("ODOO_UPGRADE_CA_FILE");
  sub.add_option("--data-server-user",
                 o->data_server_user,
                 "SSH user of the service's data server (default odoo; env "
                 "ODOO_UPGRADE_DATA_SERVER_USER)")
      ->envname("ODOO_UPGRADE_DATA_SERVER_USER");
  sub.add_flag("--force", o->force, "replace an existing project file (kept as a .bak)");
  auto take_flags = add_odoo_flags(sub, WithUnset::no);
  run = [o, db, take_flags](commands::Context& ctx) {
    auto value = secret_value(*db, "db");
    if (!value) {
      throw core::UsageError("--db is required", "or --db-file FILE, or ODOO_UPGRADE_DB");
    }
    o->db = *value;
    take_flags(o->odoo);
    return commands::run_initiate(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
