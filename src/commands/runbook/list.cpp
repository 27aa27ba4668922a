#include <odoo_upgrade/commands/runbook.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>

#include <iomanip>
#include <sstream>

namespace odoo_upgrade::commands {

namespace {

// {"round", "result", "seconds", "rows", "error"} of a step's last result, or null.
nlohmann::json last_json(const std::map<std::string, core::LastStepResult>& last,
                         const std::string& id) {
  auto it = last.find(id);
  if (it == last.end()) {
    return nullptr;
  }
  const auto& r = it->second.result;
  return {{"round", it->second.round},
          {"result", r.result},
          {"seconds", r.seconds},
          {"rows", r.rows ? nlohmann::json(*r.rows) : nlohmann::json(nullptr)},
          {"error", r.error},
          {"sha256", r.sha256}};
}

// "ok in round 2 (3.4 s)", "never run"
std::string last_text(const nlohmann::json& last) {
  if (last.is_null()) {
    return "never run";
  }
  std::ostringstream os;
  os << last["result"].get<std::string>() << " in round " << last["round"].get<int>() << " ("
     << std::fixed << std::setprecision(1) << last["seconds"].get<double>() << " s)";
  return os.str();
}

} // namespace

void print_runbook_steps(std::ostream& os, const nlohmann::json& steps, const std::string& indent) {
  if (steps.empty()) {
    os << indent << "the runbook is empty; add a step with 'odoo-upgrade runbook add'\n";
    return;
  }
  os << indent << std::left << std::setw(5) << "ID" << std::setw(15) << "WHEN" << std::setw(11)
     << "KIND" << std::setw(9) << "STATE" << std::setw(7) << "ROUND"
     << "LAST RESULT  TITLE\n";
  for (const auto& s : steps) {
    std::string state = s["enabled"].get<bool>() ? "enabled" : "disabled";
    os << indent << std::setw(5) << s["id"].get<std::string>() << std::setw(15)
       << s["when"].get<std::string>() << std::setw(11) << s["kind"].get<std::string>()
       << std::setw(9) << state << std::setw(7) << s["introduced_round"].get<int>()
       << last_text(s["last"]) << "  " << s["title"].get<std::string>() << "\n";
  }
}

nlohmann::json runbook_list_json(const core::Project& project) {
  auto runbook = core::read_runbook(project);
  auto last = core::last_step_results(core::read_rounds(project));
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : runbook.steps) {
    steps.push_back({{"id", step.id},
                     {"when", core::to_string(step.when)},
                     {"kind", core::to_string(step.kind)},
                     {"title", step.title},
                     {"why", step.why},
                     {"enabled", step.enabled},
                     {"continue_on_error", step.continue_on_error},
                     {"introduced_round", step.introduced_round},
                     {"sha256", step.sha256},
                     {"last", last_json(last, step.id)}});
  }
  return {{"next_id", runbook.next_id}, {"steps", steps}};
}

int run_runbook_list(Context& ctx) {
  // Reads the project only: no lock, nothing changes.
  auto session = open_project(ctx, "", Lock::none);
  auto doc = runbook_list_json(session.project());
  ctx.out.result(doc, [&](std::ostream& os) { print_runbook_steps(os, doc["steps"], ""); });
  return 0;
}

} // namespace odoo_upgrade::commands
