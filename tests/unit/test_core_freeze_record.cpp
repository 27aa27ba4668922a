// Unit tests of the typed `freeze` section (core/freeze_record.hpp).
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

// A `freeze` section exactly as the code before the typed records wrote it: after apply, lift,
// a second apply and the go-live (state superseded), with `at` beside `frozen_at`, `forced` null
// and a lifted freeze archived in `previous`.
json freeze_as_written_before() {
  return json::parse(R"json({
    "plan": {"at": "2026-12-05T18:00:00Z", "go_live": "2026-12-06T08:00:00Z", "window_s": 50400.0,
             "round": 1, "estimate": {"total_s": 330.5,
                                      "parts": {"dump_s": 10.5, "upload_s": 20.0,
                                                "processing_s": 300.0, "download_s": 0.0,
                                                "restore_s": 0.0},
                                      "missing": ["download_s", "restore_s"]},
             "fits": true, "forced": null, "recorded_at": "2026-12-01T10:00:00Z"},
    "state": "superseded", "database": "acme", "odoo_role": "odoo", "phase_before": "signed_off",
    "started_at": "2026-12-05T18:00:01Z", "signoff_round": 1, "forced": null,
    "journal": [
      {"step": "before_hooks", "status": "done", "started_at": "t1", "done_at": "t2", "ran": []},
      {"step": "read_only", "status": "done", "role": "odoo", "database": "acme",
       "previous": null, "started_at": "t2", "done_at": "t3"},
      {"step": "crons", "status": "done", "ids": [1, 3], "deactivated": 2,
       "started_at": "t3", "done_at": "t4"}],
    "verification": {"method": "write_refused", "role": "odoo",
                     "message": "cannot execute UPDATE in a read-only transaction"},
    "baseline": {"taken_at": "2026-12-05T18:00:03Z", "database": "acme",
                 "counts": {"res.partner": 42}, "totals": {}, "max_ids": {"res.partner": 57}},
    "frozen_at": "2026-12-05T18:00:04Z", "at": "2026-12-05T18:00:04Z",
    "superseded_at": "2026-12-06T07:00:00Z",
    "previous": [{"state": "lifted", "database": "acme", "odoo_role": "odoo",
                  "started_at": "2026-12-04T18:00:00Z", "journal": [],
                  "lifted_at": "2026-12-04T19:00:00Z",
                  "lift_verification": {"method": "write", "write_ok": true}}]
  })json");
}

} // namespace

TEST_CASE("core::freeze_from_json reads what earlier builds wrote", "[core]") {
  json old = freeze_as_written_before();
  FreezeRecord f = freeze_from_json(old);
  CHECK(f.state == FreezeState::superseded);
  CHECK(f.frozen_at == "2026-12-05T18:00:04Z");
  CHECK(f.phase_before == Phase::signed_off);
  CHECK(f.signoff_round == 1);
  CHECK_FALSE(f.forced);
  REQUIRE(f.plan);
  CHECK(f.plan->round == 1);
  CHECK(f.plan->estimate.total_s == Approx(330.5));
  CHECK(f.plan->estimate.parts.size() == 5);
  CHECK(f.plan->estimate.missing == std::vector<std::string>{"download_s", "restore_s"});
  REQUIRE(f.verification);
  CHECK(f.verification->method == "write_refused");
  CHECK(f.baseline["counts"]["res.partner"] == 42);
  CHECK(f.journal.size() == 3);
  CHECK(f.previous.size() == 1);
  CHECK(f.extra.empty());

  // Written back with one name per fact: everything else as it was.
  json written = to_json(f);
  json expected = old;
  expected.erase("at");
  CHECK(written == expected);
  CHECK(to_json(freeze_from_json(written)) == written);
}

