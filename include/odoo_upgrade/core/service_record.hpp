#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The project's `service` section: how to reach Odoo's upgrade service, as `initiate` resolved it
// from its flags and the environment. Later commands start from it (their own flags win). See
// core/record.hpp for the record pattern.
namespace odoo_upgrade::core {

struct ServiceRecord {
  std::string url;                    // https base URL, no trailing '/'; "" when not recorded
  std::optional<std::string> ca_file; // absolute path of a private CA to trust
  std::string data_server_user;       // SSH user of the service's data server; "" when not set
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a `service` section; throws FilesystemError (exit 6) naming `<where>.<field>` when a field
// has the wrong type.
ServiceRecord service_from_json(const nlohmann::json& j, std::string_view where = "service");
nlohmann::json to_json(const ServiceRecord& s);

// The project's service settings (empty fields when the section is missing).
ServiceRecord read_service(const Project& project);
void write_service(Project& project, const ServiceRecord& service);

} // namespace odoo_upgrade::core
