#include "gather.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/monitor.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

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

std::string with_connect_timeout(const std::string& conninfo) {
  for (const auto& [k, v] : adapters::pg::parse_conninfo(conninfo).keywords) {
    if (k == "connect_timeout") {
      return conninfo;
    }
  }
  return conninfo + " connect_timeout=10";
}

// What to watch, from the options and (when there is one) the project file.
Target resolve_target(const MonitorOptions& o, const Context& ctx) {
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
  core::Project project = adapters::fs::load_project(ctx.project_path());
  core::require_phase(project, "monitor");
  const auto* mon = project.find_section("monitor");
  t.thresholds = m::thresholds_from_json(
      mon != nullptr && mon->contains("thresholds") ? (*mon)["thresholds"] : nlohmann::json());
  if (!t.url && mon != nullptr && mon->contains("url") && (*mon)["url"].is_string()) {
    t.url = (*mon)["url"].get<std::string>();
  }
  t.has_project = true;
  t.expected_series = o.series.value_or(project.target_version());
  const core::GoliveRecord golive = core::read_golive(project);
  const core::FreezeRecord freeze = core::read_freeze(project);
  const auto* source = project.find_section("source");
  t.database = golive.database;
  if (t.database.empty() && source != nullptr) {
    t.database = source->value("dbname", "");
  }
  t.golive_at = time_field(golive.live_at);
  t.freeze_at = time_field(freeze.frozen_at);
  if (freeze.baseline.is_object()) {
    t.baseline = freeze.baseline;
  }
  t.data_dir = data_dir(project);
  adapters::fs::SecretStore secrets(ctx.project_path());
  t.conninfo = with_connect_timeout(server_conninfo(project, secrets, t.database));
  t.pre_database = golive.pre_upgrade_db;
  if (!t.pre_database.empty()) {
    t.pre_conninfo = with_connect_timeout(server_conninfo(project, secrets, t.pre_database));
  }
  return t;
}

std::string styled(const Output& out, m::Status s) {
  std::string text(m::label(s));
  text.resize(4, ' ');
  switch (s) {
  case m::Status::ok:
    return out.green(text);
  case m::Status::warn:
    return out.yellow(text);
  case m::Status::crit:
    return out.red(text);
  default:
    return text;
  }
}

void print_table(std::ostream& os, const Output& out, const std::vector<m::Check>& checks) {
  for (const auto& c : checks) {
    os << "  " << styled(out, c.status) << "  " << std::left << std::setw(30) << c.title
       << std::right << c.finding << "\n";
  }
}

