// End-to-end tests of issue 11's pre-flight checks (part A): what would stop a later step, above
// all the go-live inside its freeze window, is found by `initiate`. Through the built binary,
// against a real PostgreSQL holding the real Odoo 17 fixture and, for the rounds, the sandbox.
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/naming.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

void require_exit(const adapters::ProcessResult& r, int code) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == code);
}

// Production options whose database name is exactly `bytes` long (test::unique_db_name adds
// "_<pid>_<8 characters>").
test::ProductionOptions named(std::size_t bytes, const test::SandboxProcess* sandbox = nullptr) {
  test::ProductionOptions o;
  std::size_t unique = 1 + std::to_string(getpid()).size() + 1 + 8;
  o.prefix = "long" + std::string(bytes - unique - 4, 'n');
  o.sandbox = sandbox;
  return o;
}

// The pre-flight check `id` of the project `initiate` wrote.
json preflight_check(const json& project, const std::string& id) {
  REQUIRE(project.contains("preflight"));
  for (const auto& c : project["preflight"]) {
    if (c["id"] == id) {
      return c;
    }
  }
  FAIL("no pre-flight check '" << id << "'");
  return {};
}

test::ProductionOptions not_initiated(bool odoo_role = false) {
  test::ProductionOptions o;
  o.initiate = false;
  o.odoo_role = odoo_role;
  return o;
}

void sql(const std::string& dbname, const std::string& statement) {
  adapters::pg::Connection c(test::pg_conninfo(dbname));
  c.exec_no_rows(statement);
}

// `initiate --json` with `args` (default: the fixture's own); its project and pre-flight checks.
json initiate(const test::Production& prod, int code, std::vector<std::string> args = {}) {
  if (args.empty()) {
    args = prod.initiate_args();
  }
  args.insert(args.begin(), "--json");
  auto r = prod.cli(args);
  require_exit(r, code);
  return json::parse(r.out);
}

// The go-live record of a swap done at `stamp`: what `restore` records once production is live.
void record_live(const test::Production& prod, const std::string& stamp) {
  json doc = prod.project();
  core::GoliveRecord g;
  g.attempt = 1;
  g.state = core::GoliveState::live;
  g.database = prod.db;
  g.staging_db = core::staging_database_name(prod.db, "18.0", stamp);
  g.pre_upgrade_db = core::pre_upgrade_database_name(prod.db, "18.0", stamp);
  // The old production's oid: a rollback checks that it is the production initiate recorded.
  g.old_oid = std::stoll(test::pg_query_value(
      "postgres", "SELECT oid FROM pg_database WHERE datname = '" + prod.db + "'"));
  g.new_oid = 2;
  doc["golive"] = core::to_json(g);
  doc["phase"] = "live";
  prod.save_project(doc);
}

} // namespace

TEST_CASE("preflight: long production names go through initiate, a round and a rollback plan",
          "[integration][preflight]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  for (std::size_t bytes : {35U, 40U}) {
    DYNAMIC_SECTION(bytes << "-byte production name") {
      test::Production prod(named(bytes, &sandbox));
      REQUIRE(prod.db.size() == bytes);
      // initiate proves every derived name and records the base they start with.
      json project = prod.project();
      json check = preflight_check(project, "database_names");
      CHECK(check["status"] == "ok");
      json names = project["names"];
      CHECK(names["production"] == prod.db);
      for (const auto& n : names["longest"]) {
        CHECK(n.get<std::string>().size() <= 63);
      }
      std::string base = names["base"];

      // A round restores into a test database whose name fits.
      auto r = prod.cli({"test-request", "--contract", k_contract, "--jobs", "2"});
      require_exit(r, 0);
      std::string test_db = prod.project()["rounds"].back()["test_db"];
      CHECK(test_db.size() <= 63);
      CHECK(test_db.rfind(base + "_test_18.0_r1", 0) == 0);
      CHECK(test::pg_database_exists(test_db));

      // Once live, the way back is planned with a valid name too (today: exit 2, name too long).
      record_live(prod, "20261205_180007");
      r = prod.cli({"--dry-run", "restore", "--rollback"});
      require_exit(r, 0);
      std::string aside = core::upgraded_aside_database_name(prod.db, "18.0", "");
      aside = aside.substr(0, aside.find("_upgraded_18.0_"));
      CHECK(aside == base);
      CHECK(r.out.find("'" + base + "_upgraded_18.0_") != std::string::npos);
    }
  }
}

