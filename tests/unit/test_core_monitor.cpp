// Unit tests of the pure monitor evaluation: thresholds → status, and watch changes.
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/monitor.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace odoo_upgrade::core::monitor;
using Status = odoo_upgrade::core::Severity;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

HttpFacts up(const std::string& series = "18.0", long long ms = 50) {
  HttpFacts f;
  f.answered = true;
  f.healthy = true;
  f.route = "/web/health";
  f.series = series;
  f.elapsed = milliseconds(ms);
  return f;
}

CronFact
cron(const std::string& name, std::optional<long long> failures, std::optional<long long> overdue) {
  CronFact c;
  c.id = 1;
  c.name = name;
  c.failure_count = failures;
  c.overdue_seconds = overdue;
  return c;
}

} // namespace

TEST_CASE("core::monitor::thresholds_from_json", "[core]") {
  SECTION("defaults") {
    Thresholds t = thresholds_from_json(nullptr);
    CHECK(t.response_warn == milliseconds(2000));
    CHECK(t.cron_failures_crit == 3);
    CHECK(thresholds_from_json(nlohmann::json::object()).mail_exception_warn == 1);
  }
  SECTION("durations as seconds or text, counts as integers") {
    Thresholds t = thresholds_from_json(
        {{"response_warn", "500ms"}, {"cron_overdue_warn", 600}, {"mail_exception_crit", 5}});
    CHECK(t.response_warn == milliseconds(500));
    CHECK(t.cron_overdue_warn == seconds(600));
    CHECK(t.mail_exception_crit == 5);
  }
  SECTION("round trip") {
    Thresholds t = thresholds_from_json({{"cron_overdue_crit", "2h"}});
    CHECK(thresholds_from_json(to_json(t)).cron_overdue_crit == hours(2));
    CHECK(to_json(t)["response_warn"] == 2);
    Thresholds fast = thresholds_from_json({{"response_warn", "500ms"}});
    CHECK(thresholds_from_json(to_json(fast)).response_warn == milliseconds(500));
  }
  SECTION("bad input is refused, naming the key") {
    CHECK_THROWS_AS(thresholds_from_json({{"respons_warn", "1s"}}), UsageError);
    CHECK_THROWS_WITH(thresholds_from_json({{"respons_warn", "1s"}}),
                      Catch::Contains("monitor.thresholds.respons_warn"));
    CHECK_THROWS_AS(thresholds_from_json({{"response_warn", "soon"}}), UsageError);
    CHECK_THROWS_AS(thresholds_from_json({{"mail_exception_warn", -1}}), UsageError);
    CHECK_THROWS_AS(thresholds_from_json({{"mail_exception_warn", 30}}), UsageError); // > crit 20
    CHECK_THROWS_AS(thresholds_from_json({{"activity_ratio_warn", 2}}), UsageError);
    CHECK_THROWS_AS(thresholds_from_json(nlohmann::json::array()), UsageError);
  }
}

TEST_CASE("core::monitor::evaluate_http", "[core]") {
  Thresholds t;
  CHECK(evaluate_http(std::nullopt, t).status == Status::skipped);
  CHECK(evaluate_http(up(), t).status == Status::ok);
  HttpFacts down;
  down.error = "/web/health: Connection refused";
  auto c = evaluate_http(down, t);
  CHECK(c.status == Status::blocking);
  CHECK(c.finding == "no answer: /web/health: Connection refused");
  HttpFacts unhealthy = up();
  unhealthy.healthy = false;
  CHECK(evaluate_http(unhealthy, t).status == Status::blocking);
  HttpFacts old = up("16.0");
  old.healthy.reset();
  old.route = "/web/webclient/version_info";
  CHECK(evaluate_http(old, t).status == Status::ok);
}

TEST_CASE("core::monitor::evaluate_version", "[core]") {
  CHECK(evaluate_version(up("18.0"), "18.0").status == Status::ok);
  CHECK(evaluate_version(up("17.0"), "18.0").status == Status::blocking);
  CHECK(evaluate_version(up("17.0"), "18.0").finding == "series 17.0, expected 18.0");
  CHECK(evaluate_version(up("17.0"), "").status == Status::info);
  HttpFacts no_series = up();
  no_series.series.reset();
  CHECK(evaluate_version(no_series, "18.0").status == Status::blocking);
  CHECK(evaluate_version(HttpFacts{}, "18.0").status == Status::skipped);
}

