// `test-request`: a test round. What its kind supplies: rounds live in `rounds`, a new one gets a
// new test database, and after the download the round is restored, verified and neutralized.
#include "opening.hpp"
#include "summary.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_identity.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/neutralization.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/commands/progress.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/commands/runbook_steps.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/request_rules.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <cmath>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using core::RequestRecord;
using core::RequestState;
using request::RequestRun;

constexpr const char* k_command = "test-request";

// The unfinished round, when there is one.
std::optional<RequestRecord> open_round(const core::Project& project) {
  auto latest = core::read_latest_round(project);
  if (!latest || core::is_final(latest->state)) {
    return std::nullopt;
  }
  return latest;
}

// A backup given with --dump must hold production's database: another series or another database
// would make every later comparison blame the upgrade.
void check_dump_identity(const pg::DumpFile& file, const core::Project& project, bool forced) {
  auto source = core::read_source(project);
  auto found = pg::read_dump_identity(file);
  std::string name = file.path.string();
  std::string problem;
  if (found.series.empty()) {
    problem = "its Odoo series cannot be read (no manifest.json, no base module)";
  } else if (found.series != source.version) {
    problem = "it holds an Odoo " + found.series + " database; production is " + source.version;
  } else if (!source.database_uuid.empty() && found.database_uuid != source.database_uuid) {
    problem = "it holds another database (database.uuid " +
              (found.database_uuid.empty() ? std::string("missing") : found.database_uuid) +
              "; production's is " + source.database_uuid + ")";
  }
  if (problem.empty()) {
    spdlog::info("dump '{}': Odoo {}, database.uuid {}", name, found.series, found.database_uuid);
    return;
  }
  if (!forced) {
    throw core::UsageError("dump '" + name + "' does not match production: " + problem,
                           "pass a backup of production, or --force-dump to send it anyway");
  }
  spdlog::warn(
      "dump '{}' does not match production ({}); sent anyway (--force-dump)", name, problem);
}

// The round's restore runs as production's owner (or the project's role): every extension
// production uses must be one it can create, or pg_restore ends with "errors ignored" after the
// whole service request. The same rule as initiate's pre-flight check `extensions`.
void require_creatable_extensions(const std::string& conninfo, const std::string& prod_db) {
  pg::Connection conn(conninfo);
  conn.set_read_only();
  auto check =
      core::check_extensions(pg::role_rights(conn, pg::database_shape(conn, prod_db).owner),
                             pg::installed_extensions(conn));
  if (check.status == core::Severity::blocking) {
    throw core::PreconditionError("the test database's restore could not create production's "
                                  "extensions: " +
                                      check.message,
                                  check.hint);
  }
}

// The runbook's before-upload steps run on a scratch copy of production's own dump: a dump given
// with --dump would skip them, and the scratch database's name must be free.
void prepare_runbook(const RequestRecord& round,
                     const core::Project& project,
                     const std::string& conninfo,
                     const TestRequestOptions& o) {
  auto steps = core::read_runbook(project).enabled(core::RunbookWhen::before_upload);
  if (steps.empty()) {
    return;
  }
  if (o.dump) {
    throw core::UsageError("--dump sends a dump as it is, but the runbook has " +
                               std::to_string(steps.size()) + " enabled before-upload step(s)",
                           "drop --dump (the round dumps production and applies them on a "
                           "scratch copy), or disable the steps (odoo-upgrade runbook disable)");
  }
  std::string scratch = runbook_scratch_name(project, "r" + std::to_string(round.number));
  if (pg::database_exists(conninfo, scratch)) {
    throw core::UsageError("database '" + scratch + "' already exists",
                           "the round's before-upload runbook steps run on a scratch database of "
                           "that name; drop or rename it");
  }
}

