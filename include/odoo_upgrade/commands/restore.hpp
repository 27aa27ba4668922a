#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <string>

// The `restore` command: the go-live. Puts the downloaded production upgrade into production by
// renaming, never dropping: the upgraded dump is restored into a new staging database and
// verified; then production is renamed `<db>_pre_<target>_<stamp>` (kept) and the staging
// database takes the production name; the filestore folders likewise. `--rollback` puts the
// pre-upgrade database and filestore back under the production names and keeps the upgraded ones
// aside. Every step is journaled in the project's `golive` section before and after it is done, and
// the databases are followed by their oid, so a re-run after a crash at any point completes the
// restore (or the rollback) consistently. See docs/commands/restore.md.
namespace odoo_upgrade::commands {

struct RestoreOptions {
  bool rollback = false;
  bool keep_frozen = false; // rollback: leave the pre-upgrade database frozen (retry later)
  int jobs = 4;             // pg_restore jobs
  bool force = false;       // go ahead despite blocking verification findings (needs `reason`)
  std::string reason;
  bool skip_disk_check = false; // start the restore although its disk space estimate does not fit
};

// Restore: exit 0 when live; 1 when the verification found blocking differences (nothing was
// swapped); 3 wrong phase, no downloaded production request, failing hook, or not confirmed; 5/6
// database or filesystem errors (re-run to complete). Rollback: exit 0 when production is back.
int run_restore(const RestoreOptions& options, Context& ctx);

} // namespace odoo_upgrade::commands