TEST_CASE("core::monitor::evaluate_response_time", "[core]") {
  Thresholds t;
  CHECK(evaluate_response_time(up("18.0", 100), t).status == Status::ok);
  CHECK(evaluate_response_time(up("18.0", 2000), t).status == Status::warning);
  CHECK(evaluate_response_time(up("18.0", 10000), t).status == Status::blocking);
  CHECK(evaluate_response_time(std::nullopt, t).status == Status::skipped);
}

TEST_CASE("core::monitor::evaluate_modules", "[core]") {
  CHECK(evaluate_modules({}).status == Status::ok);
  auto c = evaluate_modules({{"sale", "to upgrade"}});
  CHECK(c.status == Status::blocking);
  CHECK(c.finding == "1 module not in a final state: sale (to upgrade)");
}

TEST_CASE("core::monitor::evaluate_crons", "[core]") {
  Thresholds t;
  CHECK(evaluate_crons({cron("a", 0, std::nullopt)}, true, t).status == Status::ok);
  CHECK(evaluate_crons({cron("a", 1, std::nullopt)}, true, t).status == Status::warning);
  auto c = evaluate_crons({cron("Mail: queue", 3, std::nullopt)}, true, t);
  CHECK(c.status == Status::blocking);
  CHECK(c.finding == "'Mail: queue' failed 3x");
  // Older series: only how late the next call is.
  CHECK(evaluate_crons({cron("a", std::nullopt, 60)}, false, t).status == Status::ok);
  CHECK(evaluate_crons({cron("a", std::nullopt, 3600)}, false, t).status == Status::warning);
  CHECK(evaluate_crons({cron("a", std::nullopt, 86400 * 3)}, false, t).status == Status::blocking);
  CHECK(evaluate_crons({}, false, t).finding == "0 active crons, none overdue");
}

