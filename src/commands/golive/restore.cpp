// `restore` and `restore --rollback`: the go-live swap, by renaming (never dropping) databases and
// filestore folders, each step journaled so that a re-run after a crash ends consistent.
#include "golive_common.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/baseline.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/commands/restore.hpp>
#include <odoo_upgrade/commands/test_request_db.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
namespace ops = adapters::pg::golive;
namespace gl = core::golive;
using gl::StepStatus;

// The names and places of one go-live attempt (project `golive`).
struct Attempt {
  std::string db;             // the production name
  std::string staging_db;     // where the upgraded dump is restored
  std::string pre_upgrade_db; // production's name once swapped out
  std::string aside_db;       // the upgraded database's name after a rollback
  std::string role;           // Odoo's role
  stdfs::path fs_root;        // <data_dir>/filestore
  stdfs::path fs(const std::string& name) const { return fs_root / name; }
};

Attempt attempt_of(const json& g, const core::Project& project) {
  Attempt a;
  a.db = g.value("database", "");
  a.staging_db = g.value("staging_db", "");
  a.pre_upgrade_db = g.value("pre_upgrade_db", "");
  a.aside_db = g.value("rollback", json::object()).value("aside_db", "");
  a.role = g.value("odoo_role", "");
  a.fs_root = data_dir(project) / "filestore";
  return a;
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
  const json* fr = project.find_section("freeze");
  json journal = fr != nullptr ? fr->value("journal", json::array()) : json::array();
  gl::Journal j(journal);
  std::vector<long long> ids;
  std::optional<std::string> previous;
  if (const json* e = j.find("crons")) {
    ids = e->value("ids", std::vector<long long>{});
  }
  if (const json* e = j.find("read_only")) {
    json p = e->value("previous", json());
    if (p.is_string()) {
      previous = p.get<std::string>();
    }
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

// The checks before any swap: the upgraded database is the target series with no module half
// installed, and its counts and totals match the freeze baseline; production itself did not
// change since the freeze.
json verify(const core::Project& project,
            const adapters::fs::SecretStore& secrets,
            const Attempt& a) {
  const json* fr = project.find_section("freeze");
  json base = fr != nullptr ? fr->value("baseline", json()) : json();
  json problems = json::array();
  pg::Connection staging(server_conninfo(project, secrets, a.staging_db));
  std::string version = ops::base_version(staging);
  auto series = core::parse_series(version);
  auto wanted = core::parse_series(project.target_version());
  bool series_ok = series && wanted && *series == *wanted;
  if (!series_ok) {
    problems.push_back("the upgraded database is not " + project.target_version() + " (base " +
                       (version.empty() ? std::string("not installed") : version) + ")");
  }
  auto stuck = ops::modules_in_transition(staging);
  for (const auto& m : stuck) {
    problems.push_back("module " + m + " is not fully installed or upgraded");
  }
  std::vector<gl::Difference> upgraded;
  std::vector<gl::Difference> changed;
  if (!base.is_object() || !base.contains("counts")) {
    problems.push_back("no freeze baseline to compare with");
  } else {
    json after = pg::capture_baseline(staging);
    upgraded = gl::compare_baselines(base, after, gl::BaselineMode::upgraded);
    pg::Connection production(server_conninfo(project, secrets, a.db));
    json now = pg::capture_baseline(production);
    changed = gl::compare_baselines(base, now, gl::BaselineMode::identical);
  }
  bool blocking = !problems.empty() || gl::has_blocking(upgraded) || gl::has_blocking(changed);
  return {{"base_version", version},
          {"series_ok", series_ok},
          {"modules_in_transition", stuck},
          {"problems", problems},
          {"differences", gl::to_json(upgraded)},
          {"production_changes", gl::to_json(changed)},
          {"blocking", blocking}};
}

void print_verification(std::ostream& os, const json& v, Context& ctx) {
  for (const auto& p : v["problems"]) {
    os << "  " << ctx.out.red("blocking") << "  " << p.get<std::string>() << "\n";
  }
  for (const auto& d : v["production_changes"]) {
    os << "  " << ctx.out.red(d["severity"].get<std::string>())
       << "  production changed after the freeze: " << d["message"].get<std::string>() << "\n";
  }
  for (const auto& d : v["differences"]) {
    std::string sev = d["severity"].get<std::string>();
    os << "  " << (sev == "blocking" ? ctx.out.red(sev) : ctx.out.yellow(sev)) << "  "
       << d["message"].get<std::string>() << "\n";
  }
}

bool confirm(Context& ctx, const std::string& question) {
  if (!ctx.out.confirm(question, ctx.options.yes)) {
    throw core::PreconditionError("not confirmed; nothing was changed",
                                  "answer yes, or pass --yes");
  }
  return true;
}

// --- restore -------------------------------------------------------------------------------------

std::vector<std::string>
restore_plan(const Attempt& a, const json& prod, const std::string& fs_db) {
  return {"check the sha256 of the downloaded dump '" + prod["received"]["dump"].value("path", "") +
              "'",
          "restore it into the new database '" + a.staging_db + "' (owner '" + a.role + "')",
          "copy the production filestore and the returned one into '" +
              a.fs(a.staging_db).string() + "'",
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

int run_restore_forward(const RestoreOptions& options, Context& ctx) {
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  adapters::fs::SecretStore secrets(ctx.project_path());
  core::require_phase(project, "restore");
  const json* prod = project.find_section("production");
  const json* fr = project.find_section("freeze");
  if (prod == nullptr || prod->value("state", "") != "downloaded" ||
      prod->contains("invalidated")) {
    throw core::PreconditionError("no downloaded production request to restore",
                                  "run 'odoo-upgrade prod-request' first");
  }
  if (fr == nullptr || fr->value("state", "") != "applied" ||
      prod->value("freeze_started_at", "") != fr->value("started_at", "")) {
    throw core::PreconditionError("production is not frozen since the production request",
                                  "freeze again and run a new 'odoo-upgrade prod-request'");
  }
  if (!prod->value("pg_version_compatible", true)) {
    throw core::DatabaseError("the upgraded dump needs a newer PostgreSQL than the production "
                              "server runs",
                              "restore '" + (*prod)["received"]["dump"].value("path", "") +
                                  "' by hand on a newer PostgreSQL server");
  }
  for (const char* event : {"before_restore", "after_restore"}) {
    hooks::commands_for(project, event);
  }
  hooks::timeout(project);
  if (!adapters::find_executable("pg_restore")) {
    throw core::PreconditionError("required program not found in PATH: pg_restore",
                                  "install postgresql-client");
  }

  std::string db = golive::production_db(project);
  const json* existing = project.find_section("golive");
  std::string state = existing != nullptr ? existing->value("state", "") : "";
  if (state == "rolling_back") {
    throw core::PreconditionError("a rollback is half-done",
                                  "run 'odoo-upgrade restore --rollback'");
  }
  bool resume = (state == "restoring" || state == "verify_failed" || state == "swapping") &&
                existing->value("production_request", -1) == prod->value("number", -2);
  pg::Connection admin(golive::maintenance_conninfo(project, secrets));
  json g;
  if (resume) {
    g = *existing;
  } else {
    // Fresh names; a leftover of the same second gets a suffix rather than ever being reused.
    std::string stamp = gl::name_timestamp(ctx.clock.now());
    std::string target = project.target_version();
    std::string staging;
    std::string pre;
    stdfs::path fs_root = data_dir(project) / "filestore";
    for (int i = 1;; ++i) {
      std::string s = i == 1 ? stamp : stamp + "_" + std::to_string(i);
      staging = gl::staging_name(db, target, s);
      pre = gl::pre_upgrade_name(db, target, s);
      if (!ops::database_oid(admin, staging) && !ops::database_oid(admin, pre) &&
          !path_exists(fs_root / staging) && !path_exists(fs_root / pre)) {
        break;
      }
    }
    if (!gl::valid_database_name(staging) || !gl::valid_database_name(pre)) {
      throw core::UsageError("database name '" + pre + "' is longer than 63 bytes",
                             "the production database name is too long for the go-live names");
    }
    auto old_oid = ops::database_oid(admin, db);
    if (!old_oid) {
      throw core::PreconditionError("production database '" + db + "' does not exist");
    }
    g = {{"attempt", existing != nullptr ? existing->value("attempt", 0) + 1 : 1},
         {"state", "restoring"},
         {"database", db},
         {"staging_db", staging},
         {"pre_upgrade_db", pre},
         {"pre_upgrade_database", pre}, // the name `monitor` reads
         {"old_oid", *old_oid},
         {"odoo_role", fr->value("odoo_role", "")},
         {"production_request", prod->value("number", 0)},
         {"dump", (*prod)["received"]["dump"]},
         {"journal", json::array()}};
  }
  Attempt a = attempt_of(g, project);
  stdfs::path fs_db = a.fs(db);

  if (ctx.options.dry_run) {
    auto plan = restore_plan(a, *prod, fs_db.string());
    ctx.out.result({{"dry_run", true}, {"plan", plan}, {"golive", g}}, [&](std::ostream& os) {
      os << "restore would"
         << (resume ? " complete attempt " + std::to_string(g.value("attempt", 0)) : "") << ":\n";
      gl::Journal j(g["journal"]);
      for (const auto& s : plan) {
        os << "  - " << s << "\n";
      }
      if (resume) {
        os << "(steps already done are skipped: ";
        std::string done;
        for (const auto& s : j.applied_steps()) {
          done += (done.empty() ? "" : ", ") + s;
        }
        os << done << ")\n";
      }
    });
    return 0;
  }
  confirm(ctx,
          "replace production database '" + db + "' with the upgraded database? '" + db +
              "' will be kept as '" + a.pre_upgrade_db +
              "' and the upgraded database restored "
              "as '" +
              a.staging_db + "' will be renamed '" + db + "'");

  if (!resume) {
    json& section = project.section("golive");
    json previous = section.value("previous", json::array());
    if (section.contains("state")) {
      json old = section;
      old.erase("previous");
      previous.push_back(old);
    }
    g["previous"] = previous;
    section = g;
    ctx.record(
        project, "restore", "started", {{"staging_db", a.staging_db}, {"attempt", g["attempt"]}});
    adapters::fs::save_project(ctx.project_path(), project);
  }
  auto section = [&]() -> json& { return project.section("golive"); };
  golive::StepRunner steps(
      project, ctx, "restore", [&]() -> json& { return section()["journal"]; });
  long long old_oid = section().value("old_oid", 0LL);

  steps.run("check_dump", nullptr, [&](const json&) -> json {
    const json& d = section()["dump"];
    stdfs::path path = d.value("path", "");
    if (!path_exists(path)) {
      throw core::FilesystemError("the downloaded dump '" + path.string() + "' is missing",
                                  "run 'odoo-upgrade freeze lift', then a new freeze and "
                                  "prod-request");
    }
    std::string sum = stdfs::is_directory(path) ? adapters::fs::sha256_tree(path)
                                                : adapters::fs::sha256_file(path);
    if (sum != d.value("sha256", "")) {
      throw core::FilesystemError("the downloaded dump '" + path.string() +
                                      "' does not match its recorded sha256",
                                  "it was changed or damaged since the download; download it again "
                                  "with a new prod-request");
    }
    return {{"sha256", sum}};
  });
  steps.run("restore_db", nullptr, [&](const json&) -> json {
    auto there = ops::database_oid(admin, a.staging_db);
    if (there) {
      // Our own half-restored staging database from an interrupted run (never production).
      if (*there == old_oid || a.staging_db == db) {
        throw core::PreconditionError("refusing to drop '" + a.staging_db + "'");
      }
      spdlog::info("dropping the incomplete staging database '{}'", a.staging_db);
      admin.exec_no_rows("DROP DATABASE " + pg::quote_identifier(a.staging_db));
    }
    std::string me = admin.user();
    std::optional<std::string> owner;
    if (!a.role.empty() && a.role != me) {
      owner = a.role;
    }
    spdlog::info(
        "restoring the upgraded dump into '{}' (pg_restore, {} jobs)", a.staging_db, options.jobs);
    test_request_db::restore_database(golive::maintenance_conninfo(project, secrets),
                                      server_conninfo(project, secrets, a.staging_db),
                                      a.staging_db,
                                      section()["dump"].value("path", ""),
                                      options.jobs,
                                      owner);
    auto oid = ops::database_oid(admin, a.staging_db);
    section()["new_oid"] = oid.value_or(0);
    return {{"new_oid", oid.value_or(0)}};
  });
  long long new_oid = section().value("new_oid", 0LL);
  steps.run("filestore_copy", nullptr, [&](const json&) -> json {
    const json& received = project.find_section("production")->at("received");
    const json& rf = received.value("filestore", json::object());
    stdfs::path returned = rf.contains("path") && rf["path"].is_string()
                               ? stdfs::path(rf["path"].get<std::string>())
                               : stdfs::path();
    spdlog::info("merging the filestore into '{}'", a.fs(a.staging_db).string());
    auto files = test_request_db::merge_filestore(fs_db, returned, a.fs(a.staging_db));
    return {{"path", a.fs(a.staging_db).string()}, {"files", files}};
  });
  if (!steps.done("verify")) {
    json v = verify(project, secrets, a);
    section()["verification"] = v;
    bool blocking = v.value("blocking", false);
    if (blocking && !options.force) {
      section()["state"] = "verify_failed";
      ctx.record(project, "restore", "blocked", {{"staging_db", a.staging_db}});
      adapters::fs::save_project(ctx.project_path(), project);
      ctx.out.result({{"golive", section()}, {"blocking", true}}, [&](std::ostream& os) {
        os << ctx.out.red("restore stopped before the swap") << ": '" << a.staging_db
           << "' differs from the frozen production\n";
        print_verification(os, v, ctx);
        os << "production '" << db
           << "' is untouched (still frozen). Fix the cause and re-run "
              "'odoo-upgrade restore', accept with --force --reason TEXT, or lift the freeze.\n";
      });
      return static_cast<int>(core::ExitCode::blocking_findings);
    }
    if (blocking) {
      section()["verification"]["forced"] = {{"reason", options.reason}};
      spdlog::warn("going ahead despite blocking verification findings: {}", options.reason);
    }
    steps.run("verify", nullptr, [&](const json&) -> json { return {{"blocking", blocking}}; });
  }
  steps.run("before_hooks", nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(project, ctx.project_path(), "before_restore", hook_env(a))}};
  });
  section()["state"] = "swapping";
  steps.save();
  steps.run("terminate", nullptr, [&](const json&) -> json {
    int n = ops::terminate_sessions(admin, db) + ops::terminate_sessions(admin, a.staging_db);
    return {{"terminated", n}};
  });
  steps.run("rename_production", nullptr, [&](const json&) -> json {
    return ensure_db_name(admin, old_oid, a.pre_upgrade_db);
  });
  steps.run("rename_new", nullptr, [&](const json&) -> json {
    return ensure_db_name(admin, new_oid, db);
  });
  steps.run("filestore_production", nullptr, [&](const json&) -> json {
    return ensure_moved(fs_db, a.fs(a.pre_upgrade_db));
  });
  steps.run("filestore_new", nullptr, [&](const json&) -> json {
    return ensure_moved(a.fs(a.staging_db), fs_db);
  });
  steps.run("lift_new", nullptr, [&](const json&) -> json {
    return lift_in(project, secrets, admin, a, new_oid);
  });
  steps.run("after_hooks", nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(project, ctx.project_path(), "after_restore", hook_env(a))}};
  });

  std::string now = core::iso8601_utc(ctx.clock.now());
  section()["state"] = "live";
  section()["live_at"] = now;
  section()["at"] = now; // the go-live time `monitor` reads
  json& f = project.section("freeze");
  f["state"] = "superseded";
  f["superseded_at"] = now;
  project.set_phase(core::Phase::live);
  ctx.record(project,
             "restore",
             "ok",
             {{"database", db}, {"pre_upgrade_db", a.pre_upgrade_db}, {"live_at", now}});
  adapters::fs::save_project(ctx.project_path(), project);
  golive::crash_point("restore", "live", StepStatus::done);
  json doc = section();
  doc.erase("previous");
  doc["phase"] = "live";
  doc["next"] = core::next_step(project);
  ctx.out.result(doc, [&](std::ostream& os) {
    const json& v = section()["verification"];
    os << ctx.out.green("'" + db + "' is live on " + project.target_version()) << " (base "
       << v.value("base_version", "") << ") since " << now << "\n";
    os << "  pre-upgrade database  '" << a.pre_upgrade_db << "' (kept, still frozen)\n";
    os << "  pre-upgrade filestore " << a.fs(a.pre_upgrade_db).string() << "\n";
    os << "  filestore             " << fs_db.string() << "\n";
    if (!v["differences"].empty()) {
      os << "  differences with the freeze baseline:\n";
      print_verification(os, v, ctx);
    }
    os << "roll back with: odoo-upgrade restore --rollback\n";
    os << "next: " << core::next_step(project) << "\n";
  });
  return 0;
}

