// End-to-end tests of `monitor` through the built binary: a live production stood in by a copy of
// the real Odoo 17 fixture (with a kept pre-upgrade copy), a small local HTTP server standing in
// for Odoo's web routes, and planted problems, each giving the right status and exit code.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/monitor_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

using namespace odoo_upgrade;
using test::run_cli;
namespace stdfs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A stand-in for a running Odoo: /web/health and the version-info JSON-RPC route, on loopback.
class FakeOdoo {
public:
  std::string series = "18.0";
  bool has_health = true;           // false: an Odoo before 17 (404)
  std::atomic<int> healthy_for{-1}; // health requests answered "pass" before 503s; -1 always
  std::chrono::milliseconds delay{0};
  // The database its role owns (Odoo lists, and serves, only those); nullopt: any database.
  std::optional<std::string> serves;

  FakeOdoo() {
    // As 17.0 answers (docs/notes/target-odoo-facts.md, "HTTP server"): a served database's login
    // page first redirects to itself with a session cookie, then answers 200; another database
    // ends on the database selector.
    m_server.Get("/web/login", [this](const httplib::Request& req, httplib::Response& res) {
      std::string db = req.get_param_value("db");
      if (serves && db != *serves) {
        res.set_redirect("/web/database/selector", 303);
        return;
      }
      if (req.get_header_value("Cookie").find("session_id=") == std::string::npos) {
        res.set_header("Set-Cookie", "session_id=fake; Path=/");
        res.set_redirect("/web/login?db=" + db, 302);
        return;
      }
      res.set_content("<html>login</html>", "text/html");
    });
    m_server.Get("/web/database/selector", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html>selector</html>", "text/html");
    });
    m_server.Get("/web/health", [this](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(delay);
      if (!has_health) {
        res.status = 404;
        return;
      }
      int left = healthy_for.load();
      if (left == 0) {
        res.status = 503;
        res.set_content(R"({"status": "fail"})", "application/json");
        return;
      }
      if (left > 0) {
        healthy_for = left - 1;
      }
      res.set_content(R"({"status": "pass"})", "application/json");
    });
    m_server.Post(
        "/web/webclient/version_info", [this](const httplib::Request& req, httplib::Response& res) {
          auto body = json::parse(req.body, nullptr, false);
          json result = {
              {"server_version", series}, {"server_serie", series}, {"protocol_version", 1}};
          res.set_content(json{{"jsonrpc", "2.0"},
                               {"id", body.is_object() ? body.value("id", json()) : json()},
                               {"result", result}}
                              .dump(),
                          "application/json");
        });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) {
      std::this_thread::sleep_for(5ms);
    }
  }
  ~FakeOdoo() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
};

// A URL where nothing listens: a loopback port that was free a moment ago (bound, never listened
// on, closed).
std::string dead_url() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

std::string utc(std::chrono::system_clock::time_point t) {
  return core::iso8601_utc(t);
}

// When the fixture was built: the newest xml id it holds. Its records carry the dates of that day.
std::chrono::system_clock::time_point fixture_time(const std::string& db) {
  auto t = core::parse_iso8601(test::pg_query_value(
      db, "SELECT to_char(max(create_date), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM ir_model_data"));
  REQUIRE(t);
  return *t;
}

// A project after go-live: `db` is the upgraded production (a copy of the Odoo 17 fixture), `pre`
// the kept pre-upgrade database, and the project file says phase live with golive and freeze
// sections as restore and freeze write them. The suite controls time: `now` is `clock_ahead` after
// the fixture was built, every command runs with its clock set to it (ODOO_UPGRADE_TEST_NOW) and
// every planted date is relative to it, so the verdicts do not depend on the fixture's age. The
// freeze is 72 hours before `now` (after every fixture record was created), the go-live 48 hours
// before, and production has been used since (a few records of each watched model are dated after
// the go-live). One is shared by every test (two database copies are the slow part); each test
// undoes what it plants (see Planted and ProjectGuard).
test::ProductionOptions live_options() {
  test::ProductionOptions o;
  o.prefix = "mon";
  o.with_filestore = false;
  return o;
}

struct GoLive {
  // The production (a copy of the Odoo 17 fixture, initiated); `db` stands for the upgraded one.
  test::Production prod{live_options()};
  test::TempDir& dir = prod.dir;
  std::string db = prod.db;
  std::string pre = db + "_pre"; // dropped with the production (same prefix)
  std::chrono::system_clock::time_point now;