TEST_CASE("preflight: every copy is created like production, not like template1",
          "[integration][preflight]") {
  // A production whose encoding and locale differ from the cluster's template1 (UTF8, C.UTF-8),
  // as a UTF8 production differs from a cluster whose template1 is SQL_ASCII.
  std::string prod = test::unique_db_name("shape");
  std::string copy = prod + "_copy";
  test::DatabaseGuard guard({prod, copy});
  adapters::pg::Connection admin(test::pg_admin_conninfo());
  admin.exec_no_rows("CREATE DATABASE " + adapters::pg::quote_identifier(prod) +
                     " TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'");
  sql(prod, "CREATE TABLE res_partner (id serial PRIMARY KEY, name text)");
  sql(prod, "INSERT INTO res_partner (name) VALUES ('Élise Martin'), ('Émile')");
  auto want = adapters::pg::database_shape(admin, prod);
  CHECK(want.encoding == "SQL_ASCII");
  CHECK(want.collate == "C");

  test::TempDir dir("shape");
  adapters::pg::dump_database(test::pg_conninfo(prod), dir / "dump", 1, 1);
  adapters::pg::restore_database(
      test::pg_admin_conninfo(), test::pg_conninfo(copy), copy, dir / "dump", 1, want);
  // The copy has production's encoding, collation, ctype and owner; the go-live's check agrees.
  auto got = adapters::pg::database_shape(admin, copy);
  CHECK(got.encoding == "SQL_ASCII");
  CHECK(got.collate == "C");
  CHECK(got.ctype == "C");
  CHECK(got.owner == want.owner);
  CHECK(adapters::pg::shape_differences_of(admin, copy, want).empty());
  CHECK(test::pg_query_value(copy, "SELECT count(*) FROM res_partner WHERE name LIKE 'Él%'") ==
        "1");
  // A database created the old way (from template1) is reported, property by property.
  auto template1 = adapters::pg::database_shape(admin, "template1");
  auto differences = core::shape_differences(want, template1);
  REQUIRE_FALSE(differences.empty());
  CHECK(differences.front() == "encoding UTF8 instead of SQL_ASCII");
}

TEST_CASE("preflight: initiate shows production's encoding and how copies keep it",
          "[integration][preflight]") {
  test::Production prod(not_initiated());
  json doc = initiate(prod, 0);
  json check = preflight_check(doc, "encoding");
  CHECK(check["status"] == "ok");
  CHECK(check["encoding"] == "UTF8");
  CHECK(check["message"].get<std::string>().find("template0") != std::string::npos);
  // Disk per step: the restore's place is known here (a local superuser reads data_directory).
  json disk = preflight_check(doc, "disk_per_step");
  CHECK(disk["status"] == "ok");
  REQUIRE(disk["steps"].size() == 4);
  for (const auto& step : disk["steps"]) {
    INFO(step.dump());
    CHECK(step["free_bytes"].is_number());
    // The test filestore will be hard links to production's (one filesystem here): no bytes.
    bool links = step["step"] == "filestore copy";
    CHECK((step["need_bytes"].get<long long>() > 0) == !links);
  }
  CHECK(disk["steps"][2]["step"] == "restore");
  CHECK(disk["steps"][2]["path"] ==
        test::pg_query_value("postgres", "SELECT current_setting('data_directory')"));
}

TEST_CASE("preflight: modules in a transient state block initiate with the list and the fix",
          "[integration][preflight]") {
  test::Production prod(not_initiated());
  sql(prod.db, "UPDATE ir_module_module SET state = 'to upgrade' WHERE name = 'sale'");
  sql(prod.db, "UPDATE ir_module_module SET state = 'to install' WHERE name = 'crm'");
  json doc = initiate(prod, 1);
  json check = preflight_check(doc, "transient_modules");
  CHECK(check["status"] == "blocking");
  std::string message = check["message"];
  CHECK(message.find("crm (to install)") != std::string::npos);
  CHECK(message.find("sale (to upgrade)") != std::string::npos);
  CHECK(message.find("cron") != std::string::npos);
  CHECK(check["hint"].get<std::string>().find("Cancel") != std::string::npos);
  // The human output shows the check and its hint.
  auto args = prod.initiate_args();
  args.insert(args.begin(), "--dry-run");
  args.emplace_back("--force");
  auto r = prod.cli(args);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("sale (to upgrade)") != std::string::npos);
  CHECK(r.out.find("hint: finish or cancel") != std::string::npos);
}

