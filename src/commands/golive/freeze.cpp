// `freeze plan`, `freeze apply`, `freeze lift`, `freeze hooks`: the go-live window and the
// data-entry stop in production, journaled so that lift undoes exactly what apply did.
#include "golive_common.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/baseline.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/freeze.hpp>
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
namespace pg = adapters::pg;
namespace ops = adapters::pg::golive;
using core::golive::StepStatus;

constexpr const char* k_command = "freeze";

void check_force(bool force, const std::string& reason) {
  if (force && reason.empty()) {
    throw core::UsageError("--force needs --reason",
                           "say why the freeze goes ahead without sign-off");
  }
  if (!force && !reason.empty()) {
    throw core::UsageError("--reason is only used with --force", "drop --reason or add --force");
  }
}

// The sign-off the freeze relies on; PreconditionError without one unless forced.
json require_signoff(const core::Project& project, bool force, const std::string& reason) {
  const json* s = golive::latest_signoff(project);
  if (s != nullptr) {
    return *s;
  }
  const json* round = project.latest_round();
  std::string which = round != nullptr ? "round " + std::to_string(round->value("number", 0))
                                       : std::string("no test round");
  if (!force) {
    throw core::PreconditionError("the latest test round (" + which + ") is not signed off",
                                  "run 'odoo-upgrade uat signoff --by NAME' first, or go ahead "
                                  "with --force --reason TEXT");
  }
  spdlog::warn("no sign-off of the latest test round ({}); going ahead: {}", which, reason);
  return json(nullptr);
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : sep) + i;
  }
  return out;
}

// The latest round that was tested (its timings measure a whole chain).
const json* latest_tested_round(const core::Project& project) {
  const json* rounds = project.find_section("rounds");
  if (rounds == nullptr || !rounds->is_array()) {
    return nullptr;
  }
  for (auto it = rounds->rbegin(); it != rounds->rend(); ++it) {
    if (it->value("state", "") == "tested") {
      return &*it;
    }
  }
  return nullptr;
}

std::string duration_text(double seconds) {
  return core::format_duration(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
}

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
    return "ALTER ROLE \"" + role + "\" IN DATABASE \"" + db +
           "\" SET default_transaction_read_only = on (the previous value is recorded)";
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

} // namespace

