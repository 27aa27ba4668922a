#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/runbook_document.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;

namespace {

RunbookStep step(const std::string& id, RunbookWhen when) {
  RunbookStep s;
  s.id = id;
  s.when = when;
  s.title = "Step " + id;
  s.sha256 = "sha-" + id;
  return s;
}

std::vector<std::string> ids(const Runbook& rb) {
  std::vector<std::string> out;
  for (const auto& s : rb.steps) {
    out.push_back(s.id);
  }
  return out;
}

RunbookStepResult result(const std::string& id, double seconds, const std::string& sha = "") {
  RunbookStepResult r;
  r.step_id = id;
  r.sha256 = sha.empty() ? "sha-" + id : sha;
  r.seconds = seconds;
  r.result = "ok";
  return r;
}

} // namespace

TEST_CASE("core::module_list checks technical names and sorts them", "[core]") {
  CHECK(module_list(" sale_custom, account,sale_custom ,", "update") == "account,sale_custom");
  CHECK(valid_module_name("l10n_be"));
  CHECK_FALSE(valid_module_name("Sale"));
  CHECK_FALSE(valid_module_name("_private"));
  CHECK_FALSE(valid_module_name("sale-custom"));
  CHECK_FALSE(valid_module_name(std::string(129, 'a')));
  CHECK_THROWS_AS(module_list("sale;stock", "install"), UsageError);
  CHECK_THROWS_WITH(module_list(" , ", "install"), "--install names no module");
}

TEST_CASE("core::check_step_time allows only sql and shell before upload", "[core]") {
  using K = RunbookKind;
  for (auto k : {K::sql, K::odoo_shell, K::update, K::install, K::uninstall, K::shell}) {
    CHECK_NOTHROW(check_step_time(k, RunbookWhen::after_restore));
  }
  CHECK_NOTHROW(check_step_time(K::sql, RunbookWhen::before_upload));
  CHECK_NOTHROW(check_step_time(K::shell, RunbookWhen::before_upload));
  for (auto k : {K::odoo_shell, K::update, K::install, K::uninstall}) {
    CHECK_THROWS_AS(check_step_time(k, RunbookWhen::before_upload), UsageError);
  }
}

TEST_CASE("core::move_step moves within a group only", "[core]") {
  using W = RunbookWhen;
  Runbook rb;
  rb.steps = {step("s1", W::before_upload),
              step("s2", W::after_restore),
              step("s3", W::after_restore),
              step("s4", W::after_restore)};
  move_step(rb, "s4", Place::before, "s2");
  CHECK(ids(rb) == std::vector<std::string>{"s1", "s4", "s2", "s3"});
  move_step(rb, "s4", Place::after, "s3");
  CHECK(ids(rb) == std::vector<std::string>{"s1", "s2", "s3", "s4"});
  auto before = ids(rb);
  CHECK_THROWS_AS(move_step(rb, "s2", Place::before, "s1"), UsageError);
  CHECK_THROWS_AS(move_step(rb, "s9", Place::before, "s1"), UsageError);
  CHECK_THROWS_AS(move_step(rb, "s2", Place::after, "s9"), UsageError);
  CHECK_THROWS_AS(move_step(rb, "s2", Place::after, "s2"), UsageError);
  CHECK(ids(rb) == before);
}

TEST_CASE("core::last_step_results takes the latest round that ran each step", "[core]") {
  RequestRecord r1;
  r1.number = 1;
  r1.runbook = {result("s1", 1), result("s2", 2)};
  RequestRecord r2;
  r2.number = 2;
  r2.runbook = {result("s1", 3)};
  auto last = last_step_results({r1, r2});
  CHECK(last.at("s1").round == 2);
  CHECK(last.at("s1").result.seconds == 3);
  CHECK(last.at("s2").round == 1);
  CHECK(last.count("s3") == 0);
}

TEST_CASE("core::add_runbook_estimate sums measured steps and names unknown ones", "[core]") {
  using W = RunbookWhen;
  Runbook rb;
  rb.steps = {
      step("s1", W::before_upload), step("s2", W::after_restore), step("s3", W::after_restore)};
  rb.steps[2].enabled = false;
  golive::DowntimeEstimate e;
  e.parts = {{"dump_s", 20}};
  e.total_s = 100;
  add_runbook_estimate(e, rb, {result("s1", 5), result("s2", 7, "older-sha"), result("s3", 50)});
  REQUIRE(e.parts.size() == 2);
  // s1 ran inside the round's dump: counted once, as a runbook step.
  CHECK(e.parts[0] == std::pair<std::string, double>{"dump_s", 15});
  CHECK(e.parts[1] == std::pair<std::string, double>{"runbook_s", 5});
  CHECK(e.total_s == 100);
  CHECK(e.missing == std::vector<std::string>{"runbook:s2"});

  golive::DowntimeEstimate none;
  add_runbook_estimate(none, Runbook{}, {});
  CHECK(none.parts.empty());
  CHECK(none.missing.empty());
}

TEST_CASE("core::code_fence is longer than any backtick run of the content", "[core]") {
  CHECK(code_fence("SELECT 1;\n") == "```");
  CHECK(code_fence("-- ``` inside\n# Injected heading\n") == "````");
  CHECK(code_fence("a `````b") == "``````");
}

TEST_CASE("core::render_runbook_markdown keeps the customer's prose as text", "[core]") {
  nlohmann::json step = {{"id", "s1"},
                         {"when", "after-restore"},
                         {"kind", "sql"},
                         {"title", "Fix <b>tags</b> & co"},
                         {"why", "UAT finding 12\n# not a heading"},
                         {"content", "SELECT '<b>';"},
                         {"enabled", true},
                         {"continue_on_error", false},
                         {"introduced_round", 2},
                         {"sha256", "abc"},
                         {"runs",
                          {{{"run", "go-live attempt 1"},
                            {"round", nullptr},
                            {"result", "failed"},
                            {"seconds", 1.5},
                            {"rows", nullptr},
                            {"error", "ERROR: <oops>"}}}}};
  nlohmann::json doc = {{"customer", "A<B> Ltd"},
                        {"database", "prod"},
                        {"source_version", "16.0"},
                        {"target_version", "17.0"},
                        {"generated_at", "2026-11-30T08:00:00Z"},
                        {"third_party_modules", nlohmann::json::array()},
                        {"steps", {step}},
                        {"golive", nlohmann::json::array()},
                        {"estimate_s", nullptr},
                        {"unknown", {"freeze"}}};
  std::string md = render_runbook_markdown(doc);
  INFO(md);
  CHECK(md.find("# Upgrade runbook: A&lt;B&gt; Ltd, Odoo 16.0") != std::string::npos);
  CHECK(md.find("### s1: Fix &lt;b&gt;tags&lt;/b&gt; &amp; co\n") != std::string::npos);
  CHECK(md.find("- **Why:** UAT finding 12 # not a heading\n") != std::string::npos);
  CHECK(md.find("- Go-live attempt 1: failed in 1.5 s: ERROR: &lt;oops&gt;\n") !=
        std::string::npos);
  // What runs is shown as it is, inside its code block.
  CHECK(md.find("```sql\nSELECT '<b>';\n```") != std::string::npos);
  CHECK(md.find("<b>tags") == std::string::npos);
  // Nothing measured: the downtime is unknown, not 0 s.
  CHECK(md.find("Estimated downtime: **unknown** (without: freeze)") != std::string::npos);
}
