// `freeze plan`, `freeze apply`, `freeze lift`, `freeze hooks`: the go-live window and the
// data-entry stop in production, journaled so that lift undoes exactly what apply did.
#include "golive_common.hpp"

#include <odoo_upgrade/adapters/pg/baseline.hpp>
#include <odoo_upgrade/adapters/pg/data_directory.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/adapters/system_clock.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/freeze.hpp>
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/hooks_record.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/preflight_disk.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time_local.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
namespace pg = adapters::pg;
namespace ops = adapters::pg::golive;
using core::FreezeState;
using core::golive::StepStatus;

constexpr const char* k_command = "freeze";

void check_force(bool force, const std::string& reason) {
  golive::check_force_reason(force, reason, "say why the freeze goes ahead without sign-off");
}

// The UAT sign-off a freeze relies on.
struct Signoff {
  int round = 0;
  std::optional<core::TimePoint> at;
};

// The sign-off of the latest round; std::nullopt when there is none and `force` (with a warning),
// else PreconditionError.
std::optional<Signoff>
require_signoff(const core::Project& project, bool force, const std::string& reason) {
  if (auto s = golive::latest_signoff(project)) {
    return Signoff{s->round, core::parse_iso8601(s->at)};
  }
  auto round = core::read_latest_round(project);
  std::string which =
      round ? "round " + std::to_string(round->number) : std::string("no test round");
  if (!force) {
    throw core::PreconditionError("the latest test round (" + which + ") is not signed off",
                                  "run 'odoo-upgrade uat signoff --by NAME' first, or go ahead "
                                  "with --force --reason TEXT");
  }
  spdlog::warn("no sign-off of the latest test round ({}); going ahead: {}", which, reason);
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : sep) + i;
  }
  return out;
}