int run_freeze_plan(const FreezePlanOptions& options, Context& ctx) {
  check_force(options.force, options.reason);
  auto at = core::parse_iso8601(options.at);
  if (!at) {
    throw core::UsageError("--at '" + options.at + "' is not a date and time",
                           "use e.g. 2026-12-05T18:00:00Z or '2026-12-05 18:00' (UTC)");
  }
  auto go_live = core::parse_iso8601(options.go_live);
  if (!go_live) {
    throw core::UsageError("--go-live '" + options.go_live + "' is not a date and time",
                           "use e.g. 2026-12-06T08:00:00Z or '2026-12-06 08:00' (UTC)");
  }
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  core::require_phase(project, "freeze plan");
  json signoff = require_signoff(project, options.force, options.reason);
  std::optional<core::TimePoint> signed_at;
  if (signoff.is_object()) {
    signed_at = core::parse_iso8601(signoff.value("at", ""));
  }
  auto problems = core::golive::window_problems(*at, *go_live, ctx.clock.now(), signed_at);
  if (!problems.empty()) {
    throw core::UsageError("invalid go-live window: " + join(problems, "; "),
                           "pass future times with --at before --go-live");
  }
  const json* round = latest_tested_round(project);
  auto estimate =
      core::golive::estimate_downtime(round != nullptr ? round->value("timings", json()) : json());
  double window_s = std::chrono::duration<double>(*go_live - *at).count();
  bool fits = window_s >= estimate.total_s;
  json parts = json::object();
  for (const auto& [k, v] : estimate.parts) {
    parts[k] = v;
  }
  json plan = {{"at", core::iso8601_utc(*at)},
               {"go_live", core::iso8601_utc(*go_live)},
               {"window_s", window_s},
               {"round", round != nullptr ? round->value("number", json()) : json()},
               {"estimate",
                {{"total_s", estimate.total_s}, {"parts", parts}, {"missing", estimate.missing}}},
               {"fits", fits},
               {"forced", options.force ? json({{"reason", options.reason}}) : json(nullptr)},
               {"recorded_at", core::iso8601_utc(ctx.clock.now())}};
  if (!fits) {
    spdlog::warn("the window ({}) is shorter than the estimated downtime ({})",
                 duration_text(window_s),
                 duration_text(estimate.total_s));
  }
  auto print = [&](std::ostream& os) {
    os << (ctx.options.dry_run ? "would plan" : "planned") << " the freeze at "
       << plan["at"].get<std::string>() << ", go-live at " << plan["go_live"].get<std::string>()
       << " (window " << duration_text(window_s) << ")\n";
    if (round != nullptr) {
      os << "estimated downtime from round " << round->value("number", 0) << ": "
         << duration_text(estimate.total_s) << "\n";
      for (const auto& [k, v] : estimate.parts) {
        os << "  " << k.substr(0, k.size() - 2) << " " << duration_text(v) << "\n";
      }
      os << "  (plus the production request's processing time on the upgrade service, which "
            "grows with the database)\n";
    } else {
      os << "no tested round: no downtime estimate\n";
    }
    os << (fits ? ctx.out.green("the window fits the estimate")
                : ctx.out.yellow("the window is shorter than the estimate"))
       << "\n";
  };
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"plan", plan}}, print);
    return 0;
  }
  project.section("freeze")["plan"] = plan;
  ctx.record(project,
             "freeze plan",
             options.force ? "forced" : "ok",
             {{"at", plan["at"]}, {"go_live", plan["go_live"]}, {"estimate_s", estimate.total_s}});
  adapters::fs::save_project(ctx.project_path(), project);
  ctx.out.result({{"plan", plan}}, print);
  return 0;
}