std::string counts_line(const std::vector<m::Check>& checks) {
  std::map<m::Status, int> n;
  for (const auto& c : checks) {
    ++n[c.status];
  }
  std::string s;
  for (auto st :
       {m::Status::crit, m::Status::warn, m::Status::ok, m::Status::info, m::Status::skipped}) {
    if (n[st] > 0) {
      s += (s.empty() ? "" : ", ") + std::to_string(n[st]) + " " + std::string(m::to_string(st));
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
  m::Status s = m::overall(checks);
  return {{"status", std::string(m::to_string(s))},
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
// warning (the summary is still printed).
void record_summary(const Context& ctx, const std::string& outcome, const nlohmann::json& details) {
  for (int attempt = 0;; ++attempt) {
    try {
      adapters::fs::ProjectLock lock(ctx.project_path());
      core::Project project = adapters::fs::load_project(ctx.project_path());
      ctx.record(project, "monitor", outcome, details);
      adapters::fs::save_project(ctx.project_path(), project);
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
  m::Status s = m::overall(checks);
  ctx.out.result(result_doc(t, checks, at), [&](std::ostream& os) {
    print_header(os, ctx.out, t, at);
    print_table(os, ctx.out, checks);
    os << "overall: " << styled(ctx.out, s) << " (" << counts_line(checks) << ")\n";
  });
  return m::exit_code(s);
}

int run_watch(const MonitorOptions& o, const Target& t, Context& ctx) {
  monitor::WatchMemory memory;
  auto started = ctx.clock.now();
  std::vector<m::Check> last;
  std::map<std::string, m::Status> worst;
  nlohmann::json changes = nlohmann::json::array();
  int rounds = 0;
  bool interrupted = false;
  std::ostream& text = ctx.out.text();
  try {
    for (;;) {
      auto checks = monitor::gather(t, memory, ctx.clock);
      std::string at = core::iso8601_utc(ctx.clock.now());
      if (rounds == 0) {
        print_header(text, ctx.out, t, at);
        print_table(text, ctx.out, checks);
        text.flush();
      } else {
        for (const auto& ch : m::changes(last, checks)) {
          text << at << "  " << styled(ctx.out, ch.to) << "  " << ch.title << ": " << ch.finding
               << (ch.from ? " (was " + std::string(m::label(*ch.from)) + ")" : "") << "\n";
          changes.push_back(
              {{"at", at},
               {"check", ch.check},
               {"from", ch.from ? nlohmann::json(m::to_string(*ch.from)) : nlohmann::json()},
               {"to", m::to_string(ch.to)},
               {"finding", ch.finding}});
        }
        text.flush();
      }
      for (const auto& c : checks) {
        auto it = worst.find(c.id);
        worst[c.id] = it == worst.end() ? c.status : m::worst(it->second, c.status);
      }
      last = std::move(checks);
      ++rounds;
      auto elapsed = std::chrono::duration_cast<milliseconds>(ctx.clock.now() - started);
      if (o.duration && elapsed >= *o.duration) {
        break;
      }
      milliseconds pause = *o.watch;
      if (o.duration) {
        pause = std::min(pause, *o.duration - elapsed);
      }
      ctx.clock.sleep_for(pause);
    }
  } catch (const core::Interrupted&) {
    // Ctrl-C is the normal way to end an open-ended watch: summarize what was seen.
    interrupted = true;
  }
  if (last.empty()) {
    throw core::Interrupted("monitor interrupted before the first round finished");
  }

  auto ended = ctx.clock.now();
  m::Status s = m::overall(last);
  nlohmann::json worst_json = nlohmann::json::object();
  nlohmann::json problems = nlohmann::json::object();
  for (const auto& [id, st] : worst) {
    worst_json[id] = m::to_string(st);
    if (st == m::Status::warn || st == m::Status::crit) {
      problems[id] = m::to_string(st);
    }
  }
  auto duration = std::chrono::duration_cast<milliseconds>(ended - started);
  nlohmann::json doc = result_doc(t, last, core::iso8601_utc(ended));
  doc["watch"] = {{"rounds", rounds},
                  {"started_at", core::iso8601_utc(started)},
                  {"ended_at", core::iso8601_utc(ended)},
                  {"duration_seconds", duration.count() / 1000},
                  {"interrupted", interrupted},
                  {"changes", changes},
                  {"worst", worst_json}};
  if (t.has_project) {
    record_summary(ctx,
                   std::string(m::to_string(s)),
                   {{"rounds", rounds},
                    {"duration", core::format_duration(duration)},
                    {"status", m::to_string(s)},
                    {"problems_seen", problems},
                    {"changes", changes.size()},
                    {"interrupted", interrupted}});
  }
  ctx.out.result(doc, [&](std::ostream& os) {
    os << "\nwatched " << rounds << " round" << (rounds == 1 ? "" : "s") << " over "
       << core::format_duration(duration) << (interrupted ? " (interrupted)" : "")
       << "; now: " << styled(ctx.out, s) << " (" << counts_line(last) << ")\n";
    for (const auto& c : last) {
      if (c.status == m::Status::warn || c.status == m::Status::crit) {
        os << "  " << styled(ctx.out, c.status) << "  " << c.title << ": " << c.finding << "\n";
      }
    }
    if (!problems.empty()) {
      os << "problems seen during the watch:";
      for (const auto& [id, st] : problems.items()) {
        os << " " << id << " (" << st.get<std::string>() << ")";
      }
      os << "\n";
    }
  });
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