  explicit GoLive(std::chrono::hours clock_ahead = 72h) {
    test::pg_create_from_fixture(pre, "odoo17");
    now = fixture_time(db) + clock_ahead + 5min;

    // A running production: crons scheduled ahead, as Odoo's cron runner keeps them, and new
    // contacts, orders and invoices since the go-live.
    sql("UPDATE ir_cron SET nextcall = " + ts(1h));
    for (const char* table : {"res_partner", "sale_order", "account_move"}) {
      sql(std::string("UPDATE ") + table + " SET create_date = " + ts(-1h) +
          " WHERE id IN (SELECT " + "id FROM " + table + " ORDER BY id DESC LIMIT 3)");
    }

    edit([&](core::Project& p) {
      p.set_phase(core::Phase::live);
      // The freeze and golive sections as freeze and restore write them.
      p.doc()["freeze"] = {
          {"state", "superseded"},
          {"frozen_at", utc(now - 72h)},
          {"baseline",
           {{"taken_at", utc(now - 72h)},
            {"database", db},
            {"counts", {{"res.partner", 42}, {"sale.order", 40}, {"account.move", 24}}},
            {"totals",
             {{"account_move_line_debit", value("SELECT sum(debit) FROM account_move_line")},
              {"account_move_line_credit", value("SELECT sum(credit) FROM account_move_line")}}},
            {"max_ids",
             {{"account.move.line",
               std::stoll(value("SELECT max(id) FROM account_move_line"))}}}}}};
      core::GoliveRecord golive;
      golive.attempt = 1;
      golive.state = core::GoliveState::live;
      golive.database = db;
      golive.pre_upgrade_db = pre;
      golive.live_at = utc(now - 48h);
      core::write_golive(p, golive);
      // The test must not depend on this machine's free disk space.
      core::monitor::MonitorRecord monitor;
      monitor.thresholds.disk_free_warn_bytes = 0;
      monitor.thresholds.disk_free_crit_bytes = 0;
      core::monitor::write_monitor(p, monitor);
    });
  }

  // Loads the project file, applies `change` and saves it, as a command does.
  void edit(const std::function<void(core::Project&)>& change) const {
    auto p = adapters::fs::load_project(project_path());
    change(p);
    adapters::fs::save_project(project_path(), p);
  }
  // Changes the project's monitor section through its record.
  void edit_monitor(const std::function<void(core::monitor::MonitorRecord&)>& change) const {
    edit([&](core::Project& p) {
      auto m = core::monitor::read_monitor(p);
      change(m);
      core::monitor::write_monitor(p, m);
    });
  }

  // SQL for the naive UTC timestamp `offset` from the suite's `now` (Odoo stores naive UTC).
  std::string ts(std::chrono::seconds offset) const {
    return "('" + utc(now + offset) + "'::timestamptz AT TIME ZONE 'UTC')";
  }
  // The environment of every command the suite runs: the clock set to `now`.
  std::vector<std::pair<std::string, std::string>> env() const {
    return {{"ODOO_UPGRADE_TEST_NOW", utc(now)}};
  }

  // Runs `statements` (separated by ";\n") in `database` (default: the live one).
  void sql(const std::string& statements, const std::string& database = "") const {
    adapters::pg::Connection c(test::pg_conninfo(database.empty() ? db : database));
    std::size_t start = 0;
    while (start < statements.size()) {
      auto end = statements.find(";\n", start);
      c.exec_no_rows(statements.substr(start, end == std::string::npos ? end : end - start));
      start = end == std::string::npos ? statements.size() : end + 2;
    }
  }
  std::string value(const std::string& query) const { return test::pg_query_value(db, query); }
  stdfs::path project_path() const { return prod.project_path(); }
  json project() const { return json::parse(test::read_file(project_path())); }
  void save(const json& doc) const { test::write_file(project_path(), doc.dump(2)); }

  adapters::ProcessResult cli(const std::vector<std::string>& args) const {
    return run_cli(args, dir.path(), env());
  }
  adapters::ProcessResult monitor(std::vector<std::string> args) const {
    args.insert(args.begin(), "monitor");
    args.insert(args.begin(), "--json");
    return cli(args);
  }
};

