#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/source_record.hpp>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;

std::optional<ModuleOrigin> parse_origin(std::string_view text) {
  for (auto o : {ModuleOrigin::odoo, ModuleOrigin::enterprise, ModuleOrigin::third_party}) {
    if (to_string(o) == text) {
      return o;
    }
  }
  return std::nullopt;
}

// The elements of the array `key` of `r`, each read by `read(element, "<where>.<key>[i]")`.
template <typename T, typename F>
std::vector<T> take_list(FieldReader& r, std::string_view key, F read) {
  const json& list = r.take_value(key);
  std::vector<T> out;
  if (list.is_null()) {
    return out;
  }
  if (!list.is_array()) {
    invalid_field(r.path(key), std::string("is not a list (") + list.type_name() + ")");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(read(list[i], r.path(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

ModuleInfo module_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  ModuleInfo m;
  r.take("name", m.name);
  r.take("version", m.version);
  r.take("author", m.author);
  r.take("license", m.license);
  r.take("state", m.state);
  std::string origin = "third_party";
  r.take("origin", origin);
  auto parsed = parse_origin(origin);
  if (!parsed) {
    invalid_field(where + ".origin", "has an unknown value '" + origin + "'");
  }
  m.origin = *parsed;
  return m;
}

json to_json(const ModuleInfo& m) {
  return {{"name", m.name},
          {"version", m.version},
          {"author", m.author},
          {"license", m.license},
          {"state", m.state},
          {"origin", std::string(to_string(m.origin))}};
}

TableSize table_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  TableSize t;
  r.take("name", t.name);
  r.take("bytes", t.bytes);
  r.take("rows", t.rows);
  return t;
}

FilestoreRecord filestore_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  FilestoreRecord f;
  r.take("path", f.path);
  r.take("exists", f.exists);
  r.take("size_bytes", f.size_bytes);
  r.take("files", f.files);
  f.extra = r.rest();
  return f;
}

json to_json(const FilestoreRecord& f) {
  json j = f.extra;
  j["path"] = f.path;
  j["exists"] = f.exists;
  j["size_bytes"] = f.size_bytes;
  j["files"] = f.files;
  return j;
}

} // namespace

std::string_view to_string(Edition e) {
  return e == Edition::enterprise ? "enterprise" : "community";
}

std::optional<Edition> parse_edition(std::string_view text) {
  if (text == "community") {
    return Edition::community;
  }
  if (text == "enterprise") {
    return Edition::enterprise;
  }
  return std::nullopt;
}

std::vector<std::string> SourceRecord::module_names(ModuleOrigin origin) const {
  std::vector<std::string> names;
  for (const auto& m : modules) {
    if (m.origin == origin) {
      names.push_back(m.name);
    }
  }
  return names;
}

SourceRecord source_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  SourceRecord s;
  r.take("conninfo", s.conninfo);
  r.take("dbname", s.dbname);
  r.take("version", s.version);
  r.take("base_version", s.base_version);
  s.edition = take_enum(r, "edition", s.edition, parse_edition, "an edition");
  r.take("database_size_bytes", s.database_size_bytes);
  r.take("pg_server_version", s.pg_server_version);
  r.take("database_uuid", s.database_uuid);
  r.take("enterprise_code_registered", s.enterprise_code_registered);
  s.filestore = filestore_from_json(r.take_value("filestore"), r.path("filestore"));
  s.largest_tables = take_list<TableSize>(r, "largest_tables", table_from_json);
  s.modules = take_list<ModuleInfo>(r, "modules", module_from_json);
  s.extra = r.rest();
  return s;
}

json to_json(const SourceRecord& s) {
  json j = s.extra;
  j["conninfo"] = s.conninfo;
  j["dbname"] = s.dbname;
  j["version"] = s.version;
  j["base_version"] = s.base_version;
  j["edition"] = std::string(to_string(s.edition));
  j["database_size_bytes"] = s.database_size_bytes;
  j["pg_server_version"] = s.pg_server_version;
  j["database_uuid"] = s.database_uuid;
  j["enterprise_code_registered"] = s.enterprise_code_registered;
  j["filestore"] = to_json(s.filestore);
  json tables = json::array();
  for (const auto& t : s.largest_tables) {
    tables.push_back({{"name", t.name}, {"bytes", t.bytes}, {"rows", t.rows}});
  }
  j["largest_tables"] = tables;
  json modules = json::array();
  for (const auto& m : s.modules) {
    modules.push_back(to_json(m));
  }
  j["modules"] = modules;
  return j;
}

std::optional<SourceRecord> find_source(const Project& project) {
  const json* section = project.find_section("source");
  if (section == nullptr) {
    return std::nullopt;
  }
  return source_from_json(*section);
}

SourceRecord read_source(const Project& project) {
  auto source = find_source(project);
  if (!source || source->conninfo.empty()) {
    throw PreconditionError("project has no production database recorded",
                            "run 'odoo-upgrade initiate' first");
  }
  return *source;
}

void write_source(Project& project, const SourceRecord& source) {
  project.doc()["source"] = to_json(source);
}

} // namespace odoo_upgrade::core
