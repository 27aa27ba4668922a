#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/runbook.hpp>

#include <memory>

namespace odoo_upgrade::cli {

namespace {

// `runbook add`: when, title, why and exactly one content option (the command checks that one,
// so that none or two get its one-line error).
CLI::App* register_add(CLI::App& sub, const std::shared_ptr<commands::RunbookAddOptions>& o) {
  auto* a = sub.add_subcommand("add", "add a step at the end of the runbook");
  a->add_option("--when", o->when, "when it runs: before-upload or after-restore")
      ->required()
      ->type_name("WHEN:{before-upload,after-restore}");
  a->add_option("--title", o->title, "what the step does, in one line")->required();
  a->add_option("--why", o->why, "why it is needed (a UAT finding id, a ticket)")->required();
  a->add_option("--sql", o->sql, "run the SQL of FILE (read in now; one transaction)")
      ->type_name("FILE");
  a->add_option("--odoo-shell", o->odoo_shell, "run the Python of FILE in the target Odoo's shell")
      ->type_name("FILE");
  a->add_option("--update", o->update, "update these modules with the target Odoo")
      ->type_name("MODULES");
  a->add_option("--install", o->install, "install these modules with the target Odoo")
      ->type_name("MODULES");
  a->add_option("--uninstall", o->uninstall, "uninstall these modules with the target Odoo")
      ->type_name("MODULES");
  a->add_option("--shell", o->shell, "run COMMAND with /bin/sh -c (the database in PG* variables)")
      ->type_name("COMMAND");
  a->add_flag("--continue-on-error",
              o->continue_on_error,
              "advisory step: a failure is recorded and the round goes on");
  return a;
}

} // namespace

void register_runbook(CLI::App& sub, RunFn& run) {
  sub.require_subcommand(1);
  auto ao = std::make_shared<commands::RunbookAddOptions>();
  auto* a = register_add(sub, ao);

  auto* l = sub.add_subcommand("list", "show the steps in run order with their last result");

  auto* m = sub.add_subcommand("move", "move a step before or after another step");
  auto mo = std::make_shared<commands::RunbookMoveOptions>();
  m->add_option("id", mo->id, "step id (see 'runbook list')")->required();
  auto* before = m->add_option("--before", mo->before, "put it just before this step");
  auto* after = m->add_option("--after", mo->after, "put it just after this step");
  before->excludes(after);

  auto id = std::make_shared<std::string>();
  auto* d = sub.add_subcommand("disable", "keep a step but run it no more");
  d->add_option("id", *id, "step id (see 'runbook list')")->required();
  auto* e = sub.add_subcommand("enable", "run a disabled step again");
  e->add_option("id", *id, "step id (see 'runbook list')")->required();
  auto* r = sub.add_subcommand("remove", "remove a step (asks first; --yes)");
  r->add_option("id", *id, "step id (see 'runbook list')")->required();

  auto* s = sub.add_subcommand("show", "write the customer-specific upgrade documentation");
  auto so = std::make_shared<commands::RunbookShowOptions>();
  s->add_option("--format", so->format, "markdown, html or json (default markdown)")
      ->check(CLI::IsMember({"markdown", "md", "html", "json"}));
  s->add_option("--output,-o", so->output, "write to FILE instead of stdout");

  // Dispatch on the sub-action that was parsed (CLI11 owns the sub-apps for the whole run).
  run = [=](commands::Context& ctx) -> int {
    if (a->parsed()) {
      return commands::run_runbook_add(*ao, ctx);
    }
    if (l->parsed()) {
      return commands::run_runbook_list(ctx);
    }
    if (m->parsed()) {
      return commands::run_runbook_move(*mo, ctx);
    }
    if (d->parsed() || e->parsed()) {
      return commands::run_runbook_enable(*id, e->parsed(), ctx);
    }
    if (r->parsed()) {
      return commands::run_runbook_remove(*id, ctx);
    }
    return commands::run_runbook_show(*so, ctx);
  };
}

} // namespace odoo_upgrade::cli
