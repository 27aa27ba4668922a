#include "gather.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/monitor.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/monitor_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>

#include <spdlog/spdlog.h>

#include <iomanip>
#include <map>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace m = core::monitor;
using monitor::Target;
using std::chrono::milliseconds;
namespace stdfs = std::filesystem;

// Bad input changes nothing: every option is checked before anything is contacted.
void validate(const MonitorOptions& o) {
  if (o.duration && !o.watch) {
    throw core::UsageError("option '--for' needs '--watch'", "e.g. --watch 5m --for 2h");
  }
  if (o.watch && o.watch->count() <= 0) {
    throw core::UsageError("option '--watch' must be more than 0", "e.g. --watch 5m");
  }
  if (o.duration && o.duration->count() <= 0) {
    throw core::UsageError("option '--for' must be more than 0", "e.g. --for 2h");
  }
  if (o.url && o.url->rfind("http://", 0) != 0 && o.url->rfind("https://", 0) != 0) {
    throw core::UsageError("odoo url '" + *o.url + "' is not an http(s) URL",
                           "e.g. --url https://erp.example.com");
  }
}

std::optional<core::TimePoint> time_field(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  auto t = core::parse_iso8601(text);
  if (!t) {
    spdlog::warn("ignoring malformed time '{}' in the project", text);
  }
  return t;
}

// A monitor must not hang on an unreachable server: at most 10 s to connect unless set.
std::string with_connect_timeout(const std::string& conninfo) {
  auto info = adapters::pg::parse_conninfo(conninfo);
  if (!info.get("connect_timeout")) {
    info.set("connect_timeout", "10");
  }
  return adapters::pg::to_conninfo(info);
}

// What to watch, from the options and (when there is one) the project file.
Target resolve_target(const MonitorOptions& o, Context& ctx) {
  Target t;
  t.url = o.url;
  std::error_code ec;
  if (!stdfs::exists(ctx.project_path(), ec)) {
    if (!t.url) {
      throw core::PreconditionError("no project file '" + ctx.project_path().string() +
                                        "' and no Odoo URL to check",
                                    "give --url ODOO_URL to check Odoo over HTTP alone, or "
                                    "--project FILE");
    }
    t.expected_series = o.series.value_or("");
    return t;
  }
  // Read-only: monitor never holds the lock for its checks.
  auto session = open_project(ctx, "monitor", Lock::none);
  const core::Project& project = session.project();
  auto settings = m::read_monitor(project);
  t.thresholds = settings.thresholds;
  if (!t.url) {
    t.url = settings.url;
  }
  t.has_project = true;
  t.expected_series = o.series.value_or(project.target_version());
  const core::GoliveRecord golive = core::read_golive(project);
  const core::FreezeRecord freeze = core::read_freeze(project);
  auto source = core::find_source(project);
  t.database = golive.database;
  if (t.database.empty() && source) {
    t.database = source->dbname;
  }
  t.golive_at = time_field(golive.live_at);
  t.freeze_at = time_field(freeze.frozen_at);
  if (freeze.baseline.is_object()) {
    t.baseline = freeze.baseline;
  }
  t.data_dir = data_dir(project);
  const auto& secrets = session.secrets();
  t.conninfo = with_connect_timeout(server_conninfo(project, secrets, t.database));
  t.pre_database = golive.pre_upgrade_db;
  if (!t.pre_database.empty()) {
    t.pre_conninfo = with_connect_timeout(server_conninfo(project, secrets, t.pre_database));
  }
  return t;
}

void print_table(std::ostream& os, const Output& out, const std::vector<m::Check>& checks) {
  for (const auto& c : checks) {
    os << "  " << styled_label(out, c.status) << " " << std::left << std::setw(30) << c.title
       << std::right << c.finding << "\n";
  }
}

std::string counts_line(const std::vector<m::Check>& checks) {
  std::map<core::Severity, int> n;
  for (const auto& c : checks) {
    ++n[c.status];
  }
  std::string s;
  for (auto st : {core::Severity::blocking,
                  core::Severity::warning,
                  core::Severity::ok,
                  core::Severity::info,
                  core::Severity::skipped}) {
    if (n[st] > 0) {
      s += (s.empty() ? "" : ", ") + std::to_string(n[st]) + " " + std::string(core::to_string(st));
    }
  }
  return s;
}

