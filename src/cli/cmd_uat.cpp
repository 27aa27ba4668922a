#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/uat.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_uat(CLI::App& sub, RunFn& run) {
  sub.require_subcommand(1);
  auto* r = sub.add_subcommand("run", "compare production with the test database of the round");
  auto ro = std::make_shared<commands::UatRunOptions>();
  r->add_option("--check", ro->checks, "run only this check (repeatable), e.g. views");

  auto* l = sub.add_subcommand("list", "show the manual checklist and its marks");

  auto* m = sub.add_subcommand("mark", "mark a checklist item pass, fail or skip");
  auto mo = std::make_shared<commands::UatMarkOptions>();
  m->add_option("id", mo->id, "checklist item id (see 'uat list')")->required();
  m->add_option("status", mo->status, "pass, fail or skip")
      ->required()
      ->check(CLI::IsMember({"pass", "fail", "skip"}));
  m->add_option("--note", mo->note, "what was seen");
  m->add_option("--by", mo->by, "who tested");

  auto* a = sub.add_subcommand("add", "add a consultant's item to the checklist");
  auto ao = std::make_shared<commands::UatAddOptions>();
  a->add_option("--title", ao->title, "what to test")->required();
  a->add_option("--id", ao->id, "item id (default: derived from the title)");

  auto* s = sub.add_subcommand("signoff", "sign off the UAT of the current round");
  auto so = std::make_shared<commands::UatSignoffOptions>();
  s->add_option("--by", so->by, "who signs off (customer's name)")->required();
  s->add_option("--note", so->note, "remark recorded with the sign-off");
  s->add_flag("--force", so->force, "sign off despite open findings or items (needs --reason)");
  s->add_option("--reason", so->reason, "why open items are accepted (recorded)");

  auto* p = sub.add_subcommand("report", "write the UAT report of the current round");
  auto po = std::make_shared<commands::UatReportOptions>();
  p->add_option("--format", po->format, "text, json, junit, markdown or html (default text)")
      ->check(CLI::IsMember({"text", "json", "junit", "markdown", "md", "html"}));
  p->add_option("--output,-o", po->output, "write to FILE instead of stdout");

  // Dispatch on the sub-action that was parsed (CLI11 owns the sub-apps for the whole run).
  run = [=](commands::Context& ctx) -> int {
    if (r->parsed()) {
      return commands::run_uat_run(*ro, ctx);
    }
    if (l->parsed()) {
      return commands::run_uat_list({}, ctx);
    }
    if (m->parsed()) {
      return commands::run_uat_mark(*mo, ctx);
    }
    if (a->parsed()) {
      return commands::run_uat_add(*ao, ctx);
    }
    if (s->parsed()) {
      return commands::run_uat_signoff(*so, ctx);
    }
    return commands::run_uat_report(*po, ctx);
  };
}

} // namespace odoo_upgrade::cli
