// `restore` and `restore --rollback`: the go-live swap, by renaming (never dropping) databases and
// filestore folders, each step journaled so that a re-run after a crash ends consistent.
#include "golive_common.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/adapters/pg/baseline.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/commands/progress.hpp>
#include <odoo_upgrade/commands/restore.hpp>
#include <odoo_upgrade/commands/runbook_steps.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/severity.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
namespace ops = adapters::pg::golive;
namespace gl = core::golive;
using core::GoliveState;
using gl::StepStatus;

// The names and places of one go-live attempt (project `golive`).
struct Attempt {
  std::string db;             // the production name
  std::string staging_db;     // where the upgraded dump is restored
  std::string pre_upgrade_db; // production's name once swapped out
  std::string aside_db;       // the upgraded database's name after a rollback
  std::string role;           // Odoo's role
  stdfs::path fs_root;        // <data_dir>/filestore
  // A database's filestore folder; never a path outside `fs_root` (core::valid_database_name).
  stdfs::path fs(const std::string& name) const {
    if (!core::valid_database_name(name)) {
      throw core::UsageError("database name '" + name + "' cannot name a filestore folder");
    }
    return fs_root / name;
  }
};

Attempt attempt_of(const core::GoliveRecord& g, const core::Project& project) {
  return {g.database,
          g.staging_db,
          g.pre_upgrade_db,
          g.rollback ? g.rollback->aside_db : std::string(),
          g.odoo_role,
          data_dir(project) / "filestore"};
}

bool path_exists(const stdfs::path& p) {
  std::error_code ec;
  return stdfs::exists(p, ec);
}

// Renames the database with oid `oid` to `want` unless it already has that name.
json ensure_db_name(pg::Connection& admin, long long oid, const std::string& want) {
  auto current = ops::database_name(admin, oid);
  if (!current) {
    throw core::PreconditionError("no database has the recorded oid " + std::to_string(oid) +
                                      " (expected to become '" + want + "')",
                                  "a database of the swap was dropped or recreated by hand; "
                                  "compare pg_database with the project's 'golive' section");
  }
  if (*current == want) {
    return {{"from", want}, {"to", want}, {"renamed", false}};
  }
  if (ops::database_oid(admin, want)) {
    throw core::PreconditionError("database '" + want + "' already exists",
                                  "odoo-upgrade never renames over an existing database; find out "
                                  "where it comes from before re-running");
  }
  spdlog::info("renaming database '{}' to '{}'", *current, want);
  ops::rename_database(admin, *current, want);
  return {{"from", *current}, {"to", want}, {"renamed", true}};
}

// Moves folder `from` to `to` (one rename(2)); done when `to` exists and `from` does not.
json ensure_moved(const stdfs::path& from, const stdfs::path& to) {
  bool f = path_exists(from);
  bool t = path_exists(to);
  if (!f && t) {
    return {{"from", from.string()}, {"to", to.string()}, {"moved", false}};
  }
  if (f && t) {
    throw core::FilesystemError("both '" + from.string() + "' and '" + to.string() + "' exist",
                                "odoo-upgrade never overwrites a filestore; find out where '" +
                                    to.string() + "' comes from before re-running");
  }
  if (!f) {
    spdlog::warn("filestore '{}' does not exist; nothing to move", from.string());
    return {{"from", from.string()}, {"to", to.string()}, {"moved", false}, {"absent", true}};
  }
  std::error_code ec;
  stdfs::rename(from, to, ec);
  if (ec) {
    throw core::FilesystemError("cannot rename '" + from.string() + "' to '" + to.string() +
                                "': " + ec.message());
  }
  spdlog::info("renamed filestore '{}' to '{}'", from.string(), to.string());
  return {{"from", from.string()}, {"to", to.string()}, {"moved", true}};
}

// Never swap out or roll back another database than the one initiate recorded: production is the
// database with oid `oid` (wherever a half-done swap left its name), or the one under production's
// name before an attempt recorded its oid; its database.uuid must be the recorded one. The
// PreconditionError (exit 3) of core::require_recorded_database otherwise; a missing oid is left
// to the steps, which say so.
void require_recorded_production(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets,
                                 pg::Connection& admin,
                                 std::optional<long long> oid) {
  auto source = core::read_source(project);
  std::string name = source.dbname;
  if (oid) {
    auto current = ops::database_name(admin, *oid);
    if (!current) {
      return;
    }
    name = *current;
  }
  auto found = pg::database_identity(server_conninfo(project, secrets, name));
  if (oid) {
    found.dbname = source.dbname; // renamed by the swap itself: the uuid tells
  }
  core::require_recorded_database(source.dbname, source.database_uuid, found);
}

std::vector<std::pair<std::string, std::string>> hook_env(const Attempt& a) {
  return {{"ODOO_UPGRADE_NEW_DB", a.staging_db},
          {"ODOO_UPGRADE_PRE_UPGRADE_DB", a.pre_upgrade_db},
          {"ODOO_UPGRADE_UPGRADED_DB", a.aside_db}};
}