nlohmann::json checks_json(const std::vector<m::Check>& checks) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : checks) {
    a.push_back(m::to_json(c));
  }
  return a;
}

nlohmann::json
result_doc(const Target& t, const std::vector<m::Check>& checks, const std::string& checked_at) {
  core::Severity s = m::overall(checks);
  return {{"status", std::string(core::to_string(s))},
          {"exit_code", m::exit_code(s)},
          {"checked_at", checked_at},
          {"url", t.url ? nlohmann::json(*t.url) : nlohmann::json()},
          {"database", t.database.empty() ? nlohmann::json() : nlohmann::json(t.database)},
          {"expected_series", t.expected_series},
          {"checks", checks_json(checks)}};
}

void print_header(std::ostream& os, const Output& out, const Target& t, const std::string& at) {
  os << out.bold("Monitor") << "  " << (t.url ? *t.url : "(no url)") << "  database "
     << (t.database.empty() ? "-" : t.database) << "  " << at << "\n";
}

// Appends the watch summary to the project history. The lock is taken only now, so that monitor
// runs alongside other commands; a busy lock is retried for a few seconds, then given up with a
// warning (the summary is still printed). A dry run records nothing.
void record_summary(Context& ctx, const std::string& outcome, const nlohmann::json& details) {
  if (ctx.options.dry_run) {
    return;
  }
  for (int attempt = 0;; ++attempt) {
    try {
      auto session = open_project(ctx, "", Lock::take);
      session.edit([&](core::Project& p) { ctx.record(p, "monitor", outcome, details); });
      return;
    } catch (const core::LockError& e) {
      if (attempt >= 20 || core::interrupted()) {
        spdlog::warn("watch summary not recorded in the project history: {}", e.what());
        return;
      }
      ctx.clock.sleep_for(milliseconds(500));
    }
  }
}

int run_once(const Target& t, Context& ctx) {
  monitor::WatchMemory memory;
  auto checks = monitor::gather(t, memory, ctx.clock);
  std::string at = core::iso8601_utc(ctx.clock.now());
  core::Severity s = m::overall(checks);
  ctx.out.result(result_doc(t, checks, at), [&](std::ostream& os) {
    print_header(os, ctx.out, t, at);
    print_table(os, ctx.out, checks);
    os << "overall: " << styled_label(ctx.out, s) << " (" << counts_line(checks) << ")\n";
  });
  return m::exit_code(s);
}

// What a watch has seen so far.
struct Watch {
  monitor::WatchMemory memory;
  core::TimePoint started;
  std::vector<m::Check> last;                  // the latest round
  std::map<std::string, core::Severity> worst; // per check, over every round
  nlohmann::json changes = nlohmann::json::array();
  int rounds = 0;
  bool interrupted = false;
};

// One round of a watch: the whole table the first time, then only what changed.
void watch_round(const Target& t, Watch& w, Context& ctx) {
  auto checks = monitor::gather(t, w.memory, ctx.clock);
  std::string at = core::iso8601_utc(ctx.clock.now());
  std::ostream& text = ctx.out.text();
  if (w.rounds == 0) {
    print_header(text, ctx.out, t, at);
    print_table(text, ctx.out, checks);
  }
  for (const auto& ch : w.rounds == 0 ? std::vector<m::Change>{} : m::changes(w.last, checks)) {
    text << at << "  " << styled_label(ctx.out, ch.to) << " " << ch.title << ": " << ch.finding
         << (ch.from ? " (was " + std::string(core::label(*ch.from)) + ")" : "") << "\n";
    w.changes.push_back(
        {{"at", at},
         {"check", ch.check},
         {"from", ch.from ? nlohmann::json(core::to_string(*ch.from)) : nlohmann::json()},
         {"to", core::to_string(ch.to)},
         {"finding", ch.finding}});
  }
  text.flush();
  for (const auto& c : checks) {
    auto it = w.worst.find(c.id);
    w.worst[c.id] = it == w.worst.end() ? c.status : core::worst(it->second, c.status);
  }
  w.last = std::move(checks);
  ++w.rounds;
}

