// Unit tests of the update-log reading and the update verdict (core/odoo_log.hpp,
// core/odoo_update.hpp) on real logs of Odoo 17.0 (tests/fixtures/odoo-logs/, see its README).
#include "../support/test_env.hpp"

#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_update.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade;
using namespace odoo_upgrade::core;

namespace {

std::string log_file(const std::string& name) {
  return test::read_file(std::filesystem::path(OU_SOURCE_DIR) / "tests/fixtures/odoo-logs" / name);
}

UpdateResult judge_file(const std::string& name, UpdateFacts facts) {
  return judge_update(parse_update_log(log_file(name)), facts);
}

UpdateFacts auditlog(int exit_code = 0) {
  UpdateFacts f;
  f.requested = {"auditlog"};
  f.exit_code = exit_code;
  return f;
}

} // namespace

TEST_CASE("core::odoo_log::parse_records", "[core]") {
  auto records = odoo_log::parse_records(log_file("update-auditlog-cust17-planted.log"));
  REQUIRE(records.size() > 20);
  const auto& first = records.front();
  CHECK(first.time == "2026-11-29 11:49:10,459");
  CHECK(first.pid == 23164);
  CHECK(first.level == "INFO");
  CHECK(first.db == "?");
  CHECK(first.logger == "odoo");
  CHECK(first.message == "Odoo version 17.0-20240709"); // the trailing space is dropped
  // A multi-line warning keeps its continuation lines.
  auto view = std::find_if(records.begin(), records.end(), [](const auto& r) {
    return r.level == "WARNING" && r.message.find("stock.picking") != std::string::npos;
  });
  REQUIRE(view != records.end());
  CHECK(view->db == "u_update_auditlog_cust17_planted");
  CHECK(view->logger == "odoo.modules.loading");
  CHECK_FALSE(view->lines.empty());
  CHECK(view->lines.back().find("immediate_transfer") != std::string::npos);

  // Text that is not an Odoo log gives no record; a '\r' is dropped.
  CHECK(odoo_log::parse_records("hello\nworld\n").empty());
  auto crlf = odoo_log::parse_records(
      "2026-11-29 11:49:10,459 1 WARNING db odoo.x: a message \r\nmore\r\n");
  REQUIRE(crlf.size() == 1);
  CHECK(crlf[0].message == "a message");
  CHECK(crlf[0].lines == std::vector<std::string>{"more"});
  // A line that looks like a record but has an unknown level continues the previous one.
  auto odd = odoo_log::parse_records("2026-11-29 11:49:10,459 1 INFO db odoo: x \n"
                                     "2026-11-29 11:49:10,459 1 NOTICE db odoo: y \n");
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].lines.size() == 1);
}

TEST_CASE("core::odoo_log::summarize_error", "[core]") {
  auto records = odoo_log::parse_records(log_file("update-auditlog-wrong-series.log"));
  auto failed = std::find_if(records.begin(), records.end(), [](const auto& r) {
    return r.message == "Failed to load registry";
  });
  REQUIRE(failed != records.end());
  auto e = odoo_log::summarize_error(*failed);
  CHECK(e.error.rfind("ValueError: Invalid version '16.0.2.2.1'.", 0) == 0);
  CHECK(e.frame.rfind("odoo/modules/module.py:456 in adapt_version: raise ValueError(", 0) == 0);
  CHECK(e.outcome == "ValueError: Module auditlog: invalid manifest");
  CHECK(e.detail.empty());
  CHECK(e.one_line().find(", at odoo/modules/module.py:456") != std::string::npos);

  // A ParseError's message ends with the validation error: that is the detail.
  records = odoo_log::parse_records(log_file("update-auditlog-data-error.log"));
  failed = std::find_if(records.begin(), records.end(), [](const auto& r) {
    return r.message == "Failed to load registry";
  });
  REQUIRE(failed != records.end());
  e = odoo_log::summarize_error(*failed);
  CHECK(e.error.rfind("odoo.tools.convert.ParseError: while parsing ", 0) == 0);
  CHECK(e.detail == "Field \"name_gone_in_17\" does not exist in model \"auditlog.rule\"");
  CHECK(e.frame.rfind("odoo/tools/convert.py:567 in _tag_root: raise ParseError(msg)", 0) == 0);
  CHECK(e.outcome.empty());

  // A SyntaxError's last frame has no function.
  records = odoo_log::parse_records(log_file("update-auditlog-import-error.log"));
  failed = std::find_if(records.begin(), records.end(), [](const auto& r) {
    return r.message == "Failed to load registry";
  });
  REQUIRE(failed != records.end());
  e = odoo_log::summarize_error(*failed);
  CHECK(e.error == "SyntaxError: invalid syntax");
  CHECK(e.frame.find("auditlog/models/rule.py:") != std::string::npos);
  CHECK(e.frame.find(" in ") == std::string::npos);

  // A record without a traceback: its message.
  odoo_log::Record plain;
  plain.message = "Some modules have inconsistent states";
  CHECK(odoo_log::summarize_error(plain).error == plain.message);
  CHECK(odoo_log::summarize_error(plain).frame.empty());
}

