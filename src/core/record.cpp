#include <odoo_upgrade/core/record.hpp>

#include <algorithm>
#include <utility>

namespace odoo_upgrade::core {

namespace {
// Room for the keys of a typical record, so that marking them read allocates once.
constexpr std::size_t k_expected_fields = 16;
} // namespace

void invalid_field(std::string_view where, std::string_view why) {
  throw FilesystemError("project file field '" + std::string(where) + "' " + std::string(why),
                        "fix the field by hand (the file is JSON) or restore the file from a "
                        "backup; nothing was changed");
}

FieldReader::FieldReader(const nlohmann::json& j, std::string_view where)
    : m_object(&j), m_where(where) {
  m_read.reserve(k_expected_fields);
  if (j.is_null()) {
    m_owned = nlohmann::json::object();
    m_object = &m_owned;
  }
  if (!m_object->is_object()) {
    invalid_field(m_where, std::string("is not an object (") + j.type_name() + ")");
  }
}

FieldReader::FieldReader(nlohmann::json&& j, std::string_view where)
    : m_owned(j.is_null() ? nlohmann::json::object() : std::move(j)), m_object(&m_owned),
      m_where(where) {
  m_read.reserve(k_expected_fields);
  if (!m_owned.is_object()) {
    invalid_field(m_where, std::string("is not an object (") + m_owned.type_name() + ")");
  }
}

const nlohmann::json* FieldReader::take_ref(std::string_view key) {
  auto it = m_object->find(key);
  if (it == m_object->end()) {
    return nullptr;
  }
  const std::string& stored = it.key();
  if (std::find(m_read.begin(), m_read.end(), stored) == m_read.end()) {
    m_read.emplace_back(stored);
  }
  return &*it;
}

const nlohmann::json& FieldReader::take_value(std::string_view key) {
  static const nlohmann::json k_null;
  const nlohmann::json* v = take_ref(key);
  return v != nullptr ? *v : k_null;
}

void FieldReader::take_json(std::string_view key, nlohmann::json& out) {
  if (const nlohmann::json* v = take_ref(key)) {
    out = *v;
  }
}

nlohmann::json FieldReader::rest() const {
  nlohmann::json rest = nlohmann::json::object();
  for (const auto& [key, value] : m_object->items()) {
    if (std::find(m_read.begin(), m_read.end(), key) == m_read.end()) {
      rest[key] = value;
    }
  }
  return rest;
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