// Re-enables the crons the freeze deactivated and restores the Odoo role's read-only setting in
// the database now named `a.db` (which must have oid `oid`); then checks that writes work.
json lift_in(const core::Project& project,
             const adapters::fs::SecretStore& secrets,
             pg::Connection& admin,
             const Attempt& a,
             long long oid) {
  auto current = ops::database_oid(admin, a.db);
  if (!current || *current != oid) {
    throw core::PreconditionError("database '" + a.db + "' is not the expected one (oid " +
                                      std::to_string(oid) + ")",
                                  "compare pg_database with the project's 'golive' section");
  }
  json journal = core::read_freeze(project).journal;
  gl::Journal j(journal);
  std::vector<long long> ids;
  std::optional<std::string> previous;
  if (const json* e = j.find("crons")) {
    ids = e->value("ids", std::vector<long long>{});
  }
  if (const json* e = j.find("read_only");
      e != nullptr && e->value("previous", json()).is_string()) {
    previous = (*e)["previous"].get<std::string>();
  }
  pg::Connection conn(server_conninfo(project, secrets, a.db));
  long long n = ops::set_crons_active(conn, ids, true);
  ops::set_role_read_only_setting(conn, a.role, a.db, previous);
  auto probe = ops::probe_write(golive::role_conninfo(project, secrets, a.role, a.db));
  if (probe.connected && !probe.write_ok && previous.value_or("off") != "on") {
    throw core::DatabaseError("writes as '" + a.role + "' are refused in '" + a.db +
                                  "': " + probe.message,
                              "check the role's settings (\\drds in psql), then re-run");
  }
  spdlog::info("'{}': {} cron(s) reactivated, writes as '{}' {}",
               a.db,
               n,
               a.role,
               probe.connected ? (probe.write_ok ? "work" : "refused") : "not checked");
  return {{"crons_reactivated", n},
          {"write_check", probe.connected ? json(probe.write_ok) : json(nullptr)}};
}

// The staged database against the freeze baseline (it lost nothing), and production now against
// the same baseline (it did not change since the freeze).
void compare_with_baseline(const core::Project& project,
                           const adapters::fs::SecretStore& secrets,
                           const Attempt& a,
                           pg::Connection& staging,
                           core::GoliveVerification& v) {
  json base = core::read_freeze(project).baseline;
  if (!base.is_object() || !base.contains("counts")) {
    v.problems.emplace_back("no freeze baseline to compare with");
    return;
  }
  // Each capture scans the baseline's tables (counts, totals, digests): production's runs on its
  // own connection (a server backend of its own) beside the staged database's.
  std::string production_conninfo = server_conninfo(project, secrets, a.db);
  auto production_now = std::async(std::launch::async, [&production_conninfo] {
    pg::Connection production(production_conninfo);
    return pg::capture_baseline(production);
  });
  json staged = pg::capture_baseline(staging);
  v.differences = gl::compare_baselines(base, staged, gl::BaselineMode::upgraded);
  v.production_changes =
      gl::compare_baselines(base, production_now.get(), gl::BaselineMode::identical);
}

// The checks before any swap: the upgraded database is the target series with no module half
// installed, and its counts and totals match the freeze baseline; production itself did not
// change since the freeze.
core::GoliveVerification
verify(const core::Project& project, const adapters::fs::SecretStore& secrets, const Attempt& a) {
  core::GoliveVerification v;
  pg::Connection staging(server_conninfo(project, secrets, a.staging_db));
  v.base_version = ops::base_version(staging);
  auto series = core::parse_series(v.base_version);
  auto wanted = core::parse_series(project.target_version());
  v.series_ok = series && wanted && *series == *wanted;
  if (!v.series_ok) {
    v.problems.push_back("the upgraded database is not " + project.target_version() + " (base " +
                         (v.base_version.empty() ? std::string("not installed") : v.base_version) +
                         ")");
  }
  v.modules_in_transition = ops::modules_in_transition(staging);
  for (const auto& m : v.modules_in_transition) {
    v.problems.push_back("module " + m + " is not fully installed or upgraded");
  }
  // Created like production (encoding, locale, owner), or text sorts and matches differently.
  pg::Connection admin(golive::maintenance_conninfo(project, secrets));
  auto like = pg::database_shape(admin, a.db);
  like.owner = a.role.empty() ? like.owner : a.role;
  for (const auto& d : pg::shape_differences_of(admin, a.staging_db, like)) {
    v.problems.push_back("the upgraded database has " + d);
  }
  compare_with_baseline(project, secrets, a, staging, v);
  v.blocking = !v.problems.empty() || gl::has_blocking(v.differences) ||
               gl::has_blocking(v.production_changes);
  return v;
}

std::string styled(Context& ctx, core::Severity s) {
  std::string text(core::label(s));
  return s == core::Severity::blocking ? ctx.out.red(text) : ctx.out.yellow(text);
}

void print_verification(std::ostream& os, const core::GoliveVerification& v, Context& ctx) {
  for (const auto& p : v.problems) {
    os << "  " << styled(ctx, core::Severity::blocking) << "  " << p << "\n";
  }
  for (const auto& d : v.production_changes) {
    os << "  " << styled(ctx, d.severity) << "  "
       << (d.severity == core::Severity::blocking ? "production changed after the freeze: " : "")
       << d.message << "\n";
  }
  for (const auto& d : v.differences) {
    os << "  " << styled(ctx, d.severity) << "  " << d.message << "\n";
  }
}

// --- restore -------------------------------------------------------------------------------------

// The downloaded production request to put live; PreconditionError unless production is frozen
// since that request, DatabaseError when the dump needs a newer PostgreSQL.
golive::DownloadedUpgrade require_restorable(const core::Project& project) {
  auto prod = golive::downloaded_upgrade(project);
  if (!prod) {
    throw core::PreconditionError("no downloaded production request to restore",
                                  "run 'odoo-upgrade prod-request' first");
  }
  core::FreezeRecord fr = core::read_freeze(project);
  if (fr.state != core::FreezeState::applied || prod->freeze_started_at != fr.started_at) {
    throw core::PreconditionError("production is not frozen since the production request",
                                  "freeze again and run a new 'odoo-upgrade prod-request'");
  }
  if (!prod->pg_version_compatible) {
    throw core::DatabaseError("the upgraded dump needs a newer PostgreSQL than the production "
                              "server runs",
                              "restore '" + prod->dump.path +
                                  "' by hand on a newer PostgreSQL server");
  }
  return *prod;
}

