#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace odoo_upgrade::core::golive;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

TimePoint at(const char* text) {
  return *parse_iso8601(text);
}

json baseline() {
  return json::parse(R"({
    "taken_at": "2026-12-05T18:00:00Z", "database": "acme",
    "counts": {"res.partner": 42, "account.move.line": 68, "ir.attachment": 1015},
    "totals": {"account_move_line_debit": "302673.57", "account_move_line_credit": "302673.57",
               "account_move_line_balance_by_company": {"1": "0.00", "2": "10.50"}},
    "max_ids": {"res.partner": 57, "account.move.line": 70, "ir.attachment": 1015}})");
}

} // namespace

TEST_CASE("core::golive::window_problems", "[core]") {
  auto now = at("2026-12-01T10:00:00Z");
  CHECK(window_problems(at("2026-12-05T18:00:00Z"), at("2026-12-06T08:00:00Z"), now, std::nullopt)
            .empty());
  // In the past, in the wrong order, before the sign-off: every reason is listed.
  auto p = window_problems(at("2026-11-30T18:00:00Z"), at("2026-11-29T08:00:00Z"), now, now);
  REQUIRE(p.size() == 4);
  CHECK(p[0].find("freeze time 2026-11-30T18:00:00Z is not in the future") != std::string::npos);
  CHECK(p[2].find("not after the freeze time") != std::string::npos);
  CHECK(p[3].find("before the sign-off") != std::string::npos);
  CHECK(window_problems(at("2026-12-05T18:00:00Z"), at("2026-12-05T18:00:00Z"), now, std::nullopt)
            .size() == 1);
}

TEST_CASE("core::golive::estimate_downtime", "[core]") {
  Timings t;
  t.dump_s = 10.5;
  t.upload_s = 20;
  t.processing_s = 300;
  auto e = estimate_downtime(t, std::nullopt);
  CHECK(e.total_s == Approx(330.5));
  REQUIRE(e.parts.size() == 5);
  CHECK(e.parts[0].first == "dump_s");
  CHECK(e.missing == std::vector<std::string>{"download_s", "restore_s"});
  CHECK(e.scaled.empty());
  CHECK_FALSE(e.database_bytes_then);
  CHECK(estimate_downtime(Timings{}, 1000).total_s == 0);
  // The target Odoo's update and open check run at go-live too.
  t.update_s = 40;
  t.open_s = 2.5;
  e = estimate_downtime(t, std::nullopt);
  REQUIRE(e.parts.size() == 6);
  CHECK(e.parts[5] == std::pair<std::string, double>{"target_odoo_s", 42.5});
  CHECK(e.total_s == Approx(373));
}

namespace {

// A round that measured every hop on a production of 1 GB.
Timings measured_round() {
  Timings t;
  t.database_bytes = 1'000'000'000;
  t.dump_s = 12.0;
  t.dump_bytes = 82'000'000;
  t.dump_bytes_per_s = 6'833'333; // 82 MB in 12 s
  t.upload_s = 4.1;
  t.upload_bytes = 82'000'000;
  t.upload_bytes_per_s = 20'000'000;
  t.processing_s = 300;
  t.download_s = 5.0;
  t.download_bytes = 90'000'000;
  t.download_bytes_per_s = 18'000'000;
  t.restore_s = 20.0;
  t.restore_bytes = 90'000'000;
  t.restore_bytes_per_s = 4'500'000;
  return t;
}

double part(const DowntimeEstimate& e, const std::string& key) {
  for (const auto& [k, v] : e.parts) {
    if (k == key) {
      return v;
    }
  }
  FAIL("no part " << key);
  return 0;
}

} // namespace