GoLive& shared_live() {
  static GoLive live;
  return live;
}

// Runs `plant` now and `undo` at scope end (also when the test fails).
struct Planted {
  const GoLive& live;
  std::string undo;
  std::string database;
  Planted(const GoLive& l, const std::string& plant, std::string undo_sql, std::string db = "")
      : live(l), undo(std::move(undo_sql)), database(std::move(db)) {
    live.sql(plant, database);
  }
  ~Planted() { live.sql(undo, database); }
};

// Puts the project file back as it was at scope end.
struct ProjectGuard {
  const GoLive& live;
  std::string saved;
  explicit ProjectGuard(const GoLive& l) : live(l), saved(test::read_file(l.project_path())) {}
  ~ProjectGuard() { test::write_file(live.project_path(), saved); }
};

// A recent series' ir_cron (18.0 has failure_count and first_failure_date).
constexpr const char* k_add_failure_columns =
    "ALTER TABLE ir_cron ADD COLUMN failure_count integer DEFAULT 0, ADD COLUMN first_failure_date "
    "timestamp";
constexpr const char* k_drop_failure_columns =
    "ALTER TABLE ir_cron DROP COLUMN failure_count, DROP COLUMN first_failure_date";

json parse(const adapters::ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

const json& check(const json& doc, const std::string& id) {
  for (const auto& c : doc["checks"]) {
    if (c["id"] == id) {
      return c;
    }
  }
  FAIL("no check '" << id << "' in " << doc.dump(2));
  throw std::logic_error("unreachable");
}

std::string status(const json& doc, const std::string& id) {
  return check(doc, id)["status"].get<std::string>();
}

// Every check except `except` is fine (ok, info or skipped).
void only_problem(const json& doc, const std::string& except) {
  for (const auto& c : doc["checks"]) {
    if (c["id"] != except) {
      INFO(c.dump());
      CHECK((c["status"] == "ok" || c["status"] == "info"));
    }
  }
}

} // namespace

// The verdicts on a healthy go-live, whatever the suite's clock reads.
static void check_healthy(const GoLive& live) {
  FakeOdoo odoo;
  auto history = live.project()["history"].size();
  auto r = live.monitor({"--url", odoo.url()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  json doc = parse(r);
  CHECK(doc["status"] == "ok");
  CHECK(doc["exit_code"] == 0);
  only_problem(doc, "");
  CHECK(check(doc, "http")["finding"] == "/web/health: pass");
  CHECK(check(doc, "version")["finding"] == "series 18.0");
  CHECK(status(doc, "database") == "ok");
  CHECK(check(doc, "crons")["details"]["series_has_failure_count"] == false);
  CHECK(check(doc, "crons")["details"]["active"] == 23);
  CHECK(status(doc, "errors") == "info"); // ir_logging unused
  // Activity judged (live for two days): the records entered since the go-live are seen.
  CHECK(status(doc, "activity") == "ok");
  CHECK(check(doc, "activity")["details"]["judged"] == true);
  CHECK(check(doc, "activity")["finding"].get<std::string>().find("sale.order 3") !=
        std::string::npos);
  // Historical totals compared per company with the pre-upgrade database.
  CHECK(status(doc, "totals") == "ok");
  CHECK(check(doc, "totals")["details"]["compared"].get<int>() >= 2);
  CHECK(check(doc, "disk_database")["details"]["database_size_bytes"].get<long long>() > 1'000'000);

  // The table for people.
  auto text = live.cli({"monitor", "--url", odoo.url()});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("OK    odoo answers over http") != std::string::npos);
  CHECK(text.out.find("overall: OK") != std::string::npos);
  // A one-shot check does not write the project.
  CHECK(live.project()["history"].size() == history);
}

TEST_CASE("monitor: a healthy go-live is all OK", "[integration][monitor]") {
  check_healthy(shared_live());
}

TEST_CASE("monitor: a healthy go-live is all OK with the clock a year past the fixture",
          "[integration][monitor]") {
  // The fixture's records are a year old then: no activity in the baseline period, crons that
  // last ran a year ago. Nothing of that may turn a healthy go-live into a warning.
  GoLive later(72h + 365 * 24h);
  check_healthy(later);
}

TEST_CASE("monitor: a failing cron", "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  Planted columns(live, k_add_failure_columns, k_drop_failure_columns);
  SECTION("failing repeatedly is blocking") {
    live.sql("UPDATE ir_cron SET failure_count = 5, first_failure_date = " + live.ts(-2h) +
             " WHERE cron_name = 'Mail: Email Queue Manager'");
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(status(doc, "crons") == "blocking");
    CHECK(check(doc, "crons")["finding"] == "'Mail: Email Queue Manager' failed 5x");
    CHECK(check(doc, "crons")["details"]["series_has_failure_count"] == true);
    only_problem(doc, "crons");
  }
  SECTION("one failure is a warning") {
    live.sql("UPDATE ir_cron SET failure_count = 1 WHERE cron_name = 'Mail: Email Queue Manager'");
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 8);
    CHECK(status(parse(r), "crons") == "warning");
  }
  SECTION("thresholds come from the project file") {
    ProjectGuard keep(live);
    live.sql("UPDATE ir_cron SET failure_count = 1 WHERE cron_name = 'Mail: Email Queue Manager'");
    live.edit_monitor([](core::monitor::MonitorRecord& m) {
      m.thresholds.cron_failures_warn = 2;
      m.thresholds.cron_failures_crit = 4;
    });
    CHECK(live.monitor({"--url", odoo.url()}).exit_code == 0);
  }
}

