#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/request_flags.hpp>
#include <odoo_upgrade/commands/prod_request.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_prod_request(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::ProdRequestOptions>();
  auto apply_request_flags = add_request_flags(sub, o);
  sub.add_flag(
      "--no-wait", o->no_wait, "return once processing has started (exit 8 while pending)");
  sub.add_option("--jobs,-j", o->jobs, "parallel jobs for pg_dump (default 4)");
  sub.add_flag("--abandon",
               o->abandon,
               "give up the unfinished production request (the service's request is left as is)");
  run = [o, apply_request_flags](commands::Context& ctx) {
    apply_request_flags();
    return commands::run_prod_request(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
