// End-to-end tests of `test-request` through the built binary, against the sandbox platform
// (HTTPS JSON-RPC + sshd/rsync + processing) and a real PostgreSQL holding the real Odoo 17
// fixture: a full round, and the faults the service and the network produce.
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/neutralization.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

using namespace odoo_upgrade;
using test::run_cli;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

// A customer's production (tests/support/production_fixture.hpp) initiated against `sandbox`.
struct Rehearsal {
  test::Production production;
  const test::TempDir& dir;
  const std::string& db;
  const std::filesystem::path& data_dir;
  const test::SandboxProcess& sandbox;

  explicit Rehearsal(const test::SandboxProcess& sb)
      : production(options_for(sb)), dir(production.dir), db(production.db),
        data_dir(production.data_dir), sandbox(sb) {}

  static test::ProductionOptions options_for(const test::SandboxProcess& sb) {
    test::ProductionOptions o;
    o.sandbox = &sb;
    return o;
  }

  // Every test database a round creates starts with the production name: the fixture drops it.
  adapters::ProcessResult test_request(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"test-request", "--contract", k_contract, "--jobs", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return production.cli(args);
  }

  json project() const { return production.project(); }
  json last_round() const { return project()["rounds"].back(); }
};

long long create_calls(const test::SandboxProcess& sb) {
  return sb.registry().value("create_calls", -1LL);
}

// The table data files of a pg_dump directory whose names end with `suffix` (".dat": stored
// uncompressed; ".dat.gz": gzip, whatever the level).
long long count_data_files(const stdfs::path& dump, const std::string& suffix) {
  long long n = 0;
  for (const auto& e : stdfs::directory_iterator(dump)) {
    std::string name = e.path().filename().string();
    n += name.size() > suffix.size() && name.ends_with(suffix) &&
                 name.find_first_not_of("0123456789") == name.size() - suffix.size()
             ? 1
             : 0;
  }
  return n;
}

// Every attachment file the test database refers to is in its filestore.
void require_filestore_complete(const std::string& test_db, const stdfs::path& filestore) {
  adapters::pg::Connection c(test::pg_conninfo(test_db));
  long long checked = 0;
  std::vector<std::string> missing;
  c.for_each_row("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL",
                 {},
                 [&](const adapters::pg::Result& row) {
                   ++checked;
                   std::string name(row.get(0, 0));
                   if (!stdfs::exists(filestore / name)) {
                     missing.push_back(name);
                   }
                 });
  INFO("missing: " << (missing.empty() ? "" : missing.front()));
  CHECK(checked > 500);
  CHECK(missing.empty());
}

// The bytes of every regular file under `path` (or of the file itself), counted here
// independently of adapters/fs.
std::uint64_t bytes_on_disk(const stdfs::path& path) {
  if (!stdfs::is_directory(path)) {
    return stdfs::file_size(path);
  }
  std::uint64_t bytes = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) {
      bytes += e.file_size();
    }
  }
  return bytes;
}

// Each hop that moved a dump recorded the real bytes it moved and a rate consistent with its
// seconds (the rate is over the unrounded duration, the seconds rounded to a tenth), and the
// round recorded production's size (issue 15).
void require_hop_rates(Rehearsal& r, const json& round, const std::string& out) {
  const json& t = round["timings"];
  INFO("timings: " << t.dump());
  stdfs::path received = stdfs::path(round["received"]["dump"]["path"].get<std::string>());
  CHECK(t["dump_bytes"] == bytes_on_disk(round["dump"]["path"].get<std::string>()));
  CHECK(t["dump_bytes"] == round["dump"]["bytes"]);
  CHECK(t["upload_bytes"] == round["dump"]["bytes"]);
  CHECK(t["download_bytes"] == bytes_on_disk(received.parent_path()));
  CHECK(t["restore_bytes"] == bytes_on_disk(received));
  for (const char* hop : {"dump", "upload", "download", "restore"}) {
    INFO("hop " << hop);
    double bytes = t[std::string(hop) + "_bytes"].get<double>();
    double rate = t.value(std::string(hop) + "_bytes_per_s", 0.0);
    double seconds = t[std::string(hop) + "_s"].get<double>();
    REQUIRE(rate > 0);
    CHECK(bytes / rate >= seconds - 0.051);
    CHECK(bytes / rate <= seconds + 0.051);
  }
  // Production's pg_database_size at the dump (nothing wrote to it since, but its maintenance).
  double size_now =
      std::stod(test::pg_query_value(r.db, "SELECT pg_database_size(current_database())"));
  CHECK(t["database_bytes"].get<double>() == Approx(size_now).epsilon(0.05));
  // The summary shows each hop's rate.
  static const std::regex k_rate(
      R"(rates +dump [0-9.]+ [kMG]?B in [0-9.]+s, [0-9.]+ [kMG]?B/s\n +upload [0-9.]+ [kMG]?B in )"
      R"([0-9.]+s, [0-9.]+ [kMG]?B/s\n +download .*\n +restore .*\n +\(production's database )");
  CHECK(std::regex_search(out, k_rate));
}

