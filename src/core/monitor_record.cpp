#include <odoo_upgrade/core/monitor_record.hpp>
#include <odoo_upgrade/core/record.hpp>

namespace odoo_upgrade::core::monitor {

MonitorRecord monitor_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  MonitorRecord m;
  r.take("url", m.url);
  nlohmann::json thresholds;
  r.take_json("thresholds", thresholds);
  if (!thresholds.is_null() && !thresholds.is_object()) {
    invalid_field(r.path("thresholds"),
                  std::string("is not an object (") + thresholds.type_name() + ")");
  }
  m.thresholds = thresholds_from_json(thresholds);
  m.extra = r.rest();
  return m;
}

nlohmann::json to_json(const MonitorRecord& m) {
  nlohmann::json j = m.extra;
  put_optional(j, "url", m.url);
  const nlohmann::json defaults = to_json(Thresholds{});
  const nlohmann::json thresholds = to_json(m.thresholds);
  nlohmann::json overrides = nlohmann::json::object();
  for (const auto& [key, value] : thresholds.items()) {
    if (defaults.at(key) != value) {
      overrides[key] = value;
    }
  }
  put_optional(
      j, "thresholds", overrides.empty() ? std::nullopt : std::optional<nlohmann::json>(overrides));
  return j;
}

MonitorRecord read_monitor(const Project& project) {
  const auto* section = project.find_section("monitor");
  return section == nullptr ? MonitorRecord{} : monitor_from_json(*section);
}

void write_monitor(Project& project, const MonitorRecord& monitor) {
  project.doc()["monitor"] = to_json(monitor);
}

} // namespace odoo_upgrade::core::monitor
