#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/request_flags.hpp>
#include <odoo_upgrade/commands/request.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_prod_request(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::ProdRequestOptions>();
  std::shared_ptr<commands::RequestOptions> request(o, &o->request);
  auto apply_request_flags = add_request_flags(
      sub, request, "production request", "parallel jobs for pg_dump (default 4)");
  sub.add_flag("--accept-runbook-change",
               o->accept_runbook_change,
               "send although the runbook changed since the sign-off (needs --reason; recorded)");
  sub.add_option("--reason", o->reason, "why the runbook change is accepted (recorded)");
  run = [o, apply_request_flags](commands::Context& ctx) {
    apply_request_flags();
    return commands::run_prod_request(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
