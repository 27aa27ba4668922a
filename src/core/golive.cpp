#include <odoo_upgrade/core/decimal.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace odoo_upgrade::core::golive {

using json = nlohmann::json;

std::vector<std::string> window_problems(TimePoint at,
                                         TimePoint go_live,
                                         TimePoint now,
                                         std::optional<TimePoint> signed_off_at) {
  std::vector<std::string> problems;
  if (at <= now) {
    problems.push_back("the freeze time " + iso8601_utc(at) + " is not in the future");
  }
  if (go_live <= now) {
    problems.push_back("the go-live time " + iso8601_utc(go_live) + " is not in the future");
  }
  if (go_live <= at) {
    problems.push_back("the go-live time " + iso8601_utc(go_live) +
                       " is not after the freeze time " + iso8601_utc(at));
  }
  if (signed_off_at && at < *signed_off_at) {
    problems.push_back("the freeze time " + iso8601_utc(at) + " is before the sign-off (" +
                       iso8601_utc(*signed_off_at) + ")");
  }
  return problems;
}

namespace {

double tenths(double seconds) {
  return std::round(seconds * 10.0) / 10.0;
}

// `hop` scaled by `ratio` (production's size now over its size at the round); std::nullopt when
// the round did not measure what it takes.
std::optional<ScaledHop> scale_hop(const TimingHop& hop, const Timings& t, double ratio) {
  const auto& seconds = t.*hop.seconds;
  if (!seconds) {
    return std::nullopt;
  }
  ScaledHop s{std::string(hop.key), *seconds, 0, 0, 0, 0};
  if (!hop.bytes) {
    // Processing moves none of our bytes: its time grows with the database.
    s.seconds = tenths(*seconds * ratio);
    return s;
  }
  const auto& bytes = t.*hop.bytes;
  const auto& rate = t.*hop.rate;
  if (!bytes || !rate || *rate <= 0) {
    return std::nullopt;
  }
  s.bytes = *bytes;
  s.bytes_per_s = *rate;
  s.bytes_now = static_cast<std::uint64_t>(std::llround(static_cast<double>(*bytes) * ratio));
  s.seconds = tenths(static_cast<double>(s.bytes_now) / *rate);
  return s;
}

} // namespace

DowntimeEstimate estimate_downtime(const Timings& timings,
                                   std::optional<std::uint64_t> database_bytes_now) {
  DowntimeEstimate e;
  std::uint64_t then = timings.database_bytes.value_or(0);
  bool scalable = then > 0 && database_bytes_now && *database_bytes_now > 0;
  double ratio =
      scalable ? static_cast<double>(*database_bytes_now) / static_cast<double>(then) : 1;
  for (const auto& hop : timing_hops()) {
    auto scaled = scalable ? scale_hop(hop, timings, ratio) : std::nullopt;
    const auto& measured = timings.*hop.seconds;
    double s = scaled ? scaled->seconds : measured.value_or(0);
    if (!measured) {
      e.missing.emplace_back(hop.key);
    }
    if (scaled) {
      e.scaled.push_back(*scaled);
    }
    e.parts.emplace_back(hop.key, s);
    e.total_s += s;
  }
  // `restore` runs the target Odoo's module update and open check on the staging database too.
  if (timings.update_s || timings.open_s) {
    double s = timings.update_s.value_or(0) + timings.open_s.value_or(0);
    e.parts.emplace_back("target_odoo_s", s);
    e.total_s += s;
  }
  if (!e.scaled.empty()) {
    e.database_bytes_then = then;
    e.database_bytes_now = database_bytes_now;
  }
  return e;
}

namespace {

std::string text_of(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_null()) {
    return "";
  }
  return v.dump();
}

// Totals may be nested objects (e.g. per company); flattened to "a.b" keys.
void flatten(const json& v,
             const std::string& prefix,
             std::vector<std::pair<std::string, json>>& out) {
  if (v.is_object()) {
    for (const auto& [k, sub] : v.items()) {
      flatten(sub, prefix.empty() ? k : prefix + "." + k, out);
    }
    return;
  }
  out.emplace_back(prefix, v);
}

const json& member(const json& doc, const char* key) {
  static const json k_empty = json::object();
  if (doc.is_object() && doc.contains(key) && doc[key].is_object()) {
    return doc[key];
  }
  return k_empty;
}