void check_restore_tools(const core::Project& project) {
  for (const char* event : {"before_restore", "after_restore"}) {
    hooks::commands_for(project, event);
  }
  hooks::timeout(project);
  if (!adapters::find_executable("pg_restore")) {
    throw core::PreconditionError("required program not found in PATH: pg_restore",
                                  "install postgresql-client");
  }
}

// A new attempt with fresh names; a leftover of the same second gets a suffix rather than ever
// being reused.
core::GoliveRecord new_attempt(const core::Project& project,
                               const core::GoliveRecord& old,
                               const golive::DownloadedUpgrade& prod,
                               pg::Connection& admin,
                               core::TimePoint now) {
  std::string db = golive::production_db(project);
  std::string stamp = gl::name_timestamp(now);
  stdfs::path fs_root = data_dir(project) / "filestore";
  core::GoliveRecord g;
  for (int i = 1;; ++i) {
    std::string s = i == 1 ? stamp : stamp + "_" + std::to_string(i);
    g.staging_db = core::staging_database_name(db, project.target_version(), s);
    g.pre_upgrade_db = core::pre_upgrade_database_name(db, project.target_version(), s);
    if (!ops::database_oid(admin, g.staging_db) && !ops::database_oid(admin, g.pre_upgrade_db) &&
        !path_exists(fs_root / g.staging_db) && !path_exists(fs_root / g.pre_upgrade_db)) {
      break;
    }
  }
  if (!core::valid_database_name(g.staging_db) || !core::valid_database_name(g.pre_upgrade_db)) {
    throw core::UsageError("database name '" + g.pre_upgrade_db + "' is longer than 63 bytes",
                           "the production database name is too long for the go-live names");
  }
  auto old_oid = ops::database_oid(admin, db);
  if (!old_oid) {
    throw core::PreconditionError("production database '" + db + "' does not exist");
  }
  g.attempt = old.attempt + 1;
  g.state = GoliveState::restoring;
  g.database = db;
  g.old_oid = *old_oid;
  g.odoo_role = core::read_freeze(project).odoo_role;
  g.production_request = prod.number;
  g.dump = prod.dump;
  // The attempt replaces the section; earlier attempts stay on record.
  g.previous = old.state != GoliveState::none ? core::archived(core::to_json(old)) : old.previous;
  return g;
}

// The attempt to run: the unfinished one of the same production request (`resume`), else a new
// one. PreconditionError while a rollback is half-done.
core::GoliveRecord attempt_to_run(const core::Project& project,
                                  const golive::DownloadedUpgrade& prod,
                                  pg::Connection& admin,
                                  core::TimePoint now,
                                  bool& resume) {
  core::GoliveRecord old = core::read_golive(project);
  if (old.state == GoliveState::rolling_back) {
    throw core::PreconditionError("a rollback is half-done",
                                  "run 'odoo-upgrade restore --rollback'");
  }
  resume = (old.state == GoliveState::restoring || old.state == GoliveState::verify_failed ||
            old.state == GoliveState::swapping) &&
           old.production_request == prod.number;
  return resume ? old : new_attempt(project, old, prod, admin, now);
}

// "run the 2 approved after-restore runbook steps on 'x': s2 'Title', s4 'Title'".
std::string runbook_plan(const Attempt& a, const std::vector<core::RunbookStep>& steps) {
  if (steps.empty()) {
    return "no after-restore runbook step to run (odoo-upgrade runbook list)";
  }
  std::string line = "run the " + std::to_string(steps.size()) +
                     " approved after-restore runbook step(s) on '" + a.staging_db + "':";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    line += (i == 0 ? " " : ", ") + steps[i].id + " '" + steps[i].title + "'";
  }
  return line;
}

std::vector<std::string> restore_plan(const Attempt& a,
                                      const std::string& dump_path,
                                      const std::vector<core::RunbookStep>& runbook) {
  std::string fs_db = a.fs(a.db).string();
  return {"check the sha256 of the downloaded dump '" + dump_path + "'",
          "restore it into the new database '" + a.staging_db + "' (owner '" + a.role + "')",
          "copy the production filestore and the returned one into '" +
              a.fs(a.staging_db).string() + "'",
          "update the third-party modules of '" + a.staging_db +
              "' with the target Odoo and open it over HTTP (when configured: odoo-upgrade config)",
          runbook_plan(a, runbook),
          "verify '" + a.staging_db +
              "': target series, no module half installed, counts and totals against the freeze "
              "baseline; production unchanged since the freeze",
          "run the before_restore hooks",
          "terminate the sessions on '" + a.db + "' and '" + a.staging_db + "'",
          "rename database '" + a.db + "' to '" + a.pre_upgrade_db + "' (kept)",
          "rename database '" + a.staging_db + "' to '" + a.db + "'",
          "rename filestore '" + fs_db + "' to '" + a.fs(a.pre_upgrade_db).string() + "' (kept)",
          "rename filestore '" + a.fs(a.staging_db).string() + "' to '" + fs_db + "'",
          "reactivate the crons the freeze deactivated in the new '" + a.db +
              "' and check that writes as '" + a.role + "' work",
          "run the after_restore hooks",
          "record the go-live (phase live)"};
}

int print_restore_plan(Context& ctx,
                       const Attempt& a,
                       const core::GoliveRecord& g,
                       const std::vector<core::RunbookStep>& runbook,
                       bool resume) {
  std::string heading = "restore would:";
  if (resume) {
    json journal = g.journal;
    std::string done;
    for (const auto& s : gl::Journal(journal).applied_steps()) {
      done += (done.empty() ? "" : ", ") + s;
    }
    heading = "restore would complete attempt " + std::to_string(g.attempt) +
              " (steps already done are skipped: " + done + "):";
  }
  return print_plan(ctx,
                    heading,
                    restore_plan(a, g.dump ? g.dump->path : "", runbook),
                    {{"golive", core::to_json(g)}});
}

