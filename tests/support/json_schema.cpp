#include "json_schema.hpp"

// valijson's json_pointer.hpp builds strings with `"x" + std::string`, which GCC 12 at -O3
// reports as an overlapping memcpy (-Wrestrict, GCC PR105651) although it is a system header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#pragma GCC diagnostic pop

#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace odoo_upgrade::test {

namespace {

nlohmann::json load_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read schema '" + path.string() + "'");
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("schema '" + path.string() + "' is not JSON: " + e.what());
  }
}

// Resolves "other.schema.json" (what valijson passes for a reference to another file) to a file of
// the schema's folder.
void populate(const nlohmann::json& schema_doc, const fs::path& dir, valijson::Schema& schema) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  auto fetch = [dir](const std::string& uri) -> const nlohmann::json* {
    return new nlohmann::json(load_json(dir / fs::path(uri).filename()));
  };
  auto free_doc = [](const nlohmann::json* doc) { delete doc; };
  parser.populateSchema(
      valijson::adapters::NlohmannJsonAdapter(schema_doc), schema, fetch, free_doc);
}

std::string pointer_of(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& part : context) {
    out += part == "<root>" ? "" : part;
  }
  return out.empty() ? "/" : out;
}

} // namespace

fs::path schema_dir() {
  return fs::path(OU_SOURCE_DIR) / "docs" / "schemas";
}

std::vector<std::string> schema_errors(const nlohmann::json& doc, const fs::path& schema_file) {
  nlohmann::json schema_doc = load_json(schema_file);
  valijson::Schema schema;
  populate(schema_doc, schema_file.parent_path(), schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  std::vector<std::string> problems;
  if (validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(doc), &results)) {
    return problems;
  }
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    problems.push_back(pointer_of(error.context) + ": " + error.description);
  }
  return problems;
}

std::vector<std::string> output_schema_errors(const nlohmann::json& doc) {
  const std::string prefix = "odoo-upgrade/";
  if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string()) {
    return {"/schema: missing (every --json document names its schema)"};
  }
  auto id = doc["schema"].get<std::string>();
  auto slash = id.rfind('/');
  if (!id.starts_with(prefix) || slash == std::string::npos || slash <= prefix.size()) {
    return {"/schema: '" + id + "' is not odoo-upgrade/<name>/<version>"};
  }
  auto name = id.substr(prefix.size(), slash - prefix.size());
  auto file = schema_dir() / (name + ".schema.json");
  if (!fs::exists(file)) {
    return {"/schema: no schema file docs/schemas/" + name + ".schema.json"};
  }
  return schema_errors(doc, file);
}

std::vector<std::string> json_output_errors(const std::string& stdout_text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(stdout_text);
  } catch (const nlohmann::json::exception& e) {
    return {std::string("stdout is not one JSON document: ") + e.what()};
  }
  return output_schema_errors(doc);
}

} // namespace odoo_upgrade::test