// Models whose counts legitimately grow in an upgrade (new standard files, upgrade messages).
bool grows_in_upgrades(const std::string& model) {
  return model == "ir.attachment" || model == "mail.message";
}

} // namespace

namespace {

using Diffs = std::vector<Difference>;

// Record counts: a model without its table, records lost, added or (production) changed.
void compare_counts(const json& before, const json& after, bool identical, Diffs& diffs) {
  const json& cb = member(before, "counts");
  const json& ca = member(after, "counts");
  for (const auto& [model, v] : cb.items()) {
    long long b = v.is_number() ? v.get<long long>() : 0;
    std::string key = "counts." + model;
    if (!ca.contains(model)) {
      diffs.push_back({key,
                       std::to_string(b),
                       "",
                       identical ? Severity::blocking : Severity::warning,
                       "model '" + model + "' has no table any more"});
      continue;
    }
    long long a = ca[model].is_number() ? ca[model].get<long long>() : 0;
    if (a == b) {
      continue;
    }
    Severity sev = Severity::blocking;
    std::string message;
    if (identical) {
      message = "'" + model + "' changed from " + std::to_string(b) + " to " + std::to_string(a) +
                " records since the baseline";
    } else if (a < b) {
      message = "'" + model + "' lost " + std::to_string(b - a) + " records (" + std::to_string(b) +
                " → " + std::to_string(a) + ")";
    } else {
      sev = grows_in_upgrades(model) ? Severity::info : Severity::warning;
      message = "'" + model + "' gained " + std::to_string(a - b) + " records (" +
                std::to_string(b) + " → " + std::to_string(a) + ")";
    }
    diffs.push_back({key, std::to_string(b), std::to_string(a), sev, message});
  }
}

// Totals (compared as decimals): any change, or a total that cannot be computed, blocks.
void compare_totals(const json& before, const json& after, Diffs& diffs) {
  std::vector<std::pair<std::string, json>> tb;
  std::vector<std::pair<std::string, json>> ta;
  flatten(member(before, "totals"), "", tb);
  flatten(member(after, "totals"), "", ta);
  for (const auto& [key, v] : tb) {
    auto it = std::find_if(ta.begin(), ta.end(), [&](const auto& p) { return p.first == key; });
    std::string b = text_of(v);
    if (it == ta.end()) {
      diffs.push_back({"totals." + key,
                       b,
                       "",
                       Severity::blocking,
                       "total '" + key + "' could not be computed any more"});
      continue;
    }
    std::string a = text_of(it->second);
    if (!same_decimal(a, b)) {
      diffs.push_back({"totals." + key,
                       b,
                       a,
                       Severity::blocking,
                       "total '" + key + "' changed from " + b + " to " + a});
    }
  }
}

// Highest ids: any change in production blocks; one that went down in the upgrade is a warning.
void compare_max_ids(const json& before, const json& after, bool identical, Diffs& diffs) {
  const json& mb = member(before, "max_ids");
  const json& ma = member(after, "max_ids");
  for (const auto& [model, v] : mb.items()) {
    if (!ma.contains(model)) {
      continue;
    }
    std::string b = text_of(v);
    std::string a = text_of(ma[model]);
    if (a == b) {
      continue;
    }
    long long bi = v.is_number() ? v.get<long long>() : 0;
    long long ai = ma[model].is_number() ? ma[model].get<long long>() : 0;
    if (identical) {
      diffs.push_back({"max_ids." + model,
                       b,
                       a,
                       Severity::blocking,
                       "highest id of '" + model + "' changed from " + b + " to " + a +
                           " (records were created or deleted)"});
    } else if (ai < bi) {
      diffs.push_back({"max_ids." + model,
                       b,
                       a,
                       Severity::warning,
                       "highest id of '" + model + "' went down from " + b + " to " + a});
    }
  }
}

// Row digests of the business tables (the same database only): any write by any role blocks,
// naming the table. Returns the tables named.
std::vector<std::string> compare_digests(const json& before, const json& after, Diffs& diffs) {
  std::vector<std::string> tables;
  const json& db = member(before, "digests");
  const json& da = member(after, "digests");
  for (const auto& [model, v] : db.items()) {
    if (!da.contains(model) || text_of(da[model]) == text_of(v)) {
      continue;
    }
    std::string table = odoo_table(model).value_or(model);
    tables.push_back(table);
    diffs.push_back({"digests." + model,
                     text_of(v),
                     text_of(da[model]),
                     Severity::blocking,
                     "table '" + table + "' ('" + model +
                         "') was written to: rows were inserted, updated or deleted"});
  }
  return tables;
}

// True when the statistics were reset between the two baselines (a new reset time, or a counter
// that went down: a single table's reset).
bool statistics_reset(const json& wb, const json& wa) {
  if (text_of(wb.value("stats_reset", json())) != text_of(wa.value("stats_reset", json()))) {
    return true;
  }
  const json& tb = member(wb, "tables");
  const json& ta = member(wa, "tables");
  return std::any_of(tb.items().begin(), tb.items().end(), [&](const auto& item) {
    long long b = item.value().is_number() ? item.value().template get<long long>() : 0;
    long long a = ta.contains(item.key()) && ta[item.key()].is_number()
                      ? ta[item.key()].template get<long long>()
                      : 0;
    return a < b;
  });
}

// PostgreSQL's write statistics per table (the same database only): every table written to
// blocks, except those the digests named already. After a reset of the statistics only the
// digests can tell: a warning says so.
void compare_writes(const json& before,
                    const json& after,
                    const std::vector<std::string>& named,
                    Diffs& diffs) {
  const json& wb = member(before, "writes");
  const json& wa = member(after, "writes");
  if (wb.empty() || wa.empty()) {
    return;
  }
  if (statistics_reset(wb, wa)) {
    diffs.push_back({"writes.stats_reset",
                     text_of(wb.value("stats_reset", json())),
                     text_of(wa.value("stats_reset", json())),
                     Severity::warning,
                     "PostgreSQL's statistics were reset: writes to tables other than the " +
                         std::to_string(member(before, "digests").size()) +
                         " business tables with a row digest cannot be seen"});
    return;
  }
  const json& tb = member(wb, "tables");
  for (const auto& [table, v] : member(wa, "tables").items()) {
    long long a = v.is_number() ? v.get<long long>() : 0;
    long long b = tb.contains(table) && tb[table].is_number() ? tb[table].get<long long>() : 0;
    if (a <= b || std::find(named.begin(), named.end(), table) != named.end()) {
      continue;
    }
    diffs.push_back({"writes." + table,
                     std::to_string(b),
                     std::to_string(a),
                     Severity::blocking,
                     "table '" + table + "' was written to: " + std::to_string(a - b) +
                         " rows inserted, updated or deleted (PostgreSQL's statistics)"});
  }
}

} // namespace

