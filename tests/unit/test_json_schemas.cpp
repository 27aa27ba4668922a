// The JSON Schemas of docs/schemas/ themselves: each loads in valijson, names its document, and is
// closed (every object lists its fields and allows no other), so that the check of every --json run
// (test::run_cli) fails when a command adds a field nobody documented or drops one.
#include "../support/json_schema.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

json load(const stdfs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

// Every object schema with "properties" below `node` (at `where`) sets additionalProperties false
// and requires each of its properties unless it is listed in "x-optional" (a field printed only
// in some runs, which its description says).
void check_closed(const json& node, const std::string& where) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      check_closed(node[i], where + "/" + std::to_string(i));
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  if (node.contains("properties")) {
    INFO(where);
    CHECK(node.value("additionalProperties", json(true)) == json(false));
    std::set<std::string> required;
    for (const auto& r : node.value("required", json::array())) {
      required.insert(r.get<std::string>());
    }
    std::set<std::string> optional;
    for (const auto& r : node.value("x-optional", json::array())) {
      optional.insert(r.get<std::string>());
    }
    for (const auto& [name, _] : node["properties"].items()) {
      INFO("field " << name);
      CHECK((required.count(name) + optional.count(name)) == 1);
    }
  }
  for (const auto& [key, child] : node.items()) {
    check_closed(child, where + "/" + key);
  }
}

} // namespace

TEST_CASE("docs/schemas: every schema loads, names its document and is closed", "[schemas]") {
  int count = 0;
  for (const auto& entry : stdfs::directory_iterator(test::schema_dir())) {
    auto file = entry.path();
    if (file.extension() != ".json") {
      continue;
    }
    ++count;
    INFO(file.filename());
    json schema = load(file);
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    std::string name = file.filename().string();
    name = name.substr(0, name.size() - std::string(".schema.json").size());
    if (name != "common" && name != "project") {
      // Its documents name it: "schema": "odoo-upgrade/<name>/1".
      CHECK(schema["properties"]["schema"]["const"] == "odoo-upgrade/" + name + "/1");
      json empty = json::object();
      auto problems = test::schema_errors(empty, file);
      CHECK_FALSE(problems.empty());
    }
    check_closed(schema, name);
  }
  CHECK(count >= 20);
}

TEST_CASE("test::output_schema_errors: an undocumented field, a dropped one, no schema",
          "[schemas]") {
  json doc = {{"error", {{"code", 3}, {"message", "no project file"}, {"hint", "run initiate"}}},
              {"schema", "odoo-upgrade/error/1"}};
  CHECK(test::output_schema_errors(doc).empty());
  json added = doc;
  added["error"]["detail"] = "undocumented";
  CHECK_FALSE(test::output_schema_errors(added).empty());
  json dropped = doc;
  dropped["error"].erase("hint");
  CHECK_FALSE(test::output_schema_errors(dropped).empty());
  json unnamed = doc;
  unnamed.erase("schema");
  CHECK(test::output_schema_errors(unnamed) ==
        std::vector<std::string>{"/schema: missing (every --json document names its schema)"});
  json unknown = doc;
  unknown["schema"] = "odoo-upgrade/frobnicate/1";
  CHECK(test::output_schema_errors(unknown) ==
        std::vector<std::string>{"/schema: no schema file docs/schemas/frobnicate.schema.json"});
  CHECK_FALSE(test::json_output_errors("{\"a\": 1}\n{\"b\": 2}\n").empty());
}
