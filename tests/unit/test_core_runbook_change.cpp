// The production request's record of an accepted runbook change (core/runbook.hpp
// RunbookChangeAcceptance, `production.runbook_change`).
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::runbook an accepted change lives in the production request", "[core]") {
  RequestRecord rec;
  rec.number = 1;
  rec.aim = "production";
  CHECK_FALSE(to_json(rec).contains("runbook_change"));

  RunbookChangeAcceptance a;
  a.reason = "typo fixed in the SQL, re-read by the customer";
  a.at = "2026-11-30T05:00:00Z";
  a.changes = {"changed s2 'Reset sequence' (after-restore)",
               "added s4 'Fix view' (after-restore)"};
  a.previous_digest = "old";
  a.digest = "new";
  a.extra = {{"by_a_later_build", 1}};
  rec.runbook_change = a;
  json j = to_json(rec);
  CHECK(j["runbook_change"]["changes"].size() == 2);
  CHECK(j["runbook_change"]["by_a_later_build"] == 1);
  RequestRecord back = request_from_json(j, "production");
  REQUIRE(back.runbook_change);
  CHECK(to_json(*back.runbook_change) == j["runbook_change"]);

  j["runbook_change"]["changes"] = "one";
  CHECK_THROWS_WITH(request_from_json(j, "production"),
                    Catch::Contains("production.runbook_change.changes"));
}