int run_freeze_apply(const FreezeApplyOptions& options, Context& ctx) {
  check_force(options.force, options.reason);
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  adapters::fs::SecretStore secrets(ctx.project_path());
  core::require_phase(project, "freeze apply");
  json signoff = require_signoff(project, options.force, options.reason);
  std::string db = golive::production_db(project);
  json& fr = project.section("freeze");
  bool resuming = fr.value("state", "") == "applying";

  // Everything is checked before the first side effect.
  for (const char* event : {"before_freeze", "after_freeze"}) {
    hooks::commands_for(project, event);
  }
  hooks::timeout(project);
  pg::Connection conn(source_conninfo(project, secrets));
  std::string role;
  if (resuming) {
    role = fr.value("odoo_role", "");
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

  if (ctx.options.dry_run) {
    json plan = json::array();
    core::golive::Journal j(fr["journal"]);
    for (const auto& s : apply_steps()) {
      if (!resuming || j.status(s) != StepStatus::done) {
        plan.push_back(describe_apply_step(s, db, role));
      }
    }
    plan.push_back("set the phase to frozen");
    ctx.out.result({{"dry_run", true}, {"database", db}, {"odoo_role", role}, {"plan", plan}},
                   [&](std::ostream& os) {
                     os << "freeze apply would" << (resuming ? " complete" : "") << ":\n";
                     for (const auto& s : plan) {
                       os << "  - " << s.get<std::string>() << "\n";
                     }
                   });
    return 0;
  }

  if (!resuming) {
    // A freeze lifted earlier stays on record.
    std::string old_state = fr.value("state", "");
    if (old_state == "lifted" || old_state == "superseded") {
      json previous = fr;
      previous.erase("previous");
      previous.erase("plan");
      json& list = fr["previous"];
      if (!list.is_array()) {
        list = json::array();
      }
      list.push_back(previous);
    }
    for (const char* k :
         {"journal", "baseline", "frozen_at", "at", "lifted_at", "verification", "failure"}) {
      fr.erase(k);
    }
    fr["state"] = "applying";
    fr["database"] = db;
    fr["odoo_role"] = role;
    fr["phase_before"] = std::string(core::to_string(project.phase()));
    fr["started_at"] = core::iso8601_utc(ctx.clock.now());
    fr["signoff_round"] = signoff.is_object() ? signoff.value("round", json()) : json(nullptr);
    fr["forced"] = options.force ? json({{"reason", options.reason}}) : json(nullptr);
    fr["journal"] = json::array();
    adapters::fs::save_project(ctx.project_path(), project);
  } else {
    spdlog::info("completing the half-applied freeze of '{}'", db);
  }

  golive::StepRunner steps(
      project, ctx, k_command, [&]() -> json& { return project.section("freeze")["journal"]; });

  steps.run("before_hooks", nullptr, [&](const json&) -> json {
    try {
      return {{"ran", hooks::run(project, ctx.project_path(), "before_freeze")}};
    } catch (const core::PreconditionError& e) {
      // Nothing was changed yet: the freeze did not start.
      json& f = project.section("freeze");
      f["state"] = "not_applied";
      f["failure"] = e.what();
      ctx.record(
          project, "freeze apply", "failed", {{"step", "before_hooks"}, {"error", e.what()}});
      adapters::fs::save_project(ctx.project_path(), project);
      throw;
    }
  });
  steps.run(
      "read_only",
      [&] {
        auto previous = ops::role_read_only_setting(conn, role, db);
        return json{{"role", role},
                    {"database", db},
                    {"previous", previous ? json(*previous) : json(nullptr)}};
      },
      [&](const json&) -> json {
        spdlog::info("making '{}' read-only for role '{}'", db, role);
        ops::set_role_read_only_setting(conn, role, db, std::string("on"));
        return json::object();
      });
  steps.run("terminate", nullptr, [&](const json&) -> json {
    int n = ops::terminate_sessions(conn, db);
    spdlog::info("terminated {} other session(s) on '{}'", n, db);
    return {{"terminated", n}};
  });
  steps.run(
      "crons",
      [&] {
        return json{{"ids", ops::active_cron_ids(conn)}};
      },
      [&](const json& entry) -> json {
        auto ids = entry.value("ids", std::vector<long long>{});
        long long n = ops::set_crons_active(conn, ids, false);
        spdlog::info("deactivated {} cron(s) on '{}'", n, db);
        return {{"deactivated", n}};
      });
  steps.run("verify", nullptr, [&](const json&) -> json {
    auto probe = ops::probe_write(golive::role_conninfo(project, secrets, role, db));
    json v;
    if (probe.connected && probe.write_ok) {
      throw core::DatabaseError("the freeze of '" + db + "' is not effective: a write as role '" +
                                    role + "' succeeded",
                                "check for a per-role setting overriding it (ALTER ROLE … SET); "
                                "'odoo-upgrade freeze lift' undoes the freeze");
    }
    if (probe.connected) {
      spdlog::info("verified: a write as '{}' is refused ({})", role, probe.message);
      v = {{"method", "write_refused"}, {"role", role}, {"message", probe.message}};
    } else {
      // Without the role's credentials, the catalog is checked instead.
      auto setting = ops::role_read_only_setting(conn, role, db);
      if (setting.value_or("") != "on") {
        throw core::DatabaseError("the freeze of '" + db + "' could not be verified",
                                  "'odoo-upgrade freeze lift' undoes the freeze");
      }
      spdlog::warn("cannot connect as '{}' to try a write ({}); verified the setting in "
                   "pg_db_role_setting instead",
                   role,
                   probe.message);
      v = {{"method", "catalog"}, {"role", role}, {"message", probe.message}};
    }
    project.section("freeze")["verification"] = v;
    return v;
  });
  steps.run("baseline", nullptr, [&](const json&) -> json {
    json baseline = pg::capture_baseline(conn);
    project.section("freeze")["baseline"] = baseline;
    spdlog::info("baseline recorded: {} models counted", baseline["counts"].size());
    return {{"models", baseline["counts"].size()}};
  });
  steps.run("after_hooks", nullptr, [&](const json&) -> json {
    return {{"ran", hooks::run(project, ctx.project_path(), "after_freeze")}};
  });

  json& f = project.section("freeze");
  f["state"] = "applied";
  f["frozen_at"] = core::iso8601_utc(ctx.clock.now());
  f["at"] = f["frozen_at"]; // the freeze time `monitor` reads
  project.set_phase(core::Phase::frozen);
  ctx.record(project,
             "freeze apply",
             options.force ? "forced" : "ok",
             {{"database", db}, {"odoo_role", role}, {"frozen_at", f["frozen_at"]}});
  adapters::fs::save_project(ctx.project_path(), project);
  core::golive::Journal j(f["journal"]);
  json doc = {{"database", db},
              {"odoo_role", role},
              {"frozen_at", f["frozen_at"]},
              {"verification", f["verification"]},
              {"crons_deactivated", j.find("crons")->value("ids", json::array())},
              {"terminated", j.find("terminate")->value("terminated", 0)},
              {"baseline", f["baseline"]},
              {"phase", "frozen"},
              {"next", core::next_step(project)}};
  ctx.out.result(doc, [&](std::ostream& os) {
    os << ctx.out.green("production '" + db + "' is frozen") << " at "
       << f["frozen_at"].get<std::string>() << " (read-only for role '" << role << "')\n";
    os << "  sessions terminated  " << doc["terminated"].get<int>() << "\n";
    os << "  crons deactivated    " << doc["crons_deactivated"].size() << "\n";
    os << "  verified             " << f["verification"].value("method", "") << "\n";
    os << "  baseline             " << f["baseline"]["counts"].size() << " models\n";
    os << "undo with: odoo-upgrade freeze lift\n";
    os << "next: " << core::next_step(project) << "\n";
  });
  return 0;
}

int run_freeze_lift(const FreezeLiftOptions&, Context& ctx) {
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  adapters::fs::SecretStore secrets(ctx.project_path());
  core::require_phase(project, "freeze lift");
  json& fr = project.section("freeze");
  std::string state = fr.value("state", "");
  if (state != "applying" && state != "applied" && state != "lifting") {
    throw core::PreconditionError("production is not frozen (freeze state '" +
                                      (state.empty() ? std::string("none") : state) + "')",
                                  "nothing to lift");
  }
  hooks::commands_for(project, "after_lift");
  std::string db = fr.value("database", golive::production_db(project));
  std::string role = fr.value("odoo_role", "");
  core::golive::Journal j(fr["journal"]);
  auto crons = j.status("crons");
  auto ro = j.status("read_only");
  json plan = json::array();
  if (crons == StepStatus::started || crons == StepStatus::done) {
    plan.push_back("reactivate the " +
                   std::to_string(j.find("crons")->value("ids", json::array()).size()) +
                   " cron(s) deactivated by the freeze");
  }
  if (ro == StepStatus::started || ro == StepStatus::done) {
    json prev = j.find("read_only")->value("previous", json());
    plan.push_back("restore the read-only setting of role '" + role + "' in '" + db + "' (" +
                   (prev.is_null() ? std::string("RESET") : "SET " + prev.get<std::string>()) +
                   ")");
  }
  plan.push_back("verify that a write as '" + role + "' works");
  plan.push_back("run the after_lift hooks");
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"plan", plan}}, [&](std::ostream& os) {
      os << "freeze lift would:\n";
      for (const auto& s : plan) {
        os << "  - " << s.get<std::string>() << "\n";
      }
    });
    return 0;
  }
  fr["state"] = "lifting";
  adapters::fs::save_project(ctx.project_path(), project);

  pg::Connection conn(source_conninfo(project, secrets));
  auto now = [&] { return core::iso8601_utc(ctx.clock.now()); };
  // Undo in the reverse order of apply; each undo is idempotent and recorded.
  if (crons == StepStatus::started || crons == StepStatus::done) {
    auto ids = j.find("crons")->value("ids", std::vector<long long>{});
    long long n = ops::set_crons_active(conn, ids, true);
    spdlog::info("reactivated {} cron(s) on '{}'", n, db);
    core::golive::Journal(project.section("freeze")["journal"]).mark_undone("crons", now());
    adapters::fs::save_project(ctx.project_path(), project);
    golive::crash_point("lift", "crons", StepStatus::done);
  }
  if (ro == StepStatus::started || ro == StepStatus::done) {
    json prev = j.find("read_only")->value("previous", json());
    ops::set_role_read_only_setting(
        conn, role, db, prev.is_string() ? std::optional(prev.get<std::string>()) : std::nullopt);
    spdlog::info("restored the read-only setting of '{}' in '{}'", role, db);
    core::golive::Journal(project.section("freeze")["journal"]).mark_undone("read_only", now());
    adapters::fs::save_project(ctx.project_path(), project);
    golive::crash_point("lift", "read_only", StepStatus::done);
  }
  auto probe = ops::probe_write(golive::role_conninfo(project, secrets, role, db));
  json& f = project.section("freeze");
  if (probe.connected && !probe.write_ok) {
    bool was_on = false;
    if (j.find("read_only") != nullptr) {
      was_on = j.find("read_only")->value("previous", json()) == json("on");
    }
    if (!was_on) {
      throw core::DatabaseError("writes as '" + role + "' are still refused in '" + db +
                                    "' after the lift: " + probe.message,
                                "check the role's settings (\\drds in psql)");
    }
  }
  f["lift_verification"] = probe.connected ? json{{"method", "write"}, {"write_ok", probe.write_ok}}
                                           : json{{"method", "none"}, {"message", probe.message}};
  adapters::fs::save_project(ctx.project_path(), project);
  json ran = hooks::run(project, ctx.project_path(), "after_lift");

  f["state"] = "lifted";
  f["lifted_at"] = now();
  auto before =
      core::parse_phase(f.value("phase_before", "signed_off")).value_or(core::Phase::signed_off);
  bool had_request = project.phase() == core::Phase::production_request;
  if (had_request) {
    json& prod = project.section("production");
    prod["invalidated"] = "the freeze was lifted at " + f["lifted_at"].get<std::string>();
    spdlog::warn("the production request is void: production may change after the lift; a new "
                 "freeze and prod-request are needed");
  }
  project.set_phase(before);
  ctx.record(project, "freeze lift", "ok", {{"database", db}, {"hooks", ran.size()}});
  adapters::fs::save_project(ctx.project_path(), project);
  ctx.out.result({{"database", db},
                  {"lifted_at", f["lifted_at"]},
                  {"phase", std::string(core::to_string(before))},
                  {"hooks", ran}},
                 [&](std::ostream& os) {
                   os << ctx.out.green("freeze of '" + db + "' lifted")
                      << ": writes and crons are back\n";
                   os << "next: " << core::next_step(project) << "\n";
                 });
  return 0;
}

int run_freeze_hooks(const FreezeHooksOptions& options, Context& ctx) {
  bool change = !options.add_event.empty() || !options.clear_event.empty() || options.timeout;
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
  std::optional<adapters::fs::ProjectLock> lock;
  if (change && !ctx.options.dry_run) {
    lock.emplace(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  if (change && !ctx.options.dry_run) {
    json& h = project.section("hooks");
    if (!options.clear_event.empty()) {
      h.erase(options.clear_event);
    }
    if (!options.add_event.empty()) {
      json& list = h[options.add_event];
      if (!list.is_array()) {
        list = json::array();
      }
      list.push_back(options.add_command);
    }
    if (options.timeout) {
      project.doc()["hooks_timeout"] = *options.timeout;
    }
    ctx.record(project, "freeze hooks", "ok", {{"hooks", h}});
    adapters::fs::save_project(ctx.project_path(), project);
  }
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
  return 0;
}

} // namespace odoo_upgrade::commands
