// The command line's own errors, as a script sees them: one line on stderr, exit 2, with --json
// exactly one error document on stdout, and nothing written. Also the test clock's guard (issue
// 17): only the commands that judge time without recording it take ODOO_UPGRADE_TEST_NOW.
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;

namespace {

// The files of `dir`, to show that a refused command wrote nothing.
std::size_t files_in(const stdfs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(dir)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("usage errors are one line, exit 2, and one JSON document with --json", "[cli]") {
  test::TempDir dir("usage");
  SECTION("an unknown command is named, with the nearest one") {
    auto r = test::run_cli({"stauts"}, dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown command 'stauts'") != std::string::npos);
    CHECK(r.err.find("did you mean 'status'?") != std::string::npos);
    auto far = test::run_cli({"--project", "x.json", "frobnicate"}, dir.path());
    CHECK(far.exit_code == 2);
    CHECK(far.err.find("unknown command 'frobnicate'") != std::string::npos);
    CHECK(far.err.find("did you mean") == std::string::npos);
  }
  SECTION("--json prints the error document for parse errors too") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--json", "status", "--bogus"}, {"--json", "frobnicate"}, {"--json", "uat"}}) {
      auto r = test::run_cli(args, dir.path());
      INFO(args.back());
      CHECK(r.exit_code == 2);
      auto doc = nlohmann::json::parse(r.out);
      CHECK(doc["error"]["code"] == 2);
      CHECK_FALSE(doc["error"]["message"].get<std::string>().empty());
    }
  }
  SECTION("a bad count says what it takes") {
    auto r = test::run_cli({"status", "--history", "-1"}, dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--history takes a whole number, 0 or more") != std::string::npos);
  }
  CHECK(files_in(dir.path()) == 0);
}

TEST_CASE("the test clock is refused by commands that record times", "[cli]") {
  test::TempDir dir("clock");
  std::vector<std::pair<std::string, std::string>> env = {
      {"ODOO_UPGRADE_TEST_NOW", "2030-01-01T00:00:00Z"}};
  SECTION("a recording command refuses before it does anything") {
    auto r = test::run_cli({"--yes",
                            "freeze",
                            "plan",
                            "--at",
                            "2030-01-02T00:00:00Z",
                            "--go-live",
                            "2030-01-02T04:00:00Z"},
                           dir.path(),
                           env);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ODOO_UPGRADE_TEST_NOW is set") != std::string::npos);
    CHECK(files_in(dir.path()) == 0);
  }
  SECTION("status takes it and says so") {
    auto r = test::run_cli({"status"}, dir.path(), env);
    CHECK(r.exit_code == 3); // no project here
    CHECK(r.err.find("the clock reads 2030-01-01T00:00:00Z") != std::string::npos);
  }
  SECTION("a value that is not a real time is refused") {
    auto r =
        test::run_cli({"status"}, dir.path(), {{"ODOO_UPGRADE_TEST_NOW", "2027-02-30T00:00:00Z"}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ODOO_UPGRADE_TEST_NOW") != std::string::npos);
  }
}
