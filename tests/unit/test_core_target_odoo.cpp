// Unit tests of the target-Odoo steps' state machine and record (core/target_odoo.hpp) and of the
// "does it open" verdict (core/odoo_open.hpp).
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/target_odoo.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

OpenFacts opened() {
  OpenFacts f;
  f.ready = true;
  f.login_status = 200;
  f.login_path = "/web/login?db=acme_test";
  f.redirects = 1;
  f.series = "17.0";
  f.seconds_to_ready = 4.5;
  f.seconds_to_login = 7.1;
  return f;
}

} // namespace

TEST_CASE("core::next_target_step", "[core]") {
  using S = TargetOdooState;
  using Step = TargetOdooStep;
  struct Case {
    S state;
    Step step;
  };
  for (const auto& c : std::vector<Case>{{S::none, Step::update},
                                         {S::skipped, Step::update},
                                         {S::updating, Step::update},
                                         {S::update_failed, Step::update},
                                         {S::updated, Step::open},
                                         {S::opening, Step::open},
                                         {S::open_failed, Step::update},
                                         {S::opened, Step::done}}) {
    DYNAMIC_SECTION(to_string(c.state)) {
      CHECK(next_target_step(c.state, true) == c.step);
      CHECK(next_target_step(c.state, false) == Step::done);
    }
  }
  CHECK(target_odoo_blocks(S::update_failed));
  CHECK(target_odoo_blocks(S::open_failed));
  CHECK_FALSE(target_odoo_blocks(S::skipped));
  CHECK_FALSE(target_odoo_blocks(S::opened));
  CHECK(parse_target_odoo_state("open_failed") == S::open_failed);
  CHECK_FALSE(parse_target_odoo_state("broken"));
}

TEST_CASE("core::judge_open", "[core]") {
  OpenResult r = judge_open(opened(), "acme_test", "17.0");
  CHECK(r.ok);
  CHECK(r.message == "opens: /web/login?db=acme_test answered 200, series 17.0");

  OpenFacts f = opened();
  f.ready = false;
  f.start_error = "it exited (exit status 1): Address already in use";
  r = judge_open(f, "acme_test", "17.0");
  CHECK_FALSE(r.ok);
  CHECK(r.message == "the target Odoo's HTTP server did not start: it exited (exit status 1): "
                     "Address already in use");

  f = opened();
  f.login_path = "/web/database/selector";
  CHECK(judge_open(f, "acme_test", "17.0").message ==
        "/web/login?db=acme_test ended on /web/database/selector: the server does not serve "
        "database 'acme_test'");

  f = opened();
  f.login_status = 500;
  f.log_error = odoo_log::ErrorSummary{"KeyError: 'x'", "addons/web/x.py:1 in f: y", "", ""};
  r = judge_open(f, "acme_test", "17.0");
  CHECK_FALSE(r.ok);
  CHECK(r.message == "/web/login?db=acme_test answered HTTP 500 on /web/login?db=acme_test (server "
                     "log: KeyError: 'x', at addons/web/x.py:1 in f: y)");

  f = opened();
  f.login_status = 0;
  f.login_error = "more than 10 redirects";
  CHECK(judge_open(f, "acme_test", "17.0").message ==
        "/web/login?db=acme_test gave no answer: more than 10 redirects");

  f = opened();
  f.series = "16.0";
  CHECK(judge_open(f, "acme_test", "17.0").message ==
        "the server reports series 16.0, not the target 17.0");
  f.series.reset();
  f.version_error = "HTTP 404";
  CHECK_FALSE(judge_open(f, "acme_test", "17.0").ok);
}

TEST_CASE("core::target_odoo_from_json", "[core]") {
  TargetOdooRecord t;
  t.state = TargetOdooState::opened;
  t.database = "acme_test";
  t.folder = "/w/rounds/1";
  t.attempts = 2;
  UpdateResult u;
  u.ok = true;
  u.modules = {{"auditlog", ModuleOutcome::updated, 0.5, "", {}}};
  u.message = "1 module updated";
  t.update = u;
  t.update_seconds = 6.4;
  t.open = judge_open(opened(), "acme_test", "17.0");
  t.open_seconds = 8.2;
  t.message = "opens";
  t.extra = {{"later", true}};
  json j = to_json(t);
  CHECK(j["state"] == "opened");
  CHECK(j["later"] == true);
  TargetOdooRecord back = target_odoo_from_json(j, "rounds[0].target_odoo");
  CHECK(to_json(back) == j);
  CHECK(back.open->facts.series == "17.0");
  CHECK(target_odoo_from_json(json(), "x").state == TargetOdooState::none);
  j["state"] = "flying";
  CHECK_THROWS_WITH(target_odoo_from_json(j, "rounds[0].target_odoo"),
                    Catch::Contains("'rounds[0].target_odoo.state'"));
  j["state"] = "opened";
  j["open"]["login_status"] = "x";
  CHECK_THROWS_AS(target_odoo_from_json(j, "t"), FilesystemError);
}

TEST_CASE("open: the login page's request target percent-encodes the database name") {
  CHECK(login_target("acme_prod-17.0~x") == "/web/login?db=acme_prod-17.0~x");
  CHECK(login_target("a b&c=d/é") == "/web/login?db=a%20b%26c%3Dd%2F%C3%A9");
}