std::string duration_text(double seconds) {
  return core::format_duration(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
}

std::optional<core::Forced> forced_by(bool force, const std::string& reason) {
  return force ? std::optional(core::Forced{reason, json::object()}) : std::nullopt;
}

// --- plan ----------------------------------------------------------------------------------------

struct Window {
  core::TimePoint at;
  core::TimePoint go_live;
};

// The window of `options`, times without an offset read as local time; UsageError when a time is
// malformed, impossible, or skipped or repeated by a daylight-saving change.
Window parse_window(const FreezePlanOptions& options) {
  core::LocalZone zone = adapters::local_zone();
  return {core::parse_typed_time("--at", options.at, zone),
          core::parse_typed_time("--go-live", options.go_live, zone)};
}

// UsageError listing every reason the window is not acceptable (in the past, out of order, before
// the sign-off).
void check_window(const Window& w, const std::optional<Signoff>& signoff, core::TimePoint now) {
  auto problems = core::golive::window_problems(
      w.at, w.go_live, now, signoff ? signoff->at : std::optional<core::TimePoint>());
  if (!problems.empty()) {
    throw core::UsageError("invalid go-live window: " + join(problems, "; "),
                           "pass future times with --at before --go-live");
  }
}

// Production's size now, which the round's hops are scaled to (one query): std::nullopt when the
// round did not record its size then (nothing to scale from), or, with a warning, when production
// cannot be read now (the measured seconds count then).
std::optional<std::uint64_t> production_size_now(ProjectSession& session,
                                                 const std::optional<core::RequestRecord>& round) {
  if (!round || !round->timings.database_bytes) {
    return std::nullopt;
  }
  try {
    pg::Connection conn(source_conninfo(session.project(), session.secrets()));
    conn.set_read_only();
    return pg::database_size(conn);
  } catch (const core::DatabaseError& e) {
    spdlog::warn("cannot read production's size now ({}): the estimate counts the seconds "
                 "measured in round {}, not scaled",
                 e.what(),
                 round->number);
    return std::nullopt;
  }
}

// Where the production request's dump will differ from the round's whose measures the estimate
// uses, said as warnings (the estimate does not model them):
// - a round that sent a dump given with --dump measured no pg_dump (its dump_s is the file's
//   check), while prod-request always runs pg_dump: dump_s is listed as missing;
// - the round's dump and transfers were measured at the gzip level its dump was made at, and
//   prod-request dumps at the config's `compress` (else the default): level 6 took 2.2x level 1's
//   time for 0.9x its bytes (docs/benchmarks.md, "transfer defaults");
// - a config file prod-request cannot read stops it (exit 6) inside the freeze window.
void warn_dump_differences(const core::RequestRecord& round, core::FreezePlan& plan) {
  if (round.dump.source == "file") {
    auto& missing = plan.estimate.missing;
    if (std::find(missing.begin(), missing.end(), "dump_s") == missing.end()) {
      missing.emplace_back("dump_s");
    }
    spdlog::warn("round {} sent a dump given with --dump: prod-request runs pg_dump, which that "
                 "round did not measure (the estimate counts {}s for the dump); a round without "
                 "--dump measures it",
                 round.number,
                 round.timings.dump_s.value_or(0));
    return;
  }
  int then = round.dump.compression.value_or(core::k_unrecorded_dump_compression);
  std::optional<int> configured;
  try {
    configured = load_user_config().compress;
  } catch (const core::Error& e) {
    spdlog::warn("{}: prod-request will stop on it (exit 6) unless given both --jobs and "
                 "--compress; fix it before the freeze",
                 e.what());
    return;
  }
  int now = configured.value_or(k_default_compression);
  if (then != now) {
    spdlog::warn("round {}'s dump was made at gzip level {}, prod-request will dump at level {}{}: "
                 "the dump and transfer estimates are measured at level {} (pass --compress {} "
                 "to prod-request to match them)",
                 round.number,
                 then,
                 now,
                 configured ? " (the config's compress)" : " (the default)",
                 then,
                 then);
  }
}

core::FreezePlan make_plan(const core::Project& project,
                           const std::optional<core::RequestRecord>& round,
                           std::optional<std::uint64_t> size_now,
                           const Window& w,
                           const FreezePlanOptions& options,
                           core::TimePoint now) {
  core::FreezePlan plan;
  plan.at = core::iso8601_utc(w.at);
  plan.go_live = core::iso8601_utc(w.go_live);
  plan.window_s = std::chrono::duration<double>(w.go_live - w.at).count();
  plan.estimate =
      core::golive::estimate_downtime(round ? round->timings : core::Timings{}, size_now);
  if (round) {
    plan.round = round->number;
    // The runbook's steps run in the window too, as long as the round measured them.
    core::add_runbook_estimate(plan.estimate, core::read_runbook(project), round->runbook);
  }
  plan.fits = plan.window_s >= plan.estimate.total_s;
  plan.forced = forced_by(options.force, options.reason);
  plan.recorded_at = core::iso8601_utc(now);
  return plan;
}

// `iso` (a recorded UTC time) as the consultant's wall-clock time with its offset.
std::string local_text(const std::string& iso, const core::LocalZone& zone) {
  auto t = core::parse_iso8601(iso);
  return t ? core::format_local(*t, zone) + " (" + iso + ")" : iso;
}

std::string bytes_text(std::uint64_t bytes) {
  return core::format_bytes(static_cast<long long>(bytes));
}

// One line per part of the estimate: how a scaled hop was scaled, from which round.
void print_estimate_parts(std::ostream& os, const core::golive::DowntimeEstimate& e, int round) {
  bool processing_scaled = false;
  for (const auto& [k, v] : e.parts) {
    std::string name = k.substr(0, k.size() - 2);
    auto it =
        std::find_if(e.scaled.begin(), e.scaled.end(), [&](const auto& h) { return h.key == k; });
    os << "  " << name << " ";
    if (it == e.scaled.end()) {
      os << duration_text(v)
         << (k == "runbook_s" ? "" : " measured in round " + std::to_string(round)) << "\n";
    } else if (it->bytes > 0) {
      os << duration_text(it->measured_s) << " measured on " << bytes_text(it->bytes)
         << " in round " << round << ", scaled to " << bytes_text(it->bytes_now) << ": "
         << duration_text(it->seconds) << "\n";
    } else {
      processing_scaled = true;
      os << duration_text(it->measured_s) << " measured in round " << round
         << ", scaled by the database's size: " << duration_text(it->seconds) << "\n";
    }
  }
  for (const auto& m : e.missing) {
    if (m == "dump_s") {
      os << "  the dump: prod-request runs pg_dump, which round " << round << " did not measure\n";
    }
    if (m.rfind("runbook:", 0) == 0) {
      os << "  runbook step " << m.substr(8) << ": never ran in round " << round
         << " as it is now, its time is unknown\n";
    }
  }
  if (e.database_bytes_then && e.database_bytes_now) {
    os << "  (production's database was " << bytes_text(*e.database_bytes_then) << " in round "
       << round << " and is " << bytes_text(*e.database_bytes_now)
       << " now: the hops are scaled by their measured rates"
       << (processing_scaled ? "; processing by the size ratio, an approximation" : "") << ")\n";
  } else {
    os << "  (the seconds measured in round " << round
       << ", not scaled: the round did not record production's size, or it cannot be read now; "
          "the production request's processing grows with the database)\n";
  }
}

void print_window(std::ostream& os, Context& ctx, const core::FreezePlan& plan) {
  core::LocalZone zone = adapters::local_zone();
  os << (ctx.options.dry_run ? "would plan" : "planned") << " the freeze at "
     << local_text(plan.at, zone) << ", go-live at " << local_text(plan.go_live, zone)
     << " (window " << duration_text(plan.window_s) << ")\n";
  if (plan.round) {
    os << "estimated downtime from round " << *plan.round << ": "
       << duration_text(plan.estimate.total_s) << "\n";
    print_estimate_parts(os, plan.estimate, *plan.round);
  } else {
    os << "no tested round: no downtime estimate\n";
  }
  os << (plan.fits ? ctx.out.green("the window fits the estimate")
                   : ctx.out.yellow("the window is shorter than the estimate"))
     << "\n";
}

// --- apply ---------------------------------------------------------------------------------------

const std::vector<std::string>& apply_steps() {
  static const std::vector<std::string> k_steps = {
      "before_hooks", "read_only", "terminate", "crons", "verify", "baseline", "after_hooks"};
  return k_steps;
}

std::string
describe_apply_step(const std::string& step, const std::string& db, const std::string& role) {
  if (step == "before_hooks") {
    return "run the before_freeze hooks";
  }
  if (step == "read_only") {
    return ops::read_only_setting_statement(role, db, std::string("on")) +
           " (the previous value is recorded)";
  }
  if (step == "terminate") {
    return "terminate the other sessions on '" + db + "'";
  }
  if (step == "crons") {
    return "record the active crons of '" + db + "' and deactivate them";
  }
  if (step == "verify") {
    return "verify that a write as '" + role + "' fails";
  }
  if (step == "baseline") {
    return "record the baseline (record counts and key totals)";
  }
  return "run the after_freeze hooks";
}

// Odoo's role: the one of a half-done apply, else --odoo-role or the owner of the tables.
// UsageError when it does not exist or differs from the half-done apply's.
std::string freeze_role(pg::Connection& conn,
                        const core::FreezeRecord& fr,
                        const FreezeApplyOptions& options,
                        const std::string& db) {
  std::string role;
  if (fr.state == FreezeState::applying) {
    role = fr.odoo_role;
    if (options.odoo_role && *options.odoo_role != role) {
      throw core::UsageError("a freeze of '" + db + "' for role '" + role + "' is half-applied",
                             "re-run without --odoo-role to complete it, or 'odoo-upgrade freeze "
                             "lift' to undo it");
    }
  } else {
    role = options.odoo_role ? *options.odoo_role : ops::table_owner(conn);
  }
  if (!ops::role_exists(conn, role)) {
    throw core::UsageError("role '" + role + "' does not exist",
                           "pass Odoo's role with --odoo-role");
  }
  return role;
}

int print_apply_plan(Context& ctx,
                     const core::FreezeRecord& fr,
                     const std::string& db,
                     const std::string& role) {
  bool resuming = fr.state == FreezeState::applying;
  json journal = fr.journal;
  core::golive::Journal j(journal);
  std::vector<std::string> plan;
  for (const auto& s : apply_steps()) {
    if (!resuming || j.status(s) != StepStatus::done) {
      plan.push_back(describe_apply_step(s, db, role));
    }
  }
  plan.emplace_back("set the phase to frozen");
  return print_plan(ctx,
                    std::string("freeze apply would") + (resuming ? " complete" : "") + ":",
                    plan,
                    {{"database", db}, {"odoo_role", role}});
}

// One run of `freeze apply`: its steps, each journaled in `freeze.journal` so that a re-run
// completes them and lift undoes exactly them.
class FreezeApply {
public:
  FreezeApply(Context& ctx,
              ProjectSession& session,
              pg::Connection& conn,
              core::FreezeRecord& fr,
              std::string db,
              std::string role)
      : m_ctx(ctx), m_session(session), m_conn(conn), m_fr(fr), m_db(std::move(db)),
        m_role(std::move(role)), m_steps(ctx, k_command, fr.journal, [this] { save(); }) {}

  // A new apply starts from a fresh record (an ended freeze archived) saved before any step.
  void start(const std::optional<Signoff>& signoff, const FreezeApplyOptions& options) {
    core::FreezeRecord f = core::restarted_freeze(m_fr);
    f.state = FreezeState::applying;
    f.database = m_db;
    f.odoo_role = m_role;
    f.phase_before = m_session.project().phase();
    f.started_at = core::iso8601_utc(m_ctx.clock.now());
    f.signoff_round = signoff ? std::optional(signoff->round) : std::nullopt;
    f.forced = forced_by(options.force, options.reason);
    m_fr = std::move(f);
    save();
  }

  void save() {
    m_session.edit([&](core::Project& p) { core::write_freeze(p, m_fr); });
  }

  void before_hooks();
  void read_only();
  void terminate();
  void crons();
  void verify();
  void baseline();
  void after_hooks();

private:
  Context& m_ctx;
  ProjectSession& m_session;
  pg::Connection& m_conn;
  core::FreezeRecord& m_fr;
  std::string m_db;
  std::string m_role;
  golive::StepRunner m_steps;
};

void FreezeApply::before_hooks() {
  m_steps.run("before_hooks", nullptr, [&](const json&) -> json {
    try {
      return {{"ran", hooks::run(m_session.project(), m_ctx.project_path(), "before_freeze")}};
    } catch (const core::PreconditionError& e) {
      // Nothing was changed yet: the freeze did not start.
      m_fr.state = FreezeState::not_applied;
      m_fr.failure = e.what();
      m_session.edit([&](core::Project& p) {
        core::write_freeze(p, m_fr);
        m_ctx.record(p, "freeze apply", "failed", {{"step", "before_hooks"}, {"error", e.what()}});
      });
      throw;
    }
  });
}

void FreezeApply::read_only() {
  // The previous setting is recorded first: lift puts it back.
  auto prepare = [&] {
    auto previous = ops::role_read_only_setting(m_conn, m_role, m_db);
    return json{{"role", m_role},
                {"database", m_db},
                {"previous", previous ? json(*previous) : json(nullptr)}};
  };
  m_steps.run("read_only", prepare, [&](const json&) -> json {
    spdlog::info("making '{}' read-only for role '{}'", m_db, m_role);
    ops::set_role_read_only_setting(m_conn, m_role, m_db, std::string("on"));
    return json::object();
  });
}

void FreezeApply::terminate() {
  // Reconnecting sessions get the read-only default.
  m_steps.run("terminate", nullptr, [&](const json&) -> json {
    int n = ops::terminate_sessions(m_conn, m_db);
    spdlog::info("terminated {} other session(s) on '{}'", n, m_db);
    return {{"terminated", n}};
  });
}

void FreezeApply::crons() {
  // The ids active before the freeze are recorded once: a re-run keeps them.
  auto prepare = [&] { return json{{"ids", ops::active_cron_ids(m_conn)}}; };
  m_steps.run("crons", prepare, [&](const json& entry) -> json {
    auto ids = entry.value("ids", std::vector<long long>{});
    long long n = ops::set_crons_active(m_conn, ids, false);
    spdlog::info("deactivated {} cron(s) on '{}'", n, m_db);
    return {{"deactivated", n}};
  });
}

void FreezeApply::verify() {
  m_steps.run("verify", nullptr, [&](const json&) -> json {
    auto probe = ops::probe_write(
        golive::role_conninfo(m_session.project(), m_session.secrets(), m_role, m_db));
    if (probe.connected && probe.write_ok) {
      throw core::DatabaseError("the freeze of '" + m_db + "' is not effective: a write as role '" +
                                    m_role + "' succeeded",
                                "check for a per-role setting overriding it (ALTER ROLE … SET); "
                                "'odoo-upgrade freeze lift' undoes the freeze");
    }
    core::FreezeVerification v{"write_refused", m_role, probe.message, json::object()};
    if (probe.connected) {
      spdlog::info("verified: a write as '{}' is refused ({})", m_role, probe.message);
    } else {
      // Without the role's credentials, the catalog is checked instead.
      if (ops::role_read_only_setting(m_conn, m_role, m_db).value_or("") != "on") {
        throw core::DatabaseError("the freeze of '" + m_db + "' could not be verified",
                                  "'odoo-upgrade freeze lift' undoes the freeze");
      }
      spdlog::warn("cannot connect as '{}' to try a write ({}); verified the setting in "
                   "pg_db_role_setting instead",
                   m_role,
                   probe.message);
      v.method = "catalog";
    }
    m_fr.verification = v;
    return core::to_json(v);
  });
}

void FreezeApply::baseline() {
  // What restore's verification and monitor compare against.
  m_steps.run("baseline", nullptr, [&](const json&) -> json {
    m_fr.baseline = pg::capture_baseline(m_conn);
    spdlog::info("baseline recorded: {} models counted", m_fr.baseline["counts"].size());
    return {{"models", m_fr.baseline["counts"].size()}};
  });
}

void FreezeApply::after_hooks() {
  m_steps.run("after_hooks", nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(m_session.project(), m_ctx.project_path(), "after_freeze")}};
  });
}

