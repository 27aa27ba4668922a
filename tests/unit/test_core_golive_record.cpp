// Unit tests of the typed `golive` section (core/golive_record.hpp).
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

// A `golive` section exactly as the code before the typed records wrote it: a second attempt
// rolled back with --keep-frozen, with the alias keys `pre_upgrade_database` and `at` that monitor
// used to read, and the first attempt in `previous`.
json golive_as_written_before() {
  return json::parse(R"json({
    "attempt": 2, "state": "rolled_back", "database": "acme",
    "staging_db": "acme_golive_18.0_20261206_070000",
    "pre_upgrade_db": "acme_pre_18.0_20261206_070000",
    "pre_upgrade_database": "acme_pre_18.0_20261206_070000",
    "old_oid": 16384, "new_oid": 16999, "odoo_role": "odoo", "production_request": 1,
    "dump": {"path": "/work/production/1/received/dump", "sha256": "ab12"},
    "journal": [{"step": "check_dump", "status": "done", "started_at": "t1", "done_at": "t2",
                 "sha256": "ab12"}],
    "verification": {"base_version": "18.0.1.3", "series_ok": true, "modules_in_transition": [],
                     "problems": [],
                     "differences": [{"key": "counts.ir.attachment", "before": "1015",
                                      "after": "1018", "severity": "info",
                                      "message": "'ir.attachment' gained 3 records (1015 → 1018)"}],
                     "production_changes": [], "blocking": false},
    "live_at": "2026-12-06T07:30:00Z", "at": "2026-12-06T07:30:00Z",
    "rollback": {"aside_db": "acme_upgraded_18.0_20261206_080000", "keep_frozen": true,
                 "started_at": "2026-12-06T08:00:00Z",
                 "journal": [{"step": "terminate", "status": "done", "terminated": 0}]},
    "rolled_back_at": "2026-12-06T08:01:00Z",
    "previous": [{"attempt": 1, "state": "verify_failed", "database": "acme"}]
  })json");
}

} // namespace

TEST_CASE("core::golive_from_json reads what earlier builds wrote", "[core]") {
  json old = golive_as_written_before();
  GoliveRecord g = golive_from_json(old);
  CHECK(g.attempt == 2);
  CHECK(g.state == GoliveState::rolled_back);
  CHECK(g.pre_upgrade_db == "acme_pre_18.0_20261206_070000");
  CHECK(g.live_at == "2026-12-06T07:30:00Z");
  CHECK(g.old_oid == 16384);
  CHECK(g.new_oid == 16999);
  CHECK(g.production_request == 1);
  REQUIRE(g.dump);
  CHECK(g.dump->sha256 == "ab12");
  REQUIRE(g.verification);
  REQUIRE(g.verification->differences.size() == 1);
  CHECK(g.verification->differences[0].severity == Severity::info);
  REQUIRE(g.rollback);
  CHECK(g.rollback->keep_frozen);
  CHECK(g.rollback->journal.size() == 1);
  CHECK(g.previous.size() == 1);
  CHECK(g.extra.empty());

  // Written back with one name per fact: everything else as it was.
  json written = to_json(g);
  json expected = old;
  expected.erase("pre_upgrade_database");
  expected.erase("at");
  CHECK(written == expected);
  CHECK(to_json(golive_from_json(written)) == written);
}

TEST_CASE("core::golive_from_json reads the sections monitor's tests write", "[core]") {
  // Only the facts monitor needs, under their old names.
  GoliveRecord g = golive_from_json(
      {{"at", "2026-12-06T07:30:00Z"}, {"database", "acme"}, {"pre_upgrade_database", "acme_pre"}});
  CHECK(g.state == GoliveState::none);
  CHECK(g.live_at == "2026-12-06T07:30:00Z");
  CHECK(g.pre_upgrade_db == "acme_pre");
  // The new name wins over the old one.
  g = golive_from_json({{"live_at", "new"}, {"at", "old"}});
  CHECK(g.live_at == "new");
  CHECK_FALSE(to_json(g).contains("at"));
}

TEST_CASE("core::golive_from_json keeps unknown keys and refuses wrong types", "[core]") {
  json j = golive_as_written_before();
  j["future"] = 1;
  j["rollback"]["later"] = "x";
  GoliveRecord g = golive_from_json(j);
  CHECK(g.extra == json{{"future", 1}});
  json written = to_json(g);
  CHECK(written["future"] == 1);
  CHECK(written["rollback"]["later"] == "x");

  CHECK(golive_from_json(json()).state == GoliveState::none);
  CHECK_THROWS_AS(golive_from_json({{"old_oid", "16384"}}), FilesystemError);
  CHECK_THROWS_WITH(golive_from_json({{"state", "flying"}}),
                    Catch::Contains("'golive.state' is not a go-live state ('flying')"));
  CHECK_THROWS_WITH(golive_from_json({{"rollback", {{"keep_frozen", "yes"}}}}),
                    Catch::Contains("'golive.rollback.keep_frozen'"));
  json bad = golive_as_written_before();
  bad["verification"]["differences"][0]["severity"] = "crit";
  CHECK_THROWS_WITH(golive_from_json(bad),
                    Catch::Contains("'golive.verification.differences[0].severity' is not a "
                                    "severity ('crit')"));
}

TEST_CASE("core::GoliveState names", "[core]") {
  for (auto s : {GoliveState::none,
                 GoliveState::restoring,
                 GoliveState::verify_failed,
                 GoliveState::swapping,
                 GoliveState::live,
                 GoliveState::rolling_back,
                 GoliveState::rolled_back}) {
    CHECK(parse_golive_state(to_string(s)) == s);
  }
  CHECK_FALSE(parse_golive_state("restored"));
}