void require_tested_round(Rehearsal& r, const adapters::ProcessResult& res) {
  INFO("stdout: " << res.out << "\nstderr: " << res.err);
  REQUIRE(res.exit_code == 0);
  json project = r.project();
  CHECK(project["phase"] == "tested");
  json round = project["rounds"].back();
  CHECK(round["state"] == "tested");
  CHECK(round["aim"] == "test");
  CHECK(round["request_id"].is_number());
  CHECK(round["host"] == r.sandbox.host_uri());
  std::string test_db = round["test_db"];
  CHECK(test_db == r.db + "_test_18.0_r" + std::to_string(round["number"].get<int>()));
  REQUIRE(test::pg_database_exists(test_db));
  // The target series.
  CHECK(test::pg_query_value(test_db,
                             "SELECT latest_version FROM ir_module_module WHERE name = 'base' "
                             "AND state = 'installed'")
            .rfind("18.0.", 0) == 0);
  // Neutralized: flag set, no crons but the autovacuum, no real mail server.
  CHECK(test::pg_query_value(
            test_db,
            "SELECT lower(value) FROM ir_config_parameter WHERE key = 'database.is_neutralized'") ==
        "true");
  CHECK(test::pg_query_value(test_db,
                             "SELECT count(*) FROM ir_cron WHERE active AND id NOT IN (SELECT "
                             "res_id FROM ir_model_data WHERE model = 'ir.cron' AND name = "
                             "'autovacuum_job')") == "0");
  CHECK(test::pg_query_value(
            test_db,
            "SELECT count(*) FROM ir_mail_server WHERE active AND smtp_host <> 'invalid'") == "0");
  CHECK((round["neutralized_by"] == "service" || round["neutralized_by"] == "odoo-upgrade"));
  // Filestore: production's files plus the returned ones, where Odoo looks for them.
  stdfs::path filestore = round["filestore_path"].get<std::string>();
  CHECK(filestore == r.data_dir / "filestore" / test_db);
  require_filestore_complete(test_db, filestore);
  // Made by hard links to production's files (one filesystem), with nothing copied but the
  // returned files (issue 15).
  CHECK(round["filestore_mode"] == "hard links");
  CHECK(round["filestore_copied_bytes"] == 0);
  // The round summary says which mode made it.
  CHECK(res.out.find("made by hard links (") != std::string::npos);
  int shared = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(r.data_dir / "filestore" / r.db)) {
    auto rel = stdfs::relative(e.path(), r.data_dir / "filestore" / r.db);
    if (e.is_regular_file() && stdfs::equivalent(e.path(), filestore / rel)) {
      ++shared;
    }
  }
  CHECK(shared > 1000); // the fixture's 1122 files, but those the service returned anew
  // Checksums and timings recorded.
  CHECK(round["dump"]["sha256"].get<std::string>().size() == 64);
  CHECK(round["received"]["dump"]["sha256"].get<std::string>().size() == 64);
  CHECK(round["received"]["filestore"]["sha256"].get<std::string>().size() == 64);
  CHECK(stdfs::exists(round["received"]["report_path"].get<std::string>()));
  CHECK(stdfs::exists(round["received"]["log_path"].get<std::string>()));
  for (const char* k : {"dump_s", "upload_s", "processing_s", "download_s", "restore_s"}) {
    CHECK(round["timings"].contains(k));
  }
  require_hop_rates(r, round, res.out);
  // The token never leaves the secrets file.
  json registry = r.sandbox.registry();
  for (const auto& req : registry["requests"]) {
    std::string token = req.value("token", "");
    REQUIRE(token.size() >= 8);
    CHECK(res.out.find(token) == std::string::npos);
    CHECK(res.err.find(token) == std::string::npos);
    CHECK(test::read_file(r.dir / "odoo-upgrade.json").find(token) == std::string::npos);
  }
}

} // namespace