TEST_CASE("monitor: an overdue cron in a series without failure counts", "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  SECTION("a cron that has not run since the go-live is late from the go-live on") {
    // Its nextcall fell in the freeze (crons are stopped then on purpose): late by 48 h, not 72.
    Planted overdue(live,
                    "UPDATE ir_cron SET nextcall = " + live.ts(-72h) +
                        " WHERE cron_name = 'Mail: Email Queue Manager'",
                    "UPDATE ir_cron SET nextcall = " + live.ts(1h));
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(status(doc, "crons") == "blocking");
    CHECK(check(doc, "crons")["details"]["series_has_failure_count"] == false);
    CHECK(check(doc, "crons")["finding"].get<std::string>().find(
              "'Mail: Email Queue Manager' overdue by 48h") == 0);
    only_problem(doc, "crons");
  }
  SECTION("a cron due since shortly after the go-live is a warning") {
    Planted overdue(live,
                    "UPDATE ir_cron SET nextcall = " + live.ts(-2h) +
                        " WHERE cron_name = 'Mail: Email Queue Manager'",
                    "UPDATE ir_cron SET nextcall = " + live.ts(1h));
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 8);
    json doc = parse(r);
    CHECK(check(doc, "crons")["finding"].get<std::string>().find(
              "'Mail: Email Queue Manager' overdue by 2h") == 0);
    only_problem(doc, "crons");
  }
  SECTION("right after the go-live, crons stopped by the freeze are not late yet") {
    ProjectGuard keep(live);
    Planted overdue(live,
                    "UPDATE ir_cron SET nextcall = " + live.ts(-72h),
                    "UPDATE ir_cron SET nextcall = " + live.ts(1h));
    json doc = live.project();
    doc["golive"]["live_at"] = utc(live.now - 5min);
    live.save(doc);
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 0);
    CHECK(status(parse(r), "crons") == "ok");
  }
}

TEST_CASE("monitor: a mail in exception is a warning", "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  Planted mail(live,
               "WITH m AS (INSERT INTO mail_message (message_type, body, create_date) VALUES "
               "('email', '<p>Invoice</p>', " +
                   live.ts(-10min) +
                   ") RETURNING id) "
                   "INSERT INTO mail_mail (mail_message_id, state, failure_reason, create_date) "
                   "SELECT id, 'exception', 'SMTP server refused the sender', " +
                   live.ts(-10min) + " FROM m",
               "WITH d AS (DELETE FROM mail_mail WHERE state = 'exception' RETURNING "
               "mail_message_id) DELETE FROM mail_message WHERE id IN (SELECT mail_message_id "
               "FROM d)");
  auto r = live.monitor({"--url", odoo.url()});
  CHECK(r.exit_code == 8);
  json doc = parse(r);
  CHECK(doc["status"] == "warning");
  CHECK(status(doc, "mail") == "warning");
  CHECK(check(doc, "mail")["finding"] == "1 mail in exception (SMTP server refused the sender)");
  only_problem(doc, "mail");
}

