// The live checks of `uat run`: live_checks.py through the target Odoo's shell, the website pages
// through its HTTP server, and production's published pages, judged by core/live_checks.hpp.
#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/commands/uat_live.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/live_checks.hpp>
#include <odoo_upgrade/odoo_scripts.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <optional>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using json = nlohmann::json;
using std::chrono::minutes;

constexpr const char* k_begin = "@@OU-LIVE-CHECKS-BEGIN@@";
constexpr const char* k_end = "@@OU-LIVE-CHECKS-END@@";

// The script's document, or null with why there is none.
struct ScriptRun {
  json doc;
  std::string failure;
};

ScriptRun run_script(adapters::odoo::TargetOdoo& odoo,
                     const std::string& db,
                     const stdfs::path& folder,
                     const std::vector<std::string>& ids) {
  json params = core::live::script_parameters(ids, "");
  spdlog::info(
      "uat: live checks ({}) on '{}' through the target Odoo's shell", params["checks"].dump(), db);
  adapters::odoo::OdooRun r = odoo.shell(db,
                                         generated::k_live_checks_py,
                                         folder / "live_checks.py",
                                         folder / "live-checks.log",
                                         {{"OU_LIVE_CHECKS", params.dump()}},
                                         minutes(60));
  std::ofstream(folder / "live-checks.out") << r.out;
  auto doc = adapters::odoo::marked_document(r.out, k_begin, k_end);
  if (!doc) {
    return {json(),
            "the target Odoo's shell gave no result (" + r.process.describe() + "): " +
                r.process.last_error_line() + "; log " + (folder / "live-checks.log").string()};
  }
  return {*doc, ""};
}

// Every page fetched from the target Odoo's HTTP server on `db` (stopped at the end, also on
// errors).
std::vector<core::live::PageFetch> fetch_pages(adapters::odoo::TargetOdoo& odoo,
                                               const std::string& db,
                                               const stdfs::path& folder,
                                               const std::vector<core::live::PageTarget>& pages) {
  std::vector<core::live::PageFetch> out;
  if (pages.empty()) {
    return out;
  }
  auto [server, ready] = odoo.serve(db, folder / "live-checks-http.log", minutes(5));
  std::string not_ready;
  if (!ready) {
    not_ready = "the target Odoo's HTTP server did not start: " + server->why_not();
  }
  for (const auto& page : pages) {
    core::throw_if_interrupted();
    if (!not_ready.empty()) {
      out.push_back({page, 0, not_ready});
      continue;
    }
    adapters::odoo::PageAnswer a = server->get(page.url, minutes(2));
    out.push_back({page, static_cast<int>(a.status), a.error});
  }
  server->stop();
  return out;
}

// The gate of the live checks on `db` (core::live::live_gate).
std::optional<core::live::LiveGate> gate_of(const core::Project& project,
                                            const adapters::fs::SecretStore& secrets,
                                            const adapters::odoo::TargetOdoo& odoo,
                                            const std::string& db) {
  if (!odoo.settings().configured()) {
    return core::live::live_gate(false, {});
  }
  pg::Connection test(server_conninfo(project, secrets, db));
  test.set_read_only();
  return core::live::live_gate(true, pg::target_db::transient_modules(test));
}

} // namespace

LivePlan plan_live_checks(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          const std::string& test_db,
                          const std::vector<std::string>& only) {
  LivePlan plan;
  plan.ids = core::live::selected_live_checks(only);
  if (plan.ids.empty()) {
    return plan;
  }
  adapters::odoo::TargetOdoo odoo = target_odoo_of(project, secrets);
  std::optional<core::live::LiveGate> gate;
  try {
    gate = gate_of(project, secrets, odoo, test_db);
  } catch (const core::DatabaseError& e) {
    gate = core::live::LiveGate{core::uat::CheckStatus::error,
                                std::string("the test database cannot be read: ") + e.what()};
  }
  const auto& s = odoo.settings();
  std::string how = s.python_or_default() + " " + s.odoo_bin + " shell";
  if (std::find(plan.ids.begin(), plan.ids.end(), "pages") != plan.ids.end()) {
    how += ", and its HTTP server on a free loopback port for the pages";
  }
  plan.line = core::live::plan_line(plan.ids, gate, how, test_db);
  plan.status = gate ? std::string(core::uat::to_string(gate->status)) : "run";
  plan.why = gate ? gate->why : "";
  return plan;
}

std::vector<core::uat::CheckResult> run_live_checks(const core::Project& project,
                                                    const adapters::fs::SecretStore& secrets,
                                                    const std::string& test_db,
                                                    const stdfs::path& folder,
                                                    const std::vector<std::string>& only) {
  auto ids = core::live::selected_live_checks(only);
  if (ids.empty()) {
    return {};
  }
  adapters::odoo::TargetOdoo odoo = target_odoo_of(project, secrets);
  // Without a target Odoo there is nothing to run them with: skipped, said, not failed. With
  // modules left mid-update, Odoo would finish the update on the test database: not run.
  if (auto gate = gate_of(project, secrets, odoo, test_db)) {
    spdlog::warn("uat: live checks {}: {}", core::uat::to_string(gate->status), gate->why);
    return core::live::gated_results(ids, *gate);
  }
  stdfs::create_directories(folder);
  auto started = std::chrono::steady_clock::now();
  ScriptRun script = run_script(odoo, test_db, folder, ids);
  // The pages the script listed answer over HTTP; production's published ones are compared.
  std::vector<core::live::PageFetch> fetched;
  std::vector<std::string> production_pages;
  if (std::find(ids.begin(), ids.end(), "pages") != ids.end() && script.doc.is_object()) {
    fetched = fetch_pages(odoo, test_db, folder, core::live::pages_to_fetch(script.doc));
    pg::Connection production(source_conninfo(project, secrets));
    production.set_read_only();
    production_pages = pg::target_db::published_page_urls(production);
  }
  auto results =
      core::live::live_results(ids, script.doc, script.failure, fetched, production_pages);
  for (const auto& r : results) {
    spdlog::info("uat: {} {} ({} blocking, {} warning, {:.1f} s)",
                 r.id,
                 core::uat::to_string(r.status),
                 r.count(core::Severity::blocking),
                 r.count(core::Severity::warning),
                 r.seconds);
  }
  spdlog::info("uat: live checks done in {:.1f} s",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return results;
}

} // namespace odoo_upgrade::commands
