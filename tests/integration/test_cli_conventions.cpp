// The command-line conventions people rely on (issue 14, "conventions"): `help COMMAND`, an
// unknown command named with the nearest one, the global options in every command's help, a
// directory given as the project file, no lock file left by a failed initiate, `-q` silencing
// result lines, and `status` naming the step after `freeze plan`.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;

namespace {

std::vector<std::string> entries_of(const stdfs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : stdfs::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("help COMMAND is COMMAND --help, and names a wrong command", "[cli]") {
  test::TempDir dir("help");
  SECTION("help alone is the program's help, and lists itself") {
    auto r = test::run_cli({"help"}, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out == test::run_cli({"--help"}, dir.path()).out);
    CHECK(has(r.out, "  help "));
  }
  SECTION("help restore and help uat run") {
    auto r = test::run_cli({"help", "restore"}, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out == test::run_cli({"restore", "--help"}, dir.path()).out);
    CHECK(has(r.out, "Usage: odoo-upgrade restore"));
    auto nested = test::run_cli({"help", "uat", "run"}, dir.path());
    CHECK(nested.exit_code == 0);
    CHECK(nested.out == test::run_cli({"uat", "run", "--help"}, dir.path()).out);
    // With --json: one document (checked against docs/schemas/help.schema.json by run_cli).
    auto json = test::run_cli({"--json", "help", "uat", "run"}, dir.path());
    CHECK(json.exit_code == 0);
    CHECK(nlohmann::json::parse(json.out).at("help") == nested.out);
  }
  SECTION("a wrong word: exit 2 with the nearest command, as the command line itself says") {
    auto r = test::run_cli({"help", "restor"}, dir.path());
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "unknown command 'restor', did you mean 'restore'?"));
    auto typed = test::run_cli({"restor", "--rollback"}, dir.path());
    CHECK(typed.exit_code == 2);
    CHECK(has(typed.err, "unknown command 'restor', did you mean 'restore'?"));
    auto sub = test::run_cli({"uat", "rn"}, dir.path());
    CHECK(sub.exit_code == 2);
    CHECK(has(sub.err, "unknown command 'uat rn', did you mean 'uat run'?"));
    auto json = test::run_cli({"--json", "help", "uat", "rn"}, dir.path());
    CHECK(json.exit_code == 2);
    CHECK(nlohmann::json::parse(json.out)["error"]["message"] ==
          "unknown command 'uat rn', did you mean 'uat run'?");
  }
  SECTION("every command's help lists the global options") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"restore", "--help"}, {"uat", "run", "--help"}, {"help", "freeze", "apply"}}) {
      auto r = test::run_cli(args, dir.path());
      INFO(args.front());
      CHECK(r.exit_code == 0);
      for (const char* flag :
           {"Global options", "--project FILE", "--json", "--dry-run", "-q,--quiet"}) {
        CHECK(has(r.out, flag));
      }
    }
  }
  CHECK(entries_of(dir.path()).empty());
}

TEST_CASE("a directory as the project file is refused before anything is written", "[cli]") {
  test::TempDir dir("project-dir");
  stdfs::create_directory(dir / "customers");
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--project", "customers", "status"},
                                             {"--project", "customers", "test-request"},
                                             {"--project",
                                              "customers",
                                              "initiate",
                                              "--customer",
                                              "Acme",
                                              "--db",
                                              "dbname=x",
                                              "--target",
                                              "18.0"}}) {
    auto r = test::run_cli(args, dir.path());
    INFO(args[2]);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "project file 'customers' is a directory"));
    CHECK(has(r.err, "hint: name the file in it, e.g. --project customers/odoo-upgrade.json"));
    CHECK_FALSE(has(r.err, "JSON"));
  }
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"customers"});
  CHECK(entries_of(dir / "customers").empty());
}

TEST_CASE("a failed initiate or a command without a project leaves no lock file", "[cli]") {
  test::TempDir dir("no-lock");
  SECTION("initiate against a server that is not there") {
    auto r = test::run_cli({"initiate",
                            "--customer",
                            "Acme",
                            "--db",
                            "host=" + (dir / "no-server").string() + " dbname=acme",
                            "--target",
                            "18.0"},
                           dir.path());
    CHECK(r.exit_code == 5);
  }
  SECTION("a command that locks the project, without one") {
    auto r = test::run_cli({"restore"}, dir.path());
    CHECK(r.exit_code == 3);
  }
  CHECK(entries_of(dir.path()).empty());
}

TEST_CASE("the --log-file ends with the error that stopped the run", "[cli]") {
  test::TempDir dir("log-file");
  auto log = dir / "run.log";
  auto r = test::run_cli({"--log-file", log.string(), "restore"}, dir.path());
  CHECK(r.exit_code == 3);
  std::string text = test::read_file(log);
  INFO(text);
  // The same words as on stderr, with the hint, as the file's last line.
  CHECK(r.err.find("odoo-upgrade: error: project file") != std::string::npos);
  auto last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  CHECK(last.find("[error] project file") != std::string::npos);
  CHECK(last.find("(hint: ") != std::string::npos);
  // Only once on stderr.
  CHECK(r.err.find("error: project file") == r.err.rfind("error: project file"));
}

TEST_CASE("-q silences result lines; --json documents and errors stay", "[cli][integration]") {
  test::ProductionOptions o;
  o.with_filestore = false;
  test::Production prod(o);
  auto loud = prod.cli({"status"});
  REQUIRE(loud.exit_code == 0);
  CHECK(has(loud.out, "next: odoo-upgrade test-request"));
  auto quiet = prod.cli({"-q", "status"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  auto json = prod.cli({"-q", "--json", "status"});
  CHECK(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out)["next"] == "odoo-upgrade test-request");
  // A changing command's result lines (initiate's inspection) and a dry run's plan too.
  auto args = prod.initiate_args();
  args.insert(args.begin(), "-q");
  args.push_back("--force");
  auto initiate = prod.cli(args);
  CHECK((initiate.exit_code == 0 || initiate.exit_code == 1)); // 1: a blocking pre-flight check
  CHECK(initiate.out.empty());
  args.insert(args.begin(), "--dry-run");
  auto dry = prod.cli(args);
  CHECK((dry.exit_code == 0 || dry.exit_code == 1));
  CHECK(dry.out.empty());
  CHECK(prod.cli(std::vector<std::string>(args.begin() + 2, args.end())).out.size() > 0);
  auto error = prod.cli({"-q", "prod-request"});
  CHECK(error.exit_code == 3);
  CHECK(has(error.err, "odoo-upgrade: error: "));
}
