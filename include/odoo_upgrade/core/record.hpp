#pragma once

#include <odoo_upgrade/core/error.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Helpers for the typed records of the project file (core/request_record.hpp, golive_record.hpp,
// uat_record.hpp, …). Every record follows one pattern:
//
//   struct Thing { int number = 0; std::string name; nlohmann::json extra = json::object(); };
//   Thing thing_from_json(const nlohmann::json& j, std::string_view where) {
//     FieldReader r(j, where);          // throws when `j` is not an object
//     Thing t;
//     r.take("number", t.number);       // a missing or null key keeps the default
//     r.take("name", t.name);           // a key of the wrong type throws (exit 6, naming it)
//     t.extra = r.rest();               // the keys this build does not know
//     return t;
//   }
//   nlohmann::json to_json(const Thing& t) {
//     nlohmann::json j = t.extra;       // unknown keys first, so a newer file survives
//     j["number"] = t.number; j["name"] = t.name;
//     return j;
//   }
//
// One name per fact: a record reads the old spelling of a renamed key (`take_alias`) and writes
// only the new one.
namespace odoo_upgrade::core {

// Throws FilesystemError "project file field '<where>' …" (exit 6): the project file is invalid.
[[noreturn]] void invalid_field(std::string_view where, std::string_view why);

// Reads the fields of one JSON object, marking each key it reads so that what is left are the keys
// the record does not know. The object is read in place, never copied (every command reads the
// whole project file through readers: docs/benchmarks.md, "start-up"): a reader of an lvalue must
// not outlive it; a temporary is kept by the reader.
class FieldReader {
public:
  // `where` names the object in errors ("rounds[2]", "golive"). Throws when `j` is not an object
  // (null reads as an empty object).
  FieldReader(const nlohmann::json& j, std::string_view where);
  FieldReader(nlohmann::json&& j, std::string_view where);
  FieldReader(const FieldReader&) = delete; // it may point into itself
  FieldReader& operator=(const FieldReader&) = delete;

  // Reads `key` into `out` when present and not null. Throws FilesystemError naming
  // `<where>.<key>` when the value has the wrong type.
  template <typename T>
  void take(std::string_view key, T& out) {
    const nlohmann::json* v = take_ref(key);
    if (v != nullptr && !v->is_null()) {
      convert(*v, key, out);
    }
  }
  // Reads `key`, or else `old_key` (an older spelling of the same fact; both are marked read).
  template <typename T>
  void take_alias(std::string_view key, std::string_view old_key, T& out) {
    if (m_object->contains(key)) {
      take(key, out);
      take_ref(old_key);
    } else {
      take(old_key, out);
    }
  }
  // The value of `key` in the object read, in place (nullptr when absent), marked read: valid as
  // long as that object.
  const nlohmann::json* take_ref(std::string_view key);
  // The same as a reference: null when `key` is absent.
  const nlohmann::json& take_value(std::string_view key);
  // Reads a nested object/array as JSON as it is (typed by the caller): a copy.
  void take_json(std::string_view key, nlohmann::json& out);
  // The path of a nested field, for the caller's own FieldReader: "<where>.<key>".
  std::string path(std::string_view key) const;
  // The keys not read so far (a copy of their values).
  nlohmann::json rest() const;

private:
  template <typename T>
  void convert(const nlohmann::json& v, std::string_view key, T& out) {
    try {
      out = v.get<T>();
    } catch (const nlohmann::json::exception&) {
      invalid_field(path(key), std::string("has the wrong type (") + v.type_name() + ")");
    }
  }
  template <typename T>
  void convert(const nlohmann::json& v, std::string_view key, std::optional<T>& out) {
    T value{};
    convert(v, key, value);
    out = std::move(value);
  }
  void convert(const nlohmann::json& v, std::string_view key, std::string& out);
  void convert(const nlohmann::json& v, std::string_view key, bool& out);

  nlohmann::json m_owned;               // a temporary or null given to the constructor
  const nlohmann::json* m_object;       // the object read: m_owned or the caller's
  std::vector<std::string_view> m_read; // keys read, viewing the object's own key strings
  std::string m_where;
};

// Sets `key` of `j` to `value`, or removes it when `value` is empty (std::nullopt).
template <typename T>
void put_optional(nlohmann::json& j, std::string_view key, const std::optional<T>& value) {
  if (value) {
    j[std::string(key)] = *value;
  } else {
    j.erase(std::string(key));
  }
}

// Reads `key` as the name of an enum value with `parse` (std::optional<E>(std::string_view));
// absent or null: `fallback`. An unknown name is refused like a wrong type (FilesystemError,
// exit 6) naming `what` ("a request state").
template <typename E, typename Parse>
E take_enum(FieldReader& r, std::string_view key, E fallback, Parse parse, std::string_view what) {
  std::optional<std::string> text;
  r.take(key, text);
  if (!text) {
    return fallback;
  }
  auto value = parse(*text);
  if (!value) {
    invalid_field(r.path(key), "is not " + std::string(what) + " ('" + *text + "')");
  }
  return *value;
}

// Reads `key` as a JSON array (absent or null: an empty one); throws FilesystemError (exit 6) when
// it is something else.
nlohmann::json take_array(FieldReader& r, std::string_view key);
// Reads `key` as a JSON object (absent or null: an empty one); throws like take_array.
nlohmann::json take_object(FieldReader& r, std::string_view key);

// The `previous` list of a section after `old` is archived into it (a new request, freeze or
// go-live replaces the section): `old.previous`, then `old` itself without its own `previous`.
nlohmann::json archived(const nlohmann::json& old);

} // namespace odoo_upgrade::core
