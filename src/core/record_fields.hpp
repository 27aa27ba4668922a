#pragma once

// Internal to core: small field helpers shared by the typed records of the go-live chain
// (freeze_record.cpp, golive_record.cpp, hooks_record.cpp), on top of core/record.hpp.

#include <odoo_upgrade/core/record.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::core::fields {

// Sets `key` to `text`, or removes it when `text` is empty (not known).
inline void put_text(nlohmann::json& j, const char* key, const std::string& text) {
  if (text.empty()) {
    j.erase(key);
  } else {
    j[key] = text;
  }
}

// Reads `key` into `out` with `from_json(value, "<where>.<key>")` when present and not null.
template <typename T, typename F>
void take_record(FieldReader& r, std::string_view key, std::optional<T>& out, F from_json) {
  nlohmann::json j;
  r.take_json(key, j);
  if (!j.is_null()) {
    out = from_json(j, r.path(key));
  }
}

// Reads a JSON array kept as it is (a journal, `previous`); absent or null: an empty array.
// Throws FilesystemError (exit 6) when the value is not an array.
inline nlohmann::json take_array(FieldReader& r, std::string_view key) {
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

// Reads `key` as the name of an enum value with `parse`; absent or null: `none`. An unknown name is
// refused like a wrong type (FilesystemError, exit 6), with `what` naming the kind ("a freeze
// state").
template <typename E, typename Parse>
E take_enum(FieldReader& r, std::string_view key, E none, Parse parse, std::string_view what) {
  std::optional<std::string> text;
  r.take(key, text);
  if (!text) {
    return none;
  }
  auto value = parse(*text);
  if (!value) {
    invalid_field(r.path(key), "is not " + std::string(what) + " ('" + *text + "')");
  }
  return *value;
}

} // namespace odoo_upgrade::core::fields
