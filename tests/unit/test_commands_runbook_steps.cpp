// Unit tests of the runbook executor's pure parts (commands/runbook_steps.hpp); the steps
// themselves run in tests/integration/test_runbook_round.cpp and test_odoo_chain.cpp.
#include <odoo_upgrade/commands/runbook_steps.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade;

namespace {

core::RunbookStepResult result(const std::string& id, const std::string& outcome) {
  core::RunbookStepResult r;
  r.step_id = id;
  r.title = "Step " + id;
  r.result = outcome;
  r.error = outcome == "ok" ? "" : "relation \"x\" does not exist";
  return r;
}

} // namespace

TEST_CASE("commands::runbook_failure names the first failed step, not an advisory one",
          "[commands]") {
  CHECK_FALSE(commands::runbook_failure({}));
  CHECK_FALSE(commands::runbook_failure({result("s1", "ok"), result("s2", "failed-continued")}));
  auto failure = commands::runbook_failure(
      {result("s1", "ok"), result("s2", "failed-continued"), result("s3", "failed")});
  REQUIRE(failure);
  CHECK(*failure == "runbook step s3 'Step s3' failed: relation \"x\" does not exist");
}