TEST_CASE("core::to_json of a plan whose estimate was scaled reads back the same", "[core]") {
  FreezePlan p;
  p.at = "2026-12-05T18:00:00Z";
  p.go_live = "2026-12-06T08:00:00Z";
  p.round = 3;
  p.estimate.parts = {{"dump_s", 14.4}, {"processing_s", 360.0}};
  p.estimate.total_s = 374.4;
  p.estimate.database_bytes_then = 1'000'000'000;
  p.estimate.database_bytes_now = 1'200'000'000;
  p.estimate.scaled = {{"dump_s", 12.0, 82'000'000, 6'833'333, 98'400'000, 14.4},
                       {"processing_s", 300.0, 0, 0, 0, 360.0}};
  json j = to_json(p);
  CHECK(j["estimate"]["database_bytes_now"] == 1'200'000'000);
  CHECK(j["estimate"]["scaled"][0] == json{{"hop", "dump_s"},
                                           {"measured_s", 12.0},
                                           {"bytes", 82'000'000},
                                           {"bytes_per_s", 6'833'333.0},
                                           {"bytes_now", 98'400'000},
                                           {"seconds", 14.4}});
  FreezePlan back = freeze_plan_from_json(j, "freeze.plan");
  REQUIRE(back.estimate.scaled.size() == 2);
  CHECK(back.estimate.scaled[0].bytes_now == 98'400'000u);
  CHECK(back.estimate.database_bytes_then == 1'000'000'000u);
  CHECK(to_json(back) == j);
  // Nothing scaled: the estimate is written as before.
  p.estimate.scaled.clear();
  CHECK_FALSE(to_json(p)["estimate"].contains("scaled"));
  CHECK_FALSE(to_json(p)["estimate"].contains("database_bytes_now"));
}

TEST_CASE("core::freeze_from_json keeps unknown keys and refuses wrong types", "[core]") {
  json j = {{"state", "applied"}, {"frozen_at", "t"}, {"future", {{"x", 1}}}};
  j["plan"] = {{"at", "a"}, {"go_live", "b"}, {"later", true}};
  FreezeRecord f = freeze_from_json(j);
  CHECK(f.extra == json{{"future", {{"x", 1}}}});
  CHECK(f.plan->extra == json{{"later", true}});
  CHECK(to_json(f)["future"] == json{{"x", 1}});
  CHECK(to_json(f)["plan"]["later"] == true);

  CHECK(freeze_from_json(json()).state == FreezeState::none);
  CHECK(to_json(FreezeRecord{}) == json::object());
  CHECK_THROWS_AS(freeze_from_json({{"state", 3}}), FilesystemError);
  CHECK_THROWS_WITH(freeze_from_json({{"state", "melting"}}),
                    Catch::Contains("'freeze.state' is not a freeze state ('melting')"));
  CHECK_THROWS_WITH(freeze_from_json({{"phase_before", "nowhere"}}),
                    Catch::Contains("'freeze.phase_before' is not a phase"));
  CHECK_THROWS_WITH(freeze_from_json({{"journal", "x"}}),
                    Catch::Contains("'freeze.journal' is not a list"));
  CHECK_THROWS_WITH(freeze_from_json({{"plan", {{"round", "one"}}}}),
                    Catch::Contains("'freeze.plan.round'"));
  try {
    freeze_from_json({{"baseline", 5}});
    FAIL("a baseline that is not an object is refused");
  } catch (const FilesystemError& e) {
    CHECK(e.code() == ExitCode::filesystem);
  }
}

TEST_CASE("core::FreezeState names", "[core]") {
  for (auto s : {FreezeState::none,
                 FreezeState::applying,
                 FreezeState::not_applied,
                 FreezeState::applied,
                 FreezeState::lifting,
                 FreezeState::lifted,
                 FreezeState::superseded}) {
    CHECK(parse_freeze_state(to_string(s)) == s);
  }
  CHECK(is_frozen(FreezeState::applying));
  CHECK(is_frozen(FreezeState::lifting));
  CHECK_FALSE(is_frozen(FreezeState::not_applied));
  CHECK_FALSE(is_frozen(FreezeState::superseded));
}

TEST_CASE("core::restarted_freeze", "[core]") {
  FreezeRecord old = freeze_from_json(freeze_as_written_before());
  SECTION("a freeze that ended is archived, without its plan") {
    FreezeRecord f = restarted_freeze(old);
    CHECK(f.state == FreezeState::none);
    CHECK(f.journal.empty());
    CHECK(f.frozen_at.empty());
    CHECK(f.baseline.is_null());
    CHECK_FALSE(f.verification);
    REQUIRE(f.plan);
    REQUIRE(f.previous.size() == 2);
    CHECK(f.previous[0]["state"] == "lifted");
    CHECK(f.previous[1]["state"] == "superseded");
    CHECK_FALSE(f.previous[1].contains("plan"));
    CHECK_FALSE(f.previous[1].contains("previous"));
  }
  SECTION("a freeze that never started is not archived") {
    old.state = FreezeState::not_applied;
    old.failure = "hook failed";
    FreezeRecord f = restarted_freeze(old);
    CHECK(f.previous.size() == 1);
    CHECK_FALSE(f.failure);
  }
}