TEST_CASE("core::odoo_log::short_path", "[core]") {
  CHECK(odoo_log::short_path("/tmp/rt/odoo/modules/module.py") == "odoo/modules/module.py");
  CHECK(odoo_log::short_path("/tmp/rt/odoo/addons/base/models/ir_ui_view.py") ==
        "addons/base/models/ir_ui_view.py");
  CHECK(odoo_log::short_path("/usr/lib/python3/dist-packages/decorator.py") ==
        "dist-packages/decorator.py");
  CHECK(odoo_log::short_path("/srv/custom/x.py") == "/srv/custom/x.py");
}

TEST_CASE("core::parse_update_log", "[core]") {
  UpdateLog log = parse_update_log(log_file("update-auditlog-demo.log"));
  CHECK(log.odoo_version == "17.0-20240709");
  CHECK(log.started == std::vector<std::string>{"auditlog"});
  REQUIRE(log.loaded.size() == 1);
  CHECK(log.loaded[0].first == "auditlog");
  CHECK(log.loaded[0].second == Approx(0.59));
  CHECK(log.modules_loaded);
  CHECK(log.registry_seconds == Approx(4.072));
  CHECK(log.warnings.empty());
  CHECK(log.errors == 0);
  CHECK_FALSE(log.failure);

  log = parse_update_log(log_file("update-all-cust17.log"));
  CHECK(log.started.size() == 77);
  CHECK(log.loaded.size() == 77);
  CHECK(log.warnings == std::map<std::string, int>{{"invalid-custom-view", 1}, {"schema", 1}});
  CHECK(log.warning_samples.size() == 2);

  log = parse_update_log(log_file("update-unknown-module-name.log"));
  CHECK(log.invalid_names == std::vector<std::string>{"auditlogx"});
  CHECK(log.warnings["unknown-module-name"] == 1);

  // The empty log of --log-level=warn says nothing.
  log = parse_update_log(log_file("update-auditlog-demo-loglevel-warn.log"));
  CHECK(log.started.empty());
  CHECK_FALSE(log.modules_loaded);
}

TEST_CASE("core::judge_update on successful updates", "[core]") {
  UpdateResult r = judge_file("update-auditlog-demo.log", auditlog());
  CHECK(r.ok);
  REQUIRE(r.modules.size() == 1);
  CHECK(r.modules[0].outcome == ModuleOutcome::updated);
  CHECK(r.modules[0].seconds == Approx(0.59));
  CHECK(r.message == "1 module updated");

  // The planted broken view is a warning of the update, not a failure: the live checks judge it.
  r = judge_file("update-auditlog-cust17-planted.log", auditlog());
  CHECK(r.ok);
  CHECK(r.warnings["invalid-custom-view"] == 2);

  UpdateFacts all;
  all.all = true;
  r = judge_file("update-all-cust17.log", all);
  CHECK(r.ok);
  CHECK(r.modules.size() == 77);
  CHECK(r.message == "77 modules updated");
}

