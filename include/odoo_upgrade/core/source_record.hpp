#pragma once

#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The project's `source` section: the production database as `initiate` found it. Written once by
// initiate, read by every later command (its name, its conninfo, its series). See
// docs/project-file.md and core/record.hpp for the record pattern.
namespace odoo_upgrade::core {

// Odoo edition of the production database (web_enterprise installed or not).
enum class Edition { community, enterprise };
std::string_view to_string(Edition e); // "community", "enterprise"
std::optional<Edition> parse_edition(std::string_view text);

// The production filestore (<data_dir>/filestore/<dbname>) when initiate looked at it.
struct FilestoreRecord {
  std::string path;
  bool exists = false;
  long long size_bytes = 0;
  long long files = 0;
  nlohmann::json extra = nlohmann::json::object();
};

struct SourceRecord {
  std::string conninfo; // keyword/value conninfo without the password (never a secret)
  std::string dbname;
  std::string version;      // Odoo series, e.g. "17.0"
  std::string base_version; // base module's latest_version, e.g. "17.0.1.3"
  Edition edition = Edition::community;
  long long database_size_bytes = 0;
  std::string pg_server_version;           // e.g. "15.18"
  std::string database_uuid;               // ir_config_parameter database.uuid; "" when unknown
  bool enterprise_code_registered = false; // the code itself is in the secrets file
  FilestoreRecord filestore;
  std::vector<TableSize> largest_tables; // largest first
  std::vector<ModuleInfo> modules;       // installed modules, by name (entries written whole)
  nlohmann::json extra = nlohmann::json::object();

  // Names of the installed modules of `origin`, in the order of `modules`.
  std::vector<std::string> module_names(ModuleOrigin origin) const;
};

// Reads a `source` section; `where` names it in errors. Throws FilesystemError (exit 6) naming
// `<where>.<field>` when a field has the wrong type or an unknown value (edition, module origin).
SourceRecord source_from_json(const nlohmann::json& j, std::string_view where = "source");
nlohmann::json to_json(const SourceRecord& s);

// The project's source; std::nullopt before initiate recorded one. Throws like source_from_json.
std::optional<SourceRecord> find_source(const Project& project);
// The project's source; throws PreconditionError (exit 3, "run initiate first") when there is none.
SourceRecord read_source(const Project& project);
void write_source(Project& project, const SourceRecord& source);

} // namespace odoo_upgrade::core