// The after-restore runbook steps the go-live replays: those the sign-off approved (or the
// production request accepted). Refused before any side effect (exit 3) when the runbook differs
// from that approval, or when a step needs a target Odoo and none is configured.
std::vector<core::RunbookStep>
approved_after_restore_steps(const core::Project& project,
                             const adapters::fs::SecretStore& secrets,
                             const core::GoliveRecord& g) {
  auto steps = core::read_runbook(project).enabled(core::RunbookWhen::after_restore);
  json journal = g.journal;
  if (gl::Journal(journal).status("runbook") == StepStatus::done) {
    return steps;
  }
  auto changes = golive::runbook_changes_since_signoff(project);
  if (!changes.empty()) {
    std::string list;
    for (const auto& c : changes) {
      list += "\n  " + c;
    }
    throw core::PreconditionError(
        "the runbook differs from the one approved for production (" +
            std::to_string(changes.size()) + " change(s)); nothing was done:" + list,
        "the project file was edited by hand: put the approved runbook back, or lift the freeze "
        "(odoo-upgrade freeze lift) and re-test the change in a new round");
  }
  runbook_target_odoo(project, secrets, steps);
  return steps;
}

// A new attempt is recorded (the earlier one archived) before its first step.
void start_attempt(Context& ctx, ProjectSession& session, const core::GoliveRecord& g) {
  session.edit([&](core::Project& p) {
    core::write_golive(p, g);
    ctx.record(p, "restore", "started", {{"staging_db", g.staging_db}, {"attempt", g.attempt}});
  });
}

// One run of `restore`: its steps, each journaled in `golive.journal`.
class GoLive {
public:
  GoLive(Context& ctx,
         ProjectSession& session,
         core::GoliveRecord& g,
         pg::Connection& admin,
         Attempt a)
      : m_ctx(ctx), m_session(session), m_g(g), m_admin(admin), m_a(std::move(a)),
        m_steps(ctx, "restore", g.journal, [this] { save(); }) {}

  void save() {
    m_session.edit([&](core::Project& p) { core::write_golive(p, m_g); });
  }
  void check_dump();
  void restore_staging(int jobs);
  void copy_filestore(const stdfs::path& returned);
  bool verify_staging(const RestoreOptions& options);
  bool update_staging();
  void run_runbook(const std::vector<core::RunbookStep>& steps);
  void run_hooks(const std::string& step, const char* event);
  void swap();
  void lift_new();

private:
  void print_blocked();
  void print_target_blocked();
  [[noreturn]] void refuse_swap_runbook(const std::string& failure);

  Context& m_ctx;
  ProjectSession& m_session;
  core::GoliveRecord& m_g;
  pg::Connection& m_admin;
  Attempt m_a;
  golive::StepRunner m_steps;
};

void GoLive::check_dump() {
  m_steps.run("check_dump", nullptr, [&](const json&) -> json {
    stdfs::path path = m_g.dump ? m_g.dump->path : "";
    if (!path_exists(path)) {
      throw core::FilesystemError("the downloaded dump '" + path.string() + "' is missing",
                                  "run 'odoo-upgrade freeze lift', then a new freeze and "
                                  "prod-request");
    }
    std::string sum = stdfs::is_directory(path) ? adapters::fs::sha256_tree(path)
                                                : adapters::fs::sha256_file(path);
    if (sum != m_g.dump->sha256) {
      throw core::FilesystemError("the downloaded dump '" + path.string() +
                                      "' does not match its recorded sha256",
                                  "it was changed or damaged since the download; download it again "
                                  "with a new prod-request");
    }
    return {{"sha256", sum}};
  });
}

void GoLive::restore_staging(int jobs) {
  m_steps.run("restore_db", nullptr, [&](const json&) -> json {
    std::string admin_conninfo =
        golive::maintenance_conninfo(m_session.project(), m_session.secrets());
    if (auto there = ops::database_oid(m_admin, m_a.staging_db)) {
      // Our own half-restored staging database from an interrupted run (never production).
      if (*there == m_g.old_oid || m_a.staging_db == m_a.db) {
        throw core::PreconditionError("refusing to drop '" + m_a.staging_db + "'");
      }
      spdlog::info("dropping the incomplete staging database '{}'", m_a.staging_db);
      adapters::pg::drop_created_database(admin_conninfo, m_a.staging_db);
    }
    // Like production, owned by the role Odoo connects as.
    auto like = adapters::pg::database_shape(admin_conninfo, m_a.db);
    if (!m_a.role.empty()) {
      like.owner = m_a.role;
    }
    spdlog::info(
        "restoring the upgraded dump into '{}' (pg_restore, {} jobs)", m_a.staging_db, jobs);
    stdfs::path dump = m_g.dump ? m_g.dump->path : "";
    with_table_progress(
        "restore", m_ctx.out, m_ctx.clock, [&](const adapters::pg::TableProgressFn& progress) {
          adapters::pg::restore_database(
              admin_conninfo,
              server_conninfo(m_session.project(), m_session.secrets(), m_a.staging_db),
              m_a.staging_db,
              dump,
              jobs,
              like,
              dump.parent_path() / "pg_restore.log",
              progress);
        });
    m_g.new_oid = ops::database_oid(m_admin, m_a.staging_db).value_or(0);
    return {{"new_oid", m_g.new_oid}};
  });
}

void GoLive::copy_filestore(const stdfs::path& returned) {
  m_steps.run("filestore_copy", nullptr, [&](const json&) -> json {
    spdlog::info("merging the filestore into '{}'", m_a.fs(m_a.staging_db).string());
    auto merge = adapters::fs::merge_filestore(m_a.fs(m_a.db), returned, m_a.fs(m_a.staging_db));
    spdlog::info("filestore of {} files made by {} ({} copied)",
                 merge.files,
                 merge.mode(),
                 core::format_bytes(static_cast<long long>(merge.copied_bytes)));
    return {{"path", m_a.fs(m_a.staging_db).string()},
            {"files", merge.files},
            {"mode", merge.mode()},
            {"copied_bytes", merge.copied_bytes}};
  });
}