TEST_CASE("preflight: a role without CREATEDB is found at initiate", "[integration][preflight]") {
  test::Production prod(not_initiated(true));
  // As Odoo's own role (no CREATEDB): every round would fail at its restore.
  auto args = prod.initiate_args();
  auto db = std::find(args.begin(), args.end(), "--db");
  REQUIRE(db != args.end());
  *(db + 1) = prod.conninfo() + " user=" + prod.role;
  json doc = initiate(prod, 1, args);
  json check = preflight_check(doc, "create_rights");
  CHECK(check["status"] == "blocking");
  CHECK(check["message"].get<std::string>().find("CREATEDB") != std::string::npos);
  CHECK(check["hint"].get<std::string>().find("ALTER ROLE \"" + prod.role + "\" CREATEDB") !=
        std::string::npos);
  // Granted, the same role passes.
  sql("postgres", "ALTER ROLE " + adapters::pg::quote_identifier(prod.role) + " CREATEDB");
  args.insert(args.end(), "--force");
  doc = initiate(prod, 0, args);
  CHECK(preflight_check(doc, "create_rights")["status"] == "ok");
  CHECK(preflight_check(doc, "extensions")["status"] == "ok");
}

TEST_CASE("preflight: an extension the restoring role may not create is found at initiate",
          "[integration][preflight]") {
  // Production owned by Odoo's role, with an untrusted extension a superuser installed: copies
  // are restored as the owner, which may not create it.
  test::Production prod(not_initiated(true));
  sql(prod.db, "CREATE EXTENSION pg_stat_statements");
  REQUIRE(test::pg_query_value(prod.db,
                               "SELECT count(*) FROM pg_extension WHERE extname = "
                               "'pg_trgm'") == "1"); // the fixture's own, trusted
  json doc = initiate(prod, 1);
  json check = preflight_check(doc, "extensions");
  CHECK(check["status"] == "blocking");
  std::string message = check["message"];
  CHECK(message.find("pg_stat_statements") != std::string::npos);
  CHECK(message.find("pg_trgm") == std::string::npos); // trusted: the owner may create it
  CHECK(check["creator"] == prod.role);
  CHECK(preflight_check(doc, "create_rights")["status"] == "ok"); // the superuser has it all
}

TEST_CASE("preflight: attachment files missing from the filestore are counted and named",
          "[integration][preflight]") {
  test::Production prod(not_initiated());
  // The files the database refers to, in a stable order.
  std::vector<std::string> files;
  adapters::pg::Connection c(prod.conninfo());
  c.for_each_row("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL "
                 "ORDER BY 1",
                 {},
                 [&](const adapters::pg::Result& row) { files.emplace_back(row.get(0, 0)); });
  REQUIRE(files.size() > 100);
  SECTION("one missing file is a warning naming it") {
    REQUIRE(stdfs::remove(prod.filestore(prod.db) / files.front()));
    json doc = initiate(prod, 0);
    json check = preflight_check(doc, "attachment_files");
    CHECK(check["status"] == "warning");
    CHECK(check["missing"] == 1);
    CHECK(check["referenced"] == files.size());
    std::string name = files.front();
    CHECK(check["first_missing"][0] == name);
    CHECK(check["message"].get<std::string>().find(name) != std::string::npos);
  }
  SECTION("a third missing blocks") {
    for (std::size_t i = 0; i < files.size(); i += 3) {
      REQUIRE(stdfs::remove(prod.filestore(prod.db) / files[i]));
    }
    json doc = initiate(prod, 1);
    json check = preflight_check(doc, "attachment_files");
    CHECK(check["status"] == "blocking");
    CHECK(check["missing"] == (files.size() + 2) / 3);
    CHECK(check["first_missing"].size() == core::k_first_missing_shown);
    // The older check still counts what is on disk.
    CHECK(preflight_check(doc, "filestore")["status"] == "ok");
  }
}

TEST_CASE("preflight: test-request diagnoses a too-old pg_dump as initiate does",
          "[integration][preflight]") {
  test::Production prod;
  // A pg_dump of an older major version first in PATH (the real one is the server's version).
  test::TempDir bin("oldtools");
  test::write_file(bin / "pg_dump", "#!/bin/sh\necho 'pg_dump (PostgreSQL) 11.22'\n");
  stdfs::permissions(bin / "pg_dump", stdfs::perms::owner_all);
  std::string path = bin.path().string() + ":" + std::getenv("PATH");
  auto r = prod.cli({"--dry-run", "test-request", "--contract", k_contract}, {{"PATH", path}});
  require_exit(r, 3);
  CHECK(r.err.find("pg_dump is version 11, older than the server") != std::string::npos);
  CHECK(r.err.find("hint: install postgresql-client-") != std::string::npos);
  CHECK_FALSE(prod.project().contains("rounds"));
}