// A new round's test database: named by the user or after production, never an existing database.
void prepare_round(RequestRecord& round, ProjectSession& session, const TestRequestOptions& o) {
  if (o.dump) {
    check_dump_identity(pg::validate_dump_file(*o.dump), session.project(), o.force_dump);
  }
  const core::Project& project = session.project();
  std::string prod_db = request::production_db_name(project);
  std::string test_db =
      o.test_db ? *o.test_db
                : core::test_database_name(prod_db, project.target_version(), round.number);
  if (!core::valid_database_name(test_db)) {
    throw core::UsageError("test database name '" + test_db + "' is not a valid database name",
                           "1 to 63 bytes, without '/', other than '.' and '..'");
  }
  if (test_db == prod_db) {
    throw core::UsageError("the test database cannot be the production database '" + prod_db + "'");
  }
  std::string conninfo = source_conninfo(project, session.secrets());
  require_creatable_extensions(conninfo, prod_db);
  if (pg::database_exists(conninfo, test_db)) {
    throw core::UsageError("database '" + test_db + "' already exists",
                           "odoo-upgrade restores only into a new database; pass another "
                           "--test-db NAME");
  }
  prepare_runbook(round, project, conninfo, o);
  round.test_db = test_db;
}

// The files the test database starts from: the filestore of a backup zip given with --dump when it
// has one (extracted into the round's folder), else production's.
stdfs::path base_filestore(RequestRun& run) {
  const auto& d = run.record().dump;
  if (d.source == "file" && d.remote_name == "origin.zip" && d.path &&
      pg::zip_has_filestore(*d.path)) {
    stdfs::path dest = run.dir() / "backup-filestore";
    spdlog::info("{}: using the filestore of the backup '{}'", run.label(), *d.path);
    pg::extract_zip_filestore(*d.path, dest);
    return dest;
  }
  return filestore_path(run.project(), request::production_db_name(run.project()));
}

// Restores the upgraded dump into the round's new test database and merges the filestore.
void restore_round(RequestRun& run) {
  auto& r = run.record();
  auto& project = run.project();
  auto& secrets = run.session().secrets();
  std::string dump = r.received.dump ? r.received.dump->path : std::string();
  if (!r.pg_version_compatible.value_or(true)) {
    throw core::DatabaseError(
        run.label() +
            ": the upgraded dump needs a newer PostgreSQL than the production server runs",
        "restore '" + dump + "' by hand on a newer PostgreSQL server");
  }
  auto start = run.ctx().clock.now();
  std::string test_db = r.test_db.value_or("");
  std::string admin = source_conninfo(project, secrets);
  bool exists = pg::database_exists(admin, test_db);
  if (exists && r.state == RequestState::restoring) {
    // Our own half-restored database from an interrupted run: start it over.
    spdlog::info("{}: dropping the incomplete test database '{}'", run.label(), test_db);
    pg::drop_created_database(admin, test_db);
  } else if (exists) {
    throw core::PreconditionError("database '" + test_db + "' already exists",
                                  "odoo-upgrade never restores over an existing database; drop "
                                  "it or abandon this round (test-request --abandon)");
  }
  require_disk_space(request_disk_steps(project, secrets, r, run.dir(), {false, false, true}),
                     run.label() + " (before the restore)",
                     run.options().skip_disk_check);
  run.set_state(RequestState::restoring);
  int jobs = run.options().jobs;
  spdlog::info(
      "{}: restoring into database '{}' (pg_restore, {} jobs)", run.label(), test_db, jobs);
  auto like = pg::database_shape(admin, request::production_db_name(project));
  with_table_progress(
      "restore", run.ctx().out, run.ctx().clock, [&](const pg::TableProgressFn& progress) {
        pg::restore_database(admin,
                             server_conninfo(project, secrets, test_db),
                             test_db,
                             dump,
                             jobs,
                             like,
                             run.dir() / "pg_restore.log",
                             progress);
      });

  // Production's files (or the backup zip's own), then the ones the service returned, where Odoo
  // looks for them.
  stdfs::path dest = filestore_path(project, test_db);
  auto returned = r.received.filestore ? r.received.filestore->path : std::nullopt;
  spdlog::info("{}: merging the filestore into '{}'", run.label(), dest.string());
  auto merge = adapters::fs::merge_filestore(base_filestore(run), returned.value_or(""), dest);
  spdlog::info("{}: filestore of {} files made by {} ({} copied)",
               run.label(),
               merge.files,
               merge.mode(),
               core::format_bytes(static_cast<long long>(merge.copied_bytes)));
  r.filestore_files = merge.files;
  r.filestore_mode = merge.mode();
  r.filestore_copied_bytes = merge.copied_bytes;
  r.filestore_path = dest.string();
  run.note_hop(core::Hop::restore, r.received.dump ? r.received.dump->bytes : 0, start);
  spdlog::info("{}: restore done in {}s", run.label(), *r.timings.restore_s);
  run.set_state(RequestState::restored);
}

