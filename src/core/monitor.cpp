#include <odoo_upgrade/core/decimal.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/monitor.hpp>
#include <odoo_upgrade/core/odoo_open.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace odoo_upgrade::core::monitor {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string fmt_seconds(long long s) {
  return format_duration(std::chrono::duration_cast<milliseconds>(seconds(s)));
}

std::string fmt_rate(double per_day) {
  std::ostringstream os;
  os.precision(per_day < 10 ? 2 : 0);
  os << std::fixed << per_day;
  return os.str();
}

Check make(const std::string& id, const std::string& title) {
  Check c;
  c.id = id;
  c.title = title;
  return c;
}

// The status of a count against a warn and a crit threshold (a threshold of 0 or less is off).
Severity grade(long long value, long long warn, long long crit) {
  if (crit > 0 && value >= crit) {
    return Severity::blocking;
  }
  if (warn > 0 && value >= warn) {
    return Severity::warning;
  }
  return Severity::ok;
}

// --- thresholds ---

struct Field {
  std::string name;
  std::function<void(Thresholds&, const nlohmann::json&)> set;
  std::function<nlohmann::json(const Thresholds&)> get;
};

[[noreturn]] void bad_value(const std::string& key, const std::string& why) {
  throw UsageError("bad threshold 'monitor.thresholds." + key + "': " + why,
                   "see docs/commands/monitor.md for the thresholds and their defaults");
}

template <typename Duration>
Duration parse_duration_value(const std::string& key, const nlohmann::json& v) {
  if (v.is_number()) {
    double s = v.get<double>();
    if (s < 0) {
      bad_value(key, "negative duration");
    }
    return std::chrono::duration_cast<Duration>(milliseconds(static_cast<long long>(s * 1000)));
  }
  if (v.is_string()) {
    if (auto d = parse_duration(v.get<std::string>())) {
      return std::chrono::duration_cast<Duration>(*d);
    }
  }
  bad_value(key, "expected seconds or a duration such as \"90s\" or \"2h\"");
}

long long parse_count(const std::string& key, const nlohmann::json& v) {
  if (!v.is_number_integer() || v.get<long long>() < 0) {
    bad_value(key, "expected a non-negative integer");
  }
  return v.get<long long>();
}

template <typename Duration>
Field duration_field(const std::string& name, Duration Thresholds::*member) {
  return {name,
          [name, member](Thresholds& t, const nlohmann::json& v) {
            t.*member = parse_duration_value<Duration>(name, v);
          },
          [member](const Thresholds& t) {
            // Seconds, as a number: what thresholds_from_json reads back exactly.
            auto ms = std::chrono::duration_cast<milliseconds>(t.*member).count();
            return ms % 1000 == 0 ? nlohmann::json(ms / 1000)
                                  : nlohmann::json(static_cast<double>(ms) / 1000.0);
          }};
}

Field count_field(const std::string& name, long long Thresholds::*member) {
  return {
      name,
      [name, member](Thresholds& t, const nlohmann::json& v) { t.*member = parse_count(name, v); },
      [member](const Thresholds& t) { return nlohmann::json(t.*member); }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> k_fields = {
      duration_field("http_timeout", &Thresholds::http_timeout),
      duration_field("response_warn", &Thresholds::response_warn),
      duration_field("response_crit", &Thresholds::response_crit),
      count_field("cron_failures_warn", &Thresholds::cron_failures_warn),
      count_field("cron_failures_crit", &Thresholds::cron_failures_crit),
      duration_field("cron_overdue_warn", &Thresholds::cron_overdue_warn),
      duration_field("cron_overdue_crit", &Thresholds::cron_overdue_crit),
      count_field("mail_exception_warn", &Thresholds::mail_exception_warn),
      count_field("mail_exception_crit", &Thresholds::mail_exception_crit),
      count_field("mail_queue_warn", &Thresholds::mail_queue_warn),
      duration_field("mail_queue_age_warn", &Thresholds::mail_queue_age_warn),
      count_field("mail_queue_growth_warn", &Thresholds::mail_queue_growth_warn),
      count_field("log_errors_warn", &Thresholds::log_errors_warn),
      count_field("log_errors_crit", &Thresholds::log_errors_crit),
      duration_field("activity_min_age", &Thresholds::activity_min_age),
      {"activity_ratio_warn",
       [](Thresholds& t, const nlohmann::json& v) {
         if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
           bad_value("activity_ratio_warn", "expected a number between 0 and 1");
         }
         t.activity_ratio_warn = v.get<double>();
       },
       [](const Thresholds& t) { return nlohmann::json(t.activity_ratio_warn); }},
      count_field("activity_baseline_days", &Thresholds::activity_baseline_days),
      count_field("disk_free_warn_bytes", &Thresholds::disk_free_warn_bytes),
      count_field("disk_free_crit_bytes", &Thresholds::disk_free_crit_bytes),
  };
  return k_fields;
}

