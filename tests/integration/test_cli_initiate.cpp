// End-to-end tests of `initiate` and `status` and of the global CLI contract (exit codes, --json,
// lock, project-file safety), through the built binary against a real PostgreSQL holding real Odoo
// databases.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>

using namespace odoo_upgrade;
using test::run_cli;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

// A fixture copy with its filestore in a data dir, ready for `initiate` (not run yet).
test::ProductionOptions not_initiated(const std::string& fixture = "odoo17") {
  test::ProductionOptions o;
  o.fixture = fixture;
  o.initiate = false;
  return o;
}

// `initiate --json` for `prod` with target `target`; the conninfo is argument 5.
std::vector<std::string> initiate_args(const test::Production& prod,
                                       const std::string& target = "18.0") {
  auto args = prod.initiate_args();
  auto t = std::find(args.begin(), args.end(), "--target");
  REQUIRE(t != args.end());
  *(t + 1) = target;
  args.insert(args.begin(), "--json");
  REQUIRE(args[5] == prod.conninfo());
  return args;
}

void sql(const test::Production& prod, const std::string& statement) {
  adapters::pg::Connection c(prod.conninfo());
  c.exec_no_rows(statement);
}

// One production copy shared by the tests that never write to the database (Catch2 re-runs a test
// case once per section; a fresh copy each time would dominate the run time).
test::Production& shared_production() {
  static test::Production prod(not_initiated());
  return prod;
}

// A fresh folder for a project file, for tests that share the production database.
struct Workspace {
  test::TempDir dir{"ws"};
  stdfs::path project() const { return dir / "odoo-upgrade.json"; }
};

