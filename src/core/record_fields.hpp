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

using core::take_array;
using core::take_enum;

} // namespace odoo_upgrade::core::fields