std::string join(const std::vector<std::string>& items, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    out += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > max) {
    out += ", +" + std::to_string(items.size() - max) + " more";
  }
  return out;
}

} // namespace

nlohmann::json to_json(const Check& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"status", std::string(to_string(c.status))},
          {"finding", c.finding},
          {"details", c.details}};
}

Check check_from_json(const nlohmann::json& j) {
  Check c;
  c.id = j.value("id", "");
  c.title = j.value("title", "");
  c.status = parse_severity(j.value("status", "ok")).value_or(Severity::ok);
  c.finding = j.value("finding", "");
  c.details = j.value("details", nlohmann::json::object());
  return c;
}

Thresholds thresholds_from_json(const nlohmann::json& j) {
  Thresholds t;
  if (j.is_null()) {
    return t;
  }
  if (!j.is_object()) {
    throw UsageError("bad section 'monitor.thresholds': expected an object",
                     "see docs/commands/monitor.md for the thresholds and their defaults");
  }
  for (const auto& [key, value] : j.items()) {
    auto it = std::find_if(
        fields().begin(), fields().end(), [&](const Field& f) { return f.name == key; });
    if (it == fields().end()) {
      bad_value(key, "unknown threshold");
    }
    it->set(t, value);
  }
  auto order = [](const std::string& warn, const std::string& crit, bool bad) {
    if (bad) {
      bad_value(warn, "above '" + crit + "'");
    }
  };
  order("response_warn", "response_crit", t.response_warn > t.response_crit);
  order("cron_failures_warn", "cron_failures_crit", t.cron_failures_warn > t.cron_failures_crit);
  order("cron_overdue_warn", "cron_overdue_crit", t.cron_overdue_warn > t.cron_overdue_crit);
  order(
      "mail_exception_warn", "mail_exception_crit", t.mail_exception_warn > t.mail_exception_crit);
  order("log_errors_warn", "log_errors_crit", t.log_errors_warn > t.log_errors_crit);
  if (t.disk_free_warn_bytes < t.disk_free_crit_bytes) {
    bad_value("disk_free_warn_bytes", "below 'disk_free_crit_bytes'");
  }
  if (t.http_timeout.count() == 0) {
    bad_value("http_timeout", "must be more than 0");
  }
  return t;
}

nlohmann::json to_json(const Thresholds& t) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : fields()) {
    j[f.name] = f.get(t);
  }
  return j;
}

Check skipped(const std::string& id, const std::string& title, const std::string& reason) {
  Check c = make(id, title);
  c.status = Severity::skipped;
  c.finding = reason;
  return c;
}

Check evaluate_http(const std::optional<HttpFacts>& facts, const Thresholds&) {
  const std::string title = "odoo answers over http";
  if (!facts) {
    return skipped("http", title, "no Odoo URL (give --url or set monitor.url in the project)");
  }
  Check c = make("http", title);
  c.details = {{"route", facts->route}, {"answered", facts->answered}};
  if (!facts->answered) {
    c.status = Severity::blocking;
    c.finding = "no answer: " + facts->error;
    return c;
  }
  if (facts->healthy && !*facts->healthy) {
    c.status = Severity::blocking;
    c.finding = "/web/health does not report \"pass\"" +
                (facts->error.empty() ? std::string() : " (" + facts->error + ")");
    return c;
  }
  c.finding = facts->healthy ? "/web/health: pass" : facts->route + " answers";
  return c;
}

Check evaluate_version(const std::optional<HttpFacts>& facts, const std::string& expected) {
  const std::string title = "odoo series";
  if (!facts || !facts->answered) {
    return skipped("version", title, facts ? "odoo does not answer" : "no Odoo URL");
  }
  Check c = make("version", title);
  c.details = {{"expected", expected}, {"series", facts->series.value_or("")}};
  if (!facts->series) {
    c.status = Severity::blocking;
    c.finding = "version info gives no server_serie";
  } else if (expected.empty()) {
    c.status = Severity::info;
    c.finding = "series " + *facts->series + " (no target series to compare with)";
  } else if (*facts->series != expected) {
    c.status = Severity::blocking;
    c.finding = "series " + *facts->series + ", expected " + expected;
  } else {
    c.finding = "series " + *facts->series;
  }
  return c;
}