// Checks that the test database is an upgraded database of the target series, and neutralizes it
// when the service did not. Returns who neutralized it.
std::string verify_round(RequestRun& run, pg::UpgradedDatabase& found) {
  const auto& r = run.record();
  std::string test_db = r.test_db.value_or("");
  std::string conninfo = server_conninfo(run.project(), run.session().secrets(), test_db);
  found = pg::inspect_upgraded_database(conninfo);
  std::string target = run.project().target_version();
  auto series = core::parse_series(found.base_version);
  auto wanted = core::parse_series(target);
  if (!found.base_installed || !series || !wanted || !(*series == *wanted)) {
    throw core::DatabaseError(
        "test database '" + test_db + "' is not an upgraded " + target + " database (base " +
            (found.base_installed ? "is " + found.base_version : "is not installed") + ")",
        "see the upgrade report '" + r.received.report_path.value_or("(none)") + "'");
  }
  if (found.neutralized()) {
    return "service";
  }
  // Never hand over a database that could mail customers or run jobs against real systems.
  spdlog::warn("test database '{}' was not neutralized by the service ({} active crons, {} mail "
               "servers); neutralizing it now",
               test_db,
               found.active_crons,
               found.active_mail_servers);
  pg::neutralize_database(conninfo);
  found = pg::inspect_upgraded_database(conninfo);
  if (!found.neutralized()) {
    throw core::DatabaseError("test database '" + test_db + "' could not be neutralized",
                              "do not use it; check its crons and mail servers by hand");
  }
  return "odoo-upgrade";
}

// Seconds with one decimal, as the other timings.
std::optional<double> tenths(const std::optional<double>& seconds) {
  if (!seconds) {
    return std::nullopt;
  }
  return std::round(*seconds * 10) / 10;
}

// The target Odoo on the restored database: the customer's modules updated, then the database
// opened over HTTP (skipped without settings). Each step saved as it goes; true unless it blocks.
bool run_target_odoo(RequestRun& run) {
  auto& r = run.record();
  TargetOdooJob job;
  job.database = r.test_db.value_or("");
  job.folder = run.dir();
  job.target_series = run.project().target_version();
  auto save = [&](const core::TargetOdooRecord& t) {
    r.target_odoo = t;
    r.timings.update_s = tenths(t.update_seconds);
    r.timings.open_s = tenths(t.open_seconds);
    run.save();
  };
  core::TargetOdooRecord t = run_target_steps(run.project(),
                                              run.session().secrets(),
                                              job,
                                              r.target_odoo.value_or(core::TargetOdooRecord{}),
                                              save);
  return !core::target_odoo_blocks(t.state);
}

// The round stays restored (not tested): a re-run retries the target-Odoo steps.
int blocked_by_target_odoo(RequestRun& run) {
  auto& r = run.record();
  std::string message = r.target_odoo ? r.target_odoo->message : std::string();
  run.ctx().record(run.project(),
                   k_command,
                   "blocked",
                   {{"round", r.number}, {"test_db", r.test_db.value_or("")}, {"reason", message}});
  run.save();
  run.ctx().out.result(run.summary(),
                       [&](std::ostream& os) { request::print_blocked(os, run.ctx().out, r); });
  return static_cast<int>(core::ExitCode::blocking_findings);
}