void print_applied(Context& ctx, const core::Project& project, const core::FreezeRecord& fr) {
  json journal = fr.journal;
  core::golive::Journal j(journal);
  json doc = {{"database", fr.database},
              {"odoo_role", fr.odoo_role},
              {"frozen_at", fr.frozen_at},
              {"verification", fr.verification ? core::to_json(*fr.verification) : json()},
              {"crons_deactivated", j.find("crons")->value("ids", json::array())},
              {"terminated", j.find("terminate")->value("terminated", 0)},
              {"baseline", fr.baseline},
              {"phase", "frozen"},
              {"next", core::next_step(project)}};
  ctx.out.result(doc, [&](std::ostream& os) {
    os << ctx.out.green("production '" + fr.database + "' is frozen") << " at " << fr.frozen_at
       << " (read-only for role '" << fr.odoo_role << "')\n";
    os << "  sessions terminated  " << doc["terminated"].get<int>() << "\n";
    os << "  crons deactivated    " << doc["crons_deactivated"].size() << "\n";
    os << "  verified             " << (fr.verification ? fr.verification->method : "") << "\n";
    os << "  baseline             " << fr.baseline.value("counts", json::object()).size()
       << " models\n";
    os << "undo with: odoo-upgrade freeze lift\n";
    os << "next: " << core::next_step(project) << "\n";
  });
}