Check evaluate_login(const std::optional<HttpFacts>& facts) {
  const std::string title = "login page of the database";
  if (!facts || !facts->answered) {
    return skipped("login", title, facts ? "odoo does not answer" : "no Odoo URL");
  }
  if (!facts->login) {
    return skipped("login", title, "no database known (no project file)");
  }
  const LoginFacts& l = *facts->login;
  Check c = make("login", title);
  c.details = {
      {"database", l.database}, {"status", l.status}, {"path", l.path}, {"redirects", l.redirects}};
  if (auto problem = login_problem(l.status, l.path, l.error, l.database)) {
    c.status = Severity::blocking;
    c.finding = *problem;
    return c;
  }
  c.finding = "/web/login?db=" + l.database + " answered 200";
  return c;
}

Check evaluate_response_time(const std::optional<HttpFacts>& facts, const Thresholds& t) {
  const std::string title = "http response time";
  if (!facts || !facts->answered) {
    return skipped("response_time", title, facts ? "odoo does not answer" : "no Odoo URL");
  }
  Check c = make("response_time", title);
  long long ms = facts->elapsed.count();
  c.details = {{"ms", ms}};
  c.status = grade(ms, t.response_warn.count(), t.response_crit.count());
  c.finding = std::to_string(ms) + " ms";
  if (c.status != Severity::ok) {
    c.finding += " (threshold " +
                 std::to_string(c.status == Severity::blocking ? t.response_crit.count()
                                                               : t.response_warn.count()) +
                 " ms)";
  }
  return c;
}

Check evaluate_modules(const std::vector<std::pair<std::string, std::string>>& pending) {
  Check c = make("modules", "module states");
  if (pending.empty()) {
    c.finding = "no module left to install, upgrade or remove";
    c.details = {{"pending", nlohmann::json::array()}};
    return c;
  }
  std::vector<std::string> names;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, state] : pending) {
    names.push_back(name + " (" + state + ")");
    list.push_back({{"name", name}, {"state", state}});
  }
  c.status = Severity::blocking;
  c.finding = plural(static_cast<long long>(pending.size()), "module", "modules") +
              " not in a final state: " + join(names);
  c.details = {{"pending", list}};
  return c;
}

std::optional<long long>
cron_overdue_seconds(TimePoint nextcall, TimePoint now, std::optional<TimePoint> live_since) {
  TimePoint due = live_since ? std::max(nextcall, *live_since) : nextcall;
  if (due >= now) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<seconds>(now - due).count();
}

Check evaluate_crons(const std::vector<CronFact>& crons,
                     bool has_failure_count,
                     const Thresholds& t) {
  Check c = make("crons", "scheduled actions");
  std::vector<std::string> problems;
  nlohmann::json failing = nlohmann::json::array();
  nlohmann::json overdue = nlohmann::json::array();
  for (const auto& cron : crons) {
    if (cron.failure_count && *cron.failure_count > 0) {
      Severity s = grade(*cron.failure_count, t.cron_failures_warn, t.cron_failures_crit);
      c.status = worst(c.status, s);
      if (s != Severity::ok) {
        problems.push_back("'" + cron.name + "' failed " + std::to_string(*cron.failure_count) +
                           "x");
      }
      failing.push_back({{"id", cron.id},
                         {"name", cron.name},
                         {"failure_count", *cron.failure_count},
                         {"first_failure", cron.first_failure.value_or("")}});
    }
    if (cron.overdue_seconds && *cron.overdue_seconds > 0) {
      Severity s =
          grade(*cron.overdue_seconds, t.cron_overdue_warn.count(), t.cron_overdue_crit.count());
      c.status = worst(c.status, s);
      if (s != Severity::ok) {
        problems.push_back("'" + cron.name + "' overdue by " + fmt_seconds(*cron.overdue_seconds));
        overdue.push_back(
            {{"id", cron.id}, {"name", cron.name}, {"overdue_seconds", *cron.overdue_seconds}});
      }
    }
  }
  c.details = {{"active", crons.size()},
               {"series_has_failure_count", has_failure_count},
               {"failing", failing},
               {"overdue", overdue}};
  if (problems.empty()) {
    c.finding = plural(static_cast<long long>(crons.size()), "active cron", "active crons") +
                (has_failure_count ? ", none failing or overdue" : ", none overdue");
  } else {
    c.finding = join(problems, 3);
  }
  return c;
}

