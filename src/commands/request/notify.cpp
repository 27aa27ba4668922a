// Request events for the project's hooks (request_started, request_done, request_failed,
// round_tested): notifications, so a failing hook is a warning and the request goes on.
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

namespace odoo_upgrade::commands::request {

void notify(RequestRun& run,
            std::string_view event,
            std::vector<std::pair<std::string, std::string>> extra) {
  if (hooks::commands_for(run.project(), event).empty()) {
    return;
  }
  const auto& r = run.record();
  extra.emplace_back("ODOO_UPGRADE_REQUEST", run.label());
  extra.emplace_back("ODOO_UPGRADE_AIM", r.aim);
  extra.emplace_back("ODOO_UPGRADE_REQUEST_ID", r.request_id ? std::to_string(*r.request_id) : "");
  extra.emplace_back("ODOO_UPGRADE_REQUEST_STATUS", r.service_status.value_or(""));
  try {
    hooks::run(run.project(), run.ctx().project_path(), event, extra);
  } catch (const core::Error& e) {
    spdlog::warn(
        "{}: {} (a request hook only notifies: the request goes on)", run.label(), e.what());
  }
}

} // namespace odoo_upgrade::commands::request