TEST_CASE("test-request runs a full round against the sandbox", "[integration][test-request]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "200"});
  Rehearsal r(sandbox);
  auto res = r.test_request();
  require_tested_round(r, res);
  CHECK(create_calls(sandbox) == 1);
  // Progress in tables (issue 14): without a terminal a log line now and then, the last one N/N,
  // N the TABLE DATA entries of the dump sent and of the upgraded dump restored.
  json round = r.last_round();
  test::require_table_progress_lines(
      res.err, "dump", test::pg_toc_table_data(round["dump"]["path"].get<std::string>()));
  test::require_table_progress_lines(
      res.err,
      "restore",
      test::pg_toc_table_data(round["received"]["dump"]["path"].get<std::string>()));
  CHECK(res.err.find("processing data for table") == std::string::npos);
  CHECK(res.err.find("dumping contents of table") == std::string::npos);
  CHECK(res.out.find("round 1 tested") != std::string::npos);
  // The key pair is per project, 0600, and its public half is what the service received.
  stdfs::path key = r.dir / "odoo-upgrade.ssh" / "id_rsa";
  REQUIRE(stdfs::exists(key));
  CHECK((stdfs::status(key).permissions() & stdfs::perms::all) ==
        (stdfs::perms::owner_read | stdfs::perms::owner_write));

  // `status` never shows the token.
  std::string token = sandbox.registry()["requests"][0]["token"];
  auto st = run_cli({"status"}, r.dir.path());
  CHECK(st.out.find(token) == std::string::npos);
  // ...except on explicit request.
  auto shown = run_cli({"status", "--show-token"}, r.dir.path());
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find(token) != std::string::npos);
  // --refresh asks the service and records what it said.
  auto refreshed = run_cli({"--json", "status", "--refresh"}, r.dir.path());
  INFO("refresh stderr: " << refreshed.err);
  REQUIRE(refreshed.exit_code == 0);
  CHECK(json::parse(refreshed.out)["refreshed"]["status"] == "done");

  // The dump sent is gzip level 1 by default (docs/benchmarks.md, "transfer defaults"), recorded.
  CHECK(round["dump"]["compression"] == 1);
  CHECK(count_data_files(round["dump"]["path"].get<std::string>(), ".dat.gz") > 0);
  CHECK(count_data_files(round["dump"]["path"].get<std::string>(), ".dat") == 0);

  // A compression level outside 0..9 is a usage error that changes nothing.
  std::string before = test::read_file(r.dir / "odoo-upgrade.json");
  auto bad = r.test_request({"--compress", "10"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--compress must be between 0 and 9") != std::string::npos);
  CHECK(test::read_file(r.dir / "odoo-upgrade.json") == before);
  // --compress where the tool makes no dump: refused, not ignored.
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"test-request", "--compress", "6", "--dump", round["dump"]["path"].get<std::string>()},
           {"test-request", "--compress", "6", "--attach", "tok"},
           {"test-request", "--compress", "6", "--restore-only"}}) {
    auto refused = r.production.cli(extra);
    INFO(refused.err);
    CHECK(refused.exit_code == 2);
    CHECK((refused.err.find("--compress goes with a dump the tool makes") != std::string::npos ||
           refused.err.find("--restore-only takes no request options") != std::string::npos));
  }
  CHECK(test::read_file(r.dir / "odoo-upgrade.json") == before);
  CHECK(create_calls(sandbox) == 1);

  // A second round gets a new request and a new database; the user's config file's `compress`
  // 0 (no --compress) sends the table data uncompressed, and the upgraded copy restores the same.
  stdfs::path config = r.dir / "config.json";
  test::write_file(config, R"({"compress": 0})");
  auto res2 = r.production.cli({"test-request", "--contract", k_contract, "--jobs", "2"},
                               {{"ODOO_UPGRADE_CONFIG", config.string()}});
  require_tested_round(r, res2);
  CHECK(r.project()["rounds"].size() == 2);
  CHECK(create_calls(sandbox) == 2);
  json second = r.last_round();
  CHECK(second["dump"]["compression"] == 0);
  CHECK(count_data_files(second["dump"]["path"].get<std::string>(), ".dat") > 0);
  CHECK(count_data_files(second["dump"]["path"].get<std::string>(), ".dat.gz") == 0);

  // freeze plan says where prod-request's dump will differ from the round it estimates from (a
  // dry run: nothing recorded). The same level as the round's: nothing to say.
  std::vector<std::string> plan = {"--dry-run",
                                   "freeze",
                                   "plan",
                                   "--at",
                                   "2099-01-01T10:00Z",
                                   "--go-live",
                                   "2099-01-02T10:00Z",
                                   "--force",
                                   "--reason",
                                   "t"};
  auto same = r.production.cli(plan, {{"ODOO_UPGRADE_CONFIG", config.string()}});
  INFO(same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.err.find("gzip level") == std::string::npos);
  // A config prod-request cannot read would stop it inside the freeze window.
  stdfs::path broken = r.dir / "broken.json";
  test::write_file(broken, R"({"compress": 12})");
  auto warned = r.production.cli(plan, {{"ODOO_UPGRADE_CONFIG", broken.string()}});
  INFO(warned.err);
  CHECK(warned.exit_code == 0);
  CHECK(warned.err.find("prod-request will stop on it (exit 6)") != std::string::npos);
  // A round that sent a dump given with --dump measured no pg_dump, which prod-request runs.
  auto res3 = r.production.cli({"test-request",
                                "--contract",
                                k_contract,
                                "--dump",
                                second["dump"]["path"].get<std::string>()});
  INFO(res3.err);
  REQUIRE(res3.exit_code == 0);
  CHECK(r.last_round()["state"] == "tested");
  CHECK(r.last_round()["dump"]["source"] == "file");
  std::vector<std::string> json_plan = plan;
  json_plan.insert(json_plan.begin(), "--json");
  auto from_file = r.production.cli(json_plan);
  INFO(from_file.err);
  REQUIRE(from_file.exit_code == 0);
  CHECK(from_file.err.find("round 3 sent a dump given with --dump: prod-request runs pg_dump") !=
        std::string::npos);
  json missing = json::parse(from_file.out)["plan"]["estimate"]["missing"];
  CHECK(std::find(missing.begin(), missing.end(), "dump_s") != missing.end());
}

