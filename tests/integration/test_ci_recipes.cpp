// The CI recipes of docs/ci/ run as their CI would (tests/ci/run-recipe.py: GitLab's `script`
// lines, GitHub's `run` steps with their expressions) against the sandbox, a real PostgreSQL and
// the real Odoo 17 fixture, with the built binary first on PATH: a test round and its UAT with
// the JUnit and HTML reports, then docs/ci/golive.sh refused before the sign-off and run through
// after it. Every JSON document the recipes keep is checked against docs/schemas/. The test cases
// share one rehearsal and run in order.
#include "../support/json_schema.hpp"
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-CI-RECIPES-0001";

test::ProductionOptions production_options(const test::SandboxProcess& sandbox) {
  test::ProductionOptions o;
  o.prefix = "cirecipe";
  o.sandbox = &sandbox;
  return o;
}

struct Rehearsal {
  test::SandboxProcess sandbox{{"--processing-delay-ms", "0"}};
  test::Production prod{production_options(sandbox)};

  // Runs JOB of docs/ci/FILE in the project's folder (the "checkout").
  adapters::ProcessResult recipe(const std::string& kind,
                                 const std::string& file,
                                 const std::string& job,
                                 std::vector<std::string> given = {}) const {
    std::vector<std::string> argv{"python3",
                                  std::string(OU_SOURCE_DIR) + "/tests/ci/run-recipe.py",
                                  kind,
                                  std::string(OU_SOURCE_DIR) + "/docs/ci/" + file,
                                  job};
    argv.insert(argv.end(), given.begin(), given.end());
    adapters::ProcessOptions opts;
    opts.cwd = prod.dir.path();
    const char* path = std::getenv("PATH");
    opts.env = {{"PATH", test::binary_path().parent_path().string() + ":" + (path ? path : "")},
                {"ODOO_UPGRADE_CONTRACT", k_contract}};
    opts.unset_env = {"ODOO_UPGRADE_PROJECT", "ODOO_UPGRADE_SERVICE_URL", "ODOO_UPGRADE_CA_FILE"};
    opts.timeout = std::chrono::minutes(15);
    auto r = adapters::run_process(argv, opts);
    UNSCOPED_INFO(kind << " " << job << " stdout: " << r.out << "\nstderr: " << r.err);
    return r;
  }
  json document(const std::string& relative) const {
    auto file = prod.dir / relative;
    REQUIRE(stdfs::exists(file));
    auto text = test::read_file(file);
    test::keep_json_document(text);
    auto problems = test::json_output_errors(text);
    INFO(relative << ": " << text);
    for (const auto& p : problems) {
      FAIL_CHECK(p);
    }
    return json::parse(text);
  }
  std::string phase() const { return prod.project()["phase"]; }
  // The project file as the recipes left it, against docs/schemas/project.schema.json.
  void check_project_file() const {
    if (const char* keep = std::getenv("OU_TEST_KEEP_JSON"); keep != nullptr && *keep != '\0') {
      stdfs::copy_file(prod.project_path(),
                       stdfs::path(keep) /
                           ("project-file." + prod.db + "." +
                            std::to_string(prod.project()["rounds"].size()) + ".json"),
                       stdfs::copy_options::overwrite_existing);
    }
    auto problems = test::schema_errors(prod.project(), test::schema_dir() / "project.schema.json");
    INFO(prod.project().dump(2));
    for (const auto& p : problems) {
      FAIL_CHECK("project file: " << p);
    }
  }
};

Rehearsal& rehearsal() {
  static std::unique_ptr<Rehearsal> r;
  static bool tried = false;
  if (!r) {
    REQUIRE_FALSE(tried); // one attempt: later cases continue the earlier ones' project
    tried = true;
    r = std::make_unique<Rehearsal>();
  }
  return *r;
}