// Modules left 'to install', 'to upgrade' or 'to remove' in the test database (after the target
// Odoo's update, which processes them when it runs): while any is, Odoo skips every cron, and the
// go-live would stop on them. Kept in the round's verification.
std::vector<std::string> transient_modules_of(RequestRun& run) {
  const auto& r = run.record();
  pg::Connection conn(
      server_conninfo(run.project(), run.session().secrets(), r.test_db.value_or("")));
  conn.set_read_only();
  return pg::golive::modules_in_transition(conn);
}

// The round stays restored (not tested), exit 1: the module list and the fix; a re-run verifies
// again.
int blocked_by_transient_modules(RequestRun& run, const std::vector<std::string>& modules) {
  auto& r = run.record();
  std::string db = r.test_db.value_or("");
  std::string problem = core::check_transient_modules(modules).message;
  run.ctx().record(run.project(),
                   k_command,
                   "blocked",
                   {{"round", r.number}, {"test_db", db}, {"reason", problem}});
  run.save();
  nlohmann::json doc = run.summary();
  doc["blocking"] = problem;
  run.ctx().out.result(doc, [&](std::ostream& os) {
    os << run.ctx().out.red("round " + std::to_string(r.number) + " blocked") << ": database '"
       << db << "' has " << problem << "\n";
    os << "hint: update them with the target Odoo (odoo-bin -d " << db
       << " -u <modules> --stop-after-init; with 'odoo-upgrade config' every round does) or "
          "cancel them in Apps; when production has them too, finish or cancel them there first "
          "(they come from its dump). Then re-run 'odoo-upgrade test-request' (it verifies "
          "again), or give the round up with --abandon\n";
  });
  return static_cast<int>(core::ExitCode::blocking_findings);
}

// After the download: restore (unless done), verify, update and open with the target Odoo, record
// the round as tested and hand it over.
int restore_and_verify(RequestRun& run) {
  if (run.record().state != RequestState::restored) {
    restore_round(run);
  }
  pg::UpgradedDatabase found;
  std::string by = verify_round(run, found);
  auto& r = run.record();
  r.neutralized_by = by;
  r.verification = core::Verification{found.base_version,
                                      core::parse_series(found.base_version)->str(),
                                      true,
                                      found.active_crons,
                                      found.active_mail_servers,
                                      nlohmann::json::object()};
  run.save();
  // A database the target Odoo cannot update or open is no test database to hand over.
  if (!run_target_odoo(run)) {
    return blocked_by_target_odoo(run);
  }
  // The customer's fixes, after the target Odoo's update (a failing step ends the round).
  request::run_after_restore(run, r.test_db.value_or(""));
  // No module half installed: Odoo would skip every cron.
  auto transient = transient_modules_of(run);
  r.verification->extra["modules_in_transition"] = transient;
  if (!transient.empty()) {
    return blocked_by_transient_modules(run, transient);
  }
  r.finished_at = run.now();
  r.state = RequestState::tested;
  core::phase_after_round_tested(run.project());
  run.ctx().record(run.project(),
                   k_command,
                   "ok",
                   {{"round", r.number},
                    {"request_id", r.request_id ? nlohmann::json(*r.request_id) : nullptr},
                    {"test_db", r.test_db.value_or("")},
                    {"timings", core::to_json(r).at("timings")}});
  run.save();
  request::notify(run, "round_tested", {{"ODOO_UPGRADE_TEST_DB", r.test_db.value_or("")}});
  run.ctx().out.result(run.summary(), [&](std::ostream& os) {
    request::print_tested(os, run.ctx().out, r, run.project());
  });
  return 0;
}

