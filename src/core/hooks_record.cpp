#include <odoo_upgrade/core/hooks_record.hpp>
#include <odoo_upgrade/core/record.hpp>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;

// One event's commands: a list of strings, or a single string.
std::vector<std::string> commands_from_json(const json& v, const std::string& where) {
  if (v.is_string()) {
    return {v.get<std::string>()};
  }
  if (!v.is_array()) {
    invalid_field(where, "is not a list of commands");
  }
  std::vector<std::string> out;
  for (const auto& c : v) {
    if (!c.is_string()) {
      invalid_field(where, "holds a non-string command");
    }
    out.push_back(c.get<std::string>());
  }
  return out;
}

} // namespace

HookConfig hooks_from_json(const json& hooks, const json& timeout) {
  HookConfig h;
  FieldReader r(hooks, "hooks");
  const json events = r.rest(); // every key is an event: none is known to the reader
  for (const auto& [event, v] : events.items()) {
    if (!v.is_null()) {
      h.commands[event] = commands_from_json(v, r.path(event));
    }
  }
  if (timeout.is_string()) {
    h.timeout = timeout.get<std::string>();
  } else if (timeout.is_number()) {
    h.timeout = timeout.dump();
  } else if (!timeout.is_null()) {
    invalid_field("hooks_timeout", std::string("is not a duration (") + timeout.type_name() + ")");
  }
  return h;
}

json to_json(const HookConfig& h) {
  json j = json::object();
  for (const auto& [event, commands] : h.commands) {
    j[event] = commands;
  }
  return j;
}

HookConfig read_hooks(const Project& project) {
  const json& doc = project.doc();
  return hooks_from_json(doc.value("hooks", json()), doc.value("hooks_timeout", json()));
}

void write_hooks(Project& project, const HookConfig& hooks) {
  json& doc = project.doc();
  doc["hooks"] = to_json(hooks);
  if (hooks.timeout) {
    doc["hooks_timeout"] = *hooks.timeout;
  } else {
    doc.erase("hooks_timeout");
  }
}

} // namespace odoo_upgrade::core
