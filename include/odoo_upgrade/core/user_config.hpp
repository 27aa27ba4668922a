#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The user's config file: defaults of a consultant for every project, below the project's own
// settings and the command line. A JSON object; see docs/user-config.md. Typed after
// core/record.hpp: unknown keys are kept (a newer build's keys survive, and are ignored here).
namespace odoo_upgrade::core {

struct UserConfig {
  std::optional<std::string> service_url;      // upgrade service base URL (https://…)
  std::optional<std::string> ca_file;          // a private CA to trust for the service
  std::optional<std::string> data_server_user; // SSH user of the service's data server
  std::optional<int> jobs;                     // pg_dump / pg_restore jobs of the requests (1..64)
  nlohmann::json extra = nlohmann::json::object();
};

// Reads the config object; `where` names the file in errors. Throws FilesystemError (exit 6)
// naming `<where>.<field>` for a field of the wrong type or `jobs` outside 1..64.
UserConfig user_config_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core
