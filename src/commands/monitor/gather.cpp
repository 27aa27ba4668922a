#include "gather.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/http/odoo_probe.hpp>
#include <odoo_upgrade/adapters/pg/monitor_queries.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <functional>

namespace odoo_upgrade::commands::monitor {

namespace {

namespace m = core::monitor;
namespace q = adapters::pg::monitor;
using adapters::pg::Connection;
namespace stdfs = std::filesystem;

// The business models watched for activity when the freeze recorded no baseline counts.
const std::vector<std::string> k_default_models = {
    "res.partner", "sale.order", "purchase.order", "account.move", "stock.picking", "mail.message"};

std::optional<Connection> connect(const std::string& conninfo, std::string& error) {
  try {
    Connection conn(conninfo);
    // Monitoring never writes: the server refuses it.
    conn.set_read_only();
    return conn;
  } catch (const core::DatabaseError& e) {
    error = e.what();
    return std::nullopt;
  }
}

// Runs one database check; a failing query makes that check a warning instead of aborting the
// round.
m::Check
guarded(const std::string& id, const std::string& title, const std::function<m::Check()>& body) {
  try {
    return body();
  } catch (const core::DatabaseError& e) {
    m::Check c;
    c.id = id;
    c.title = title;
    c.status = core::Severity::warning;
    c.finding = std::string("query failed: ") + e.what();
    return c;
  }
}

std::vector<std::string> watched_models(const nlohmann::json& baseline) {
  std::vector<std::string> models;
  if (baseline.contains("counts") && baseline["counts"].is_object()) {
    for (const auto& [model, count] : baseline["counts"].items()) {
      models.push_back(model);
    }
  }
  return models.empty() ? k_default_models : models;
}

bool is_local_host(const std::string& host) {
  return host.empty() || host.front() == '/' || host == "localhost" || host == "127.0.0.1" ||
         host == "::1";
}

std::optional<long long> free_space(const stdfs::path& path) {
  std::error_code ec;
  if (path.empty() || !stdfs::exists(path, ec)) {
    return std::nullopt;
  }
  auto free = adapters::fs::free_bytes(path);
  return free ? std::optional<long long>(static_cast<long long>(*free)) : std::nullopt;
}

m::Check activity(const Target& t, Connection& live, Connection* pre, core::TimePoint now) {
  const std::string title = "activity since go-live";
  if (!t.golive_at) {
    return m::skipped("activity", title, "no go-live time recorded (section golive.at)");
  }
  std::string since = core::iso8601_utc(*t.golive_at);
  std::vector<m::ModelActivity> models;
  for (const auto& model : watched_models(t.baseline)) {
    m::ModelActivity a;
    a.model = model;
    a.created = q::created_since(live, model, since);
    if (pre != nullptr && t.freeze_at) {
      a.baseline_per_day = q::daily_volume(
          *pre, model, core::iso8601_utc(*t.freeze_at), t.thresholds.activity_baseline_days);
    }
    models.push_back(std::move(a));
  }
  auto live_for = std::chrono::duration_cast<std::chrono::seconds>(now - *t.golive_at);
  return m::evaluate_activity(models, live_for, t.thresholds);
}

m::Check totals(const Target& t, Connection& live, Connection* pre) {
  const std::string title = "historical journal totals";
  if (pre != nullptr && t.freeze_at) {
    // Lines dated before the freeze day, per company, in both databases.
    std::string day = core::iso8601_utc(*t.freeze_at).substr(0, 10);
    return m::evaluate_totals(q::journal_totals_before(live, day),
                              q::journal_totals_before(*pre, day),
                              "pre-upgrade database '" + t.pre_database + "'");
  }
  const auto& totals = t.baseline.value("totals", nlohmann::json::object());
  const auto& max_ids = t.baseline.value("max_ids", nlohmann::json::object());
  if (totals.contains("account_move_line_debit") && totals.contains("account_move_line_credit") &&
      max_ids.contains("account.move.line") && max_ids["account.move.line"].is_number_integer()) {
    // Without the pre-upgrade database: the lines that existed at freeze against its baseline.
    m::Amounts reference;
    for (const char* key : {"account_move_line_debit", "account_move_line_credit"}) {
      reference[key] =
          totals[key].is_string() ? totals[key].get<std::string>() : totals[key].dump();
    }
    return m::evaluate_totals(
        q::journal_totals_up_to(live, max_ids["account.move.line"].get<long long>()),
        reference,
        "freeze baseline");
  }
  return m::skipped(
      "totals", title, "no pre-upgrade database reachable and no freeze baseline totals");
}

m::Check database_disk(const Target& t, Connection& live) {
  long long size = q::database_size(live);
  std::optional<long long> free;
  std::string where = "database " + t.database + " " + core::format_bytes(size);
  if (is_local_host(live.host())) {
    if (auto dir = q::data_directory(live)) {
      free = free_space(*dir);
      where += ", " + *dir;
    }
  }
  m::Check c = m::evaluate_disk("disk_database", "disk: database", free, where, t.thresholds);
  c.details["database_size_bytes"] = size;
  return c;
}

// The database checks after "database reachable", in table order.
const std::vector<std::pair<std::string, std::string>>& live_check_titles() {
  static const std::vector<std::pair<std::string, std::string>> k_titles = {
      {"modules", "module states"},
      {"crons", "scheduled actions"},
      {"mail", "outgoing mail queue"},
      {"errors", "errors logged in the database"},
      {"activity", "activity since go-live"},
      {"totals", "historical journal totals"},
      {"disk_data_dir", "disk: data dir"},
      {"disk_database", "disk: database"}};
  return k_titles;
}

// "database reachable" failed: it, and every database check skipped for `reason`.
std::vector<m::Check> unreachable(m::Check database, const std::string& reason) {
  std::vector<m::Check> checks = {std::move(database)};
  for (const auto& [id, title] : live_check_titles()) {
    checks.push_back(m::skipped(id, title, reason));
  }
  return checks;
}

m::Check crons(const Target& t, Connection& live, core::TimePoint now) {
  auto crons = q::active_crons(live);
  for (auto& cron : crons.active) {
    if (cron.nextcall) {
      cron.overdue_seconds = m::cron_overdue_seconds(*cron.nextcall, now, t.golive_at);
    }
  }
  return m::evaluate_crons(crons.active, crons.has_failure_count, t.thresholds);
}

m::Check logged_errors(const Target& t, Connection& live) {
  if (!t.golive_at) {
    return m::skipped("errors", "errors logged in the database", "no go-live time recorded");
  }
  return m::evaluate_logging(q::log_facts(live, core::iso8601_utc(*t.golive_at)), t.thresholds);
}

// The checks of a reachable live database (and the pre-upgrade one when it answers).
std::vector<m::Check> live_checks(
    const Target& t, Connection& live, Connection* pre, WatchMemory& memory, core::TimePoint now) {
  std::vector<m::Check> checks;
  checks.push_back(guarded(
      "modules", "module states", [&] { return m::evaluate_modules(q::pending_modules(live)); }));
  checks.push_back(guarded("crons", "scheduled actions", [&] { return crons(t, live, now); }));
  checks.push_back(guarded("mail", "outgoing mail queue", [&] {
    auto facts = q::mail_facts(live, core::iso8601_utc(now));
    facts.previous_queued = memory.queued_mail;
    memory.queued_mail = facts.queued;
    return m::evaluate_mail(facts, t.thresholds);
  }));
  checks.push_back(
      guarded("errors", "errors logged in the database", [&] { return logged_errors(t, live); }));
  checks.push_back(
      guarded("activity", "activity since go-live", [&] { return activity(t, live, pre, now); }));
  checks.push_back(
      guarded("totals", "historical journal totals", [&] { return totals(t, live, pre); }));
  checks.push_back(
      m::evaluate_disk("disk_data_dir",
                       "disk: data dir",
                       free_space(t.data_dir),
                       t.data_dir.empty() ? "no data dir recorded" : t.data_dir.string(),
                       t.thresholds));
  checks.push_back(
      guarded("disk_database", "disk: database", [&] { return database_disk(t, live); }));
  return checks;
}

std::vector<m::Check> database_checks(const Target& t, WatchMemory& memory, core::Clock& clock) {
  if (!t.has_project) {
    return unreachable(m::skipped("database", "database reachable", "no project file"),
                       "no project file");
  }
  std::string error;
  auto live = connect(t.conninfo, error);
  if (!live) {
    // With HTTP checks to go on, an unreachable database (often: no credentials on the monitoring
    // host) is not a verdict; with nothing else to check, it is.
    m::Check c = m::skipped("database", "database reachable", "cannot connect: " + error);
    if (!t.url) {
      c.status = core::Severity::blocking;
    }
    return unreachable(std::move(c), "database not reachable");
  }
  m::Check db;
  db.id = "database";
  db.title = "database reachable";
  db.finding = "'" + t.database + "' answers (PostgreSQL " +
               std::to_string(live->server_version() / 10000) + ")";
  // The pre-upgrade database is optional: without it, the freeze baseline serves.
  std::optional<Connection> pre;
  if (!t.pre_conninfo.empty()) {
    std::string pre_error;
    pre = connect(t.pre_conninfo, pre_error);
    if (!pre) {
      spdlog::warn("pre-upgrade database '{}' not reachable: {}", t.pre_database, pre_error);
    }
  }
  std::vector<m::Check> checks = {db};
  for (auto& c : live_checks(t, *live, pre ? &*pre : nullptr, memory, clock.now())) {
    checks.push_back(std::move(c));
  }
  return checks;
}

} // namespace

std::vector<m::Check> gather(const Target& t, WatchMemory& memory, core::Clock& clock) {
  std::vector<m::Check> checks;
  std::optional<m::HttpFacts> http;
  if (t.url) {
    // The live database's login page too: a database Odoo does not list cannot be logged into.
    http = adapters::http::probe_odoo(*t.url, t.thresholds.http_timeout, clock, t.database);
  }
  checks.push_back(m::evaluate_http(http, t.thresholds));
  checks.push_back(m::evaluate_version(http, t.expected_series));
  checks.push_back(m::evaluate_login(http));
  checks.push_back(m::evaluate_response_time(http, t.thresholds));
  core::throw_if_interrupted();
  for (auto& c : database_checks(t, memory, clock)) {
    checks.push_back(std::move(c));
  }
  return checks;
}

} // namespace odoo_upgrade::commands::monitor
