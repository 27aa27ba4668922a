#pragma once

#include <odoo_upgrade/core/severity.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Post go-live monitoring: the pure parts of the `monitor` command. Facts gathered by the adapters
// (HTTP probe, SQL queries, disk space) go in; checks with a core::Severity and a one-line finding
// come out. Thresholds come from the project file (section `monitor.thresholds`, see
// core/monitor_record.hpp).
//
// A check's status is a core::Severity: `info` is a fact worth showing that needs nobody; `skipped`
// means the check could not run for a reason that is not a fault (no project, no database
// credentials, table not used). Only `warning` and `blocking` affect the exit code.
namespace odoo_upgrade::core::monitor {

// One check's result.
struct Check {
  std::string id;    // stable, e.g. "crons"
  std::string title; // for the table, e.g. "scheduled actions"
  Severity status = Severity::ok;
  std::string finding;                               // one line for people
  nlohmann::json details = nlohmann::json::object(); // figures for --json and the history
};
nlohmann::json to_json(const Check& c);
Check check_from_json(const nlohmann::json& j);

// Thresholds; every field has a documented default (docs/commands/monitor.md). A value reaching a
// `_warn` threshold gives a warning, reaching `_crit` a blocking status (the names of the keys are
// those of the project file and stay).
struct Thresholds {
  std::chrono::milliseconds http_timeout{30'000};
  std::chrono::milliseconds response_warn{2'000};
  std::chrono::milliseconds response_crit{10'000};
  long long cron_failures_warn = 1; // failure_count of one cron (series that have it)
  long long cron_failures_crit = 3;
  std::chrono::seconds cron_overdue_warn{3600}; // active cron whose nextcall is this far past
  std::chrono::seconds cron_overdue_crit{24 * 3600};
  long long mail_exception_warn = 1; // mail_mail in state 'exception'
  long long mail_exception_crit = 20;
  long long mail_queue_warn = 500;                // mail_mail waiting to be sent
  std::chrono::seconds mail_queue_age_warn{3600}; // oldest waiting mail
  long long mail_queue_growth_warn = 100;         // growth between two watch iterations
  long long log_errors_warn = 1;                  // ir_logging ERROR/CRITICAL since go-live
  long long log_errors_crit = 50;
  std::chrono::seconds activity_min_age{4 * 3600}; // judge activity only after this long live
  double activity_ratio_warn = 0.1; // created < ratio × expected (baseline daily volume) → WARN
  long long activity_baseline_days = 28; // days before the freeze that give the daily volume
  long long disk_free_warn_bytes = 2'000'000'000;
  long long disk_free_crit_bytes = 500'000'000;
};

// Thresholds from `monitor.thresholds` (`j` may be null or an object). Durations are a number of
// seconds or a duration text ("90s", "2h"); counts and bytes are integers. Throws UsageError naming
// the key when a key is unknown, a value malformed, or a warn threshold above its crit one.
Thresholds thresholds_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Thresholds& t);

// --- facts -------------------------------------------------------------------------------------

// What Odoo's HTTP routes answered.
// GET /web/login?db=<database>, redirects inside the same server followed.
struct LoginFacts {
  std::string database;
  long status = 0;   // the last HTTP status; 0 when there was no answer
  std::string path;  // the path (and query) that answered last
  int redirects = 0; // redirects followed
  std::string error; // transport failure, redirect loop or redirect away, when status is 0
};

struct HttpFacts {
  bool answered = false;             // Odoo answered (health or version info) with HTTP 2xx
  std::string error;                 // why not (transport failure, HTTP status), when !answered
  std::optional<bool> healthy;       // /web/health: true "pass", false other; nullopt no such route
  std::optional<std::string> series; // result.server_serie of version_info
  std::string route;                 // the route that answered
  std::chrono::milliseconds elapsed{0}; // slowest of the calls made
  std::optional<LoginFacts> login;      // when a database was named
};

// One active scheduled action.
struct CronFact {
  long long id = 0;
  std::string name;
  std::optional<long long> failure_count;   // series with ir_cron.failure_count only
  std::optional<std::string> first_failure; // ir_cron.first_failure_date
  std::optional<TimePoint> nextcall;        // ir_cron.nextcall (UTC)
  std::optional<long long> overdue_seconds; // see cron_overdue_seconds
};

// How late a cron with `nextcall` is at `now`, in seconds: counted from the later of its nextcall
// and `live_since` (the go-live: crons are stopped on purpose during the freeze, so a call missed
// then is not late until the upgraded production has run for a while). std::nullopt when not late.
std::optional<long long>
cron_overdue_seconds(TimePoint nextcall, TimePoint now, std::optional<TimePoint> live_since);

struct MailFacts {
  long long exception = 0; // state 'exception'
  long long queued = 0;    // state 'outgoing'
  std::optional<long long> oldest_queued_age_seconds;
  std::optional<long long> previous_queued;   // queued at the previous watch iteration
  std::vector<std::string> exception_samples; // a few failure reasons
};

struct LogFacts {
  bool table_used = false; // ir_logging has any row
  long long errors = 0;    // ERROR/CRITICAL since go-live
  std::vector<std::string> samples;
};

struct ModelActivity {
  std::string model;                      // Odoo model, e.g. "sale.order"
  std::optional<long long> created;       // since go-live; nullopt when the table is missing
  std::optional<double> baseline_per_day; // normal daily volume before the freeze
};

// Sums of one reference and the live database, by key (e.g. "company 1 debit").
using Amounts = std::map<std::string, std::string>;

// --- evaluation --------------------------------------------------------------------------------

Check evaluate_http(const std::optional<HttpFacts>& facts, const Thresholds& t);
// `expected` is the target series ("18.0"); empty when unknown (no project and no --series).
Check evaluate_version(const std::optional<HttpFacts>& facts, const std::string& expected);
// The login page of the live database: blocking unless it ends with 200 on /web/login
// (core::login_problem, the target Odoo's open rule). A database Odoo's role does not own is not
// listed by Odoo and ends on the database selector: nobody could log in although /web/health
// passes (17.0's health route checks no database). Skipped without a URL, an answer or a database.
Check evaluate_login(const std::optional<HttpFacts>& facts);
Check evaluate_response_time(const std::optional<HttpFacts>& facts, const Thresholds& t);
// Modules by state, for the states 'to install', 'to upgrade', 'to remove' only.
Check evaluate_modules(const std::vector<std::pair<std::string, std::string>>& pending);
Check evaluate_crons(const std::vector<CronFact>& crons,
                     bool has_failure_count,
                     const Thresholds& t);
Check evaluate_mail(const MailFacts& facts, const Thresholds& t);
Check evaluate_logging(const LogFacts& facts, const Thresholds& t);
// `live_for` is the time since go-live; negative when the recorded go-live is ahead of the clock
// (a warning: nothing since go-live can be judged).
Check evaluate_activity(const std::vector<ModelActivity>& models,
                        std::chrono::seconds live_for,
                        const Thresholds& t);
// Compares `live` with `reference` (the pre-upgrade database or the freeze baseline, named by
// `reference_name`) as decimal numbers (core::same_decimal): any difference is blocking.
Check evaluate_totals(const Amounts& live,
                      const Amounts& reference,
                      const std::string& reference_name);
// Free space where `what` ("data dir", "database") lives; nullopt free space is info "unknown".
Check evaluate_disk(const std::string& id,
                    const std::string& title,
                    std::optional<long long> free_bytes,
                    const std::string& where,
                    const Thresholds& t);
// A check that could not run: `skipped` with `reason`.
Check skipped(const std::string& id, const std::string& title, const std::string& reason);

// The worst status of `checks`: blocking, warning, or ok (info and skipped count as ok; ok for
// none).
Severity overall(const std::vector<Check>& checks);
// 0 when nothing is a warning or blocking, 1 when anything is blocking, 8 when the worst is a
// warning.
int exit_code(Severity overall_status);

// A change seen between two watch iterations.
struct Change {
  std::string check;
  std::string title;
  std::optional<Severity> from; // nullopt when the check is new
  Severity to = Severity::ok;
  std::string finding;
};
// What changed from `before` to `after`: a different status, or a different finding of a check
// that needs attention (warning or blocking). Checks are matched by id.
std::vector<Change> changes(const std::vector<Check>& before, const std::vector<Check>& after);

} // namespace odoo_upgrade::core::monitor