TEST_CASE("core::monitor::cron_overdue_seconds", "[core]") {
  using namespace std::chrono_literals;
  auto now = std::chrono::system_clock::from_time_t(1'900'000'000);
  // Without a go-live time: late from the nextcall on.
  CHECK(cron_overdue_seconds(now - 2h, now, std::nullopt) == 7200);
  CHECK(!cron_overdue_seconds(now + 1h, now, std::nullopt));
  CHECK(!cron_overdue_seconds(now, now, std::nullopt));
  // A nextcall missed during the freeze counts from the go-live, not from the nextcall.
  CHECK(cron_overdue_seconds(now - 72h, now, now - 48h) == 48 * 3600);
  CHECK(!cron_overdue_seconds(now - 72h, now, now + 1min));
  // A nextcall after the go-live counts from itself.
  CHECK(cron_overdue_seconds(now - 1h, now, now - 48h) == 3600);
}

TEST_CASE("core::monitor::evaluate_mail", "[core]") {
  Thresholds t;
  MailFacts f;
  CHECK(evaluate_mail(f, t).status == Status::ok);
  f.exception = 1;
  f.exception_samples = {"SMTP refused"};
  auto c = evaluate_mail(f, t);
  CHECK(c.status == Status::warning);
  CHECK(c.finding == "1 mail in exception (SMTP refused)");
  f.exception = 20;
  CHECK(evaluate_mail(f, t).status == Status::blocking);
  MailFacts q;
  q.queued = 10;
  q.oldest_queued_age_seconds = 7200;
  CHECK(evaluate_mail(q, t).status == Status::warning);
  MailFacts g;
  g.queued = 250;
  g.previous_queued = 100;
  CHECK(evaluate_mail(g, t).status == Status::warning);
  CHECK(evaluate_mail(g, t).finding == "queue grew by 150");
  g.previous_queued = 200;
  CHECK(evaluate_mail(g, t).status == Status::ok);
}

TEST_CASE("core::monitor::evaluate_logging", "[core]") {
  Thresholds t;
  CHECK(evaluate_logging(LogFacts{}, t).status == Status::info);
  LogFacts f;
  f.table_used = true;
  CHECK(evaluate_logging(f, t).status == Status::ok);
  f.errors = 2;
  CHECK(evaluate_logging(f, t).status == Status::warning);
  f.errors = 50;
  CHECK(evaluate_logging(f, t).status == Status::blocking);
}

TEST_CASE("core::monitor::evaluate_activity", "[core]") {
  Thresholds t;
  ModelActivity sales{"sale.order", 0, 10.0};
  SECTION("too early to judge") {
    auto c = evaluate_activity({sales}, hours(1), t);
    CHECK(c.status == Status::info);
  }
  SECTION("nothing created where ten a day are normal") {
    auto c = evaluate_activity({sales}, hours(24), t);
    CHECK(c.status == Status::warning);
    CHECK(c.finding == "little activity since go-live: sale.order 0 (normally 10/day)");
  }
  SECTION("normal activity") {
    sales.created = 8;
    CHECK(evaluate_activity({sales}, hours(24), t).status == Status::ok);
  }
  SECTION("rare models are not judged") {
    ModelActivity rare{"purchase.order", 0, 0.1};
    CHECK(evaluate_activity({rare}, hours(24), t).status == Status::ok);
  }
  SECTION("a go-live recorded ahead of the clock is a warning, not a quiet OK") {
    auto c = evaluate_activity({sales}, -hours(24 * 365), t);
    CHECK(c.status == Status::warning);
    CHECK(c.finding.find("ahead of this clock") != std::string::npos);
  }
  SECTION("missing table or no baseline") {
    ModelActivity missing{"x.y", std::nullopt, std::nullopt};
    ModelActivity unknown{"res.partner", 3, std::nullopt};
    auto c = evaluate_activity({missing, unknown}, hours(24), t);
    CHECK(c.status == Status::ok);
    CHECK(c.finding == "created since go-live: res.partner 3");
  }
}

TEST_CASE("core::monitor::evaluate_totals", "[core]") {
  Amounts ref = {{"company 1 debit", "100.00"}, {"company 1 credit", "100.00"}};
  CHECK(evaluate_totals(ref, ref, "x").status == Status::ok);
  // Compared as numbers: PostgreSQL's text of the same sum may differ in trailing zeros.
  Amounts same = {{"company 1 debit", "100"}, {"company 1 credit", "100.0"}};
  CHECK(evaluate_totals(same, ref, "x").status == Status::ok);
  Amounts changed = ref;
  changed["company 1 debit"] = "101.00";
  auto c = evaluate_totals(changed, ref, "pre-upgrade database");
  CHECK(c.status == Status::blocking);
  CHECK(c.finding == "changed against the pre-upgrade database: company 1 debit 100 -> 101");
  Amounts extra = ref;
  extra["company 2 debit"] = std::string("5"); // not `= "5"`: GCC 12 -O3's bogus -Wrestrict
  CHECK(evaluate_totals(extra, ref, "x").status == Status::blocking);
}

TEST_CASE("core::monitor::evaluate_disk", "[core]") {
  Thresholds t;
  CHECK(evaluate_disk("d", "disk", 10'000'000'000LL, "/", t).status == Status::ok);
  CHECK(evaluate_disk("d", "disk", 1'000'000'000LL, "/", t).status == Status::warning);
  CHECK(evaluate_disk("d", "disk", 100'000'000LL, "/", t).status == Status::blocking);
  CHECK(evaluate_disk("d", "disk", std::nullopt, "/srv", t).status == Status::info);
}

TEST_CASE("core::monitor::overall and exit_code", "[core]") {
  Check ok{"a", "a", Status::ok, "", {}};
  Check skip{"b", "b", Status::skipped, "", {}};
  Check warn{"c", "c", Status::warning, "", {}};
  Check crit{"d", "d", Status::blocking, "", {}};
  CHECK(exit_code(overall({})) == 0);
  CHECK(exit_code(overall({ok, skip})) == 0);
  CHECK(overall({ok, skip}) == Status::ok);
  CHECK(exit_code(overall({ok, warn})) == 8);
  CHECK(exit_code(overall({warn, crit, ok})) == 1);
  CHECK(check_from_json(to_json(crit)).status == Status::blocking);
  CHECK(to_json(crit)["status"] == "blocking");
  CHECK(to_json(warn)["status"] == "warning");
}

TEST_CASE("core::monitor::changes", "[core]") {
  Check a{"mail", "mail", Status::ok, "0 waiting", {}};
  Check a2{"mail", "mail", Status::ok, "3 waiting", {}};
  Check w{"mail", "mail", Status::warning, "1 in exception", {}};
  Check w2{"mail", "mail", Status::warning, "2 in exception", {}};
  CHECK(changes({a}, {a2}).empty()); // an OK finding changing is not news
  auto c = changes({a}, {w});
  REQUIRE(c.size() == 1);
  CHECK(c[0].from == Status::ok);
  CHECK(c[0].to == Status::warning);
  CHECK(changes({w}, {w2}).size() == 1);
  CHECK(changes({}, {a}).size() == 1);
}
