// The sandbox's `result_backup` knob (docs/sandbox.md): processing returns a real upgraded Odoo
// database (an Odoo backup zip) instead of its simulated upgrade. A test round of the real 16.0
// production of the real pair comes back as its real 17.0 upgrade, filestore included.
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

stdfs::path upgraded_zip() {
  return stdfs::path(OU_SOURCE_DIR) / "tests/fixtures/real-pair/odoo17_customer_upgraded.zip";
}

test::ProductionOptions customer16(const test::SandboxProcess& sandbox) {
  test::ProductionOptions o;
  o.fixture = "cust16";
  o.prefix = "rb";
  o.target = "17.0";
  o.sandbox = &sandbox;
  return o;
}

} // namespace

TEST_CASE("sandbox result_backup: a round returns the real upgraded database",
          "[integration][sandbox]") {
  test::SandboxProcess sandbox(
      {"--processing-delay-ms", "0", "--result-backup", upgraded_zip().string()});
  test::Production prod(customer16(sandbox));
  auto r = prod.cli({"test-request", "--contract", "M-TEST-0001", "--jobs", "2"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err << "\nsandbox: " << sandbox.stderr_text());
  REQUIRE(r.exit_code == 0);

  json round = prod.project()["rounds"].back();
  std::string test_db = round.at("test_db").get<std::string>();
  // The real 17.0 upgrade: base and the third-party auditlog at their 17.0 versions, the planted
  // customer data of the real pair, and the sandbox's own "new standard files" absent.
  CHECK(test::pg_query_value(test_db,
                             "SELECT latest_version FROM ir_module_module WHERE name = 'base'")
            .rfind("17.0.", 0) == 0);
  CHECK(test::pg_query_value(
            test_db, "SELECT latest_version FROM ir_module_module WHERE name = 'auditlog'") ==
        "17.0.1.0.1");
  CHECK(test::pg_query_value(
            test_db, "SELECT count(*) FROM ir_attachment WHERE name LIKE 'odoo_logo_%'") == "0");
  // Neutralized by the real platform already: not a second time by the sandbox.
  CHECK(test::pg_query_value(test_db,
                             "SELECT value FROM ir_config_parameter WHERE key = "
                             "'database.is_neutralized'") == "true");
  CHECK(test::pg_query_value(test_db,
                             "SELECT count(*) FROM ir_mail_server WHERE name = "
                             "'neutralization - disable emails'") == "1");
  // The backup's filestore came back: a file of the upgraded database that production lacks.
  std::string fname = test::pg_query_value(test_db,
                                           "SELECT store_fname FROM ir_attachment WHERE "
                                           "store_fname IS NOT NULL ORDER BY id DESC LIMIT 1");
  CHECK(stdfs::is_regular_file(prod.filestore(test_db) / fname));
  // The registry still records the upload's version as the source.
  json registry = sandbox.registry();
  std::string source = registry["requests"].begin()->value("source_version", "");
  CHECK(source.rfind("16.0.", 0) == 0);
}

TEST_CASE("sandbox result_backup: a backup of another series fails the request",
          "[integration][sandbox]") {
  // The 17.0 demo backup for a request whose target is 18.0.
  stdfs::path demo17 = stdfs::path(OU_SOURCE_DIR) / "tests/fixtures/odoo17_demo.zip";
  test::SandboxProcess sandbox({"--processing-delay-ms", "0", "--result-backup", demo17.string()});
  test::ProductionOptions o = customer16(sandbox);
  o.target = "18.0";
  test::Production prod(o);
  auto r = prod.cli({"test-request", "--contract", "M-TEST-0001", "--jobs", "2"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("the result backup is not a 18.0 database") != std::string::npos);
}

TEST_CASE("sandbox result_backup: the knob refuses what is not a file", "[integration][sandbox]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  auto reply = sandbox.post("sandbox/scenario", {{"result_backup", "relative.zip"}});
  CHECK(reply.status == 400);
  reply = sandbox.post("sandbox/scenario", {{"result_backup", "/nonexistent/backup.zip"}});
  CHECK(reply.status == 400);
  CHECK(reply.body.find("result_backup") != std::string::npos);
  reply = sandbox.post("sandbox/scenario", {{"result_backup", upgraded_zip().string()}});
  CHECK(reply.status == 200);
  CHECK(reply.json()["scenario"]["result_backup"] == upgraded_zip().string());
}