json parse_stdout(const adapters::ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

const json* find_module(const json& modules, const std::string& name) {
  for (const auto& m : modules) {
    if (m["name"] == name) {
      return &m;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("initiate inspects a real Odoo 17 database", "[integration][initiate]") {
  test::Production prod(not_initiated());
  // A custom module a customer might have, and an enterprise one.
  sql(prod,
      "INSERT INTO ir_module_module (name, state, latest_version, author, license) VALUES "
      "('acme_custom', 'installed', '17.0.1.0.0', 'Acme Inc', 'OPL-1'), "
      "('web_studio_x', 'installed', '17.0.1.0', 'Odoo S.A.', 'OEEL-1'), "
      "('not_installed_mod', 'uninstalled', '17.0.1.0', 'Someone', 'AGPL-3')");
  auto r = run_cli(initiate_args(prod), prod.dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json out = parse_stdout(r);
  CHECK(out["customer"] == "Acme");
  CHECK(out["source_version"] == "17.0");
  CHECK(out["target_version"] == "18.0");
  CHECK(out["edition"] == "community");
  CHECK(out["database_size_bytes"].get<long long>() > 10'000'000);
  // The filestore size is what is really on disk.
  long long bytes = 0;
  long long files = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(prod.data_dir / "filestore" / prod.db)) {
    if (e.is_regular_file()) {
      bytes += static_cast<long long>(e.file_size());
      ++files;
    }
  }
  CHECK(out["filestore_size_bytes"] == bytes);
  CHECK(out["filestore_files"] == files);
  CHECK(files > 500);

  const json& modules = out["modules"];
  CHECK(modules.size() == 81 + 2); // the fixture's 81 plus the two planted ones
  REQUIRE(find_module(modules, "auditlog") != nullptr);
  CHECK((*find_module(modules, "auditlog"))["origin"] == "third_party");
  CHECK((*find_module(modules, "auditlog"))["version"] == "17.0.1.0.1");
  REQUIRE(find_module(modules, "acme_custom") != nullptr);
  CHECK((*find_module(modules, "acme_custom"))["origin"] == "third_party");
  CHECK((*find_module(modules, "acme_custom"))["author"] == "Acme Inc");
  CHECK((*find_module(modules, "web_studio_x"))["origin"] == "enterprise");
  CHECK((*find_module(modules, "sale"))["origin"] == "odoo");
  CHECK(find_module(modules, "not_installed_mod") == nullptr);
  CHECK(out["third_party_modules"] == json::array({"acme_custom", "auditlog"}));
  for (const auto& m : modules) {
    for (const char* key : {"name", "version", "author", "origin"}) {
      CHECK(m.contains(key));
    }
  }
  // Pre-flight checks speak the one outcome vocabulary.
  std::vector<std::string> ids;
  for (const auto& c : out["preflight"]) {
    ids.push_back(c["id"]);
  }
  CHECK(ids == std::vector<std::string>{"pg_dump",
                                        "pg_restore",
                                        "rsync",
                                        "ssh",
                                        "ssh-keygen",
                                        "filestore",
                                        "database_names",
                                        "transient_modules",
                                        "encoding",
                                        "create_rights",
                                        "extensions",
                                        "disk_per_step",
                                        "attachment_files"});
  for (const auto& c : out["preflight"]) {
    INFO(c.dump());
    CHECK((c["status"] == "ok" || c["status"] == "warning" || c["status"] == "blocking"));
  }
  CHECK(r.out.find("\"status\": \"pass\"") == std::string::npos);

  // The project file records it, with mode 0600 and a history entry.
  json doc = json::parse(test::read_file(prod.project_path()));
  CHECK(doc["schema_version"] == 1);
  CHECK(doc["phase"] == "initiated");
  CHECK(doc["source"]["dbname"] == prod.db);
  CHECK(doc["source"]["modules"].size() == 83);
  REQUIRE(doc["history"].size() == 1);
  CHECK(doc["history"][0]["command"] == "initiate");
  CHECK(doc["history"][0]["details"]["third_party_modules"] == 2);
  struct stat st {};
  REQUIRE(stat(prod.project_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // The production database was not written to.
  CHECK(test::pg_query_value(prod.db, "SELECT count(*) FROM ir_module_module") ==
        test::pg_query_value("ou_fixture_odoo17", "SELECT count(*) + 3 FROM ir_module_module"));

  // status reads it back.
  auto s = run_cli({"--json", "status"}, prod.dir.path());
  REQUIRE(s.exit_code == 0);
  json st_json = parse_stdout(s);
  CHECK(st_json["customer"] == "Acme");
  CHECK(st_json["phase"] == "initiated");
  CHECK(st_json["source_version"] == "17.0");
  CHECK(st_json["target_version"] == "18.0");
  CHECK(st_json["history"].size() == 1);
  CHECK(st_json["next"] == "odoo-upgrade test-request");

  auto text = run_cli({"status"}, prod.dir.path());
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("phase      initiated") != std::string::npos);
  CHECK(text.out.find("auditlog") != std::string::npos);

  // A project written before the one vocabulary ("fail") still reads as blocking.
  doc["preflight"][0]["status"] = "fail";
  test::write_file(prod.project_path(), doc.dump(2));
  text = run_cli({"status"}, prod.dir.path());
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("1 check(s) blocking at initiate") != std::string::npos);
  // A section field of the wrong type is refused with exit 6, naming it.
  doc["source"]["dbname"] = 42;
  test::write_file(prod.project_path(), doc.dump(2));
  text = run_cli({"status"}, prod.dir.path());
  CHECK(text.exit_code == 6);
  CHECK(text.err.find("'source.dbname'") != std::string::npos);
}

TEST_CASE("initiate reads an Odoo 16 database and the enterprise markers",
          "[integration][initiate]") {
  test::Production prod(not_initiated("odoo16"));
  sql(prod,
      "INSERT INTO ir_module_module (name, state, latest_version, author, license) VALUES "
      "('web_enterprise', 'installed', '16.0.1.0', 'Odoo S.A.', 'OEEL-1')");
  sql(prod,
      "INSERT INTO ir_config_parameter (key, value) VALUES "
      "('database.enterprise_code', 'M2611210123456789')");
  auto r = run_cli(initiate_args(prod, "17.0"), prod.dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json out = parse_stdout(r);
  CHECK(out["source_version"] == "16.0");
  CHECK(out["edition"] == "enterprise");
  CHECK(out["enterprise_code_registered"] == true);
  CHECK(out["modules"].size() == 81);
  // The enterprise code is a secret: only in the 0600 secrets file.
  CHECK(r.out.find("M2611210123456789") == std::string::npos);
  CHECK(r.err.find("M2611210123456789") == std::string::npos);
  CHECK(test::read_file(prod.project_path()).find("M2611210123456789") == std::string::npos);
  CHECK(test::read_file(prod.dir / "odoo-upgrade.secrets.json").find("M2611210123456789") !=
        std::string::npos);
}

TEST_CASE("a password in the conninfo never reaches the project file or the output",
          "[integration][initiate]") {
  test::Production& prod = shared_production();
  Workspace ws;
  std::string with_password = prod.conninfo() + " password=Sup3rSecretPw";
  auto args = initiate_args(prod);
  args[5] = with_password;
  auto r = run_cli(args, ws.dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Sup3rSecretPw") == std::string::npos);
  CHECK(r.err.find("Sup3rSecretPw") == std::string::npos);
  std::string project = test::read_file(ws.project());
  CHECK(project.find("Sup3rSecretPw") == std::string::npos);
  CHECK(project.find("password") == std::string::npos);
  CHECK(test::read_file(ws.dir / "odoo-upgrade.secrets.json").find("Sup3rSecretPw") !=
        std::string::npos);
}

TEST_CASE("initiate refuses bad input with the documented exit code and writes nothing",
          "[integration][initiate][exit-codes]") {
  test::Production& prod = shared_production();
  Workspace ws;
  auto no_project = [&] { return !stdfs::exists(ws.project()); };

  SECTION("unreachable database: 5") {
    auto args = initiate_args(prod);
    args[5] = "host=127.0.0.1 port=1 dbname=x connect_timeout=3";
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("odoo-upgrade: error: cannot connect to PostgreSQL") != std::string::npos);
    CHECK(no_project());
  }
  SECTION("database that is not Odoo: 5") {
    std::string empty = test::unique_db_name("empty");
    test::DatabaseGuard g({empty});
    adapters::pg::Connection(test::pg_admin_conninfo())
        .exec_no_rows("CREATE DATABASE " + adapters::pg::quote_identifier(empty));
    auto args = initiate_args(prod);
    args[5] = test::pg_conninfo(empty);
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("is not an Odoo database") != std::string::npos);
    CHECK(no_project());
  }
  SECTION("target below the source: 2") {
    auto r = run_cli(initiate_args(prod, "16.0"), ws.dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("not above the database's series '17.0'") != std::string::npos);
    CHECK(no_project());
  }
  SECTION("target that is not a series: 2") {
    auto r = run_cli(initiate_args(prod, "latest"), ws.dir.path());
    CHECK(r.exit_code == 2);
    CHECK(no_project());
  }
  SECTION("malformed conninfo: 2") {
    auto args = initiate_args(prod);
    args[5] = "dbname='unterminated";
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 2);
    CHECK(no_project());
  }
  SECTION("missing required option: 2") {
    auto r = run_cli({"initiate", "--customer", "Acme"}, ws.dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("odoo-upgrade: error: ", 0) == 0);
    CHECK(no_project());
  }
  SECTION("plain http service URL: 2") {
    auto args = initiate_args(prod);
    args.insert(args.end(), {"--service-url", "http://upgrade.example"});
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 2);
    CHECK(no_project());
  }
  SECTION("--dry-run writes nothing") {
    auto args = initiate_args(prod);
    args.insert(args.begin(), "--dry-run");
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 0);
    CHECK(parse_stdout(r)["dry_run"] == true);
    CHECK(no_project());
    CHECK_FALSE(stdfs::exists(ws.dir / "odoo-upgrade.secrets.json"));
  }
}

TEST_CASE("the project file is never lost or silently replaced", "[integration][initiate]") {
  test::Production& prod = shared_production();
  Workspace ws;
  REQUIRE(run_cli(initiate_args(prod), ws.dir.path()).exit_code == 0);
  std::string original = test::read_file(ws.project());

  SECTION("existing project: 3 without --force") {
    auto r = run_cli(initiate_args(prod), ws.dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("already exists") != std::string::npos);
    CHECK(test::read_file(ws.project()) == original);
  }
  SECTION("--force keeps the old file as a backup") {
    auto args = initiate_args(prod);
    args.push_back("--force");
    REQUIRE(run_cli(args, ws.dir.path()).exit_code == 0);
    int backups = 0;
    for (const auto& e : stdfs::directory_iterator(ws.dir.path())) {
      if (e.path().extension() == ".bak") {
        ++backups;
        CHECK(test::read_file(e.path()) == original);
      }
    }
    CHECK(backups == 1);
  }
  SECTION("a second concurrent run: 7") {
    adapters::fs::ProjectLock held(ws.project());
    auto args = initiate_args(prod);
    args.push_back("--force");
    auto r = run_cli(args, ws.dir.path());
    CHECK(r.exit_code == 7);
    CHECK(r.err.find("locked by another odoo-upgrade run") != std::string::npos);
    CHECK(test::read_file(ws.project()) == original);
  }
  SECTION("a hand-broken project file: 6, named with its position, untouched") {
    std::string broken = original;
    broken.insert(broken.find("\"phase\""), "oops ");
    test::write_file(ws.project(), broken);
    auto r = run_cli({"status"}, ws.dir.path());
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("odoo-upgrade.json' is not valid JSON at line") != std::string::npos);
    CHECK(run_cli({"--json", "status"}, ws.dir.path()).exit_code == 6);
    CHECK(test::read_file(ws.project()) == broken);
    // Even --force replaces it only after keeping a copy.
    auto again = initiate_args(prod);
    again.push_back("--force");
    REQUIRE(run_cli(again, ws.dir.path()).exit_code == 0);
    bool kept = false;
    for (const auto& e : stdfs::directory_iterator(ws.dir.path())) {
      kept = kept || (e.path().extension() == ".bak" && test::read_file(e.path()) == broken);
    }
    CHECK(kept);
  }
  SECTION("a newer schema: 6") {
    json doc = json::parse(original);
    doc["schema_version"] = 99;
    test::write_file(ws.project(), doc.dump());
    auto r = run_cli({"status"}, ws.dir.path());
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("schema_version 99") != std::string::npos);
  }
}

