// Issue 11, part B: the faults a test round meets and what the user is told. Each case runs the
// built binary against the sandbox platform and a real PostgreSQL holding the Odoo 17 fixture
// (tests/support/production_fixture.hpp), and checks that the message matches the cause and that
// nothing was created or changed that should not be.
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

test::ProductionOptions against(const test::SandboxProcess& sandbox,
                                std::vector<std::string> initiate_args = {}) {
  test::ProductionOptions o;
  o.sandbox = &sandbox;
  o.initiate_args = std::move(initiate_args);
  return o;
}

adapters::ProcessResult test_request(const test::Production& p,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"test-request", "--contract", k_contract, "--jobs", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return p.cli(args);
}

long long create_calls(const test::SandboxProcess& sb) {
  return sb.registry().value("create_calls", -1LL);
}

json last_round(const test::Production& p) {
  return p.project()["rounds"].back();
}

// A custom-format dump of production, outside the project's work dir.
stdfs::path dump_of(const test::Production& p) {
  stdfs::path file = p.dir / "backup.dump";
  auto r = adapters::run_process(
      {"pg_dump", "--format", "c", "--file", file.string(), "--dbname", p.conninfo()});
  INFO("pg_dump: " << r.err);
  REQUIRE(r.ok());
  return file;
}

// A small tmpfs mounted for the scope (the test runs as root, as the README's test command does).
struct SmallDisk {
  stdfs::path path;
  bool mounted = false;
  SmallDisk(const stdfs::path& where, const std::string& size) : path(where) {
    stdfs::create_directories(path);
    std::string options = "size=" + size;
    mounted = mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted) {
      umount2(path.c_str(), MNT_DETACH);
    }
  }
};

} // namespace

TEST_CASE("an archived request says so and points at --abandon", "[integration][faults]") {
  // The service archives requests once they are finished: the upgraded dump is gone.
  test::SandboxProcess sandbox({"--processing-delay-ms", "0", "--archive"});
  test::Production p(against(sandbox));
  auto res = test_request(p);
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 4);
  CHECK(res.err.find("archived") != std::string::npos);
  CHECK(res.err.find("test-request --abandon") != std::string::npos);
  // The round is left for the user to give up; a re-run says the same, and creates nothing.
  CHECK(last_round(p)["state"] != "tested");
  auto again = test_request(p);
  CHECK(again.exit_code == 4);
  CHECK(again.err.find("--abandon") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
  auto abandon = p.cli({"--yes", "test-request", "--abandon"});
  INFO("abandon stderr: " << abandon.err);
  CHECK(abandon.exit_code == 0);
  CHECK(last_round(p)["state"] == "abandoned");
}

TEST_CASE("a --test-db that names a path is refused before anything happens",
          "[integration][faults]") {
  // ".." would make the test filestore the whole data dir, and its merge would empty it.
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  test::write_file(p.data_dir / "marker", "keep");
  json before = p.project();
  for (const char* name : {"..", "x/../" /* + production */}) {
    std::string test_db = std::string(name) == ".." ? name : std::string(name) + p.db;
    auto res = test_request(p, {"--test-db", test_db});
    INFO("stderr: " << res.err);
    CHECK(res.exit_code == 2);
    CHECK(res.err.find("not a valid database name") != std::string::npos);
  }
  CHECK(create_calls(sandbox) == 0);
  CHECK(p.project()["rounds"] == before["rounds"]);
  CHECK(test::read_file(p.data_dir / "marker") == "keep");
  CHECK(stdfs::exists(p.filestore(p.db)));
}

TEST_CASE("a garbage .dump is refused before any request exists", "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  stdfs::path garbage = p.dir / "backup.dump";
  test::write_file(garbage, "this is not a pg_dump archive\n");
  json before = p.project();
  auto res = test_request(p, {"--dump", garbage.string()});
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 2);
  CHECK(res.err.find("pg_restore") != std::string::npos);
  CHECK(res.err.find("backup.dump") != std::string::npos);
  CHECK(create_calls(sandbox) == 0);
  json after = p.project();
  CHECK(after["rounds"] == before["rounds"]);
  CHECK(after["phase"] == before["phase"]);
}

TEST_CASE("--dry-run test-request takes the contract from the command line",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  std::string before = test::read_file(p.project_path());
  auto res = p.cli({"--dry-run", "test-request", "--contract", k_contract});
  INFO("stdout: " << res.out << "\nstderr: " << res.err);
  CHECK(res.exit_code == 0);
  CHECK(res.err.find("no subscription code") == std::string::npos);
  CHECK(res.out.find("would") != std::string::npos);
  // A dry run changes nothing, and keeps no contract.
  CHECK(test::read_file(p.project_path()) == before);
  auto secrets = p.dir / "odoo-upgrade.secrets.json";
  CHECK(
      (!stdfs::exists(secrets) || test::read_file(secrets).find(k_contract) == std::string::npos));
  CHECK(create_calls(sandbox) == 0);
}