// The downloaded dump is still the one received: present, complete and with the sha256 recorded
// at the download (it may have waited, or been copied, since --no-restore).
void verify_received_dump(RequestRun& run) {
  const auto& d = run.record().received.dump;
  std::string hint = "re-run 'odoo-upgrade test-request --abandon', then attach the same request "
                     "again (test-request --attach) to download it anew";
  if (!d) {
    throw core::FilesystemError(run.label() + ": no downloaded dump is recorded", hint);
  }
  stdfs::path path = d->path;
  std::error_code ec;
  bool directory = stdfs::is_directory(path, ec);
  if (!stdfs::exists(path, ec) || (directory && !stdfs::exists(path / "toc.dat", ec))) {
    throw core::FilesystemError(run.label() + ": the downloaded dump '" + path.string() +
                                    "' is missing or incomplete",
                                "put it back where it was downloaded; else " + hint);
  }
  std::string sum = directory ? adapters::fs::sha256_tree(path) : adapters::fs::sha256_file(path);
  if (sum != d->sha256) {
    throw core::FilesystemError(run.label() + ": the downloaded dump '" + path.string() +
                                    "' changed since its download (sha256 " + sum + ", recorded " +
                                    d->sha256 + ")",
                                hint);
  }
  spdlog::info("{}: downloaded dump verified (sha256 {})", run.label(), sum);
}

// --no-restore: the round stops once its result is downloaded and checked; --restore-only (or a
// plain re-run) restores it later.
int stop_downloaded(RequestRun& run) {
  verify_received_dump(run);
  auto& r = run.record();
  run.ctx().record(run.project(),
                   k_command,
                   "downloaded",
                   {{"round", r.number}, {"dump_sha256", r.received.dump->sha256}});
  run.save();
  run.ctx().out.result(run.summary(), [&](std::ostream& os) {
    request::print_round_downloaded(os, run.ctx().out, r);
  });
  return 0;
}

// --restore-only: only a round whose result is downloaded (and not tested yet) is restored.
void require_downloaded_round(const core::Project& project) {
  auto open = open_round(project);
  bool downloaded =
      open && (open->state == RequestState::downloaded || open->state == RequestState::restoring ||
               open->state == RequestState::restored);
  if (!downloaded) {
    throw core::PreconditionError(
        open ? "round " + std::to_string(open->number) + " is not downloaded yet (state '" +
                   std::string(core::to_string(open->state)) + "')"
             : std::string("there is no downloaded round to restore"),
        open ? "run 'odoo-upgrade test-request --no-restore' to follow and download it first"
             : "run 'odoo-upgrade test-request --no-restore' (or --attach TOKEN --no-restore) "
               "first");
  }
}

request::RequestKind round_kind(const TestRequestOptions& options) {
  request::RequestKind k;
  k.command = k_command;
  k.aim = "test";
  k.noun = "round";
  k.title = "test round";
  k.token_prefix = "round";
  k.dir_name = "rounds";
  k.event_key = "round";
  k.open_record = open_round;
  k.next_number = [](const core::Project& p) {
    return static_cast<int>(core::read_rounds(p).size()) + 1;
  };
  k.add = core::write_round;
  k.store = core::write_round;
  k.check = [&options](core::Project& p, Context&) -> std::optional<int> {
    if (p.target_version().empty() || !core::find_source(p)) {
      throw core::PreconditionError("project has no target version or production database",
                                    "run 'odoo-upgrade initiate' first");
    }
    if (options.restore_only) {
      require_downloaded_round(p);
    }
    return std::nullopt;
  };
  k.prepare_new = [&options](RequestRecord& r, ProjectSession& s) { prepare_round(r, s, options); };
  k.plan = [&options](const RequestRecord& r, const core::Project& project) {
    std::vector<std::string> plan{
        "dump production (" + request::dump_settings_text(options.request) + ")",
        request::runbook_plan_line(project,
                                   core::RunbookWhen::before_upload,
                                   "on a scratch copy of production, and send its dump"),
        "create a test request (" + r.target + ")",
        "upload",
        "process",
        "wait",
        "download",
        "restore into '" + r.test_db.value_or("") + "'",
        "merge filestore",
        "verify and neutralize",
        "update the third-party modules with the target Odoo and open "
        "the database over HTTP (when configured: odoo-upgrade config)",
        request::runbook_plan_line(
            project, core::RunbookWhen::after_restore, "on '" + r.test_db.value_or("") + "'")};
    std::erase(plan, std::string());
    return plan;
  };
  if (options.dump || options.test_db) {
    k.resume_warning = "--dump and --test-db apply to new rounds only";
  }
  k.on_running = core::phase_after_round_started;
  k.on_ended_without_result = core::phase_after_failed_round;
  k.before_upload_steps = [](const core::Project& p) {
    return core::read_runbook(p).enabled(core::RunbookWhen::before_upload);
  };
  if (options.dump) {
    k.dump_file = *options.dump;
  }
  k.restores = true;
  k.after_download = [&options](RequestRun& run) {
    if (options.restore_only && run.record().state == RequestState::downloaded) {
      verify_received_dump(run);
    }
    if (options.no_restore && run.record().state == RequestState::downloaded) {
      return stop_downloaded(run);
    }
    return restore_and_verify(run);
  };
  return k;
}

} // namespace