TEST_CASE("test-request resumes a transfer cut mid-way", "[integration][test-request]") {
  // Cut each of the first two transfers after 1 MB (the dump is about 5 MB). The retry delays are
  // unit-tested against fakes (test_commands_request_runner); this proves real rsync resumes, so
  // the run stops once processing started (the rest of a round is covered by the full round).
  test::SandboxProcess sandbox({"--processing-delay-ms",
                                "0",
                                "--cut-transfer-after-bytes",
                                "1000000",
                                "--cut-transfer-times",
                                "2"});
  Rehearsal r(sandbox);
  auto res = r.test_request({"--no-wait"});
  INFO("stderr: " << res.err);
  REQUIRE(res.exit_code == 8);
  json round = r.last_round();
  CHECK(round["state"] == "processing");
  // What the service holds is exactly what was dumped, although the transfer was cut.
  stdfs::path uploaded = sandbox.data_dir(round["request_id"].get<long long>()) / "origin.dump";
  CHECK(adapters::fs::sha256_tree(uploaded) == round["dump"]["sha256"].get<std::string>());
  CHECK(round["transfers"]["upload"].get<int>() >= 2);
  CHECK(round["transfers"]["upload_errors"].size() >= 1);
  CHECK(res.err.find("upload attempt 1/5 failed") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
}

TEST_CASE("test-request retries a burst of 5xx answers", "[integration][test-request]") {
  // Processing outlasts the test: the request is still pending when the resumed run asks.
  test::SandboxProcess sandbox({"--processing-delay-ms", "60000"});
  Rehearsal r(sandbox);
  // Create, upload and start processing, then return (exit 8: pending).
  auto first = r.test_request({"--no-wait"});
  INFO("stderr: " << first.err);
  REQUIRE(first.exit_code == 8);
  CHECK(r.last_round()["state"] == "processing");
  CHECK(r.project()["phase"] == "testing");
  // The service then answers the next 2 calls with 503: the resumed run rides them out (the
  // client's back-off doubles per retry, so 2 prove it as well as more would) and gets the real
  // status. It follows the round no further: a resumed round to the end is the killed-run case.
  sandbox.set_scenario({{"http_503_next", 2}});
  auto res = r.test_request({"--no-wait"});
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 8);
  json round = r.last_round();
  CHECK(round["state"] == "processing");
  CHECK((round["service_status"] == "pending" || round["service_status"] == "progress"));
  CHECK(res.err.find("HTTP 503") != std::string::npos);
  CHECK(res.err.find("retrying") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
}

TEST_CASE("test-request never creates twice after an ambiguous create",
          "[integration][test-request]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "0"});
  Rehearsal r(sandbox);
  // The service creates the request but the answer is lost.
  sandbox.set_scenario({{"lose_response_next", 1}});
  auto res = r.test_request();
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 4);
  CHECK(res.err.find("may or may not have been created") != std::string::npos);
  CHECK(r.last_round()["state"] == "creating");
  CHECK(create_calls(sandbox) == 1);
  // A re-run refuses to create again on its own.
  auto again = r.test_request();
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("--abandon") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
  // After the human decision, a new round creates a new request (followed until processing: the
  // rest of a round is covered by the full round).
  // Abandoning asks first (issue 14): no terminal and no --yes, or "n" on one, changes nothing.
  auto unconfirmed = run_cli({"test-request", "--abandon"}, r.dir.path());
  CHECK(unconfirmed.exit_code == 3);
  CHECK(unconfirmed.err.find("confirmation needed: abandon ") != std::string::npos);
  auto declined = test::run_cli_on_tty({"test-request", "--abandon"}, r.dir.path(), "n\n");
  CHECK(declined.exit_code == 3);
  CHECK(declined.screen.find("stays as it is on the service)? [y/N]") != std::string::npos);
  CHECK(r.last_round()["state"] == "creating");
  auto abandon = test::run_cli_on_tty({"test-request", "--abandon"}, r.dir.path(), "y\n");
  INFO(abandon.screen);
  REQUIRE(abandon.exit_code == 0);
  CHECK(r.project()["phase"] == "initiated");
  // On a terminal with --no-color: no progress bar redrawn in place (issue 14), no prompt.
  auto res2 = test::run_cli_on_tty(
      {"--no-color", "test-request", "--contract", k_contract, "--jobs", "2", "--no-wait"},
      r.dir.path(),
      "");
  INFO("screen: " << res2.screen);
  CHECK(res2.exit_code == 8);
  for (std::size_t cr = res2.screen.find('\r'); cr != std::string::npos;
       cr = res2.screen.find('\r', cr + 1)) {
    CHECK(res2.screen.substr(cr, 2) == "\r\n"); // the terminal's own line ends only
  }
  CHECK(res2.screen.find(" eta ") == std::string::npos);
  // The dump's progress in tables is logged instead (issue 14).
  test::require_table_progress_lines(
      res2.screen,
      "dump",
      test::pg_toc_table_data(r.project()["rounds"][1]["dump"]["path"].get<std::string>()));
  CHECK(r.project()["rounds"][0]["state"] == "abandoned");
  CHECK(r.project()["rounds"][1]["state"] == "processing");
  CHECK(create_calls(sandbox) == 2);
  // Without --no-color the same terminal gets the bars, redrawn in place.
  auto res3 = test::run_cli_on_tty(
      {"test-request", "--contract", k_contract, "--jobs", "2"}, r.dir.path(), "");
  INFO("screen: " << res3.screen);
  CHECK(res3.exit_code == 0);
  bool redrawn = false;
  for (std::size_t cr = res3.screen.find('\r'); cr != std::string::npos;
       cr = res3.screen.find('\r', cr + 1)) {
    redrawn = redrawn || res3.screen.substr(cr, 2) != "\r\n";
  }
  CHECK(redrawn);
  // The restore's bar counts tables (the round resumed here was dumped by the run above).
  std::regex bar("\r(dump|restore) \\[[# ]{30}\\] +[0-9]+/[0-9]+ tables");
  std::set<std::string> bars;
  for (std::sregex_iterator it(res3.screen.begin(), res3.screen.end(), bar), end; it != end; ++it) {
    bars.insert((*it)[1]);
  }
  CHECK(bars == std::set<std::string>{"restore"});
}