TEST_CASE("temporary project files left by a killed run are removed by the next locked run",
          "[integration][faults]") {
  test::Production p;
  // What write_file_atomic leaves when killed between mkstemp and rename.
  stdfs::path stale = p.dir / ".odoo-upgrade.json.tmp.Ab12Cd";
  stdfs::path stale_secrets = p.dir / ".odoo-upgrade.secrets.json.tmp.x9Y8z7";
  stdfs::path unrelated = p.dir / ".odoo-upgrade.json.tmp.notes";
  for (const auto& f : {stale, stale_secrets, unrelated}) {
    test::write_file(f, "{");
  }
  // A dry run holds no lock and removes nothing.
  p.cli({"--dry-run", "test-request", "--abandon"});
  CHECK(stdfs::exists(stale));
  // Any run that holds the project lock does (here one that ends at once: nothing to abandon).
  auto res = p.cli({"--yes", "test-request", "--abandon"});
  CHECK(res.exit_code == 3);
  CHECK_FALSE(stdfs::exists(stale));
  CHECK_FALSE(stdfs::exists(stale_secrets));
  CHECK(stdfs::exists(unrelated));
  CHECK(p.project()["phase"] == "initiated");
}

TEST_CASE("a work dir too small for the download is refused before any request",
          "[integration][faults]") {
  if (geteuid() != 0) {
    WARN("not root: cannot mount a small filesystem for the work dir; case not run");
    return;
  }
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::TempDir holder("disk");
  // Room for the project's small files, not for the upgraded dump (several MB).
  SmallDisk disk(holder / "work", "1m");
  REQUIRE(disk.mounted);
  test::Production p(against(sandbox, {"--work-dir", disk.path.string()}));
  stdfs::path dump = dump_of(p);
  json before = p.project();
  auto res = test_request(p, {"--dump", dump.string()});
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 6);
  CHECK(res.err.find("not enough space on " + disk.path.string()) != std::string::npos);
  CHECK(res.err.find("download") != std::string::npos);
  CHECK(res.err.find("--skip-disk-check") != std::string::npos);
  CHECK(create_calls(sandbox) == 0);
  CHECK(p.project()["rounds"] == before["rounds"]);

  // Past the estimate, the download fills the disk: said so, and the partial files removed.
  auto forced = test_request(p, {"--dump", dump.string(), "--skip-disk-check"});
  INFO("stderr: " << forced.err);
  CHECK(forced.exit_code == 6);
  CHECK(forced.err.find("no space left on '" + disk.path.string()) != std::string::npos);
  CHECK(forced.err.find("removed") != std::string::npos);
  CHECK(forced.err.find("5 minutes") == std::string::npos);
  CHECK(forced.err.find("attempt 2/") == std::string::npos); // no pointless retries
  CHECK(create_calls(sandbox) == 1);
  CHECK_FALSE(stdfs::exists(disk.path / "rounds" / "1" / "received"));
}

namespace {

// A bind mount of `from` at `to` for the scope (root only).
struct BindMount {
  stdfs::path to;
  bool mounted = false;
  BindMount(const stdfs::path& from, const stdfs::path& where) : to(where) {
    stdfs::create_directories(to);
    mounted = mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) == 0;
  }
  ~BindMount() {
    if (mounted) {
      umount2(to.c_str(), MNT_DETACH);
    }
  }
};

} // namespace

TEST_CASE("a data dir too small for the filestore copy is refused, and a full one cleaned up",
          "[integration][faults]") {
  if (geteuid() != 0) {
    WARN("not root: cannot mount a small filesystem for the data dir; case not run");
    return;
  }
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  // Production's filestore stays where it is, on its own filesystem; the other databases'
  // filestores go to a 1 MB filesystem: the test filestore must be copied (4 MB), not linked.
  stdfs::path aside = p.dir / "production-filestores";
  stdfs::rename(p.data_dir / "filestore", aside);
  SmallDisk small(p.data_dir / "filestore", "1m");
  REQUIRE(small.mounted);
  BindMount production(aside / p.db, p.data_dir / "filestore" / p.db);
  REQUIRE(production.mounted);
  auto files = [&] {
    long n = 0;
    for (const auto& e : stdfs::recursive_directory_iterator(aside / p.db)) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  };
  long production_files = files();
  REQUIRE(production_files > 1000);

  auto res = test_request(p);
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 6);
  CHECK(res.err.find("not enough space on " + small.path.string()) != std::string::npos);
  CHECK(res.err.find("filestore copy") != std::string::npos);
  CHECK(create_calls(sandbox) == 0);

  auto forced = test_request(p, {"--skip-disk-check"});
  INFO("stderr: " << forced.err);
  CHECK(forced.exit_code == 6);
  CHECK(forced.err.find("no space left on '" + small.path.string()) != std::string::npos);
  CHECK(forced.err.find("filestore") != std::string::npos);
  std::string test_db = last_round(p)["test_db"].get<std::string>();
  CHECK_FALSE(stdfs::exists(small.path / test_db));
  CHECK(files() == production_files);
}

