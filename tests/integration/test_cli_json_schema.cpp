// The "schema" field of the --json documents, for the documents no other test prints: every run of
// test::run_cli with --json is checked against docs/schemas/ (tests/support/json_schema.hpp), so
// these cases only have to print them.
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace odoo_upgrade;

TEST_CASE("--json completion names its schema and holds the script", "[cli][schemas]") {
  test::TempDir dir("json-schema");
  for (const char* shell : {"bash", "zsh"}) {
    auto r = test::run_cli({"--json", "completion", shell}, dir.path());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["schema"] == "odoo-upgrade/completion/1");
    CHECK(doc["shell"] == shell);
    CHECK(doc["script"].get<std::string>().find("odoo-upgrade") != std::string::npos);
  }
}

TEST_CASE("--json errors name the error schema, before and after the command line is parsed",
          "[cli][schemas]") {
  test::TempDir dir("json-schema");
  for (const auto& args : std::vector<std::vector<std::string>>{{"--json", "status"},
                                                                {"--json", "status", "--bogus"}}) {
    auto r = test::run_cli(args, dir.path());
    CHECK(nlohmann::json::parse(r.out)["schema"] == "odoo-upgrade/error/1");
  }
}
