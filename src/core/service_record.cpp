#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/service_record.hpp>

namespace odoo_upgrade::core {

ServiceRecord service_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  ServiceRecord s;
  r.take("url", s.url);
  r.take("ca_file", s.ca_file);
  r.take("data_server_user", s.data_server_user);
  s.extra = r.rest();
  return s;
}

nlohmann::json to_json(const ServiceRecord& s) {
  nlohmann::json j = s.extra;
  j["url"] = s.url;
  put_optional(j, "ca_file", s.ca_file);
  j["data_server_user"] = s.data_server_user;
  return j;
}

ServiceRecord read_service(const Project& project) {
  const auto* section = project.find_section("service");
  return section == nullptr ? ServiceRecord{} : service_from_json(*section);
}

void write_service(Project& project, const ServiceRecord& service) {
  project.doc()["service"] = to_json(service);
}

} // namespace odoo_upgrade::core