TEST_CASE("preflight: a project file field of the wrong type stops a command before it changes "
          "anything",
          "[integration][preflight]") {
  test::Production prod;
  for (const auto& [section, field, value] :
       std::vector<std::tuple<std::string, std::string, json>>{
           {"source", "database_size_bytes", "big"},
           {"service", "url", 5},
           {"names", "longest", "x"},
           {"odoo", "update", 5},
           {"target_modules", "series", 17},
       }) {
    DYNAMIC_SECTION(section << "." << field) {
      json doc = prod.project();
      doc[section][field] = value;
      prod.save_project(doc);
      std::string before = test::read_file(prod.project_path());
      auto r = prod.cli({"test-request", "--contract", k_contract});
      require_exit(r, 6);
      CHECK(r.err.find("'" + section + "." + field + "'") != std::string::npos);
      // Nothing recorded, nothing created: the file is as it was.
      CHECK(test::read_file(prod.project_path()) == before);
    }
  }
}

TEST_CASE("preflight: a project whose conninfo reaches another database changes nothing",
          "[integration][preflight]") {
  test::Production prod;
  // Another Odoo database on the same server (its own database.uuid).
  std::string other = prod.db + "_other";
  test::pg_create_from_fixture(other);
  sql(other, "UPDATE ir_config_parameter SET value = 'other-uuid' WHERE key = 'database.uuid'");
  json doc = prod.project();
  std::string conninfo = doc["source"]["conninfo"];
  auto at = conninfo.find("dbname=" + prod.db);
  REQUIRE(at != std::string::npos);
  doc["source"]["conninfo"] = conninfo.replace(at, 7 + prod.db.size(), "dbname=" + other);
  prod.save_project(doc);
  for (bool dry_run : {true, false}) {
    std::vector<std::string> args{"test-request", "--contract", k_contract};
    if (dry_run) {
      args.insert(args.begin(), "--dry-run");
    }
    auto r = prod.cli(args);
    require_exit(r, 3);
    CHECK(r.err.find("reaches database '" + other + "'") != std::string::npos);
    CHECK(r.err.find("not the production '" + prod.db + "'") != std::string::npos);
    CHECK_FALSE(prod.project().contains("rounds"));
  }
}

TEST_CASE("preflight: --db and --contract also come from a file or the environment",
          "[integration][preflight]") {
  test::Production prod(not_initiated());
  auto args = prod.initiate_args();
  auto db = std::find(args.begin(), args.end(), "--db");
  REQUIRE(db != args.end());
  // From a file: the conninfo is never in argv.
  test::write_file(prod.dir / "db.conninfo", prod.conninfo() + "\n");
  *db = "--db-file";
  *(db + 1) = (prod.dir / "db.conninfo").string();
  json doc = initiate(prod, 0, args);
  CHECK(doc["database"] == prod.db);
  // From the environment.
  args.erase(db, db + 2);
  args.emplace_back("--force");
  auto r = prod.cli(args, {{"ODOO_UPGRADE_DB", prod.conninfo()}});
  require_exit(r, 0);
  // Neither: a clear usage error; both a flag and its file: refused.
  auto missing = prod.cli(args);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--db is required") != std::string::npos);
  auto help = prod.cli({"initiate", "--help"});
  CHECK(help.out.find("--db-file") != std::string::npos);
  CHECK(help.out.find("ODOO_UPGRADE_DB") != std::string::npos);
  // --contract-file for the requests (a dry run shows it was taken: no "no subscription code").
  test::write_file(prod.dir / "contract", std::string(k_contract) + "\n");
  auto plan =
      prod.cli({"--dry-run", "test-request", "--contract-file", (prod.dir / "contract").string()});
  require_exit(plan, 0);
  auto both = prod.cli({"--dry-run",
                        "test-request",
                        "--contract",
                        k_contract,
                        "--contract-file",
                        (prod.dir / "contract").string()});
  CHECK(both.exit_code == 2);
  CHECK(prod.cli({"test-request", "--help"}).out.find("--contract-file") != std::string::npos);
}

TEST_CASE("preflight: a service URL that is not https is refused by every command that reaches the "
          "service, before anything changes",
          "[integration][preflight]") {
  test::Production prod;
  std::string before = test::read_file(prod.project_path());
  // The environment overrides the project's URL at test-request time: the token and the contract
  // would travel in clear text.
  auto r = prod.cli({"test-request", "--contract", k_contract},
                    {{"ODOO_UPGRADE_SERVICE_URL", "http://upgrade.example.com"}});
  require_exit(r, 2);
  CHECK(r.err.find("must start with https://") != std::string::npos);
  CHECK(test::read_file(prod.project_path()) == before);
}
