#include <odoo_upgrade/core/record.hpp>

#include <utility>

namespace odoo_upgrade::core {

void invalid_field(std::string_view where, std::string_view why) {
  throw FilesystemError("project file field '" + std::string(where) + "' " + std::string(why),
                        "fix the field by hand (the file is JSON) or restore the file from a "
                        "backup; nothing was changed");
}

FieldReader::FieldReader(const nlohmann::json& j, std::string_view where)
    : m_rest(j.is_null() ? nlohmann::json::object() : j), m_where(where) {
  if (!m_rest.is_object()) {
    invalid_field(m_where, std::string("is not an object (") + j.type_name() + ")");
  }
}

void FieldReader::take_json(std::string_view key, nlohmann::json& out) {
  auto it = m_rest.find(key);
  if (it == m_rest.end()) {
    return;
  }
  out = std::move(*it); // m_rest is the reader's own copy: moved, not copied again
  m_rest.erase(it);
}

std::string FieldReader::path(std::string_view key) const {
  return m_where.empty() ? std::string(key) : m_where + "." + std::string(key);
}

void FieldReader::convert(const nlohmann::json& v, std::string_view key, std::string& out) {
  if (!v.is_string()) {
    invalid_field(path(key), std::string("is not a string (") + v.type_name() + ")");
  }
  out = v.get<std::string>();
}

void FieldReader::convert(const nlohmann::json& v, std::string_view key, bool& out) {
  if (!v.is_boolean()) {
    invalid_field(path(key), std::string("is not true or false (") + v.type_name() + ")");
  }
  out = v.get<bool>();
}

nlohmann::json archived(const nlohmann::json& old) {
  if (!old.is_object() || old.empty()) {
    return nlohmann::json::array();
  }
  nlohmann::json list = old.value("previous", nlohmann::json::array());
  if (!list.is_array()) {
    list = nlohmann::json::array();
  }
  nlohmann::json entry = old;
  entry.erase("previous");
  list.push_back(std::move(entry));
  return list;
}

nlohmann::json take_array(FieldReader& r, std::string_view key) {
  nlohmann::json j;
  r.take_json(key, j);
  if (j.is_null()) {
    return nlohmann::json::array();
  }
  if (!j.is_array()) {
    invalid_field(r.path(key), std::string("is not a list (") + j.type_name() + ")");
  }
  return j;
}

nlohmann::json take_object(FieldReader& r, std::string_view key) {
  nlohmann::json j;
  r.take_json(key, j);
  if (j.is_null()) {
    return nlohmann::json::object();
  }
  if (!j.is_object()) {
    invalid_field(r.path(key), std::string("is not an object (") + j.type_name() + ")");
  }
  return j;
}

} // namespace odoo_upgrade::core