// --- lift ----------------------------------------------------------------------------------------

// True when apply's step `step` may have changed production (journaled started or done).
bool applied(const core::FreezeRecord& fr, std::string_view step) {
  json journal = fr.journal;
  auto s = core::golive::Journal(journal).status(step);
  return s == StepStatus::started || s == StepStatus::done;
}

// What apply's step `step` recorded (an empty object when nothing).
json recorded(const core::FreezeRecord& fr, std::string_view step) {
  json journal = fr.journal;
  const json* e = core::golive::Journal(journal).find(step);
  return e != nullptr ? *e : json::object();
}

std::vector<std::string> lift_plan(const core::FreezeRecord& fr, const std::string& db) {
  std::vector<std::string> plan;
  if (applied(fr, "crons")) {
    plan.push_back("reactivate the " +
                   std::to_string(recorded(fr, "crons").value("ids", json::array()).size()) +
                   " cron(s) deactivated by the freeze");
  }
  if (applied(fr, "read_only")) {
    json prev = recorded(fr, "read_only").value("previous", json());
    plan.push_back(
        "restore the read-only setting of role '" + fr.odoo_role + "' in '" + db + "' (" +
        (prev.is_null() ? std::string("RESET") : "SET " + prev.get<std::string>()) + ")");
  }
  plan.push_back("verify that a write as '" + fr.odoo_role + "' works");
  plan.emplace_back("run the after_lift hooks");
  return plan;
}