TEST_CASE("monitor: a module stuck in 'to upgrade' is blocking", "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  Planted stuck(live,
                "UPDATE ir_module_module SET state = 'to upgrade' WHERE name = 'sale_management'",
                "UPDATE ir_module_module SET state = 'installed' WHERE name = 'sale_management'");
  auto r = live.monitor({"--url", odoo.url()});
  CHECK(r.exit_code == 1);
  json doc = parse(r);
  CHECK(status(doc, "modules") == "blocking");
  CHECK(check(doc, "modules")["finding"] ==
        "1 module not in a final state: sale_management (to upgrade)");
  only_problem(doc, "modules");
}

TEST_CASE("monitor: Odoo over HTTP", "[integration][monitor]") {
  const GoLive& live = shared_live();
  SECTION("down is blocking") {
    auto r = live.monitor({"--url", dead_url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(status(doc, "http") == "blocking");
    CHECK(check(doc, "http")["finding"].get<std::string>().find("no answer: /web/health") == 0);
    CHECK(status(doc, "version") == "skipped");
    CHECK(status(doc, "response_time") == "skipped");
    CHECK(status(doc, "database") == "ok"); // the database checks still ran
  }
  SECTION("unhealthy is blocking") {
    FakeOdoo odoo;
    odoo.healthy_for = 0;
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    CHECK(status(parse(r), "http") == "blocking");
  }
  SECTION("the wrong series is blocking") {
    FakeOdoo odoo;
    odoo.series = "17.0";
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(check(doc, "version")["finding"] == "series 17.0, expected 18.0");
    only_problem(doc, "version");
  }
  SECTION("a database Odoo does not serve is blocking although /web/health passes") {
    // Owned by another role than Odoo's: Odoo does not list it, so nobody can log in.
    FakeOdoo odoo;
    odoo.serves = "another_database";
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(status(doc, "http") == "ok");
    CHECK(status(doc, "login") == "blocking");
    CHECK(check(doc, "login")["finding"] ==
          "/web/login?db=" + live.db +
              " ended on /web/database/selector: the server does not serve database '" + live.db +
              "'");
    only_problem(doc, "login");
    auto text = live.cli({"monitor", "--url", odoo.url()});
    CHECK(text.exit_code == 1);
    CHECK(text.out.find("login page of the database") != std::string::npos);
  }
  SECTION("the database's login page answered after the session redirect is OK") {
    FakeOdoo odoo;
    odoo.serves = live.db;
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 0);
    json doc = parse(r);
    CHECK(check(doc, "login")["finding"] == "/web/login?db=" + live.db + " answered 200");
    CHECK(check(doc, "login")["details"]["redirects"] == 1);
  }
  SECTION("an Odoo without /web/health answers through version info") {
    FakeOdoo odoo;
    odoo.has_health = false;
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 0);
    CHECK(check(parse(r), "http")["finding"] == "/web/webclient/version_info answers");
  }
  SECTION("slow is a warning") {
    ProjectGuard keep(live);
    FakeOdoo odoo;
    odoo.delay = 300ms;
    live.edit_monitor([&](core::monitor::MonitorRecord& m) {
      m.thresholds.response_warn = 200ms;
      m.url = odoo.url(); // the URL may come from the project file
    });
    auto r = live.monitor({});
    CHECK(r.exit_code == 8);
    json out = parse(r);
    CHECK(status(out, "response_time") == "warning");
    only_problem(out, "response_time");
  }
}