// False when the staged database differs from the frozen production (and --force is not given):
// the attempt is recorded verify_failed and the result printed; production is untouched.
bool GoLive::verify_staging(const RestoreOptions& options) {
  if (m_steps.done("verify")) {
    return true;
  }
  auto began = m_ctx.clock.now();
  m_g.verification = verify(m_session.project(), m_session.secrets(), m_a);
  // Before the step is journaled (its outcome decides whether it is): timed here (bench/golive.sh).
  spdlog::debug("restore: verification done in {:.3f}s",
                std::chrono::duration<double>(m_ctx.clock.now() - began).count());
  bool blocking = m_g.verification->blocking;
  if (blocking && !options.force) {
    m_g.state = GoliveState::verify_failed;
    m_session.edit([&](core::Project& p) {
      core::write_golive(p, m_g);
      m_ctx.record(p, "restore", "blocked", {{"staging_db", m_a.staging_db}});
    });
    print_blocked();
    return false;
  }
  if (blocking) {
    m_g.verification->forced = core::Forced{options.reason, json::object()};
    spdlog::warn("going ahead despite blocking verification findings: {}", options.reason);
  }
  m_steps.run("verify", nullptr, [&](const json&) -> json { return {{"blocking", blocking}}; });
  return true;
}

void GoLive::print_blocked() {
  m_ctx.out.result({{"golive", core::to_json(m_g)}, {"blocking", true}}, [&](std::ostream& os) {
    os << m_ctx.out.red("restore stopped before the swap") << ": '" << m_a.staging_db
       << "' differs from the frozen production\n";
    print_verification(os, *m_g.verification, m_ctx);
    os << "production '" << m_a.db
       << "' is untouched (still frozen). Fix the cause and re-run "
          "'odoo-upgrade restore', accept with --force --reason TEXT, or lift the freeze.\n";
  });
}

// The target Odoo on the staging database (skipped without settings): the customer's modules
// updated, then the database opened over HTTP. False when that fails: the attempt is recorded
// verify_failed and the swap refused; production is untouched.
bool GoLive::update_staging() {
  if (m_steps.done("target_odoo")) {
    return true;
  }
  const core::Project& project = m_session.project();
  TargetOdooJob job;
  job.database = m_a.staging_db;
  job.folder = work_dir(project) / "golive" / std::to_string(m_g.attempt);
  job.target_series = project.target_version();
  auto keep = [&](const core::TargetOdooRecord& t) {
    m_g.target_odoo = t;
    save();
  };
  core::TargetOdooRecord t = run_target_steps(
      project, m_session.secrets(), job, m_g.target_odoo.value_or(core::TargetOdooRecord{}), keep);
  if (core::target_odoo_blocks(t.state)) {
    m_g.state = GoliveState::verify_failed;
    m_session.edit([&](core::Project& p) {
      core::write_golive(p, m_g);
      m_ctx.record(
          p, "restore", "blocked", {{"staging_db", m_a.staging_db}, {"reason", t.message}});
    });
    print_target_blocked();
    return false;
  }
  m_steps.run("target_odoo", nullptr, [&](const json&) -> json {
    return {{"state", std::string(core::to_string(t.state))}, {"message", t.message}};
  });
  return true;
}

void GoLive::print_target_blocked() {
  const core::TargetOdooRecord& t = *m_g.target_odoo;
  m_ctx.out.result({{"golive", core::to_json(m_g)}, {"blocking", true}}, [&](std::ostream& os) {
    os << m_ctx.out.red("restore stopped before the swap") << ": the target Odoo "
       << (t.state == core::TargetOdooState::open_failed ? "cannot open '" : "cannot update '")
       << m_a.staging_db << "'\n  " << t.message << "\n";
    if (!t.update_log.empty()) {
      os << "  update log " << t.update_log << "\n";
    }
    if (!t.http_log.empty()) {
      os << "  server log " << t.http_log << "\n";
    }
    os << "production '" << m_a.db
       << "' is untouched (still frozen). Fix the modules or the settings (odoo-upgrade config) "
          "and re-run 'odoo-upgrade restore' (it retries the target Odoo), or lift the freeze.\n";
  });
}

// The approved after-restore runbook steps on the staging database, after the module update as in
// a test round. A step an earlier run of this attempt recorded ok with the same sha256 is not run
// again (the staging database is the same). A failing step refuses the swap.
void GoLive::run_runbook(const std::vector<core::RunbookStep>& steps) {
  m_steps.run("runbook", nullptr, [&](const json&) -> json {
    const core::Project& project = m_session.project();
    std::size_t kept = core::completed_steps(m_g.runbook, steps);
    const std::vector<core::RunbookStepResult> done(
        m_g.runbook.begin(), m_g.runbook.begin() + static_cast<std::ptrdiff_t>(kept));
    std::vector<core::RunbookStep> todo(steps.begin() + static_cast<std::ptrdiff_t>(kept),
                                        steps.end());
    if (!todo.empty()) {
      spdlog::info("{} after-restore runbook step(s) on '{}'", todo.size(), m_a.staging_db);
      RunbookJob job;
      job.database = m_a.staging_db;
      job.folder = work_dir(project) / "golive" / std::to_string(m_g.attempt);
      auto keep = [&](const std::vector<core::RunbookStepResult>& results) {
        m_g.runbook = done;
        m_g.runbook.insert(m_g.runbook.end(), results.begin(), results.end());
        save();
      };
      keep(run_runbook_steps(project, m_session.secrets(), job, todo, keep));
      if (auto failure = runbook_failure(m_g.runbook)) {
        refuse_swap_runbook(*failure);
      }
    }
    return {{"steps", steps.size()}, {"steps_run", todo.size()}};
  });
}