// One run of `freeze lift`: undoes, in the reverse order of apply, what apply recorded; each undo
// is idempotent and journaled as undone.
class FreezeLift {
public:
  FreezeLift(Context& ctx, ProjectSession& session, core::FreezeRecord& fr, std::string db)
      : m_ctx(ctx), m_session(session), m_fr(fr), m_db(std::move(db)) {}

  // Recorded before anything is undone: a re-run after a crash lifts again.
  void start() {
    m_fr.state = FreezeState::lifting;
    save();
  }
  void undo_crons(pg::Connection& conn);
  void undo_read_only(pg::Connection& conn);
  void check_writes();

private:
  void save() {
    m_session.edit([&](core::Project& p) { core::write_freeze(p, m_fr); });
  }
  void mark_undone(const char* step) {
    core::golive::Journal(m_fr.journal).mark_undone(step, core::iso8601_utc(m_ctx.clock.now()));
    save();
    golive::crash_point("lift", step, StepStatus::done);
  }

  Context& m_ctx;
  ProjectSession& m_session;
  core::FreezeRecord& m_fr;
  std::string m_db;
};

void FreezeLift::undo_crons(pg::Connection& conn) {
  if (!applied(m_fr, "crons")) {
    return;
  }
  auto ids = recorded(m_fr, "crons").value("ids", std::vector<long long>{});
  long long n = ops::set_crons_active(conn, ids, true);
  spdlog::info("reactivated {} cron(s) on '{}'", n, m_db);
  mark_undone("crons");
}