TEST_CASE("test-request ends a failed request with the reason and exit 4",
          "[integration][test-request]") {
  test::SandboxProcess sandbox(
      {"--processing-delay-ms", "0", "--fail-reason", "module 'auditlog' has no 18.0 version"});
  Rehearsal r(sandbox);
  auto res = r.test_request();
  INFO("stderr: " << res.err);
  CHECK(res.exit_code == 4);
  CHECK(res.err.find("module 'auditlog' has no 18.0 version") != std::string::npos);
  json round = r.last_round();
  CHECK(round["state"] == "failed");
  CHECK(round["reason"] == "module 'auditlog' has no 18.0 version");
  CHECK(r.project()["phase"] == "initiated");
  CHECK_FALSE(test::pg_database_exists(round["test_db"]));
  CHECK(r.project()["history"].back()["outcome"] == "failed");
}

TEST_CASE("test-request resumes after being killed, without a second request",
          "[integration][test-request]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "4000"});
  Rehearsal r(sandbox);
  // Start a run and kill it hard once the service is processing.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (chdir(r.dir.path().c_str()) != 0) {
      _exit(127);
    }
    std::string bin = test::binary_path().string();
    execl(bin.c_str(), bin.c_str(), "-q", "test-request", "--contract", k_contract, nullptr);
    _exit(127);
  }
  bool killed = false;
  for (int i = 0; i < 1200 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      auto p = r.project();
      if (!p["rounds"].empty() && p["rounds"].back().value("state", "") == "processing") {
        kill(pid, SIGKILL);
        killed = true;
      }
    } catch (const std::exception&) {
      // The file is replaced atomically, but may not exist yet.
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(killed);
  REQUIRE(WIFSIGNALED(status));
  auto res = r.test_request();
  require_tested_round(r, res);
  CHECK(res.err.find("resuming round 1") != std::string::npos);
  CHECK(create_calls(sandbox) == 1);
  CHECK(r.project()["rounds"].size() == 1);
}

TEST_CASE("neutralize_database neutralizes a real Odoo database", "[integration][test-request]") {
  std::string db = test::unique_db_name("neutral");
  test::pg_create_from_fixture(db, "odoo17");
  test::DatabaseGuard guard({db});
  namespace pg = adapters::pg;
  auto before = pg::inspect_upgraded_database(test::pg_conninfo(db));
  CHECK_FALSE(before.neutralized());
  CHECK(before.active_crons > 0);
  pg::neutralize_database(test::pg_conninfo(db));
  auto after = pg::inspect_upgraded_database(test::pg_conninfo(db));
  CHECK(after.neutralized());
  CHECK(after.base_installed);
  CHECK(after.base_version.rfind("17.0.", 0) == 0);
}