// A failed runbook step: recorded verify_failed (a re-run resumes this attempt), production
// untouched, exit 3.
void GoLive::refuse_swap_runbook(const std::string& failure) {
  m_g.state = GoliveState::verify_failed;
  m_session.edit([&](core::Project& p) {
    core::write_golive(p, m_g);
    m_ctx.record(p, "restore", "blocked", {{"staging_db", m_a.staging_db}, {"reason", failure}});
  });
  std::string output;
  for (const auto& r : m_g.runbook) {
    output = r.result == "failed" ? r.output_file : output;
  }
  throw core::PreconditionError(
      "restore stopped before the swap: " + failure,
      "its output is in '" + output + "'; production '" + m_a.db +
          "' is untouched (still frozen). Fix the cause and re-run 'odoo-upgrade restore' (the "
          "steps already done are not run again), or lift the freeze (odoo-upgrade freeze lift) "
          "to change the runbook");
}

void GoLive::run_hooks(const std::string& step, const char* event) {
  m_steps.run(step, nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(m_session.project(), m_ctx.project_path(), event, hook_env(m_a))}};
  });
}

void GoLive::swap() {
  // From here production changes: a rollback becomes possible.
  m_g.state = GoliveState::swapping;
  save();
  m_steps.run("terminate", nullptr, [&](const json&) -> json {
    int n =
        ops::terminate_sessions(m_admin, m_a.db) + ops::terminate_sessions(m_admin, m_a.staging_db);
    return {{"terminated", n}};
  });
  // Databases are followed by their oid: a rename keeps it.
  m_steps.run("rename_production", nullptr, [&](const json&) -> json {
    return ensure_db_name(m_admin, m_g.old_oid, m_a.pre_upgrade_db);
  });
  m_steps.run("rename_new", nullptr, [&](const json&) -> json {
    return ensure_db_name(m_admin, m_g.new_oid, m_a.db);
  });
  m_steps.run("filestore_production", nullptr, [&](const json&) -> json {
    return ensure_moved(m_a.fs(m_a.db), m_a.fs(m_a.pre_upgrade_db));
  });
  m_steps.run("filestore_new", nullptr, [&](const json&) -> json {
    return ensure_moved(m_a.fs(m_a.staging_db), m_a.fs(m_a.db));
  });
}

void GoLive::lift_new() {
  m_steps.run("lift_new", nullptr, [&](const json&) -> json {
    return lift_in(m_session.project(), m_session.secrets(), m_admin, m_a, m_g.new_oid);
  });
}

// Live: recorded, the freeze superseded (the pre-upgrade database stays frozen).
void record_live(Context& ctx, ProjectSession& session, core::GoliveRecord& g) {
  std::string now = core::iso8601_utc(ctx.clock.now());
  g.state = GoliveState::live;
  g.live_at = now;
  session.edit([&](core::Project& p) {
    core::write_golive(p, g);
    core::FreezeRecord fr = core::read_freeze(p);
    fr.state = core::FreezeState::superseded;
    fr.superseded_at = now;
    core::write_freeze(p, fr);
    core::phase_after_golive(p);
    ctx.record(p,
               "restore",
               "ok",
               {{"database", g.database}, {"pre_upgrade_db", g.pre_upgrade_db}, {"live_at", now}});
  });
  golive::crash_point("restore", "live", StepStatus::done);
}

void print_live(Context& ctx,
                const core::Project& project,
                const core::GoliveRecord& g,
                const Attempt& a) {
  json doc = core::to_json(g);
  doc.erase("previous");
  doc["phase"] = "live";
  doc["next"] = core::next_step(project);
  ctx.out.result(doc, [&](std::ostream& os) {
    const core::GoliveVerification v = g.verification.value_or(core::GoliveVerification{});
    os << ctx.out.green("'" + a.db + "' is live on " + project.target_version()) << " (base "
       << v.base_version << ") since " << g.live_at << "\n";
    os << "  pre-upgrade database  '" << a.pre_upgrade_db << "' (kept, still frozen)\n";
    os << "  pre-upgrade filestore " << a.fs(a.pre_upgrade_db).string() << "\n";
    os << "  filestore             " << a.fs(a.db).string() << "\n";
    if (!v.differences.empty()) {
      os << "  differences with the freeze baseline:\n";
      print_verification(os, v, ctx);
    }
    os << "roll back with: odoo-upgrade restore --rollback\n";
    os << "next: " << core::next_step(project) << "\n";
  });
}

int run_restore_forward(const RestoreOptions& options, Context& ctx) {
  ProjectSession session = open_project(ctx, "restore", Lock::take);
  // Only a downloaded production request of a production frozen since then may go live.
  golive::DownloadedUpgrade prod = require_restorable(session.project());
  // Everything is checked before the first side effect.
  check_restore_tools(session.project());
  pg::Connection admin(golive::maintenance_conninfo(session.project(), session.secrets()));
  // The unfinished attempt of this production request resumes; else a new one with fresh names.
  bool resume = false;
  core::GoliveRecord g = attempt_to_run(session.project(), prod, admin, ctx.clock.now(), resume);
  // The production initiate recorded, on the server the conninfo reaches.
  require_recorded_production(session.project(),
                              session.secrets(),
                              admin,
                              resume ? std::optional(g.old_oid) : std::nullopt);
  Attempt a = attempt_of(g, session.project());
  auto runbook = approved_after_restore_steps(session.project(), session.secrets(), g);
  // The restore into the cluster and the filestore copy must fit before production is touched.
  if (gl::Journal(g.journal).status("filestore_copy") != StepStatus::done) {
    require_disk_space(
        request_disk_steps(session.project(), session.secrets(), {}, {}, {false, false, true}),
        "restore",
        options.skip_disk_check);
  }
  if (ctx.options.dry_run) {
    return print_restore_plan(ctx, a, g, runbook, resume);
  }
  require_confirmation(ctx,
                       "replace production database '" + a.db + "' with the upgraded database? '" +
                           a.db + "' will be kept as '" + a.pre_upgrade_db +
                           "' and the upgraded database restored as '" + a.staging_db +
                           "' will be renamed '" + a.db + "'");
  if (!resume) {
    start_attempt(ctx, session, g);
  }
  GoLive golive(ctx, session, g, admin, a);
  // Staged and verified beside production, which stays untouched until the swap.
  golive.check_dump();
  golive.restore_staging(options.jobs);
  golive.copy_filestore(prod.returned_filestore);
  // The target Odoo must update the modules and open the staged database before it goes live;
  // then the customer's runbook, as in a test round, and the verification of what goes live.
  if (!golive.update_staging()) {
    return static_cast<int>(core::ExitCode::blocking_findings);
  }
  golive.run_runbook(runbook);
  if (!golive.verify_staging(options)) {
    return static_cast<int>(core::ExitCode::blocking_findings);
  }
  golive.run_hooks("before_hooks", "before_restore");
  // The swap renames only: nothing is ever dropped.
  golive.swap();
  golive.lift_new();
  golive.run_hooks("after_hooks", "after_restore");
  record_live(ctx, session, g);
  print_live(ctx, session.project(), g, a);
  return 0;
}

