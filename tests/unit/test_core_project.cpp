#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;

namespace {
Project sample() {
  return Project("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
}
} // namespace

TEST_CASE("core::Project round-trips through JSON", "[core]") {
  Project p = sample();
  p.doc()["target_version"] = "18.0";
  p.section("source")["version"] = "17.0";
  p.add_event({"2026-11-21T10:00:00Z", "initiate", "ok", {{"modules", 81}}});
  Project q = Project::from_json(p.doc(), "x.json");
  CHECK(q.customer() == "Acme");
  CHECK(q.phase() == Phase::initiated);
  CHECK(q.source_version() == "17.0");
  CHECK(q.target_version() == "18.0");
  CHECK(q.doc()["schema_version"] == k_schema_version);
  REQUIRE(q.doc()["history"].size() == 1);
  CHECK(q.doc()["history"][0]["details"]["modules"] == 81);
  CHECK(q.latest_round() == nullptr);
  q.rounds().push_back({{"number", 1}});
  REQUIRE(q.latest_round() != nullptr);
  CHECK((*q.latest_round())["number"] == 1);
}

TEST_CASE("core::Project::from_json refuses invalid and newer files", "[core]") {
  auto doc = sample().doc();
  SECTION("newer schema") {
    doc["schema_version"] = k_schema_version + 1;
    try {
      Project::from_json(doc, "p.json");
      FAIL("accepted a newer schema");
    } catch (const FilesystemError& e) {
      CHECK(std::string(e.what()).find("newer than this odoo-upgrade knows") != std::string::npos);
      CHECK(e.code() == ExitCode::filesystem);
    }
  }
  SECTION("missing customer") {
    doc.erase("customer");
    CHECK_THROWS_AS(Project::from_json(doc, "p.json"), FilesystemError);
  }
  SECTION("unknown phase") {
    doc["phase"] = "partying";
    CHECK_THROWS_AS(Project::from_json(doc, "p.json"), FilesystemError);
  }
  SECTION("not an object") {
    CHECK_THROWS_AS(Project::from_json(nlohmann::json::array(), "p.json"), FilesystemError);
  }
}

TEST_CASE("core::require_phase and next_step", "[core]") {
  Project p = sample();
  CHECK_NOTHROW(require_phase(p, "test-request"));
  try {
    require_phase(p, "prod-request");
    FAIL("prod-request allowed in phase initiated");
  } catch (const PreconditionError& e) {
    CHECK(std::string(e.what()).find("phase 'initiated'") != std::string::npos);
    CHECK(e.hint() == "next: odoo-upgrade test-request");
  }
  p.set_phase(Phase::frozen);
  CHECK_NOTHROW(require_phase(p, "prod-request"));
  CHECK_THROWS_AS(require_phase(p, "test-request"), PreconditionError);
  CHECK(next_step(p) == "odoo-upgrade prod-request");
  // A production request stopped while dumping resumes before anything can be restored.
  p.set_phase(Phase::production_request);
  ProductionRecord prod;
  prod.request.number = 1;
  prod.request.aim = "production";
  prod.request.state = RequestState::dumping;
  write_production(p, prod);
  CHECK(next_step(p) == "odoo-upgrade prod-request (resumes production request 1, state dumping)");
  prod.request.state = RequestState::downloaded;
  write_production(p, prod);
  CHECK(next_step(p) == "odoo-upgrade restore");
  for (auto phase : {Phase::initiated,
                     Phase::testing,
                     Phase::tested,
                     Phase::signed_off,
                     Phase::frozen,
                     Phase::production_request,
                     Phase::live}) {
    CHECK(parse_phase(to_string(phase)) == phase);
  }
}

TEST_CASE("core::redact hides registered secrets", "[core]") {
  register_secret("tok_1234567890abcdef");
  register_secret("abc"); // too short to redact safely: ignored
  CHECK(redact("token tok_1234567890abcdef here") == "token *** here");
  CHECK(redact("abc") == "abc");
  CHECK(secret_preview("tok_1234567890abcdef") == "tok_…");
  CHECK(secret_preview("short") == "***");
}

TEST_CASE("core::LineRedactor redacts a secret split between two pieces", "[core]") {
  register_secret("tok_split_1234567890");
  LineRedactor r;
  CHECK(r.add("first line\nsecond tok_spl") == "first line\n");
  CHECK(r.add("it_1234567890 here") == "");
  CHECK(r.add("!\nthird") == "second *** here!\n");
  CHECK(r.flush() == "third");
  CHECK(r.flush().empty());
  CHECK(r.add("") == "");
}

TEST_CASE("core::next_step follows the freeze plan", "[core]") {
  Project p = sample();
  p.set_phase(Phase::signed_off);
  CHECK(next_step(p) == "odoo-upgrade freeze plan --at DATETIME --go-live DATETIME");
  FreezeRecord freeze;
  freeze.plan = FreezePlan{};
  freeze.plan->at = "2027-03-01T18:00:00Z";
  freeze.plan->go_live = "2027-03-02T06:00:00Z";
  write_freeze(p, freeze);
  SECTION("planned, not applied: apply the plan") {
    CHECK(next_step(p) == "odoo-upgrade freeze apply (planned for 2027-03-01T18:00:00Z)");
  }
  SECTION("planned without sign-off: apply it the same way") {
    p.set_phase(Phase::tested);
    freeze.plan->forced = Forced{"customer away"};
    write_freeze(p, freeze);
    CHECK(next_step(p) ==
          "odoo-upgrade freeze apply --force --reason TEXT (planned for 2027-03-01T18:00:00Z)");
  }
  SECTION("an apply that stopped half-way is finished first") {
    freeze.state = FreezeState::applying;
    write_freeze(p, freeze);
    CHECK(next_step(p).starts_with("odoo-upgrade freeze apply (finishes"));
  }
  SECTION("a lifted freeze is planned again") {
    freeze.state = FreezeState::lifted;
    write_freeze(p, freeze);
    CHECK(next_step(p) == "odoo-upgrade freeze plan --at DATETIME --go-live DATETIME");
  }
  SECTION("tested without a plan: UAT first") {
    p.set_phase(Phase::tested);
    write_freeze(p, FreezeRecord{});
    CHECK(next_step(p) == "odoo-upgrade uat run");
  }
}