TEST_CASE("monitor: database facts against the baseline", "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  std::string line = live.value("SELECT min(id) FROM account_move_line WHERE date < " +
                                live.ts(-240h) + " AND debit > 0 AND credit = 0");
  SECTION("historical journal totals changed is blocking") {
    Planted changed(live,
                    "UPDATE account_move_line SET debit = debit + 1 WHERE id = " + line,
                    "UPDATE account_move_line SET debit = debit - 1 WHERE id = " + line);
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json doc = parse(r);
    CHECK(status(doc, "totals") == "blocking");
    CHECK(check(doc, "totals")["details"]["reference"] ==
          "pre-upgrade database '" + live.pre + "'");
    only_problem(doc, "totals");
  }
  SECTION("without the pre-upgrade database, the freeze baseline totals serve") {
    ProjectGuard keep(live);
    json doc = live.project();
    doc["golive"].erase("pre_upgrade_db");
    live.save(doc);
    CHECK(live.monitor({"--url", odoo.url()}).exit_code == 0);
    Planted changed(live,
                    "UPDATE account_move_line SET debit = debit + 2 WHERE id = " + line,
                    "UPDATE account_move_line SET debit = debit - 2 WHERE id = " + line);
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 1);
    json out = parse(r);
    CHECK(check(out, "totals")["details"]["reference"] == "freeze baseline");
    CHECK(status(out, "totals") == "blocking");
  }
  SECTION("errors logged since go-live are a warning") {
    Planted logged(
        live,
        "INSERT INTO ir_logging (create_date, name, type, dbname, level, message, path, func, "
        "line) VALUES (" +
            live.ts(-1h) +
            ", 'odoo.addons.sale', 'server', current_database(), 'ERROR', 'division by zero', "
            "'sale.py', 'confirm', '12'), (" +
            live.ts(-120h) +
            ", 'odoo', 'server', current_database(), 'ERROR', 'before go-live', 'x.py', 'f', "
            "'1')",
        "DELETE FROM ir_logging");
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 8);
    json doc = parse(r);
    CHECK(check(doc, "errors")["details"]["errors"] == 1);
    CHECK(status(doc, "errors") == "warning");
    only_problem(doc, "errors");
  }
  SECTION("no sales since go-live where the baseline had some every day is a warning") {
    const char* backup = "CREATE TABLE mon_backup AS SELECT id, create_date FROM sale_order;\n";
    const char* restore = "UPDATE sale_order s SET create_date = b.create_date FROM mon_backup b "
                          "WHERE b.id = s.id;\nDROP TABLE mon_backup";
    // Before the freeze: 40 orders over the 20 previous days. Since go-live: none.
    Planted before(live,
                   std::string(backup) + "UPDATE sale_order SET create_date = " + live.ts(-73h) +
                       " - (id % 20) * interval '1 day'",
                   restore,
                   live.pre);
    Planted since(live,
                  std::string(backup) + "UPDATE sale_order SET create_date = " + live.ts(-120h),
                  restore);
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 8);
    json doc = parse(r);
    CHECK(status(doc, "activity") == "warning");
    CHECK(check(doc, "activity")["finding"] ==
          "little activity since go-live: sale.order 0 (normally 1.43/day)");
    only_problem(doc, "activity");
  }
}

TEST_CASE("monitor: HTTP checks alone, without the database", "[integration][monitor]") {
  FakeOdoo odoo;
  SECTION("no project file") {
    test::TempDir empty{"monitor-noproject"};
    auto r = run_cli({"--json", "monitor", "--url", odoo.url(), "--series", "18.0"}, empty.path());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    json doc = parse(r);
    CHECK(status(doc, "http") == "ok");
    CHECK(status(doc, "version") == "ok");
    CHECK(status(doc, "database") == "skipped");
    CHECK(status(doc, "crons") == "skipped");
    auto no_url = run_cli({"monitor"}, empty.path());
    CHECK(no_url.exit_code == 3);
    CHECK(no_url.err.find("no Odoo URL to check") != std::string::npos);
  }
  SECTION("a project whose database cannot be reached") {
    const GoLive& live = shared_live();
    ProjectGuard keep(live);
    live.edit([](core::Project& p) {
      auto source = core::read_source(p);
      source.conninfo = "host=127.0.0.1 port=1 user=nobody dbname=nowhere";
      core::write_source(p, source);
    });
    auto r = live.monitor({"--url", odoo.url()});
    CHECK(r.exit_code == 0);
    json out = parse(r);
    CHECK(status(out, "database") == "skipped");
    CHECK(status(out, "modules") == "skipped");
    // With nothing else to check, an unreachable database is blocking.
    auto db_only = live.monitor({});
    CHECK(db_only.exit_code == 1);
    CHECK(status(parse(db_only), "database") == "blocking");
  }
}