// Repeats rounds every --watch until --for elapses; Ctrl-C is the normal way to end an open-ended
// watch, and what was seen is summarized either way.
void watch_loop(const MonitorOptions& o, const Target& t, Watch& w, Context& ctx) {
  try {
    for (;;) {
      watch_round(t, w, ctx);
      auto elapsed = std::chrono::duration_cast<milliseconds>(ctx.clock.now() - w.started);
      if (o.duration && elapsed >= *o.duration) {
        return;
      }
      ctx.clock.sleep_for(o.duration ? std::min(*o.watch, *o.duration - elapsed) : *o.watch);
    }
  } catch (const core::Interrupted&) {
    w.interrupted = true;
  }
}

// The checks that needed attention at some point of the watch, by id.
nlohmann::json problems_seen(const Watch& w) {
  nlohmann::json problems = nlohmann::json::object();
  for (const auto& [id, st] : w.worst) {
    if (core::needs_attention(st)) {
      problems[id] = core::to_string(st);
    }
  }
  return problems;
}

void print_watch_summary(std::ostream& os,
                         const Output& out,
                         const Watch& w,
                         milliseconds duration,
                         const nlohmann::json& problems) {
  core::Severity s = m::overall(w.last);
  os << "\nwatched " << w.rounds << " round" << (w.rounds == 1 ? "" : "s") << " over "
     << core::format_duration(duration) << (w.interrupted ? " (interrupted)" : "")
     << "; now: " << styled_label(out, s) << " (" << counts_line(w.last) << ")\n";
  for (const auto& c : w.last) {
    if (core::needs_attention(c.status)) {
      os << "  " << styled_label(out, c.status) << " " << c.title << ": " << c.finding << "\n";
    }
  }
  if (!problems.empty()) {
    os << "problems seen during the watch:";
    for (const auto& [id, st] : problems.items()) {
      os << " " << id << " (" << st.get<std::string>() << ")";
    }
    os << "\n";
  }
}

int run_watch(const MonitorOptions& o, const Target& t, Context& ctx) {
  // Watch until --for elapses or Ctrl-C.
  Watch w;
  w.started = ctx.clock.now();
  watch_loop(o, t, w, ctx);
  if (w.last.empty()) {
    throw core::Interrupted("monitor interrupted before the first round finished");
  }
  // The result is the last round plus what the watch saw.
  auto ended = ctx.clock.now();
  auto duration = std::chrono::duration_cast<milliseconds>(ended - w.started);
  core::Severity s = m::overall(w.last);
  nlohmann::json problems = problems_seen(w);
  nlohmann::json worst = nlohmann::json::object();
  for (const auto& [id, st] : w.worst) {
    worst[id] = core::to_string(st);
  }
  nlohmann::json doc = result_doc(t, w.last, core::iso8601_utc(ended));
  doc["watch"] = {{"rounds", w.rounds},
                  {"started_at", core::iso8601_utc(w.started)},
                  {"ended_at", core::iso8601_utc(ended)},
                  {"duration_seconds", duration.count() / 1000},
                  {"interrupted", w.interrupted},
                  {"changes", w.changes},
                  {"worst", worst}};
  // The project's history keeps a summary of every watch.
  if (t.has_project) {
    record_summary(ctx,
                   std::string(core::to_string(s)),
                   {{"rounds", w.rounds},
                    {"duration", core::format_duration(duration)},
                    {"status", core::to_string(s)},
                    {"problems_seen", problems},
                    {"changes", w.changes.size()},
                    {"interrupted", w.interrupted}});
  }
  ctx.out.result(
      doc, [&](std::ostream& os) { print_watch_summary(os, ctx.out, w, duration, problems); });
  return m::exit_code(s);
}

} // namespace

int run_monitor(const MonitorOptions& options, Context& ctx) {
  // Check the command line, then find out what to watch (no lock: monitor only reads the project).
  validate(options);
  Target target = resolve_target(options, ctx);
  spdlog::debug("monitor: url {}, database '{}', series '{}'",
                target.url.value_or("-"),
                target.database,
                target.expected_series);
  // Check once, or watch until --for elapses or Ctrl-C.
  return options.watch ? run_watch(options, target, ctx) : run_once(target, ctx);
}

} // namespace odoo_upgrade::commands