// --- rollback ------------------------------------------------------------------------------------

// Allowed when live, once a restore's swap started, or to complete a half-done rollback.
void require_rollback_allowed(const core::Project& project, const core::GoliveRecord& g) {
  json journal = g.journal;
  bool swap_started = gl::Journal(journal).status("terminate") != StepStatus::absent;
  if (g.state == GoliveState::rolling_back || g.state == GoliveState::live ||
      (g.state == GoliveState::swapping && swap_started)) {
    return;
  }
  throw core::PreconditionError(
      "there is nothing to roll back: production '" + golive::production_db(project) +
          "' was not swapped (go-live state '" + std::string(core::to_string(g.state)) + "')",
      "to give production back to its users run 'odoo-upgrade freeze "
      "lift'");
}

// A new rollback records where the upgraded database goes aside (kept, never dropped).
void prepare_rollback(core::GoliveRecord& g,
                      const core::Project& project,
                      const RestoreOptions& options,
                      core::TimePoint now) {
  std::string stamp = gl::name_timestamp(now);
  g.rollback = core::GoliveRollback{
      core::upgraded_aside_database_name(g.database, project.target_version(), stamp),
      options.keep_frozen,
      core::iso8601_utc(now),
      json::array(),
      json::object()};
}

std::vector<std::string> rollback_plan(const Attempt& a, bool keep_frozen) {
  std::string fs_db = a.fs(a.db).string();
  return {"terminate the sessions on '" + a.db + "' and '" + a.pre_upgrade_db + "'",
          "rename the upgraded database to '" + a.aside_db + "' (kept)",
          "rename database '" + a.pre_upgrade_db + "' back to '" + a.db + "'",
          "rename the upgraded filestore to '" + a.fs(a.aside_db).string() + "' (kept)",
          "rename filestore '" + a.fs(a.pre_upgrade_db).string() + "' back to '" + fs_db + "'",
          keep_frozen ? "keep '" + a.db + "' frozen (phase production_request)"
                      : "lift the freeze of '" + a.db + "' (crons back on, writes allowed)",
          "run the on_rollback hooks"};
}

// One run of `restore --rollback`: its steps, each journaled in `golive.rollback.journal`.
class Rollback {
public:
  Rollback(Context& ctx,
           ProjectSession& session,
           core::GoliveRecord& g,
           pg::Connection& admin,
           Attempt a)
      : m_ctx(ctx), m_session(session), m_g(g), m_admin(admin), m_a(std::move(a)),
        m_steps(ctx, "rollback", g.rollback->journal, [this] { save(); }) {}

  void save() {
    m_session.edit([&](core::Project& p) { core::write_golive(p, m_g); });
  }
  void swap_databases();
  void swap_filestores();
  void lift_old();
  void run_hooks();

private:
  Context& m_ctx;
  ProjectSession& m_session;
  core::GoliveRecord& m_g;
  pg::Connection& m_admin;
  Attempt m_a;
  golive::StepRunner m_steps;
};

void Rollback::swap_databases() {
  m_steps.run("terminate", nullptr, [&](const json&) -> json {
    int n = 0;
    for (const auto& name : {m_a.db, m_a.pre_upgrade_db, m_a.staging_db, m_a.aside_db}) {
      n += ops::terminate_sessions(m_admin, name);
    }
    return {{"terminated", n}};
  });
  m_steps.run("rename_upgraded", nullptr, [&](const json&) -> json {
    if (m_g.new_oid == 0 || !ops::database_name(m_admin, m_g.new_oid)) {
      return {{"renamed", false}, {"absent", true}};
    }
    return ensure_db_name(m_admin, m_g.new_oid, m_a.aside_db);
  });
  m_steps.run("rename_pre_upgrade", nullptr, [&](const json&) -> json {
    return ensure_db_name(m_admin, m_g.old_oid, m_a.db);
  });
}

void Rollback::swap_filestores() {
  m_steps.run("filestore_upgraded", nullptr, [&](const json&) -> json {
    // Where the upgraded filestore is: still staged, already aside, or serving under the
    // production name (once the restore's rename of it was journaled and the staging folder is
    // gone).
    if (path_exists(m_a.fs(m_a.staging_db))) {
      return ensure_moved(m_a.fs(m_a.staging_db), m_a.fs(m_a.aside_db));
    }
    if (path_exists(m_a.fs(m_a.aside_db))) {
      return {{"moved", false}, {"to", m_a.fs(m_a.aside_db).string()}};
    }
    json journal = m_g.journal;
    if (gl::Journal(journal).status("filestore_new") != StepStatus::absent &&
        path_exists(m_a.fs(m_a.db))) {
      return ensure_moved(m_a.fs(m_a.db), m_a.fs(m_a.aside_db));
    }
    return {{"moved", false}, {"absent", true}};
  });
  m_steps.run("filestore_pre_upgrade", nullptr, [&](const json&) -> json {
    if (!path_exists(m_a.fs(m_a.pre_upgrade_db))) {
      return {{"moved", false}, {"to", m_a.fs(m_a.db).string()}};
    }
    return ensure_moved(m_a.fs(m_a.pre_upgrade_db), m_a.fs(m_a.db));
  });
}