TEST_CASE("core::judge_update on failed updates", "[core]") {
  SECTION("a module no addons path holds: exit 0, left 'to upgrade'") {
    UpdateFacts f = auditlog(0);
    f.transient = {{"auditlog", "to upgrade"}};
    f.missing_from_paths = {"auditlog"};
    UpdateResult r = judge_file("update-auditlog-missing.log", f);
    CHECK_FALSE(r.ok);
    REQUIRE(r.modules.size() == 1);
    CHECK(r.modules[0].outcome == ModuleOutcome::missing);
    CHECK(r.modules[0].state == "to upgrade");
    CHECK(r.message == "module auditlog is missing: no addons path of the target Odoo holds it "
                       "(left 'to upgrade')");
    // Without the manifest check, Odoo's own words: not installable.
    f.missing_from_paths.clear();
    r = judge_file("update-auditlog-missing.log", f);
    CHECK(r.modules[0].outcome == ModuleOutcome::not_installable);
    // Even without the database's states, the log's ERROR fails it.
    r = judge_file("update-auditlog-missing.log", auditlog(0));
    CHECK_FALSE(r.ok);
  }
  SECTION("a manifest of another series: the traceback names the module") {
    UpdateResult r = judge_file("update-auditlog-wrong-series.log", auditlog(255));
    CHECK_FALSE(r.ok);
    CHECK(r.modules[0].outcome == ModuleOutcome::failed);
    CHECK(r.modules[0].error.outcome == "ValueError: Module auditlog: invalid manifest");
    CHECK(r.message.rfind("module auditlog failed to update: ValueError: Invalid version", 0) == 0);
  }
  SECTION("an import error: the module started and never ended") {
    UpdateResult r = judge_file("update-auditlog-import-error.log", auditlog(255));
    CHECK_FALSE(r.ok);
    CHECK(r.modules[0].outcome == ModuleOutcome::failed);
    CHECK(r.modules[0].error.error == "SyntaxError: invalid syntax");
  }
  SECTION("a data file error: the detail names the field") {
    UpdateFacts f = auditlog(255);
    f.requested = {"auditlog", "other_module"};
    UpdateResult r = judge_file("update-auditlog-data-error.log", f);
    CHECK_FALSE(r.ok);
    CHECK(r.modules[0].outcome == ModuleOutcome::failed);
    CHECK(r.message.find("Field \"name_gone_in_17\" does not exist") != std::string::npos);
    CHECK(r.modules[1].outcome == ModuleOutcome::not_reached);
  }
  SECTION("a module the run never mentions") {
    UpdateFacts f = auditlog();
    f.requested = {"auditlog", "never_seen"};
    UpdateResult r = judge_file("update-auditlog-demo.log", f);
    CHECK_FALSE(r.ok);
    CHECK(r.modules[1].outcome == ModuleOutcome::not_updated);
  }
  SECTION("a module left in a transient state by a run that says nothing of it") {
    UpdateFacts f = auditlog();
    f.transient = {{"website", "to install"}};
    UpdateResult r = judge_file("update-auditlog-demo.log", f);
    CHECK_FALSE(r.ok);
    REQUIRE(r.modules.size() == 2);
    CHECK(r.modules[1].outcome == ModuleOutcome::transient);
    CHECK(r.message == "module website is left in state 'to install'");
  }
  SECTION("odoo-bin killed mid-update: the module failed, and how odoo-bin ended") {
    UpdateFacts f = auditlog(-1);
    f.ended = "killed by signal 9";
    UpdateResult r = judge_file("update-auditlog-killed.log", f);
    CHECK_FALSE(r.ok);
    CHECK(r.modules[0].outcome == ModuleOutcome::failed);
    CHECK(r.message ==
          "module auditlog failed to update: see the log; odoo-bin: killed by signal 9");
  }
  SECTION("Odoo cannot connect (a missing role): the log says nothing, stderr does") {
    UpdateFacts f = auditlog(1);
    f.ended = "exit status 1";
    f.process_error = "psycopg2.OperationalError: connection to server on socket \"/tmp/x\" "
                      "failed: FATAL:  role \"ghost\" does not exist";
    UpdateResult r = judge_file("update-role-missing.log", f);
    CHECK_FALSE(r.ok);
    CHECK(r.modules[0].outcome == ModuleOutcome::not_reached);
    CHECK(r.message.find("odoo-bin: exit status 1: psycopg2.OperationalError") !=
          std::string::npos);
    CHECK(r.message.find("role \"ghost\" does not exist") != std::string::npos);
    // A log that names the error needs no more.
    f.process_error = "x";
    r = judge_file("update-auditlog-wrong-series.log", f);
    CHECK(r.message.find("odoo-bin:") == std::string::npos);
  }
  SECTION("a non-zero exit with a clean log") {
    UpdateResult r = judge_file("update-auditlog-demo.log", auditlog(-1));
    CHECK_FALSE(r.ok);
    CHECK(r.message == "the update ended with exit status -1");
  }
}

TEST_CASE("core::update_result_from_json", "[core]") {
  UpdateFacts f = auditlog(255);
  UpdateResult r = judge_file("update-auditlog-wrong-series.log", f);
  nlohmann::json j = to_json(r);
  CHECK(j["modules"][0]["outcome"] == "failed");
  UpdateResult back = update_result_from_json(j, "update");
  CHECK(to_json(back) == j);
  j["modules"][0]["outcome"] = "exploded";
  CHECK_THROWS_AS(update_result_from_json(j, "update"), FilesystemError);
  j["modules"] = "x";
  CHECK_THROWS_WITH(update_result_from_json(j, "update"), Catch::Contains("'update.modules'"));
}

TEST_CASE("core::judge_manifests", "[core]") {
  TargetCheck found;
  found.module = "auditlog";
  found.verdict = TargetVerdict::found;
  found.version = "17.0.1.0.1";
  UpdateResult r = judge_manifests({found});
  CHECK(r.ok);
  CHECK(r.modules.empty());

  TargetCheck missing;
  missing.module = "sale_custom";
  missing.verdict = TargetVerdict::missing;
  TargetCheck wrong;
  wrong.module = "stock_custom";
  wrong.verdict = TargetVerdict::wrong_series;
  wrong.manifest_version = "16.0.1.0.0";
  wrong.path = "/srv/custom/stock_custom";
  r = judge_manifests({found, missing, wrong});
  CHECK_FALSE(r.ok);
  REQUIRE(r.modules.size() == 2);
  CHECK(r.modules[0].outcome == ModuleOutcome::missing);
  CHECK(r.modules[1].outcome == ModuleOutcome::failed);
  CHECK(r.modules[1].error.error == "wrong series (16.0.1.0.0 in /srv/custom/stock_custom)");
  CHECK(r.message == "module sale_custom is missing: no addons path of the target Odoo holds it");
  r = judge_manifests({wrong});
  CHECK(r.message == "module stock_custom cannot be updated by the target Odoo: wrong series "
                     "(16.0.1.0.0 in /srv/custom/stock_custom)");
}