std::vector<Difference>
compare_baselines(const json& before, const json& after, BaselineMode mode) {
  bool identical = mode == BaselineMode::identical;
  Diffs diffs;
  compare_counts(before, after, identical, diffs);
  compare_totals(before, after, diffs);
  compare_max_ids(before, after, identical, diffs);
  if (identical) {
    // Counts and totals miss an UPDATE, and a DELETE matched by an INSERT.
    compare_writes(before, after, compare_digests(before, after, diffs), diffs);
  }
  return diffs;
}

bool has_blocking(const std::vector<Difference>& diffs) {
  return std::any_of(diffs.begin(), diffs.end(), [](const Difference& d) {
    return d.severity == Severity::blocking;
  });
}

std::vector<Difference> differences_from_json(const json& j, std::string_view where) {
  std::vector<Difference> out;
  if (j.is_null()) {
    return out;
  }
  if (!j.is_array()) {
    invalid_field(where, std::string("is not a list (") + j.type_name() + ")");
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    FieldReader r(j[i], std::string(where) + "[" + std::to_string(i) + "]");
    Difference d;
    r.take("key", d.key);
    r.take("before", d.before);
    r.take("after", d.after);
    std::string severity;
    r.take("severity", severity);
    auto s = parse_severity(severity);
    if (!s) {
      invalid_field(r.path("severity"), "is not a severity ('" + severity + "')");
    }
    d.severity = *s;
    r.take("message", d.message);
    out.push_back(std::move(d));
  }
  return out;
}