void Rollback::lift_old() {
  m_steps.run("lift_old", nullptr, [&](const json&) -> json {
    return lift_in(m_session.project(), m_session.secrets(), m_admin, m_a, m_g.old_oid);
  });
}

void Rollback::run_hooks() {
  m_steps.run("hooks", nullptr, [&](const json&) -> json {
    return {{"ran",
             hooks::run(m_session.project(), m_ctx.project_path(), "on_rollback", hook_env(m_a))}};
  });
}

// Rolled back: kept frozen (the same download may be restored again) or lifted (the production
// request is void: production may change from now on).
void record_rolled_back(Context& ctx, ProjectSession& session, core::GoliveRecord& g) {
  std::string now = core::iso8601_utc(ctx.clock.now());
  bool keep_frozen = g.rollback->keep_frozen;
  g.state = GoliveState::rolled_back;
  g.rolled_back_at = now;
  session.edit([&](core::Project& p) {
    core::write_golive(p, g);
    core::FreezeRecord fr = core::read_freeze(p);
    if (keep_frozen) {
      fr.state = core::FreezeState::applied;
      fr.superseded_at.clear();
    } else {
      fr.state = core::FreezeState::lifted;
      fr.lifted_at = now;
      golive::invalidate_production_request(p, "rolled back at " + now);
    }
    core::write_freeze(p, fr);
    core::phase_after_rollback(p, fr, keep_frozen ? core::KeepFrozen::yes : core::KeepFrozen::no);
    ctx.record(p,
               "restore rollback",
               "ok",
               {{"database", g.database},
                {"upgraded_aside", g.rollback->aside_db},
                {"keep_frozen", keep_frozen}});
  });
}

void print_rolled_back(Context& ctx,
                       const core::Project& project,
                       const core::GoliveRecord& g,
                       const Attempt& a) {
  json doc = core::to_json(g);
  doc.erase("previous");
  doc["phase"] = std::string(core::to_string(project.phase()));
  doc["next"] = core::next_step(project);
  ctx.out.result(doc, [&](std::ostream& os) {
    os << ctx.out.green("rolled back") << ": '" << a.db << "' is the pre-upgrade database again"
       << (g.rollback->keep_frozen ? " (still frozen)" : "") << "\n";
    os << "  upgraded database kept as '" << a.aside_db << "', filestore "
       << a.fs(a.aside_db).string() << "\n";
    os << "next: " << core::next_step(project) << "\n";
  });
}

int run_rollback(const RestoreOptions& options, Context& ctx) {
  ProjectSession session = open_project(ctx, "restore rollback", Lock::take);
  core::GoliveRecord g = core::read_golive(session.project());
  require_rollback_allowed(session.project(), g);
  hooks::commands_for(session.project(), "on_rollback");
  hooks::timeout(session.project());
  // A half-done rollback keeps its names and --keep-frozen choice.
  bool resuming = g.state == GoliveState::rolling_back;
  if (!resuming || !g.rollback) {
    prepare_rollback(g, session.project(), options, ctx.clock.now());
  }
  Attempt a = attempt_of(g, session.project());
  if (!core::valid_database_name(a.aside_db)) {
    throw core::UsageError("database name '" + a.aside_db + "' is longer than 63 bytes");
  }
  pg::Connection admin(golive::maintenance_conninfo(session.project(), session.secrets()));
  // The pre-upgrade database that comes back is the production initiate recorded.
  require_recorded_production(session.project(), session.secrets(), admin, g.old_oid);
  if (ctx.options.dry_run) {
    return print_plan(ctx, "restore --rollback would:", rollback_plan(a, g.rollback->keep_frozen));
  }
  require_confirmation(ctx,
                       "put the pre-upgrade database '" + a.pre_upgrade_db + "' back as '" + a.db +
                           "'? the upgraded database will be kept as '" + a.aside_db + "'");
  if (!resuming) {
    g.state = GoliveState::rolling_back;
    session.edit([&](core::Project& p) {
      core::write_golive(p, g);
      ctx.record(p, "restore rollback", "started", {{"aside_db", a.aside_db}});
    });
  }
  Rollback rollback(ctx, session, g, admin, a);
  // The upgraded database and filestore go aside (kept), the pre-upgrade ones come back.
  rollback.swap_databases();
  rollback.swap_filestores();
  if (!g.rollback->keep_frozen) {
    rollback.lift_old();
  }
  rollback.run_hooks();
  record_rolled_back(ctx, session, g);
  print_rolled_back(ctx, session.project(), g, a);
  return 0;
}

} // namespace

int run_restore(const RestoreOptions& options, Context& ctx) {
  if (options.jobs < 1 || options.jobs > 64) {
    throw core::UsageError("--jobs must be between 1 and 64");
  }
  golive::check_force_reason(options.force, options.reason, "say why the differences are accepted");
  if (options.keep_frozen && !options.rollback) {
    throw core::UsageError("--keep-frozen is only used with --rollback");
  }
  if (options.rollback && options.force) {
    throw core::UsageError("--force is not used with --rollback");
  }
  return options.rollback ? run_rollback(options, ctx) : run_restore_forward(options, ctx);
}

} // namespace odoo_upgrade::commands
