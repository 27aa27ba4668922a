#pragma once

#include <odoo_upgrade/core/monitor.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The project's `monitor` section: what `monitor` watches after go-live, set by the consultant.
//   monitor.url         Odoo's base URL (the --url option wins)
//   monitor.thresholds  overrides of the defaults of core::monitor::Thresholds
// See core/record.hpp for the record pattern (unknown keys kept in `extra`).
namespace odoo_upgrade::core::monitor {

struct MonitorRecord {
  std::optional<std::string> url;
  Thresholds thresholds; // the defaults, overridden by the section's `thresholds`
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a `monitor` section. Throws FilesystemError (exit 6) naming `<where>.<field>` when `url`
// or `thresholds` has the wrong type, and UsageError (exit 2, as thresholds_from_json) for an
// unknown or malformed threshold: thresholds are the consultant's settings.
MonitorRecord monitor_from_json(const nlohmann::json& j, std::string_view where = "monitor");
// Writes `url` when set and only the thresholds that differ from the defaults.
nlohmann::json to_json(const MonitorRecord& m);

// The project's monitor section (defaults when missing); throws like monitor_from_json.
MonitorRecord read_monitor(const Project& project);
void write_monitor(Project& project, const MonitorRecord& monitor);

} // namespace odoo_upgrade::core::monitor
