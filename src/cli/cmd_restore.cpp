#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/commands/restore.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_restore(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::RestoreOptions>();
  sub.add_flag("--rollback",
               o->rollback,
               "put the pre-upgrade database and filestore back under the production names");
  sub.add_flag("--keep-frozen",
               o->keep_frozen,
               "with --rollback: leave the pre-upgrade database frozen (to retry the restore)");
  sub.add_option("--jobs,-j", o->jobs, "parallel jobs for pg_restore (default 4)");
  sub.add_flag(
      "--force", o->force, "go ahead despite blocking verification findings (needs --reason)");
  sub.add_option("--reason", o->reason, "why the findings are accepted (recorded)");
  sub.add_flag("--skip-disk-check",
               o->skip_disk_check,
               "restore even when the disk space the restore is estimated to need is not free");
  // The official script's `restore -t TOKEN` means something else: say where that lives.
  sub.footer("Here 'restore' is the go-live of the production request downloaded by prod-request. "
             "The official upgrade script's 'restore' (download and restore the request of a "
             "token) is 'odoo-upgrade test-request --attach TOKEN' (or prod-request --attach "
             "TOKEN); 'status --token' and 'log --token' look at any request.");
  run = [o](commands::Context& ctx) { return commands::run_restore(*o, ctx); };
}

} // namespace odoo_upgrade::cli
