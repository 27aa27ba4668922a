#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/monitor_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace odoo_upgrade::core::monitor;
using nlohmann::json;
using std::chrono::milliseconds;

TEST_CASE("core::monitor::MonitorRecord round-trips through JSON", "[core]") {
  MonitorRecord m;
  m.url = "https://erp.example.com";
  m.thresholds.response_warn = milliseconds(200);
  m.thresholds.disk_free_warn_bytes = 0;
  m.thresholds.disk_free_crit_bytes = 0;
  m.extra["note"] = "kept";
  auto j = to_json(m);
  // Only the thresholds that differ from the defaults are written.
  CHECK(j["thresholds"] ==
        json{{"response_warn", 0.2}, {"disk_free_warn_bytes", 0}, {"disk_free_crit_bytes", 0}});
  auto back = monitor_from_json(j);
  CHECK(back.url == m.url);
  CHECK(back.thresholds.response_warn == milliseconds(200));
  CHECK(back.thresholds.disk_free_crit_bytes == 0);
  CHECK(back.thresholds.response_crit == Thresholds{}.response_crit);
  CHECK(back.extra == json{{"note", "kept"}});
  CHECK_FALSE(to_json(MonitorRecord{}).contains("thresholds"));
  CHECK_FALSE(to_json(MonitorRecord{}).contains("url"));
}

TEST_CASE("core::monitor::monitor_from_json refuses bad fields", "[core]") {
  SECTION("a url of the wrong type: exit 6") {
    try {
      monitor_from_json(json{{"url", 8069}});
      FAIL("no error");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("'monitor.url'") != std::string::npos);
    }
  }
  SECTION("thresholds that are not an object: exit 6") {
    CHECK_THROWS_AS(monitor_from_json(json{{"thresholds", 3}}), FilesystemError);
  }
  SECTION("an unknown threshold is the consultant's typo: exit 2, naming it") {
    CHECK_THROWS_WITH(monitor_from_json(json{{"thresholds", {{"mail_exeption_warn", 3}}}}),
                      Catch::Contains("monitor.thresholds.mail_exeption_warn"));
    CHECK_THROWS_AS(monitor_from_json(json{{"thresholds", {{"mail_exeption_warn", 3}}}}),
                    UsageError);
  }
}

TEST_CASE("core::monitor::read_monitor and write_monitor", "[core]") {
  Project p("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
  CHECK_FALSE(read_monitor(p).url);
  MonitorRecord m;
  m.url = "https://erp.example.com";
  write_monitor(p, m);
  CHECK(read_monitor(p).url == "https://erp.example.com");
}