int run_test_request(const TestRequestOptions& options, Context& ctx) {
  return run_test_request(options, ctx, real_request_ports());
}

namespace {

// The test-request options that exclude each other; the shared ones are checked by the request
// room.
void validate_round_options(const TestRequestOptions& o) {
  const auto& r = o.request;
  if (r.attach_token && (o.dump || o.force_dump)) {
    throw core::UsageError("--attach excludes --dump",
                           "the attached request holds the dump it was created with");
  }
  if (o.dump && r.compression_given) {
    throw core::UsageError("--compress goes with a dump the tool makes",
                           "--dump sends the file as it is");
  }
  if (o.restore_only && (o.no_restore || r.attach_token || o.dump || o.test_db || r.abandon ||
                         r.no_wait || !r.env_vars.empty() || r.compression_given)) {
    throw core::UsageError("--restore-only takes no request options",
                           "it restores the round already downloaded (--jobs applies)");
  }
}

} // namespace

int run_test_request(const TestRequestOptions& options, Context& ctx, const RequestPorts& ports) {
  validate_round_options(options);
  return request::run_request(round_kind(options), options.request, ctx, ports);
}

nlohmann::json refresh_latest_round(core::Project& project,
                                    const std::filesystem::path& project_path,
                                    const ServiceSettings& settings,
                                    Context& ctx) {
  auto round = core::read_latest_round(project);
  auto token = round && round->request_id ? round_token(project_path, round->number) : std::nullopt;
  if (!token) {
    return nullptr;
  }
  auto service = real_request_ports().make_service(settings, ctx.clock);
  if (!round->host.empty()) {
    service->pin_host(round->host);
  }
  auto s = service->status(*token);
  round->service_status = s.state_text;
  if (!s.host.empty()) {
    round->host = s.host;
  }
  if (!s.reason.empty()) {
    round->service_reason = s.reason;
  }
  std::string now = core::iso8601_utc(ctx.clock.now());
  round->updated_at = now;
  bool ended = s.state == ports::RequestState::failed || s.state == ports::RequestState::cancelled;
  bool running = !core::is_final(round->state) && core::needs_service_status(round->state);
  if (running && ended) {
    // The round ends here as test-request would end it.
    round->state =
        s.state == ports::RequestState::failed ? RequestState::failed : RequestState::cancelled;
    round->reason = s.reason.empty() ? "no reason given" : s.reason;
    round->finished_at = now;
  }
  core::write_round(project, *round);
  if (running && ended) {
    core::phase_after_failed_round(project);
    ctx.record(project,
               "status",
               std::string(core::to_string(round->state)),
               {{"round", round->number}, {"reason", *round->reason}});
  }
  return {{"round", round->number},
          {"request_id", *round->request_id},
          {"status", s.state_text},
          {"reason", s.reason},
          {"archived", s.archived}};
}

std::optional<std::string> round_token(const std::filesystem::path& project_path, int round) {
  adapters::fs::SecretStore secrets(project_path);
  return secrets.get(request::token_key("round", round));
}

} // namespace odoo_upgrade::commands