// The job's exit code is the UAT's: 1 with blocking findings (not accepted), else 0; both reports
// are written either way.
void check_test_round(const Rehearsal& r, const adapters::ProcessResult& job) {
  json uat = r.document("reports/uat-run.json");
  bool blocking = uat.at("summary").at("blocking").get<int>() > 0;
  CHECK(job.exit_code == (blocking ? 1 : 0));
  json round = r.document("reports/test-request.json");
  CHECK(round.contains("request_id"));
  CHECK(round["number"] == r.prod.project()["rounds"].size());
  CHECK(r.document("reports/status.json")["phase"] == r.phase());
  auto junit = test::read_file(r.prod.dir / "reports/uat-junit.xml");
  CHECK(junit.find("<testsuite") != std::string::npos);
  auto html = test::read_file(r.prod.dir / "reports/uat-report.html");
  CHECK(html.find("</html>") != std::string::npos);
}

} // namespace

TEST_CASE("docs/ci/gitlab-ci.yml: the test-round job runs a round, the UAT and both reports",
          "[integration][ci]") {
  auto& r = rehearsal();
  auto job = r.recipe(
      "gitlab", "gitlab-ci.yml", "test-round", {"CI_PROJECT_DIR=" + r.prod.dir.path().string()});
  check_test_round(r, job);
  CHECK(r.prod.project()["rounds"].size() == 1);
  r.check_project_file();
}

TEST_CASE("docs/ci/github-workflow.yml: the test-round job runs the next round the same way",
          "[integration][ci]") {
  auto& r = rehearsal();
  stdfs::remove_all(r.prod.dir / "reports");
  auto job = r.recipe("github", "github-workflow.yml", "test-round");
  check_test_round(r, job);
  CHECK(r.prod.project()["rounds"].size() == 2);
  // The browser test (tests/browser/check-render.py) renders this real report.
  auto artifacts = stdfs::path(OU_BINARY_DIR) / "test-artifacts";
  stdfs::create_directories(artifacts);
  stdfs::copy_file(r.prod.dir / "reports/uat-report.html",
                   artifacts / "uat-report.html",
                   stdfs::copy_options::overwrite_existing);
}

TEST_CASE("docs/ci/golive.sh: before the sign-off it stops at freeze plan with exit 3",
          "[integration][ci]") {
  auto& r = rehearsal();
  auto before = r.phase();
  stdfs::create_directories(r.prod.dir / "docs/ci");
  stdfs::copy_file(std::string(OU_SOURCE_DIR) + "/docs/ci/golive.sh",
                   r.prod.dir / "docs/ci/golive.sh",
                   stdfs::copy_options::overwrite_existing);
  auto job = r.recipe("github", "github-workflow.yml", "go-live", {"inputs.go-live=true"});
  CHECK(job.exit_code == 3);
  CHECK(job.err.find("golive: stopped: the go-live window was not recorded") != std::string::npos);
  CHECK(r.document("golive-out/freeze-plan.json")["error"]["code"] == 3);
  CHECK_FALSE(stdfs::exists(r.prod.dir / "golive-out/freeze-apply.json"));
  CHECK(r.phase() == before);
}

TEST_CASE("docs/ci/golive.sh: after the sign-off the go-live job freezes, upgrades, restores and "
          "monitors",
          "[integration][ci]") {
  auto& r = rehearsal();
  // The sandbox's upgrade is a simulation: the customer accepts its findings.
  auto signoff = r.prod.cli({"uat",
                             "signoff",
                             "--by",
                             "CI rehearsal",
                             "--force",
                             "--reason",
                             "the sandbox's findings come from its simulated upgrade"});
  INFO(signoff.err);
  REQUIRE(signoff.exit_code == 0);
  stdfs::copy_file(std::string(OU_SOURCE_DIR) + "/docs/ci/golive.sh",
                   r.prod.dir / "golive.sh",
                   stdfs::copy_options::overwrite_existing);
  stdfs::remove_all(r.prod.dir / "golive-out");
  auto job = r.recipe(
      "gitlab", "gitlab-ci.yml", "go-live", {"CI_PROJECT_DIR=" + r.prod.dir.path().string()});
  REQUIRE(job.exit_code == 0);
  for (const char* step : {"freeze-plan", "freeze-apply", "prod-request", "restore", "monitor"}) {
    json doc = r.document(std::string("golive-out/") + step + ".json");
    CHECK_FALSE(doc.contains("error"));
  }
  CHECK(job.err.find("golive: done: production runs the upgraded database") != std::string::npos);
  CHECK(r.phase() == "live");
  r.check_project_file();
}