// --- rollback ------------------------------------------------------------------------------------

int run_rollback(const RestoreOptions& options, Context& ctx) {
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  adapters::fs::SecretStore secrets(ctx.project_path());
  core::require_phase(project, "restore rollback");
  const json* existing = project.find_section("golive");
  std::string state = existing != nullptr ? existing->value("state", "") : "";
  json restore_journal = existing != nullptr ? existing->value("journal", json::array()) : json();
  gl::Journal rj(restore_journal);
  bool swap_started = rj.status("terminate") != StepStatus::absent;
  if (state != "rolling_back" && !(state == "live" || (state == "swapping" && swap_started))) {
    throw core::PreconditionError(
        "there is nothing to roll back: production '" + golive::production_db(project) +
            "' was not swapped (go-live state '" + (state.empty() ? std::string("none") : state) +
            "')",
        "to give production back to its users run 'odoo-upgrade freeze lift'");
  }
  hooks::commands_for(project, "on_rollback");
  hooks::timeout(project);
  bool keep_frozen = state == "rolling_back"
                         ? existing->value("rollback", json::object()).value("keep_frozen", false)
                         : options.keep_frozen;
  json g = *existing;
  if (state != "rolling_back") {
    std::string stamp = gl::name_timestamp(ctx.clock.now());
    std::string aside =
        gl::upgraded_aside_name(g.value("database", ""), project.target_version(), stamp);
    g["rollback"] = {{"aside_db", aside},
                     {"keep_frozen", keep_frozen},
                     {"started_at", core::iso8601_utc(ctx.clock.now())},
                     {"journal", json::array()}};
  }
  Attempt a = attempt_of(g, project);
  if (!gl::valid_database_name(a.aside_db)) {
    throw core::UsageError("database name '" + a.aside_db + "' is longer than 63 bytes");
  }
  stdfs::path fs_db = a.fs(a.db);
  json plan = {"terminate the sessions on '" + a.db + "' and '" + a.pre_upgrade_db + "'",
               "rename the upgraded database to '" + a.aside_db + "' (kept)",
               "rename database '" + a.pre_upgrade_db + "' back to '" + a.db + "'",
               "rename the upgraded filestore to '" + a.fs(a.aside_db).string() + "' (kept)",
               "rename filestore '" + a.fs(a.pre_upgrade_db).string() + "' back to '" +
                   fs_db.string() + "'",
               keep_frozen ? "keep '" + a.db + "' frozen (phase production_request)"
                           : "lift the freeze of '" + a.db + "' (crons back on, writes allowed)",
               "run the on_rollback hooks"};
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"plan", plan}}, [&](std::ostream& os) {
      os << "restore --rollback would:\n";
      for (const auto& s : plan) {
        os << "  - " << s.get<std::string>() << "\n";
      }
    });
    return 0;
  }
  confirm(ctx,
          "put the pre-upgrade database '" + a.pre_upgrade_db + "' back as '" + a.db +
              "'? the upgraded database will be kept as '" + a.aside_db + "'");
  auto section = [&]() -> json& { return project.section("golive"); };
  if (state != "rolling_back") {
    section()["rollback"] = g["rollback"];
    section()["state"] = "rolling_back";
    ctx.record(project, "restore rollback", "started", {{"aside_db", a.aside_db}});
    adapters::fs::save_project(ctx.project_path(), project);
  }
  long long old_oid = g.value("old_oid", 0LL);
  long long new_oid = g.value("new_oid", 0LL);
  pg::Connection admin(golive::maintenance_conninfo(project, secrets));
  golive::StepRunner steps(
      project, ctx, "rollback", [&]() -> json& { return section()["rollback"]["journal"]; });

  steps.run("terminate", nullptr, [&](const json&) -> json {
    int n = 0;
    for (const auto& name : {a.db, a.pre_upgrade_db, a.staging_db, a.aside_db}) {
      n += ops::terminate_sessions(admin, name);
    }
    return {{"terminated", n}};
  });
  steps.run("rename_upgraded", nullptr, [&](const json&) -> json {
    if (new_oid == 0 || !ops::database_name(admin, new_oid)) {
      return {{"renamed", false}, {"absent", true}};
    }
    return ensure_db_name(admin, new_oid, a.aside_db);
  });
  steps.run("rename_pre_upgrade", nullptr, [&](const json&) -> json {
    return ensure_db_name(admin, old_oid, a.db);
  });
  steps.run("filestore_upgraded", nullptr, [&](const json&) -> json {
    // Where the upgraded filestore is: still staged, already aside, or serving under the
    // production name (once the restore's rename of it was journaled and the staging folder is
    // gone).
    if (path_exists(a.fs(a.staging_db))) {
      return ensure_moved(a.fs(a.staging_db), a.fs(a.aside_db));
    }
    if (path_exists(a.fs(a.aside_db))) {
      return {{"moved", false}, {"to", a.fs(a.aside_db).string()}};
    }
    if (rj.status("filestore_new") != StepStatus::absent && path_exists(fs_db)) {
      return ensure_moved(fs_db, a.fs(a.aside_db));
    }
    return {{"moved", false}, {"absent", true}};
  });
  steps.run("filestore_pre_upgrade", nullptr, [&](const json&) -> json {
    if (!path_exists(a.fs(a.pre_upgrade_db))) {
      return {{"moved", false}, {"to", fs_db.string()}};
    }
    return ensure_moved(a.fs(a.pre_upgrade_db), fs_db);
  });
  if (!keep_frozen) {
    steps.run("lift_old", nullptr, [&](const json&) -> json {
      return lift_in(project, secrets, admin, a, old_oid);
    });
  }
  steps.run("hooks", nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(project, ctx.project_path(), "on_rollback", hook_env(a))}};
  });

  std::string now = core::iso8601_utc(ctx.clock.now());
  section()["state"] = "rolled_back";
  section()["rolled_back_at"] = now;
  json& f = project.section("freeze");
  if (keep_frozen) {
    f["state"] = "applied";
    f.erase("superseded_at");
    project.set_phase(core::Phase::production_request);
  } else {
    f["state"] = "lifted";
    f["lifted_at"] = now;
    project.section("production")["invalidated"] = "rolled back at " + now;
    project.set_phase(
        core::parse_phase(f.value("phase_before", "signed_off")).value_or(core::Phase::signed_off));
  }
  ctx.record(project,
             "restore rollback",
             "ok",
             {{"database", a.db}, {"upgraded_aside", a.aside_db}, {"keep_frozen", keep_frozen}});
  adapters::fs::save_project(ctx.project_path(), project);
  json doc = section();
  doc.erase("previous");
  doc["phase"] = std::string(core::to_string(project.phase()));
  doc["next"] = core::next_step(project);
  ctx.out.result(doc, [&](std::ostream& os) {
    os << ctx.out.green("rolled back") << ": '" << a.db << "' is the pre-upgrade database again"
       << (keep_frozen ? " (still frozen)" : "") << "\n";
    os << "  upgraded database kept as '" << a.aside_db << "', filestore "
       << a.fs(a.aside_db).string() << "\n";
    os << "next: " << core::next_step(project) << "\n";
  });
  return 0;
}

} // namespace

int run_restore(const RestoreOptions& options, Context& ctx) {
  if (options.jobs < 1 || options.jobs > 64) {
    throw core::UsageError("--jobs must be between 1 and 64");
  }
  if (options.force && options.reason.empty()) {
    throw core::UsageError("--force needs --reason", "say why the differences are accepted");
  }
  if (!options.force && !options.reason.empty()) {
    throw core::UsageError("--reason is only used with --force", "drop --reason or add --force");
  }
  if (options.keep_frozen && !options.rollback) {
    throw core::UsageError("--keep-frozen is only used with --rollback");
  }
  if (options.rollback && options.force) {
    throw core::UsageError("--force is not used with --rollback");
  }
  return options.rollback ? run_rollback(options, ctx) : run_restore_forward(options, ctx);
}

} // namespace odoo_upgrade::commands
