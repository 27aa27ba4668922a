#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// The runbook's executor (issue 13, docs/commands/runbook.md): runs the customer's steps
// (core/runbook.hpp) on a database that is never production itself: a scratch copy of production
// before the upload, the restored test database (or the go-live's staging database) after the
// restore.
namespace odoo_upgrade::commands {

struct RunbookJob {
  std::string database; // the database the steps run on (never production itself)
  std::filesystem::path
      folder; // the run's folder; each step's output goes to <folder>/runbook/<id>.log
  // Per Odoo process (odoo-shell, update, install, uninstall) and per shell command.
  std::chrono::milliseconds timeout{std::chrono::hours(2)};
};

// Runs `steps` in order on job.database, each recorded as it ran (core::RunbookStepResult: the
// step's sha256 and title, start and end (ISO 8601 UTC), seconds (one decimal), result, rows,
// output file, one-line redacted error):
// - sql: through libpq (adapters/pg/sql_script.hpp), one transaction per step, rows affected of
//   the last statement, the server's notices to the output file;
// - odoo-shell: `odoo-bin shell` of the project's target Odoo (target_odoo_of) with the script on
//   stdin; the executor appends `env.cr.commit()`, so the script's changes are committed when it
//   ends without an exception (Odoo's shell itself rolls back); the script (<id>.py) and Odoo's log
//   (<id>.odoo.log) are kept beside the output;
// - update / install: `odoo-bin -u|-i MODULES --stop-after-init`; uninstall: the modules'
//   button_immediate_uninstall() through the shell. Ok when odoo-bin exits 0 and every module is
//   then `installed` (update, install) or no longer installed (uninstall);
// - shell: /bin/sh -c COMMAND in <folder>/runbook, with the database in PGHOST, PGPORT, PGUSER,
//   PGDATABASE… and the password in PGPASSWORD (from the secrets: never in argv), plus
//   ODOO_UPGRADE_RUNBOOK_STEP=<id>; ok on exit status 0.
// Calls `save` after each step (so the caller can write the record). Stops after the first failed
// step that is not continue_on_error (its result "failed"; an advisory one is "failed-continued").
// Throws Interrupted on Ctrl-C (the step under way is not recorded), PreconditionError (exit 3)
// before any step runs when an Odoo kind is among `steps` and no target Odoo is configured,
// FilesystemError when the folder cannot be written.
std::vector<core::RunbookStepResult>
run_runbook_steps(const core::Project& project,
                  const adapters::fs::SecretStore& secrets,
                  const RunbookJob& job,
                  const std::vector<core::RunbookStep>& steps,
                  const std::function<void(const std::vector<core::RunbookStepResult>&)>& save);

// The target Odoo the Odoo kinds among `steps` (odoo-shell, update, install, uninstall) run with;
// std::nullopt when there is none among them. Throws PreconditionError (exit 3) naming the first
// such step when no target Odoo is configured (odoo-upgrade config), so that a command can refuse
// before its first side effect.
std::optional<adapters::odoo::TargetOdoo>
runbook_target_odoo(const core::Project& project,
                    const adapters::fs::SecretStore& secrets,
                    const std::vector<core::RunbookStep>& steps);

// The first failed (not continued) result's message: "runbook step s2 'Reset sequence' failed:
// <error>"; std::nullopt when none failed.
std::optional<std::string> runbook_failure(const std::vector<core::RunbookStepResult>& results);

// The before-upload steps of one run (a test round, the production request).
struct BeforeUploadJob {
  std::filesystem::path production_dump; // pg_dump -Fd directory of production (read only)
  std::filesystem::path output_dump;     // where the scratch copy's dump is written (-Fd)
  std::string run;                       // names the scratch database: "r3", "p1"
  std::filesystem::path folder;          // the run's folder (pg_restore log, step outputs)
  int jobs = 1;                          // pg_restore / pg_dump jobs
  int compression = 1;                   // pg_dump's gzip level of output_dump (0..9)
  // Hears each data file of output_dump once pg_dump closed it (adapters/pg/dump_restore.hpp
  // dump_database's on_data_file), on the thread reading pg_dump's stderr; none when empty.
  std::function<void(const std::filesystem::path&)> on_output_file;
};

// The scratch database of `run`: core::runbook_scratch_database_name of production, checked
// (UsageError when it is no valid database name or is production's name).
std::string runbook_scratch_name(const core::Project& project, const std::string& run);

// Restores job.production_dump into a new scratch database (runbook_scratch_name; created like
// production: encoding, collation, owner), runs `steps` there (run_runbook_steps), and when none
// failed dumps the scratch database into job.output_dump. The scratch database is dropped at the
// end, also when a step or the dump fails or on Ctrl-C. A scratch database left by an interrupted
// run of the same `run` is dropped first (so the steps always run on a fresh copy: never on
// half-applied state). Returns the results (check runbook_failure: output_dump is written only
// when it says none). Throws as run_runbook_steps, DatabaseError from the restore or the dump.
std::vector<core::RunbookStepResult>
apply_before_upload(const core::Project& project,
                    const adapters::fs::SecretStore& secrets,
                    const BeforeUploadJob& job,
                    const std::vector<core::RunbookStep>& steps,
                    const std::function<void(const std::vector<core::RunbookStepResult>&)>& save);

// Drops the scratch database `name` (one runbook_scratch_name made) when it exists.
void drop_scratch_database(const core::Project& project,
                           const adapters::fs::SecretStore& secrets,
                           const std::string& name);

} // namespace odoo_upgrade::commands