TEST_CASE("a server that ends pg_dump's session gets a server hint, not a rights hint",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  // Stands in for a server crash: every pg_dump session on production is ended as soon as seen.
  std::atomic<bool> done{false};
  std::atomic<int> ended{0};
  std::thread killer([&] {
    adapters::pg::Connection admin(test::pg_admin_conninfo());
    while (!done && ended == 0) {
      auto n = admin.query_value(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND "
          "application_name = 'pg_dump'",
          {p.db});
      ended += std::stoi(n.value_or("0"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto res = test_request(p);
  done = true;
  killer.join();
  INFO("stderr: " << res.err);
  REQUIRE(ended > 0);
  CHECK(res.exit_code == 5);
  CHECK(res.err.find("pg_dump") != std::string::npos);
  CHECK(res.err.find("server") != std::string::npos);
  CHECK(res.err.find("may read the whole database") == std::string::npos);
  // pg_dump ran --verbose for its progress: none of that reaches the message.
  CHECK(res.err.find("pg_dump: reading") == std::string::npos);
  CHECK(res.err.find("dumping contents of table") == std::string::npos);
  CHECK(create_calls(sandbox) == 0);
}

TEST_CASE("a re-run drops its half-restored test database although a session is open on it",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  auto first = test_request(p);
  INFO("stderr: " << first.err);
  REQUIRE(first.exit_code == 0);
  // As a run killed during pg_restore leaves it: the round restoring, the database there, and a
  // session (a pg_restore worker the kill left behind, a curious user) still open on it.
  json doc = p.project();
  doc["rounds"].back()["state"] = "restoring";
  doc["phase"] = "testing";
  p.save_project(doc);
  std::string test_db = last_round(p)["test_db"];
  adapters::pg::Connection session(test::pg_conninfo(test_db));
  auto res = test_request(p);
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 0);
  CHECK(last_round(p)["state"] == "tested");
  CHECK(res.err.find("being accessed by other users") == std::string::npos);
  CHECK(create_calls(sandbox) == 1);
}

TEST_CASE("test-request --dump refuses a backup of another series or database",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  json before = p.project();
  SECTION("an Odoo 16.0 backup zip for a 17.0 production") {
    stdfs::path zip = stdfs::path(OU_SOURCE_DIR) / "tests" / "fixtures" / "odoo16_demo.zip";
    auto res = test_request(p, {"--dump", zip.string()});
    INFO("stderr: " << res.err);
    CHECK(res.exit_code == 2);
    CHECK(res.err.find("Odoo 16.0 database; production is 17.0") != std::string::npos);
    CHECK(res.err.find("--force-dump") != std::string::npos);
  }
  SECTION("a dump of another database of the same series") {
    std::string other = test::unique_db_name("other");
    test::pg_create_from_fixture(other, "odoo17");
    test::DatabaseGuard guard({other});
    test::pg_query_value(other,
                         "UPDATE ir_config_parameter SET value = "
                         "'00000000-0000-4000-8000-000000000001' WHERE key = 'database.uuid' "
                         "RETURNING 1");
    stdfs::path file = p.dir / "other.dump";
    auto d = adapters::run_process({"pg_dump",
                                    "--format",
                                    "c",
                                    "--file",
                                    file.string(),
                                    "--dbname",
                                    test::pg_conninfo(other)});
    REQUIRE(d.ok());
    auto res = test_request(p, {"--dump", file.string()});
    INFO("stderr: " << res.err);
    CHECK(res.exit_code == 2);
    CHECK(res.err.find("00000000-0000-4000-8000-000000000001") != std::string::npos);
    CHECK(res.err.find("another database") != std::string::npos);
  }
  // Nothing was recorded or created.
  CHECK(p.project()["rounds"] == before["rounds"]);
  CHECK(create_calls(sandbox) == 0);
}

TEST_CASE("test-request --dump sends production's own backup, and --force-dump another one",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  stdfs::path zip = stdfs::path(OU_SOURCE_DIR) / "tests" / "fixtures" / "odoo16_demo.zip";
  // Forced: recorded and sent (followed until processing starts).
  auto forced = test_request(p, {"--dump", zip.string(), "--force-dump", "--no-wait"});
  INFO("stderr: " << forced.err);
  CHECK(forced.exit_code == 8);
  CHECK(forced.err.find("--force-dump") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
}

TEST_CASE("test-request --dump of a backup zip uses the zip's filestore", "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  // Production's own filestore is empty here: every file the test database finds comes from the
  // zip (the fixture database is a copy of this backup, uuid included).
  test::ProductionOptions o = against(sandbox);
  o.with_filestore = false;
  test::Production p(o);
  stdfs::path zip = stdfs::path(OU_SOURCE_DIR) / "tests" / "fixtures" / "odoo17_demo.zip";
  auto res = test_request(p, {"--dump", zip.string()});
  INFO("stderr: " << res.err);
  REQUIRE(res.exit_code == 0);
  json round = last_round(p);
  CHECK(round["state"] == "tested");
  std::string test_db = round["test_db"];
  stdfs::path filestore = round["filestore_path"].get<std::string>();
  adapters::pg::Connection c(test::pg_conninfo(test_db));
  long long checked = 0;
  long long missing = 0;
  c.for_each_row("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL",
                 {},
                 [&](const adapters::pg::Result& row) {
                   ++checked;
                   missing += stdfs::exists(filestore / std::string(row.get(0, 0))) ? 0 : 1;
                 });
  CHECK(checked > 500);
  CHECK(missing == 0);
}

TEST_CASE("a round whose restore could not create production's extensions is refused first",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  // Production uses an extension only a superuser may create; the project connects as Odoo's
  // plain role (allowed to create databases), as on many hosted servers.
  test::ProductionOptions o = against(sandbox);
  o.odoo_role = true;
  o.initiate = false;
  test::Production p(o);
  adapters::pg::Connection(p.conninfo()).exec_no_rows("CREATE EXTENSION pageinspect");
  adapters::pg::Connection(test::pg_admin_conninfo())
      .exec_no_rows("ALTER ROLE " + adapters::pg::quote_identifier(p.role) + " CREATEDB");
  auto args = p.initiate_args();
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--db") {
      args[i + 1] = p.conninfo() + " user=" + p.role;
    }
  }
  auto init = p.cli(args);
  INFO("initiate: " << init.err);
  REQUIRE((init.exit_code == 0 || init.exit_code == 1));
  auto res = test_request(p);
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 3);
  CHECK(res.err.find("may not create the extension(s) pageinspect") != std::string::npos);
  CHECK(create_calls(sandbox) == 0);
  CHECK(p.project()["rounds"].empty());
}

TEST_CASE("a test database with modules in a transient state is no tested round",
          "[integration][faults]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  test::Production p(against(sandbox));
  // After initiate (whose pre-flight would have refused it): a half-done upgrade of two modules in
  // production, which its dump carries into the test database.
  {
    adapters::pg::Connection c(p.conninfo());
    c.exec_no_rows("UPDATE ir_module_module SET state = 'to upgrade' WHERE name IN ('sale', "
                   "'crm')");
  }
  auto res = test_request(p);
  INFO("stdout: " << res.out << "\nstderr: " << res.err);
  CHECK(res.exit_code == 1);
  CHECK(res.out.find("2 module(s) in a transient state: crm (to upgrade), sale (to upgrade)") !=
        std::string::npos);
  CHECK(res.out.find("skips every scheduled action") != std::string::npos);
  CHECK(res.out.find("hint: update them with the target Odoo (odoo-bin -d ") != std::string::npos);
  json round = last_round(p);
  CHECK(round["state"] == "restored");
  CHECK(round["verification"]["modules_in_transition"] ==
        json::array({"crm (to upgrade)", "sale (to upgrade)"}));
  CHECK(p.project()["phase"] != "tested");
  // Fixed in the test database: the re-run verifies again and the round is tested, without a new
  // request.
  std::string test_db = round["test_db"];
  {
    adapters::pg::Connection c(test::pg_conninfo(test_db));
    c.exec_no_rows("UPDATE ir_module_module SET state = 'installed' WHERE state = 'to upgrade'");
  }
  auto again = test_request(p);
  INFO("stderr: " << again.err);
  CHECK(again.exit_code == 0);
  CHECK(last_round(p)["state"] == "tested");
  CHECK(last_round(p)["verification"]["modules_in_transition"] == json::array());
  CHECK(create_calls(sandbox) == 1);
}