Check evaluate_mail(const MailFacts& f, const Thresholds& t) {
  Check c = make("mail", "outgoing mail queue");
  std::vector<std::string> problems;
  Severity s = grade(f.exception, t.mail_exception_warn, t.mail_exception_crit);
  c.status = worst(c.status, s);
  if (s != Severity::ok) {
    problems.push_back(
        plural(f.exception, "mail", "mails") + " in exception" +
        (f.exception_samples.empty() ? "" : " (" + join(f.exception_samples, 2) + ")"));
  }
  if (grade(f.queued, t.mail_queue_warn, 0) == Severity::warning) {
    c.status = worst(c.status, Severity::warning);
    problems.push_back(plural(f.queued, "mail", "mails") + " waiting");
  }
  if (f.oldest_queued_age_seconds &&
      grade(*f.oldest_queued_age_seconds, t.mail_queue_age_warn.count(), 0) == Severity::warning) {
    c.status = worst(c.status, Severity::warning);
    problems.push_back("oldest waiting mail queued " + fmt_seconds(*f.oldest_queued_age_seconds) +
                       " ago");
  }
  if (f.previous_queued) {
    long long growth = f.queued - *f.previous_queued;
    if (grade(growth, t.mail_queue_growth_warn, 0) == Severity::warning) {
      c.status = worst(c.status, Severity::warning);
      problems.push_back("queue grew by " + std::to_string(growth));
    }
  }
  c.details = {{"exception", f.exception},
               {"queued", f.queued},
               {"oldest_queued_age_seconds",
                f.oldest_queued_age_seconds ? nlohmann::json(*f.oldest_queued_age_seconds)
                                            : nlohmann::json()}};
  c.finding = problems.empty() ? std::to_string(f.queued) + " waiting, none in exception"
                               : join(problems, 4);
  return c;
}

Check evaluate_logging(const LogFacts& f, const Thresholds& t) {
  const std::string title = "errors logged in the database";
  if (!f.table_used) {
    Check c = skipped("errors", title, "ir_logging is not used (Odoo logs to files)");
    c.status = Severity::info;
    return c;
  }
  Check c = make("errors", title);
  c.status = grade(f.errors, t.log_errors_warn, t.log_errors_crit);
  c.details = {{"errors", f.errors}, {"samples", f.samples}};
  c.finding = plural(f.errors, "error", "errors") + " logged since go-live";
  if (!f.samples.empty()) {
    c.finding += " (" + join(f.samples, 2) + ")";
  }
  return c;
}

Check evaluate_activity(const std::vector<ModelActivity>& models,
                        std::chrono::seconds live_for,
                        const Thresholds& t) {
  Check c = make("activity", "activity since go-live");
  if (live_for.count() < 0) {
    // Nothing "since go-live" can be judged, and overdue crons are counted from the go-live too.
    c.status = Severity::warning;
    c.details = {{"live_for_seconds", live_for.count()}, {"judged", false}};
    c.finding = "the recorded go-live is " + fmt_seconds(-live_for.count()) +
                " ahead of this clock: activity and overdue crons cannot be judged (clock skew, "
                "or a test clock set at go-live)";
    return c;
  }
  double days = static_cast<double>(live_for.count()) / 86400.0;
  bool judge = live_for >= t.activity_min_age;
  std::vector<std::string> quiet;
  std::vector<std::string> busy;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : models) {
    nlohmann::json row = {{"model", m.model}};
    if (!m.created) {
      row["created"] = nullptr;
      list.push_back(row);
      continue;
    }
    row["created"] = *m.created;
    if (*m.created > 0) {
      busy.push_back(m.model + " " + std::to_string(*m.created));
    }
    if (m.baseline_per_day) {
      double expected = *m.baseline_per_day * days;
      row["baseline_per_day"] = *m.baseline_per_day;
      row["expected"] = expected;
      // Too few records to judge: a model created once a week says nothing after half a day.
      if (judge && expected >= 1.0 &&
          static_cast<double>(*m.created) < t.activity_ratio_warn * expected) {
        quiet.push_back(m.model + " " + std::to_string(*m.created) + " (normally " +
                        fmt_rate(*m.baseline_per_day) + "/day)");
      }
    }
    list.push_back(row);
  }
  c.details = {{"live_for_seconds", live_for.count()}, {"judged", judge}, {"models", list}};
  if (!quiet.empty()) {
    c.status = Severity::warning;
    c.finding = "little activity since go-live: " + join(quiet, 3);
  } else if (!judge) {
    c.status = Severity::info;
    c.finding = "live for " + fmt_seconds(live_for.count()) + ", too early to judge" +
                (busy.empty() ? "" : "; created " + join(busy, 3));
  } else {
    c.finding = busy.empty() ? "no record created since go-live (none expected)"
                             : "created since go-live: " + join(busy, 4);
  }
  return c;
}