TEST_CASE("global CLI contract", "[integration][exit-codes]") {
  test::TempDir dir("cli");
  SECTION("status without a project: 3 with a hint") {
    auto r = run_cli({"status"}, dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("hint: create it with 'odoo-upgrade initiate'") != std::string::npos);
  }
  SECTION("--json errors are one JSON document on stdout") {
    auto r = run_cli({"--json", "status"}, dir.path());
    CHECK(r.exit_code == 3);
    json doc = parse_stdout(r);
    CHECK(doc["error"]["code"] == 3);
  }
  SECTION("--project and ODOO_UPGRADE_PROJECT choose the file") {
    auto r = run_cli({"--project", "elsewhere.json", "status"}, dir.path());
    CHECK(r.err.find("elsewhere.json") != std::string::npos);
    auto e = run_cli({"status"}, dir.path(), {{"ODOO_UPGRADE_PROJECT", "fromenv.json"}});
    CHECK(e.err.find("fromenv.json") != std::string::npos);
  }
  SECTION("unknown option and unknown command: 2") {
    CHECK(run_cli({"--bogus", "status"}, dir.path()).exit_code == 2);
    CHECK(run_cli({"frobnicate"}, dir.path()).exit_code == 2);
    CHECK(run_cli({}, dir.path()).exit_code == 2);
  }
  SECTION("--help and --version: 0") {
    auto h = run_cli({"--help"}, dir.path());
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("initiate") != std::string::npos);
    CHECK(run_cli({"--version"}, dir.path()).exit_code == 0);
  }
}
