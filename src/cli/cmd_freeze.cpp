#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/freeze.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_freeze(CLI::App& sub, RunFn& run) {
  sub.require_subcommand(1);
  auto* p = sub.add_subcommand("plan", "record the go-live window and estimate the downtime");
  auto po = std::make_shared<commands::FreezePlanOptions>();
  p->add_option("--at", po->at, "when data entry stops (ISO 8601; local time without an offset)")
      ->required();
  p->add_option("--go-live", po->go_live, "when the upgraded database must serve (as --at)")
      ->required();
  p->add_flag("--force", po->force, "plan without a sign-off of the latest round (needs --reason)");
  p->add_option("--reason", po->reason, "why the sign-off is not needed (recorded)");

  auto* a = sub.add_subcommand("apply", "stop data entry in production (verified, reversible)");
  auto ao = std::make_shared<commands::FreezeApplyOptions>();
  a->add_option("--odoo-role", ao->odoo_role, "role Odoo connects as (default: the tables' owner)");
  a->add_flag(
      "--force", ao->force, "freeze without a sign-off of the latest round (needs --reason)");
  a->add_option("--reason", ao->reason, "why the sign-off is not needed (recorded)");

  auto* l = sub.add_subcommand("lift", "undo exactly what 'freeze apply' did");

  auto* h = sub.add_subcommand("hooks", "show or change the hook commands (docs/hooks.md)");
  auto ho = std::make_shared<commands::FreezeHooksOptions>();
  auto add = std::make_shared<std::vector<std::string>>();
  h->add_option("--add", *add, "append a command to an event: --add EVENT COMMAND")->expected(2);
  h->add_option("--clear", ho->clear_event, "remove every command of EVENT");
  h->add_option("--timeout", ho->timeout, "time limit per command, e.g. 5m (default 5m)");

  run = [=](commands::Context& ctx) -> int {
    if (p->parsed()) {
      return commands::run_freeze_plan(*po, ctx);
    }
    if (a->parsed()) {
      return commands::run_freeze_apply(*ao, ctx);
    }
    if (l->parsed()) {
      return commands::run_freeze_lift({}, ctx);
    }
    if (add->size() == 2) {
      ho->add_event = (*add)[0];
      ho->add_command = (*add)[1];
    }
    return commands::run_freeze_hooks(*ho, ctx);
  };
}

} // namespace odoo_upgrade::cli