TEST_CASE("core::golive::estimate_downtime scales each hop to production's size now", "[core]") {
  // Production grew by 20 % since the round: every hop moves 20 % more bytes at its rate.
  auto e = estimate_downtime(measured_round(), 1'200'000'000);
  CHECK(e.missing.empty());
  CHECK(e.database_bytes_then == 1'000'000'000u);
  CHECK(e.database_bytes_now == 1'200'000'000u);
  REQUIRE(e.scaled.size() == 5);
  const auto& dump = e.scaled[0];
  CHECK(dump.key == "dump_s");
  CHECK(dump.measured_s == Approx(12.0));
  CHECK(dump.bytes == 82'000'000u);
  CHECK(dump.bytes_now == 98'400'000u);
  CHECK(dump.seconds == Approx(14.4)); // 98.4 MB / 6.83 MB/s
  CHECK(part(e, "dump_s") == Approx(14.4));
  CHECK(part(e, "upload_s") == Approx(4.9)); // 98.4 MB / 20 MB/s, one decimal
  CHECK(part(e, "download_s") == Approx(6.0));
  CHECK(part(e, "restore_s") == Approx(24.0));
  // Processing moves no bytes of ours: its seconds times the size ratio.
  CHECK(e.scaled[2].key == "processing_s");
  CHECK(e.scaled[2].bytes == 0);
  CHECK(part(e, "processing_s") == Approx(360.0));
  CHECK(e.total_s == Approx(14.4 + 4.9 + 360.0 + 6.0 + 24.0));

  // A production that shrank (archived data purged) takes less.
  auto smaller = estimate_downtime(measured_round(), 500'000'000);
  CHECK(part(smaller, "upload_s") == Approx(2.1)); // 41 MB / 20 MB/s
  CHECK(smaller.total_s < e.total_s);
}

TEST_CASE("core::golive::estimate_downtime falls back to the measured seconds", "[core]") {
  SECTION("production's size now unknown: nothing is scaled") {
    auto e = estimate_downtime(measured_round(), std::nullopt);
    CHECK(e.scaled.empty());
    CHECK_FALSE(e.database_bytes_then);
    CHECK_FALSE(e.database_bytes_now);
    CHECK(e.total_s == Approx(12.0 + 4.1 + 300 + 5.0 + 20.0));
  }
  SECTION("an older round without production's size: nothing is scaled") {
    Timings t = measured_round();
    t.database_bytes.reset();
    auto e = estimate_downtime(t, 1'200'000'000);
    CHECK(e.scaled.empty());
    CHECK(e.total_s == Approx(341.1));
  }
  SECTION("a hop without its bytes or rate counts its seconds; the others are scaled") {
    Timings t = measured_round();
    t.upload_bytes.reset();
    t.upload_bytes_per_s.reset();
    t.restore_bytes_per_s = 0; // nothing timed
    auto e = estimate_downtime(t, 2'000'000'000);
    CHECK(part(e, "upload_s") == Approx(4.1));
    CHECK(part(e, "restore_s") == Approx(20.0));
    CHECK(part(e, "dump_s") == Approx(24.0));
    CHECK(part(e, "processing_s") == Approx(600.0));
    REQUIRE(e.scaled.size() == 3);
    CHECK(e.scaled[1].key == "processing_s");
    CHECK(e.missing.empty());
  }
}

TEST_CASE("core::golive::compare_baselines", "[core]") {
  json before = baseline();
  SECTION("identical baselines have no difference") {
    CHECK(compare_baselines(before, before, BaselineMode::identical).empty());
    CHECK(compare_baselines(before, before, BaselineMode::upgraded).empty());
  }
  SECTION("an upgrade may add attachments, never lose records or change totals") {
    json after = before;
    after["counts"]["ir.attachment"] = 1018;
    after["max_ids"]["ir.attachment"] = 1018;
    after["totals"]["account_move_line_balance_by_company"]["2"] = "10.5";
    auto d = compare_baselines(before, after, BaselineMode::upgraded);
    REQUIRE(d.size() == 1);
    CHECK(d[0].key == "counts.ir.attachment");
    CHECK(d[0].severity == Severity::info);
    CHECK_FALSE(has_blocking(d));

    after["counts"]["res.partner"] = 41;
    after["totals"]["account_move_line_debit"] = "302673.58";
    d = compare_baselines(before, after, BaselineMode::upgraded);
    CHECK(has_blocking(d));
    auto j = to_json(d);
    REQUIRE(j.size() == 3);
    CHECK(j[1]["message"] == "'res.partner' lost 1 records (42 → 41)");
    CHECK(j[2]["key"] == "totals.account_move_line_debit");
    CHECK(j[2]["severity"] == "blocking");
    CHECK(j[0]["severity"] == "info");
    // Read back as written.
    auto back = differences_from_json(j, "golive.verification.differences");
    REQUIRE(back.size() == 3);
    CHECK(back[2].severity == Severity::blocking);
    CHECK(back[1].message == d[1].message);
  }
  SECTION("production must not change after the freeze") {
    json after = before;
    after["max_ids"]["res.partner"] = 58;
    auto d = compare_baselines(before, after, BaselineMode::identical);
    REQUIRE(d.size() == 1);
    CHECK(d[0].severity == Severity::blocking);
    CHECK(d[0].message.find("records were created or deleted") != std::string::npos);
  }
  SECTION("a model whose table disappeared, a total that cannot be computed") {
    json after = before;
    after["counts"].erase("account.move.line");
    after["totals"].erase("account_move_line_credit");
    auto d = compare_baselines(before, after, BaselineMode::upgraded);
    REQUIRE(d.size() == 2);
    CHECK(d[0].severity == Severity::warning);
    CHECK(d[1].severity == Severity::blocking);
  }
}

TEST_CASE("core::golive::compare_baselines: writes by any role", "[core]") {
  json before = baseline();
  before["digests"] = {{"res.partner", "-123456789"}, {"account.move.line", "42"}};
  before["writes"] = {{"stats_reset", "2026-01-01 00:00:00+00"},
                      {"tables", {{"res_partner", 100}, {"ir_cron", 7}}}};
  SECTION("an UPDATE changes no count and no total, but the digest and the statistics") {
    json after = before;
    after["digests"]["res.partner"] = "987";
    after["writes"]["tables"]["res_partner"] = 101;
    auto d = compare_baselines(before, after, BaselineMode::identical);
    REQUIRE(d.size() == 1); // one line per table
    CHECK(d[0].key == "digests.res.partner");
    CHECK(d[0].severity == Severity::blocking);
    CHECK(d[0].message ==
          "table 'res_partner' ('res.partner') was written to: rows were inserted, updated or "
          "deleted");
    // The upgraded copy has other row versions: digests and statistics mean nothing there.
    CHECK(compare_baselines(before, after, BaselineMode::upgraded).empty());
  }
  SECTION("a table without a digest is named by the statistics, also one not written before") {
    json after = before;
    after["writes"]["tables"]["ir_cron"] = 9;
    after["writes"]["tables"]["x_integration_log"] = 3;
    auto d = compare_baselines(before, after, BaselineMode::identical);
    REQUIRE(d.size() == 2);
    CHECK(d[0].key == "writes.ir_cron");
    CHECK(d[0].message ==
          "table 'ir_cron' was written to: 2 rows inserted, updated or deleted (PostgreSQL's "
          "statistics)");
    CHECK(d[1].key == "writes.x_integration_log");
    CHECK(d[1].before == "0");
    CHECK(has_blocking(d));
  }
  SECTION("statistics reset: a warning, and the digests still catch the business tables") {
    for (int how = 0; how < 2; ++how) {
      json after = before;
      if (how == 0) {
        after["writes"]["stats_reset"] = "2026-12-05 19:00:00+00";
      } else {
        after["writes"]["tables"]["ir_cron"] = 0; // one table's counters reset
      }
      after["writes"]["tables"]["ir_config_parameter"] = 5;
      after["digests"]["account.move.line"] = "43";
      auto d = compare_baselines(before, after, BaselineMode::identical);
      REQUIRE(d.size() == 2);
      CHECK(d[0].key == "digests.account.move.line");
      CHECK(d[0].severity == Severity::blocking);
      CHECK(d[1].key == "writes.stats_reset");
      CHECK(d[1].severity == Severity::warning);
      CHECK(d[1].message.find("2 business tables") != std::string::npos);
    }
  }
  SECTION("a baseline of an earlier build has neither: not compared") {
    json after = before;
    after["digests"]["res.partner"] = "1";
    after["writes"]["tables"]["res_partner"] = 500;
    CHECK(compare_baselines(baseline(), after, BaselineMode::identical).empty());
  }
}

TEST_CASE("core::golive::Journal", "[core]") {
  json entries;
  Journal j(entries);
  CHECK(entries.is_array());
  CHECK(j.status("crons") == StepStatus::absent);
  j.start("crons", {{"ids", {3, 5}}}, "t1");
  CHECK(j.status("crons") == StepStatus::started);
  // A re-run starts it again: the data recorded the first time is kept.
  j.start("crons", json::object(), "t2");
  CHECK(j.find("crons")->at("ids") == json({3, 5}));
  j.finish("crons", "t3", {{"deactivated", 2}});
  CHECK(j.status("crons") == StepStatus::done);
  CHECK(j.find("crons")->at("done_at") == "t3");
  j.start("terminate", json::object(), "t4");
  CHECK(j.applied_steps() == std::vector<std::string>{"crons", "terminate"});
  j.mark_undone("crons", "t5");
  CHECK(j.status("crons") == StepStatus::undone);
  CHECK(j.applied_steps() == std::vector<std::string>{"terminate"});
  CHECK(to_string(StepStatus::undone) == "undone");
}

TEST_CASE("core::golive names", "[core]") {
  auto stamp = name_timestamp(at("2026-12-05T18:00:07Z"));
  CHECK(stamp == "20261205_180007");
  CHECK(restore_steps().front() == "check_dump");
  CHECK(rollback_steps().back() == "hooks");
}

TEST_CASE("core phase rules of the go-live chain", "[core]") {
  Project project("Acme", TimePoint{});
  FreezeRecord freeze;
  CHECK(phase_after_freeze(project) == Phase::frozen);
  CHECK(project.phase() == Phase::frozen);
  // A lift goes back to the phase recorded before the freeze; signed_off when none was recorded.
  CHECK(phase_after_lift(project, freeze) == Phase::signed_off);
  freeze.phase_before = Phase::tested;
  CHECK(phase_after_lift(project, freeze) == Phase::tested);
  CHECK(project.phase() == Phase::tested);
  CHECK(phase_after_golive(project) == Phase::live);
  CHECK(project.phase() == Phase::live);
  // A rollback keeping the freeze waits for a new restore; else it is a lift.
  CHECK(phase_after_rollback(project, freeze, KeepFrozen::yes) == Phase::production_request);
  CHECK(project.phase() == Phase::production_request);
  CHECK(phase_after_rollback(project, freeze, KeepFrozen::no) == Phase::tested);
  CHECK(project.phase() == Phase::tested);
}