void FreezeLift::undo_read_only(pg::Connection& conn) {
  if (!applied(m_fr, "read_only")) {
    return;
  }
  json prev = recorded(m_fr, "read_only").value("previous", json());
  ops::set_role_read_only_setting(conn,
                                  m_fr.odoo_role,
                                  m_db,
                                  prev.is_string() ? std::optional(prev.get<std::string>())
                                                   : std::nullopt);
  spdlog::info("restored the read-only setting of '{}' in '{}'", m_fr.odoo_role, m_db);
  mark_undone("read_only");
}

void FreezeLift::check_writes() {
  const std::string& role = m_fr.odoo_role;
  auto probe =
      ops::probe_write(golive::role_conninfo(m_session.project(), m_session.secrets(), role, m_db));
  // Refused writes are expected only when the role was read-only before the freeze.
  bool was_on = recorded(m_fr, "read_only").value("previous", json()) == json("on");
  if (probe.connected && !probe.write_ok && !was_on) {
    throw core::DatabaseError("writes as '" + role + "' are still refused in '" + m_db +
                                  "' after the lift: " + probe.message,
                              "check the role's settings (\\drds in psql)");
  }
  m_fr.lift_verification =
      probe.connected
          ? core::LiftVerification{"write", probe.write_ok, std::nullopt, json::object()}
          : core::LiftVerification{"none", std::nullopt, probe.message, json::object()};
  save();
}

// Lifted: back to the phase before the freeze; a production request made under it is void.
core::Phase finish_lift(Context& ctx,
                        ProjectSession& session,
                        core::FreezeRecord& fr,
                        const std::string& db,
                        const json& ran) {
  fr.state = FreezeState::lifted;
  fr.lifted_at = core::iso8601_utc(ctx.clock.now());
  core::Phase phase{};
  session.edit([&](core::Project& p) {
    core::write_freeze(p, fr);
    if (p.phase() == core::Phase::production_request) {
      golive::invalidate_production_request(p, "the freeze was lifted at " + fr.lifted_at);
      spdlog::warn("the production request is void: production may change after the lift; a "
                   "new freeze and prod-request are needed");
    }
    phase = core::phase_after_lift(p, fr);
    ctx.record(p, "freeze lift", "ok", {{"database", db}, {"hooks", ran.size()}});
  });
  return phase;
}

// --- hooks ---------------------------------------------------------------------------------------