Check evaluate_totals(const Amounts& live,
                      const Amounts& reference,
                      const std::string& reference_name) {
  Check c = make("totals", "historical journal totals");
  std::vector<std::string> diffs;
  nlohmann::json list = nlohmann::json::array();
  std::map<std::string, bool> keys;
  for (const auto& [k, v] : live) {
    keys[k] = true;
  }
  for (const auto& [k, v] : reference) {
    keys[k] = true;
  }
  for (const auto& [key, unused] : keys) {
    auto l = live.find(key);
    auto r = reference.find(key);
    std::string lv = l == live.end() ? "0" : l->second;
    std::string rv = r == reference.end() ? "0" : r->second;
    if (!same_decimal(lv, rv)) {
      diffs.push_back(key + " " + normalize_decimal(rv) + " -> " + normalize_decimal(lv));
      list.push_back({{"key", key}, {"reference", rv}, {"live", lv}});
    }
  }
  c.details = {{"reference", reference_name}, {"compared", keys.size()}, {"differences", list}};
  if (diffs.empty()) {
    c.finding = "unchanged against the " + reference_name + " (" +
                plural(static_cast<long long>(keys.size()), "sum", "sums") + ")";
  } else {
    c.status = Severity::blocking;
    c.finding = "changed against the " + reference_name + ": " + join(diffs, 3);
  }
  return c;
}

Check evaluate_disk(const std::string& id,
                    const std::string& title,
                    std::optional<long long> free_bytes,
                    const std::string& where,
                    const Thresholds& t) {
  Check c = make(id, title);
  if (!free_bytes) {
    c.status = Severity::info;
    c.finding = where.empty() ? "free space unknown" : where + ": free space unknown";
    c.details = {{"where", where}, {"free_bytes", nullptr}};
    return c;
  }
  c.details = {{"where", where}, {"free_bytes", *free_bytes}};
  if (t.disk_free_crit_bytes > 0 && *free_bytes < t.disk_free_crit_bytes) {
    c.status = Severity::blocking;
  } else if (t.disk_free_warn_bytes > 0 && *free_bytes < t.disk_free_warn_bytes) {
    c.status = Severity::warning;
  }
  c.finding = format_bytes(*free_bytes) + " free" + (where.empty() ? "" : " (" + where + ")");
  return c;
}

Severity overall(const std::vector<Check>& checks) {
  Severity s = Severity::ok;
  for (const auto& c : checks) {
    s = worst(s, c.status);
  }
  // Info and skipped need nobody: overall, that is ok.
  return needs_attention(s) ? s : Severity::ok;
}

int exit_code(Severity overall_status) {
  switch (overall_status) {
  case Severity::blocking:
    return static_cast<int>(ExitCode::blocking_findings);
  case Severity::warning:
    return static_cast<int>(ExitCode::pending);
  default:
    return 0;
  }
}

std::vector<Change> changes(const std::vector<Check>& before, const std::vector<Check>& after) {
  std::vector<Change> out;
  for (const auto& a : after) {
    auto b =
        std::find_if(before.begin(), before.end(), [&](const Check& c) { return c.id == a.id; });
    bool is_problem = needs_attention(a.status);
    if (b == before.end()) {
      out.push_back({a.id, a.title, std::nullopt, a.status, a.finding});
    } else if (b->status != a.status || (is_problem && b->finding != a.finding)) {
      out.push_back({a.id, a.title, b->status, a.status, a.finding});
    }
  }
  return out;
}

} // namespace odoo_upgrade::core::monitor
