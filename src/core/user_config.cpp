#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/user_config.hpp>

namespace odoo_upgrade::core {

UserConfig user_config_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  UserConfig c;
  r.take("service_url", c.service_url);
  r.take("ca_file", c.ca_file);
  r.take("data_server_user", c.data_server_user);
  r.take("jobs", c.jobs);
  if (c.jobs && (*c.jobs < 1 || *c.jobs > 64)) {
    invalid_field(r.path("jobs"), "must be between 1 and 64");
  }
  c.extra = r.rest();
  return c;
}

} // namespace odoo_upgrade::core