// Bad input changes nothing: events and the timeout are checked before the project is opened.
void check_hook_options(const FreezeHooksOptions& options) {
  for (const auto& e : {options.add_event, options.clear_event}) {
    if (!e.empty() && !hooks::valid_event(e)) {
      throw core::UsageError("unknown hook event '" + e + "'",
                             "use one of: " + join(hooks::events(), ", "));
    }
  }
  if (!options.add_event.empty() && options.add_command.empty()) {
    throw core::UsageError("--add needs an event and a command");
  }
  if (options.timeout) {
    auto d = core::parse_duration(*options.timeout);
    if (!d || d->count() <= 0) {
      throw core::UsageError("--timeout '" + *options.timeout + "' is not a duration",
                             "use e.g. 5m");
    }
  }
}

core::HookConfig changed_hooks(core::HookConfig h, const FreezeHooksOptions& options) {
  if (!options.clear_event.empty()) {
    h.commands.erase(options.clear_event);
  }
  if (!options.add_event.empty()) {
    h.commands[options.add_event].push_back(options.add_command);
  }
  if (options.timeout) {
    h.timeout = *options.timeout;
  }
  return h;
}

void print_hooks(Context& ctx, const core::Project& project, bool change) {
  json doc = {{"hooks", json::object()},
              {"hooks_timeout", core::format_duration(hooks::timeout(project))}};
  for (const auto& e : hooks::events()) {
    doc["hooks"][e] = hooks::commands_for(project, e);
  }
  ctx.out.result(doc, [&](std::ostream& os) {
    if (ctx.options.dry_run && change) {
      os << "(dry run: nothing changed)\n";
    }
    for (const auto& e : hooks::events()) {
      auto cmds = hooks::commands_for(project, e);
      os << e << ":" << (cmds.empty() ? " -" : "") << "\n";
      for (const auto& c : cmds) {
        os << "  " << c << "\n";
      }
    }
    os << "timeout per command: " << doc["hooks_timeout"].get<std::string>() << "\n";
  });
}

} // namespace

int run_freeze_plan(const FreezePlanOptions& options, Context& ctx) {
  // Bad input changes nothing: the options are checked before the project is opened.
  check_force(options.force, options.reason);
  Window window = parse_window(options);
  ProjectSession session = open_project(ctx, "freeze plan", Lock::take);
  // The window lies ahead and after the sign-off the freeze relies on.
  auto signoff = require_signoff(session.project(), options.force, options.reason);
  check_window(window, signoff, ctx.clock.now());
  // The downtime is estimated from the latest tested round's measured timings, scaled to
  // production's size now.
  auto round = golive::latest_tested_round(session.project());
  auto size_now = production_size_now(session, round);
  core::FreezePlan plan =
      make_plan(session.project(), round, size_now, window, options, ctx.clock.now());
  if (round) {
    warn_dump_differences(*round, plan);
  }
  if (!plan.fits) {
    spdlog::warn("the window ({}) is shorter than the estimated downtime ({})",
                 duration_text(plan.window_s),
                 duration_text(plan.estimate.total_s));
  }
  auto print = [&](std::ostream& os) { print_window(os, ctx, plan); };
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"plan", core::to_json(plan)}}, print);
    return 0;
  }
  // Recorded in the freeze section, where apply keeps it.
  session.edit([&](core::Project& p) {
    core::FreezeRecord fr = core::read_freeze(p);
    fr.plan = plan;
    core::write_freeze(p, fr);
    ctx.record(p,
               "freeze plan",
               options.force ? "forced" : "ok",
               {{"at", plan.at}, {"go_live", plan.go_live}, {"estimate_s", plan.estimate.total_s}});
  });
  ctx.out.result({{"plan", core::to_json(plan)}}, print);
  return 0;
}

