#pragma once

#include <odoo_upgrade/core/odoo_version.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
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

// A pre-flight check outcome. Checks never throw; the caller collects them.
struct CheckResult {
  enum class Status { pass, warn, fail };
  std::string id;
  std::string title;
  Status status = Status::pass;
  std::string message;
  std::string hint;
};
std::string_view to_string(CheckResult::Status status);
nlohmann::json to_json(const CheckResult& check);

// The major version in a `--version` line of a PostgreSQL client tool ("pg_dump (PostgreSQL) 15.18
// (Debian …)" → 15); std::nullopt when unreadable.
std::optional<int> parse_pg_tool_major(const std::string& version_line);

// pg_dump/pg_restore must be at least the server's major version (an older pg_dump refuses to dump
// a newer server).
CheckResult check_pg_tool(const std::string& tool,
                          const std::optional<std::string>& version_line,
                          int server_major);
CheckResult check_program_present(const std::string& program, bool found, const std::string& why);
// Free space in the work dir must be at least twice the database size (dump + restored copy).
CheckResult check_free_space(const std::string& work_dir,
                             std::optional<std::uint64_t> free_bytes,
                             std::int64_t database_bytes);
CheckResult check_filestore(const std::string& path,
                            bool exists,
                            std::uint64_t files,
                            std::uint64_t unreadable);

} // namespace odoo_upgrade::core
