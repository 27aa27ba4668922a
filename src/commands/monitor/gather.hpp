#pragma once

#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/core/monitor.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Internal to the monitor command: what is watched, and one round of checks.
namespace odoo_upgrade::commands::monitor {

// Everything one round of checks needs, resolved once from the options and the project file.
struct Target {
  bool has_project = false;
  std::optional<std::string> url;
  std::string expected_series; // "" when unknown
  std::string database;        // the live production database
  std::string conninfo;        // its full conninfo (with password); "" without project
  std::string pre_database;    // the kept pre-upgrade database; "" when unknown
  std::string pre_conninfo;
  std::optional<core::TimePoint> golive_at;
  std::optional<core::TimePoint> freeze_at;
  nlohmann::json baseline = nlohmann::json::object(); // freeze.baseline
  std::filesystem::path data_dir;                     // "" when unknown
  core::monitor::Thresholds thresholds;
};

// What a watch remembers from one round to the next.
struct WatchMemory {
  std::optional<long long> queued_mail;
};

// Runs every check once, in table order. Never throws for an unreachable Odoo or database: those
// become check results. Throws Interrupted on Ctrl-C.
std::vector<core::monitor::Check>
gather(const Target& target, WatchMemory& memory, core::Clock& clock);

} // namespace odoo_upgrade::commands::monitor