TEST_CASE("monitor --watch stops on --for, prints changes and records a summary",
          "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  odoo.healthy_for = 1; // healthy for the first round, then /web/health fails
  auto history = live.project()["history"].size();
  auto started = std::chrono::steady_clock::now();
  auto r = live.cli({"monitor", "--url", odoo.url(), "--watch", "1s", "--for", "3s"});
  auto took = std::chrono::steady_clock::now() - started;
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(took >= 3s);
  CHECK(took < 20s);
  CHECK(r.out.find("OK    odoo answers over http") != std::string::npos); // first round: table
  // Later rounds print only the change, once.
  auto change = r.out.find("BLOCK odoo answers over http: /web/health does not report \"pass\"");
  CHECK(change != std::string::npos);
  CHECK(r.out.find("(was OK)", change) != std::string::npos);
  CHECK(r.out.find("(was ", r.out.find("(was OK)", change) + 1) == std::string::npos);
  CHECK(r.out.find("watched ") != std::string::npos);

  json events = live.project()["history"];
  REQUIRE(events.size() == history + 1);
  CHECK(events.back()["command"] == "monitor");
  CHECK(events.back()["outcome"] == "blocking");
  CHECK(events.back()["details"]["rounds"].get<int>() >= 3);
  CHECK(events.back()["details"]["problems_seen"]["http"] == "blocking");

  // --json gives one final document with the last round and the watch summary.
  odoo.healthy_for = -1;
  auto j = live.monitor({"--url", odoo.url(), "--watch", "300ms", "--for", "1s"});
  CHECK(j.exit_code == 0);
  json doc = parse(j);
  CHECK(doc["watch"]["rounds"].get<int>() >= 2);
  CHECK(doc["watch"]["interrupted"] == false);
  CHECK(doc["watch"]["changes"].empty());
  CHECK(doc["checks"].size() == 13); // login included
  CHECK(live.project()["history"].size() == history + 2);
}

TEST_CASE("monitor --watch without --for ends on Ctrl-C with its summary",
          "[integration][monitor]") {
  const GoLive& live = shared_live();
  FakeOdoo odoo;
  auto history = live.project()["history"].size();
  stdfs::path out = live.dir / "watch.json";
  // Everything the child needs is prepared before fork (the HTTP stand-in runs a thread).
  std::string bin = test::binary_path().string();
  std::string url = odoo.url();
  std::string clock = utc(live.now);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || chdir(live.dir.path().c_str()) != 0 ||
        setenv("ODOO_UPGRADE_TEST_NOW", clock.c_str(), 1) != 0) {
      _exit(127);
    }
    execl(bin.c_str(),
          bin.c_str(),
          "-q",
          "--json",
          "monitor",
          "--url",
          url.c_str(),
          "--watch",
          "300ms",
          nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(1500ms);
  kill(pid, SIGINT);
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  CHECK(WEXITSTATUS(wstatus) == 0);
  json doc = json::parse(test::read_file(out));
  CHECK(doc["status"] == "ok");
  CHECK(doc["watch"]["interrupted"] == true);
  CHECK(doc["watch"]["rounds"].get<int>() >= 1);
  json events = live.project()["history"];
  REQUIRE(events.size() == history + 1);
  CHECK(events.back()["details"]["interrupted"] == true);
}

TEST_CASE("monitor: bad input and wrong phase change nothing", "[integration][monitor]") {
  const GoLive& live = shared_live();
  ProjectGuard keep(live);
  FakeOdoo odoo;
  std::string before = test::read_file(live.project_path());
  CHECK(live.monitor({"--url", odoo.url(), "--for", "1h"}).exit_code == 2);
  CHECK(live.monitor({"--url", "ftp://x"}).exit_code == 2);
  CHECK(live.monitor({"--url", odoo.url(), "--watch", "soon"}).exit_code == 2);
  CHECK(test::read_file(live.project_path()) == before);

  // A typo in a threshold (only a hand-edited file can hold one).
  json doc = live.project();
  doc["monitor"]["thresholds"]["mail_exeption_warn"] = 3;
  live.save(doc);
  auto bad = live.monitor({"--url", odoo.url()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("monitor.thresholds.mail_exeption_warn") != std::string::npos);

  doc = json::parse(before);
  doc["phase"] = "frozen";
  live.save(doc);
  auto phase = live.monitor({"--url", odoo.url()});
  CHECK(phase.exit_code == 3);
  CHECK(phase.err.find("'monitor' cannot run in phase 'frozen'") != std::string::npos);

  // A one-shot check needs no lock: it runs while another command holds it.
  test::write_file(live.project_path(), before);
  adapters::fs::ProjectLock lock(live.project_path());
  CHECK(live.monitor({"--url", odoo.url()}).exit_code == 0);
}