int run_freeze_apply(const FreezeApplyOptions& options, Context& ctx) {
  check_force(options.force, options.reason);
  ProjectSession session = open_project(ctx, "freeze apply", Lock::take);
  // The sign-off the freeze relies on (or the recorded reason to go without).
  auto signoff = require_signoff(session.project(), options.force, options.reason);
  std::string db = golive::production_db(session.project());
  core::FreezeRecord fr = core::read_freeze(session.project());
  bool resuming = fr.state == FreezeState::applying;
  // Everything is checked before the first side effect.
  for (const char* event : {"before_freeze", "after_freeze"}) {
    hooks::commands_for(session.project(), event);
  }
  hooks::timeout(session.project());
  // Never freeze another database than the one initiate recorded.
  require_recorded_production(session.project(), session.secrets());
  pg::Connection conn(source_conninfo(session.project(), session.secrets()));
  std::string role = freeze_role(conn, fr, options, db);
  if (ctx.options.dry_run) {
    return print_apply_plan(ctx, fr, db, role);
  }
  // Production stops taking data entry: the consultant says so (or --yes).
  require_confirmation(ctx,
                       "freeze production database '" + db + "' (read-only for '" + role +
                           "', every session ended, crons off)" +
                           (resuming ? ", completing the half-applied freeze" : "") + "?");
  FreezeApply apply(ctx, session, conn, fr, db, role);
  // A half-applied freeze is completed; else a new one starts.
  if (resuming) {
    spdlog::info("completing the half-applied freeze of '{}'", db);
  } else {
    apply.start(signoff, options);
  }
  apply.before_hooks();
  apply.read_only();
  apply.terminate();
  apply.crons();
  apply.verify();
  apply.baseline();
  apply.after_hooks();
  // Frozen: the phase says so, the history says whether it was forced.
  fr.state = FreezeState::applied;
  fr.frozen_at = core::iso8601_utc(ctx.clock.now());
  session.edit([&](core::Project& p) {
    core::write_freeze(p, fr);
    core::phase_after_freeze(p);
    ctx.record(p,
               "freeze apply",
               options.force ? "forced" : "ok",
               {{"database", db}, {"odoo_role", role}, {"frozen_at", fr.frozen_at}});
  });
  print_applied(ctx, session.project(), fr);
  return 0;
}

int run_freeze_lift(const FreezeLiftOptions&, Context& ctx) {
  ProjectSession session = open_project(ctx, "freeze lift", Lock::take);
  core::FreezeRecord fr = core::read_freeze(session.project());
  // Only a freeze that is (partly) applied can be lifted.
  if (!core::is_frozen(fr.state)) {
    throw core::PreconditionError("production is not frozen (freeze state '" +
                                      std::string(core::to_string(fr.state)) + "')",
                                  "nothing to lift");
  }
  hooks::commands_for(session.project(), "after_lift");
  std::string db = fr.database.empty() ? golive::production_db(session.project()) : fr.database;
  // Never change another database than the one initiate recorded (and the freeze froze).
  require_recorded_production(session.project(), session.secrets());
  // Exactly what apply recorded is undone.
  if (ctx.options.dry_run) {
    return print_plan(ctx, "freeze lift would:", lift_plan(fr, db));
  }
  FreezeLift lift(ctx, session, fr, db);
  lift.start();
  pg::Connection conn(source_conninfo(session.project(), session.secrets()));
  // In the reverse order of apply.
  lift.undo_crons(conn);
  lift.undo_read_only(conn);
  lift.check_writes();
  json ran = hooks::run(session.project(), ctx.project_path(), "after_lift");
  core::Phase phase = finish_lift(ctx, session, fr, db, ran);
  ctx.out.result({{"database", db},
                  {"lifted_at", fr.lifted_at},
                  {"phase", std::string(core::to_string(phase))},
                  {"hooks", ran}},
                 [&](std::ostream& os) {
                   os << ctx.out.green("freeze of '" + db + "' lifted")
                      << ": writes and crons are back\n";
                   os << "next: " << core::next_step(session.project()) << "\n";
                 });
  return 0;
}

int run_freeze_hooks(const FreezeHooksOptions& options, Context& ctx) {
  check_hook_options(options);
  bool change = !options.add_event.empty() || !options.clear_event.empty() || options.timeout;
  // Only a change takes the project lock; listing reads the file as it is.
  ProjectSession session = open_project(ctx, "", change ? Lock::take : Lock::none);
  if (change && !ctx.options.dry_run) {
    session.edit([&](core::Project& p) {
      core::HookConfig h = changed_hooks(core::read_hooks(p), options);
      core::write_hooks(p, h);
      ctx.record(p, "freeze hooks", "ok", {{"hooks", core::to_json(h)}});
    });
  }
  print_hooks(ctx, session.project(), change);
  return 0;
}

} // namespace odoo_upgrade::commands
