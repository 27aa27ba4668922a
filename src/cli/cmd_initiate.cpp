#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/initiate.hpp>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

namespace odoo_upgrade::cli {

namespace {

// `option` as given, else the environment variable `name` when set and not empty.
void default_from_env(std::optional<std::string>& option, const char* name) {
  const char* v = std::getenv(name);
  if (!option && v != nullptr && *v != '\0') {
    option = v;
  }
}

} // namespace

void register_initiate(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::InitiateOptions>();
  sub.add_option("--customer", o->customer, "customer name (used in reports)")->required();
  sub.add_option("--db", o->db, "production database: libpq conninfo or postgresql:// URI")
      ->required();
  sub.add_option("--target", o->target, "target Odoo series, e.g. 18.0")->required();
  sub.add_option("--data-dir", o->data_dir, "Odoo data_dir (default ~/.local/share/Odoo)");
  sub.add_option("--work-dir", o->work_dir, "working files (default <project>-work beside it)");
  sub.add_option("--service-url",
                 o->service_url,
                 "upgrade service base URL (default https://upgrade.odoo.com; env "
                 "ODOO_UPGRADE_SERVICE_URL)");
  sub.add_option(
      "--ca-file", o->ca_file, "trust this CA for the service (env ODOO_UPGRADE_CA_FILE)");
  sub.add_option("--data-server-user",
                 o->data_server_user,
                 "SSH user of the service's data server (default odoo)");
  sub.add_flag("--force", o->force, "replace an existing project file (kept as a .bak)");
  run = [o](commands::Context& ctx) {
    // The service settings come from the flags, else the environment (the cli layer reads it).
    default_from_env(o->service_url, "ODOO_UPGRADE_SERVICE_URL");
    default_from_env(o->ca_file, "ODOO_UPGRADE_CA_FILE");
    default_from_env(o->data_server_user, "ODOO_UPGRADE_DATA_SERVER_USER");
    return commands::run_initiate(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
