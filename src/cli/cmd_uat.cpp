#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/secret_flags.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <memory>

namespace odoo_upgrade::cli {

namespace {

// "views,reports,..." : every check id of the catalogue, in report order.
std::string check_id_list() {
  std::string ids;
  for (const auto& id : core::uat::check_ids()) {
    ids += (ids.empty() ? "" : ",") + id;
  }
  return ids;
}

// `uat accept FINDING_ID --reason TEXT --by NAME`, `--list`, `--revoke ID`.
CLI::App* register_accept(CLI::App& sub, const std::shared_ptr<commands::UatAcceptOptions>& co) {
  auto* c = sub.add_subcommand("accept", "accept a finding: it no longer blocks while unchanged");
  c->add_option("id", co->id, "finding id (shown by 'uat run' and 'uat report')");
  c->add_option("--reason", co->reason, "why the customer accepts the difference (recorded)");
  c->add_option("--by", co->by, "who accepts it (recorded)");
  auto* list_flag = c->add_flag("--list", co->list, "list the acceptances");
  auto* revoke = c->add_option("--revoke", co->revoke, "revoke the acceptance of this finding id");
  list_flag->excludes(revoke);
  return c;
}

} // namespace

void register_uat(CLI::App& sub, RunFn& run) {
  sub.require_subcommand(1);
  auto* r = sub.add_subcommand("run", "compare production with the test database of the round");
  auto ro = std::make_shared<commands::UatRunOptions>();
  // The catalogue's ids as the option's closed set, for the man page and completion (docgen); the
  // command checks them itself, so that an unknown id gets its one-line error and hint.
  r->add_option("--check", ro->checks, "run only this check (repeatable), e.g. views")
      ->type_name("ID:{" + check_id_list() + "}");
  // Two databases of the user's choice, without a project round; conninfos may carry a password,
  // so they also come from a file or the environment.
  auto prod_db = add_secret_flag(*r,
                                 "prod-db",
                                 "ODOO_UPGRADE_PROD_DB",
                                 "compare this database (production side) without a project round");
  auto test_db = add_secret_flag(
      *r, "test-db", "ODOO_UPGRADE_TEST_DB", "with --prod-db: the database to compare it with");
  r->add_option("--output,-o", ro->output, "with --prod-db/--test-db: write the JSON report here");

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

  auto co = std::make_shared<commands::UatAcceptOptions>();
  auto* c = register_accept(sub, co);

  auto* p = sub.add_subcommand("report", "write the UAT report of the current round");
  auto po = std::make_shared<commands::UatReportOptions>();
  p->add_option("--format", po->format, "text, json, junit, markdown or html (default text)")
      ->check(CLI::IsMember({"text", "json", "junit", "markdown", "md", "html"}));
  p->add_option("--output,-o", po->output, "write to FILE instead of stdout");

  // Dispatch on the sub-action that was parsed (CLI11 owns the sub-apps for the whole run).
  run = [=](commands::Context& ctx) -> int {
    if (r->parsed()) {
      ro->prod_db = secret_value(*prod_db, "prod-db").value_or("");
      ro->test_db = secret_value(*test_db, "test-db").value_or("");
      return commands::run_uat_run(*ro, ctx);
    }
    if (c->parsed()) {
      if ((co->list || !co->revoke.empty()) &&
          (!co->id.empty() || !co->reason.empty() || !co->by.empty())) {
        throw core::UsageError("--list and --revoke take no finding, --reason or --by",
                               "uat accept FINDING_ID --reason TEXT --by NAME");
      }
      return commands::run_uat_accept(*co, ctx);
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