json to_json(const std::vector<Difference>& diffs) {
  json out = json::array();
  for (const auto& d : diffs) {
    out.push_back({{"key", d.key},
                   {"before", d.before},
                   {"after", d.after},
                   {"severity", std::string(to_string(d.severity))},
                   {"message", d.message}});
  }
  return out;
}

std::string_view to_string(StepStatus s) {
  switch (s) {
  case StepStatus::absent:
    return "absent";
  case StepStatus::started:
    return "started";
  case StepStatus::done:
    return "done";
  case StepStatus::undone:
    return "undone";
  }
  return "absent";
}

Journal::Journal(json& entries) : m_entries(entries) {
  if (!m_entries.is_array()) {
    m_entries = json::array();
  }
}

const json* Journal::find(std::string_view step) const {
  for (const auto& e : m_entries) {
    if (e.value("step", "") == step) {
      return &e;
    }
  }
  return nullptr;
}

json* Journal::find(std::string_view step) {
  for (auto& e : m_entries) {
    if (e.value("step", "") == step) {
      return &e;
    }
  }
  return nullptr;
}

StepStatus Journal::status(std::string_view step) const {
  const json* e = find(step);
  if (e == nullptr) {
    return StepStatus::absent;
  }
  std::string s = e->value("status", "");
  if (s == "done") {
    return StepStatus::done;
  }
  if (s == "undone") {
    return StepStatus::undone;
  }
  return StepStatus::started;
}

json& Journal::start(std::string_view step, const json& data, const std::string& at) {
  json* e = find(step);
  if (e == nullptr) {
    m_entries.push_back({{"step", std::string(step)}});
    e = &m_entries.back();
  }
  if (data.is_object()) {
    for (const auto& [k, v] : data.items()) {
      (*e)[k] = v;
    }
  }
  (*e)["status"] = "started";
  (*e)["started_at"] = at;
  return *e;
}

json& Journal::finish(std::string_view step, const std::string& at, const json& data) {
  json* e = find(step);
  if (e == nullptr) {
    m_entries.push_back({{"step", std::string(step)}, {"started_at", at}});
    e = &m_entries.back();
  }
  if (data.is_object()) {
    for (const auto& [k, v] : data.items()) {
      (*e)[k] = v;
    }
  }
  (*e)["status"] = "done";
  (*e)["done_at"] = at;
  return *e;
}

void Journal::mark_undone(std::string_view step, const std::string& at) {
  json* e = find(step);
  if (e == nullptr) {
    return;
  }
  (*e)["status"] = "undone";
  (*e)["undone_at"] = at;
}

std::vector<std::string> Journal::applied_steps() const {
  std::vector<std::string> out;
  for (const auto& e : m_entries) {
    std::string s = e.value("status", "");
    if (s == "started" || s == "done") {
      out.push_back(e.value("step", ""));
    }
  }
  return out;
}

std::string name_timestamp(TimePoint t) {
  return format_utc(t, "%Y%m%d_%H%M%S");
}

const std::vector<std::string>& restore_steps() {
  static const std::vector<std::string> k_steps = {
      "check_dump",           // the downloaded dump still has its recorded checksum
      "restore_db",           // pg_restore into the staging database
      "filestore_copy",       // production's filestore + the returned one, staged
      "target_odoo",          // the target Odoo updates the modules and opens the staging db
      "runbook",              // the approved after-restore runbook steps on the staging db
      "verify",               // series, modules, baseline against the freeze
      "before_hooks",         // before_restore hooks
      "terminate",            // other sessions on both databases
      "rename_production",    // production → pre-upgrade name
      "rename_new",           // staging → production name
      "filestore_production", // production filestore → pre-upgrade name
      "filestore_new",        // staged filestore → production name
      "lift_new",             // crons back on in the new production; writes checked
      "after_hooks",          // after_restore hooks
  };
  return k_steps;
}

const std::vector<std::string>& rollback_steps() {
  static const std::vector<std::string> k_steps = {
      "terminate",
      "rename_upgraded",       // upgraded database → aside name
      "rename_pre_upgrade",    // pre-upgrade database → production name
      "filestore_upgraded",    // upgraded filestore → aside name
      "filestore_pre_upgrade", // pre-upgrade filestore → production name
      "lift_old",              // the freeze lifted (unless --keep-frozen)
      "hooks",                 // on_rollback hooks
  };
  return k_steps;
}

} // namespace odoo_upgrade::core::golive
