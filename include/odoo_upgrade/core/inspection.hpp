#pragma once

#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/severity.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odoo_upgrade::core {

struct ModuleInfo {
  std::string name;
  std::string version; // latest_version, e.g. "17.0.1.3"
  std::string author;
  std::string license;
  std::string state; // installed, to upgrade, to remove
  ModuleOrigin origin = ModuleOrigin::third_party;
};

struct TableSize {
  std::string name;
  std::int64_t bytes = 0; // total relation size (table, indexes, toast)
  std::int64_t rows = 0;  // planner estimate (reltuples)
};

// What `initiate` learns from a production database.
struct DatabaseFacts {
  std::string dbname;
  std::string base_version; // base module's latest_version
  Series series;
  bool enterprise = false; // web_enterprise installed
  std::int64_t size_bytes = 0;
  int server_version_num = 0;                 // e.g. 150018
  std::string server_version;                 // e.g. "15.18"
  std::optional<std::string> enterprise_code; // secret
  std::optional<std::string> database_uuid;
  std::vector<ModuleInfo> modules; // sorted by name
  std::vector<TableSize> largest_tables;

  int server_major() const {
    return server_version_num >= 100000 ? server_version_num / 10000 : server_version_num / 100;
  }
  std::vector<const ModuleInfo*> modules_of(ModuleOrigin origin) const;
};

// A pre-flight check outcome. Checks never throw; the caller collects them. `status` is ok,
// warning (someone should look) or blocking (initiate exits 1; the project is still written).
struct CheckResult {
  std::string id;
  std::string title;
  Severity status = Severity::ok;
  std::string message;
  std::string hint; // "" when there is nothing to advise
  nlohmann::json extra = nlohmann::json::object();
};
nlohmann::json to_json(const CheckResult& check);
// Reads one check of the project's `preflight` list. The status names of older files ("pass",
// "warn", "fail") are read as ok, warning and blocking. Throws FilesystemError (exit 6) naming
// `<where>.<field>` for a field of the wrong type or an unknown status.
CheckResult check_result_from_json(const nlohmann::json& j, std::string_view where);
// True when a check of `checks` is blocking.
bool any_blocking(const std::vector<CheckResult>& checks);

// The project's `preflight` section: the checks of initiate, in their order (empty when none).
std::vector<CheckResult> read_preflight(const Project& project);
void write_preflight(Project& project, const std::vector<CheckResult>& checks);

// The major version in a `--version` line of a PostgreSQL client tool ("pg_dump (PostgreSQL) 15.18
// (Debian …)" → 15); std::nullopt when unreadable.
std::optional<int> parse_pg_tool_major(const std::string& version_line);

// pg_dump/pg_restore must be at least the server's major version (an older pg_dump refuses to dump
// a newer server).
CheckResult check_pg_tool(const std::string& tool,
                          const std::optional<std::string>& version_line,
                          int server_major);
CheckResult check_program_present(const std::string& program, bool found, const std::string& why);
CheckResult check_filestore(const std::string& path,
                            bool exists,
                            std::uint64_t files,
                            std::uint64_t unreadable);

} // namespace odoo_upgrade::core
