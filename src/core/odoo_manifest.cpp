#include "record_fields.hpp"

#include <odoo_upgrade/core/odoo_manifest.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <array>
#include <stdexcept>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

constexpr std::array<std::pair<TargetVerdict, std::string_view>, 6> k_verdicts{{
    {TargetVerdict::found, "found"},
    {TargetVerdict::missing, "missing"},
    {TargetVerdict::wrong_series, "wrong series"},
    {TargetVerdict::not_installable, "not installable"},
    {TargetVerdict::invalid_manifest, "invalid manifest"},
    {TargetVerdict::dependencies_missing, "dependencies missing"},
}};

std::string text_of(const json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string()) {
    throw std::invalid_argument(std::string("'") + key + "' is not a string");
  }
  return it->get<std::string>();
}

std::vector<std::string> names_of(const json& entry, const char* key) {
  auto it = entry.find(key);
  std::vector<std::string> out;
  if (it == entry.end() || !it->is_array()) {
    return out;
  }
  for (const auto& v : *it) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

} // namespace

std::vector<ManifestFacts> manifest_facts_from_output(const json& output) {
  if (!output.is_object() || !output.contains("modules") || !output["modules"].is_object()) {
    throw std::invalid_argument("no 'modules' object");
  }
  std::vector<ManifestFacts> out;
  for (const auto& [name, entry] : output["modules"].items()) {
    if (!entry.is_object()) {
      throw std::invalid_argument("module '" + name + "' is not an object");
    }
    ManifestFacts f;
    f.name = name;
    f.path = text_of(entry, "path");
    f.version = entry.contains("version") && entry["version"].is_string()
                    ? entry["version"].get<std::string>()
                    : std::string();
    f.folder_series = text_of(entry, "folder_series");
    if (entry.contains("installable") && entry["installable"].is_boolean()) {
      f.installable = entry["installable"].get<bool>();
    }
    f.depends = names_of(entry, "depends");
    f.depends_missing = names_of(entry, "depends_missing");
    f.shadowed = names_of(entry, "shadowed");
    f.error = text_of(entry, "error");
    out.push_back(std::move(f));
  }
  return out;
}

std::string version_series(std::string_view version) {
  std::vector<std::string_view> parts;
  while (true) {
    auto dot = version.find('.');
    parts.push_back(version.substr(0, dot));
    if (dot == std::string_view::npos) {
      break;
    }
    version.remove_prefix(dot + 1);
  }
  if (parts.size() != 4 && parts.size() != 5) {
    return {};
  }
  std::string_view major = parts[0];
  if (major.rfind("saas~", 0) == 0) {
    major.remove_prefix(5);
  }
  if (!all_digits(major) || !all_digits(parts[1])) {
    return {};
  }
  return std::string(parts[0]) + "." + std::string(parts[1]);
}

std::string_view to_string(TargetVerdict v) {
  return k_verdicts[static_cast<std::size_t>(v)].second;
}

std::optional<TargetVerdict> parse_target_verdict(std::string_view text) {
  for (const auto& [v, name] : k_verdicts) {
    if (name == text) {
      return v;
    }
  }
  return std::nullopt;
}

TargetCheck judge_target(const ManifestFacts& f, std::string_view series) {
  TargetCheck t;
  t.module = f.name;
  t.path = f.path;
  t.manifest_version = f.version;
  if (f.path.empty()) {
    t.verdict = TargetVerdict::missing;
    return t;
  }
  std::string own = version_series(f.version);
  bool series_less = own.empty();
  if (f.installable == false) {
    t.verdict = TargetVerdict::not_installable;
  } else if ((!series_less && own != series) ||
             (series_less && !f.folder_series.empty() && f.folder_series != series)) {
    t.verdict = TargetVerdict::wrong_series;
  } else if (!f.error.empty()) {
    t.verdict = TargetVerdict::invalid_manifest;
    t.error = f.error;
  } else if (!f.depends_missing.empty()) {
    t.verdict = TargetVerdict::dependencies_missing;
    t.depends_missing = f.depends_missing;
  } else {
    t.verdict = TargetVerdict::found;
    // Odoo's adapt_version: a series-less version gets the running series in front.
    t.version = series_less ? std::string(series) + "." + f.version : f.version;
  }
  return t;
}

std::string TargetCheck::describe() const {
  std::string where = path.empty() ? "" : " in " + path;
  switch (verdict) {
  case TargetVerdict::found:
    return "found " + version + where;
  case TargetVerdict::missing:
    return "missing";
  case TargetVerdict::wrong_series:
    return "wrong series (" + manifest_version + where + ")";
  case TargetVerdict::not_installable:
    return "not installable (" + path + ")";
  case TargetVerdict::invalid_manifest:
    return error.empty() ? "invalid manifest" : error;
  case TargetVerdict::dependencies_missing:
    return "dependencies missing: " + join(depends_missing);
  }
  return {};
}

json to_json(const TargetCheck& t) {
  json j = {{"module", t.module}, {"verdict", std::string(to_string(t.verdict))}};
  put_text(j, "version", t.version);
  put_text(j, "manifest_version", t.manifest_version);
  put_text(j, "path", t.path);
  if (!t.depends_missing.empty()) {
    j["depends_missing"] = t.depends_missing;
  }
  put_text(j, "error", t.error);
  return j;
}

TargetCheck target_check_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  TargetCheck t;
  r.take("module", t.module);
  t.verdict = take_enum(r, "verdict", TargetVerdict::missing, parse_target_verdict, "a verdict");
  r.take("version", t.version);
  r.take("manifest_version", t.manifest_version);
  r.take("path", t.path);
  r.take("depends_missing", t.depends_missing);
  r.take("error", t.error);
  return t;
}

const TargetCheck* TargetModulesRecord::find(std::string_view module) const {
  for (const auto& m : modules) {
    if (m.module == module) {
      return &m;
    }
  }
  return nullptr;
}

TargetModulesRecord target_modules_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  TargetModulesRecord t;
  r.take("series", t.series);
  json list = take_array(r, "modules");
  for (std::size_t i = 0; i < list.size(); ++i) {
    t.modules.push_back(
        target_check_from_json(list[i], r.path("modules") + "[" + std::to_string(i) + "]"));
  }
  t.extra = r.rest();
  return t;
}

json to_json(const TargetModulesRecord& t) {
  json j = t.extra;
  j["series"] = t.series;
  j["modules"] = json::array();
  for (const auto& m : t.modules) {
    j["modules"].push_back(to_json(m));
  }
  return j;
}

std::optional<TargetModulesRecord> read_target_modules(const Project& project) {
  const json* section = project.find_section("target_modules");
  if (section == nullptr || section->is_null()) {
    return std::nullopt;
  }
  return target_modules_from_json(*section, "target_modules");
}

void write_target_modules(Project& project, const TargetModulesRecord& record) {
  project.section("target_modules") = to_json(record);
}

} // namespace odoo_upgrade::core
