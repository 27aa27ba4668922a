// The sandbox platform end to end: the real binary, the test PostgreSQL server, real rsync over
// the sandbox's sshd, and the protocol's error shapes, logs ranges and faults.
#include "support/sandbox_process.hpp"
#include "support/test_env.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace odoo_upgrade::test;
using nlohmann::json;
using odoo_upgrade::adapters::ProcessOptions;
using odoo_upgrade::adapters::ProcessResult;
using odoo_upgrade::adapters::run_process;
namespace fs = std::filesystem;

namespace {

// A client-side SSH key, like the official client's temporary one.
fs::path make_key(const TempDir& dir) {
  fs::path key = dir / "client_key";
  auto r = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
  REQUIRE(r.ok());
  return key;
}

json create_request(const SandboxProcess& sbx, const fs::path& key, const std::string& target) {
  auto reply = sbx.call("upgrade/request/create",
                        {{"contract", "M-TEST-CONTRACT"},
                         {"target", target},
                         {"aim", "test"},
                         {"actuator", "cli"},
                         {"env_vars", json::array()},
                         {"ssh_key", read_file(fs::path(key.string() + ".pub"))},
                         {"api_version", "0.2"}});
  REQUIRE(reply.status == 200);
  json result = reply.json().at("result");
  REQUIRE_FALSE(result.contains("error"));
  return result;
}

json result_of(const HttpReply& reply) {
  REQUIRE(reply.status == 200);
  return reply.json().at("result");
}

// Runs rsync over the sandbox's sshd exactly as the official client does (strict host keys
// against the known_hosts text from transfer/start).
ProcessResult rsync(const SandboxProcess& /*sbx*/,
                    const json& transfer,
                    const fs::path& key,
                    const fs::path& known_hosts,
                    std::vector<std::string> args) {
  write_file(known_hosts, transfer.at("known_hosts").get<std::string>());
  std::string ssh = "ssh -p " + std::to_string(transfer.at("ssh_port").get<int>()) +
                    " -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes"
                    " -o UserKnownHostsFile=" +
                    known_hosts.string() + " -i " + key.string();
  std::vector<std::string> argv = {"rsync", "-a", "-e", ssh};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions opts;
  opts.timeout = std::chrono::minutes(5);
  return run_process(argv, opts);
}

std::string remote(const SandboxProcess& sbx, const std::string& path) {
  return sbx.ssh_user() + "@127.0.0.1:" + path;
}

std::string wait_final_status(const SandboxProcess& sbx, const std::string& token) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (std::chrono::steady_clock::now() < deadline) {
    json status = result_of(sbx.call("upgrade/request/status", {{"token", token}}));
    std::string s = status.at("status").get<std::string>();
    if (s != "pending" && s != "progress") {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  FAIL("request still processing after 5 minutes");
  return {};
}

void pg_dump_dir(const std::string& db, const fs::path& out) {
  ProcessOptions opts;
  opts.env = odoo_upgrade::adapters::pg::libpq_environment(pg_conninfo(db));
  auto r = run_process(
      {"pg_dump", "--no-owner", "--format", "d", "--jobs", "2", "--file", out.string(), db}, opts);
  REQUIRE(r.ok());
}

void pg_restore_dir(const std::string& db, const fs::path& dump) {
  odoo_upgrade::adapters::pg::Connection admin(pg_admin_conninfo());
  admin.exec_no_rows("CREATE DATABASE " + odoo_upgrade::adapters::pg::quote_identifier(db));
  ProcessOptions opts;
  opts.env = odoo_upgrade::adapters::pg::libpq_environment(pg_conninfo(db));
  auto r = run_process({"pg_restore", "--no-owner", "--format", "d", "--dbname", db, dump.string()},
                       opts);
  INFO(r.err);
  REQUIRE(r.ok());
}

// A tiny "Odoo" database as plain SQL: enough for processing to read its version.
std::string tiny_odoo_sql(const std::string& base_version) {
  return "CREATE TABLE ir_module_module (id serial, name varchar, latest_version varchar, "
         "state varchar);\nINSERT INTO ir_module_module (name, latest_version, state) VALUES "
         "('base', '" +
         base_version + "', 'installed');\n";
}

} // namespace

TEST_CASE("sandbox: a full test request with real rsync transfers", "[integration][sandbox]") {
  TempDir dir("sbx-round");
  std::string source_db = unique_db_name("sbx_src");
  std::string restored_db = unique_db_name("sbx_up");
  DatabaseGuard guard({source_db, restored_db});
  pg_create_from_fixture(source_db, "odoo17");
  std::string source_uuid =
      pg_query_value(source_db, "SELECT value FROM ir_config_parameter WHERE key='database.uuid'");

  SandboxProcess sbx({"--processing-delay-ms",
                      "300",
                      "--uninstall-module",
                      "auditlog",
                      "--deactivate-views-of",
                      "auditlog"});
  CHECK(sbx.ready().at("pid").get<long long>() == sbx.pid());
  fs::path key = make_key(dir);
  fs::path known_hosts = dir / "known_hosts";

  json created = create_request(sbx, key, "18.0");
  std::string token = created.at("token");
  CHECK(created.at("assigned_host_uri") == sbx.host_uri());
  CHECK(created.at("request_id") == 1);

  // Before the upload: status new, process and download refused with application errors.
  json status = result_of(sbx.call("upgrade/request/status", {{"token", token}}));
  CHECK(status.at("status") == "new");
  CHECK(status.at("archived") == false);
  CHECK(status.at("host_uri") == sbx.host_uri());
  CHECK(result_of(sbx.call("upgrade/request/process", {{"token", token}})).contains("error"));
  CHECK(result_of(sbx.call("upgrade/request/transfer/start",
                           {{"token", token}, {"transfer_type", "download"}}))
            .contains("error"));

  // Upload a directory dump, as the official client does for a live database.
  fs::path dump = dir / "origin.dump";
  pg_dump_dir(source_db, dump);
  json up = result_of(
      sbx.call("upgrade/request/transfer/start", {{"token", token}, {"transfer_type", "upload"}}));
  CHECK(up.at("ssh_port") == sbx.ssh_port());
  CHECK(up.at("known_hosts")
            .get<std::string>()
            .rfind("[127.0.0.1]:" + std::to_string(sbx.ssh_port()) + " ssh-ed25519 AAAA", 0) == 0);
  auto r = rsync(sbx,
                 up,
                 key,
                 known_hosts,
                 {"--chmod=u+rwx,g+rwx,o+r",
                  "--delete-after",
                  dump.string() + "/",
                  remote(sbx, "/data/origin.dump")});
  INFO(r.err);
  REQUIRE(r.ok());
  CHECK(fs::exists(sbx.data_dir(1) / "origin.dump" / "toc.dat"));
  result_of(sbx.call("upgrade/request/transfer/stop", {{"token", token}}));
  // The upload and transfer/stop leave the request new (spec 1.6).
  CHECK(result_of(sbx.call("upgrade/request/status", {{"token", token}})).at("status") == "new");
  // The transfer is closed: the key no longer opens a session.
  CHECK_FALSE(rsync(sbx, up, key, known_hosts, {dump.string() + "/", remote(sbx, "/data/x")}).ok());

  json processed = result_of(sbx.call("upgrade/request/process", {{"token", token}}));
  CHECK(processed.at("is_pg_version_compatible") == true);
  CHECK(result_of(sbx.call("upgrade/request/process", {{"token", token}})).contains("error"));
  REQUIRE(wait_final_status(sbx, token) == "done");

  // Logs: whole, from an offset (206), and at or past the end (200, empty).
  HttpReply whole = sbx.get("upgrade/request/logs?token=" + token);
  CHECK(whole.status == 200);
  CHECK(whole.body.find("upgrade to 18.0 done") != std::string::npos);
  CHECK(whole.body.find(token) == std::string::npos);
  CHECK(whole.headers.at("content-length") == std::to_string(whole.body.size()));
  HttpReply part = sbx.get("upgrade/request/logs?token=" + token, {"Range: bytes=10-"});
  CHECK(part.status == 206);
  CHECK(part.body == whole.body.substr(10));
  for (auto offset : {whole.body.size(), whole.body.size() + 100}) {
    HttpReply end = sbx.get("upgrade/request/logs?token=" + token,
                            {"Range: bytes=" + std::to_string(offset) + "-"});
    CHECK(end.status == 200);
    CHECK(end.body.empty());
    CHECK(end.headers.at("content-length") == "0");
  }

  // Download everything the official client downloads.
  json down = result_of(sbx.call("upgrade/request/transfer/start",
                                 {{"token", token}, {"transfer_type", "download"}}));
  CHECK(down.at("dump_name") == "upgraded.dump");
  fs::path dest = dir / "download";
  fs::create_directories(dest);
  r = rsync(sbx,
            down,
            key,
            known_hosts,
            {"--ignore-missing-args",
             remote(sbx, "/data/upgraded.dump"),
             remote(sbx, "/data/filestore"),
             remote(sbx, "/data/upgrade-report.html"),
             remote(sbx, "/data/upgrade.log"),
             dest.string() + "/"});
  INFO(r.err);
  REQUIRE(r.ok());
  result_of(sbx.call("upgrade/request/transfer/stop", {{"token", token}}));
  CHECK(fs::exists(dest / "upgrade-report.html"));
  CHECK(read_file(dest / "upgrade.log").find("auditlog") != std::string::npos);

  // The upgraded dump restores, is in the target series and neutralized.
  pg_restore_dir(restored_db, dest / "upgraded.dump");
  CHECK(pg_query_value(restored_db, "SELECT latest_version FROM ir_module_module WHERE name='base'")
            .rfind("18.0.", 0) == 0);
  CHECK(pg_query_value(restored_db,
                       "SELECT count(*) FROM ir_module_module WHERE state='installed' AND "
                       "latest_version NOT LIKE '18.0.%'") == "0");
  CHECK(pg_query_value(restored_db, "SELECT state FROM ir_module_module WHERE name='auditlog'") ==
        "uninstalled");
  CHECK(pg_query_value(restored_db,
                       "SELECT count(*) FROM ir_ui_view v JOIN ir_model_data d ON "
                       "d.model='ir.ui.view' AND d.res_id=v.id WHERE d.module='auditlog' AND "
                       "v.active") == "0");
  CHECK(pg_query_value(restored_db,
                       "SELECT value FROM ir_config_parameter WHERE "
                       "key='database.is_neutralized'") == "true");
  std::string new_uuid = pg_query_value(
      restored_db, "SELECT value FROM ir_config_parameter WHERE key='database.uuid'");
  CHECK_FALSE(new_uuid.empty());
  CHECK(new_uuid != source_uuid);
  CHECK(pg_query_value(restored_db,
                       "SELECT string_agg(name || ':' || smtp_host || ':' || smtp_port, ',') FROM "
                       "ir_mail_server WHERE active") ==
        "neutralization - disable emails:invalid:1025");
  CHECK(pg_query_value(restored_db,
                       "SELECT string_agg(d.name, ',') FROM ir_cron c JOIN ir_model_data d ON "
                       "d.model='ir.cron' AND d.res_id=c.id WHERE c.active") == "autovacuum_job");
  // New standard files: each filestore file has its ir_attachment row.
  int files = 0;
  for (const auto& f : fs::recursive_directory_iterator(dest / "filestore")) {
    if (!f.is_regular_file()) {
      continue;
    }
    ++files;
    std::string fname = fs::relative(f.path(), dest / "filestore").string();
    CHECK(pg_query_value(restored_db,
                         "SELECT count(*) FROM ir_attachment WHERE store_fname='" + fname + "'") ==
          "1");
  }
  CHECK(files == 3);

  // The registry saw one create, and no scratch database is left behind.
  json reg = sbx.registry();
  CHECK(reg.at("create_calls") == 1);
  CHECK(reg.at("requests").at(0).at("status") == "done");
  CHECK(reg.at("requests").at(0).at("source_version").get<std::string>().rfind("17.0.", 0) == 0);
  // Only this sandbox's scratch databases (ou_sandbox_<pid>_<request>): other tests may run
  // their own sandbox on the same server at the same time.
  CHECK(pg_query_value("postgres",
                       "SELECT count(*) FROM pg_database WHERE datname LIKE 'ou_sandbox_" +
                           std::to_string(sbx.pid()) + "\\_%'") == "0");
  CHECK(sbx.stop() == 0);
  CHECK_FALSE(fs::exists(sbx.state_dir() / "ready.json"));
}

TEST_CASE("sandbox: error shapes of the JSON-RPC API", "[integration][sandbox]") {
  TempDir dir("sbx-errors");
  SandboxProcess sbx;
  fs::path key = make_key(dir);

  HttpReply unknown = sbx.call("upgrade/request/status", {{"token", "nope"}});
  CHECK(unknown.status == 200);
  CHECK(unknown.headers.at("content-type").find("application/json") != std::string::npos);
  CHECK(unknown.headers.at("content-length") == std::to_string(unknown.body.size()));
  CHECK(unknown.json().at("result").at("error").is_string());
  CHECK(unknown.json().at("id") == "not_used");

  HttpReply missing = sbx.call("upgrade/request/status", json::object());
  json err = missing.json().at("error");
  CHECK_FALSE(missing.json().contains("result"));
  CHECK(err.at("code") == 200);
  CHECK(err.at("message") == "Odoo Server Error");
  CHECK(err.at("data").at("message") == "status() missing 1 required positional argument: 'token'");

  HttpReply no_type = sbx.call("upgrade/request/transfer/start", {{"token", "nope"}});
  CHECK(no_type.json().at("error").at("data").at("message") ==
        "transfer_start() missing 1 required positional argument: 'transfer_type'");

  HttpReply garbage = sbx.post("upgrade/request/status", json("not an object"));
  CHECK(garbage.json().at("error").at("code") == 200);

  HttpReply bad_target = sbx.call("upgrade/request/create",
                                  {{"contract", "M1"},
                                   {"target", "11.5"},
                                   {"aim", "test"},
                                   {"ssh_key", read_file(fs::path(key.string() + ".pub"))}});
  CHECK(bad_target.json().at("result").at("error").get<std::string>().find("invalid target") !=
        std::string::npos);
  HttpReply bad_aim = sbx.call("upgrade/request/create",
                               {{"contract", "M1"},
                                {"target", "18.0"},
                                {"aim", "staging"},
                                {"ssh_key", read_file(fs::path(key.string() + ".pub"))}});
  CHECK(bad_aim.json().at("result").contains("error"));

  HttpReply nowhere = sbx.call("upgrade/request/nothing", json::object());
  CHECK(nowhere.status == 404);
  CHECK(nowhere.json().at("error").at("data").at("message").get<std::string>().find(
            "upgrade/request/nothing") != std::string::npos);

  HttpReply logs = sbx.get("upgrade/request/logs?token=nope");
  CHECK(logs.status == 404);

  json reg = sbx.registry();
  CHECK(reg.at("create_calls") == 2);
  CHECK(reg.at("requests_created") == 0);
}

TEST_CASE("sandbox: HTTP faults and scenario changes at run time", "[integration][sandbox]") {
  TempDir dir("sbx-faults");
  SandboxProcess sbx({"--http-503-next", "1", "--processing-delay-ms", "0"});
  fs::path key = make_key(dir);

  HttpReply first = sbx.call("upgrade/request/status", {{"token", "x"}});
  CHECK(first.status == 503);
  CHECK(sbx.call("upgrade/request/status", {{"token", "x"}}).status == 200);

  sbx.set_scenario({{"bad_json_next", 1}});
  HttpReply bad = sbx.call("upgrade/request/status", {{"token", "x"}});
  CHECK(bad.status == 200);
  CHECK(json::parse(bad.body, nullptr, false).is_discarded());

  // A lost response: the request is created, the client sees a 503.
  sbx.set_scenario({{"lose_response_next", 1}});
  HttpReply lost = sbx.call("upgrade/request/create",
                            {{"contract", "M1"},
                             {"target", "18.0"},
                             {"aim", "test"},
                             {"ssh_key", read_file(fs::path(key.string() + ".pub"))}});
  CHECK(lost.status == 503);
  CHECK(sbx.registry().at("requests_created") == 1);
  CHECK(sbx.registry().at("create_calls") == 1);

  SECTION("cancel and archive a live request") {
    json created = create_request(sbx, key, "18.0");
    long long id = created.at("request_id");
    std::string token = created.at("token");
    sbx.set_scenario({{"request_id", id}, {"cancel", true}});
    CHECK(result_of(sbx.call("upgrade/request/status", {{"token", token}})).at("status") ==
          "cancelled");
    sbx.set_scenario({{"request_id", id}, {"archive", true}});
    json status = result_of(sbx.call("upgrade/request/status", {{"token", token}}));
    CHECK(status.at("archived") == true);
    CHECK(result_of(sbx.call("upgrade/request/transfer/start",
                             {{"token", token}, {"transfer_type", "upload"}}))
              .at("error")
              .get<std::string>()
              .find("archived") != std::string::npos);
  }

  SECTION("fail reason, target not above the source, and a missing dump") {
    json a = create_request(sbx, key, "18.0");
    write_file(sbx.data_dir(a.at("request_id")) / "origin.sql", tiny_odoo_sql("17.0.1.3"));
    sbx.set_scenario({{"request_id", a.at("request_id")}, {"fail_reason", "custom module boom"}});
    result_of(sbx.call("upgrade/request/process", {{"token", a.at("token")}}));
    CHECK(wait_final_status(sbx, a.at("token")) == "failed");
    CHECK(result_of(sbx.call("upgrade/request/status", {{"token", a.at("token")}})).at("reason") ==
          "custom module boom");

    json b = create_request(sbx, key, "17.0");
    write_file(sbx.data_dir(b.at("request_id")) / "origin.sql", tiny_odoo_sql("17.0.1.3"));
    result_of(sbx.call("upgrade/request/process", {{"token", b.at("token")}}));
    CHECK(wait_final_status(sbx, b.at("token")) == "failed");
    CHECK(result_of(sbx.call("upgrade/request/status", {{"token", b.at("token")}}))
              .at("reason")
              .get<std::string>()
              .find("already in version 17.0") != std::string::npos);

    json c = create_request(sbx, key, "18.0");
    fs::create_directories(sbx.data_dir(c.at("request_id")) / "origin.dump"); // no toc.dat
    CHECK(result_of(sbx.call("upgrade/request/process", {{"token", c.at("token")}}))
              .at("error")
              .get<std::string>()
              .find("no database dump") != std::string::npos);
  }
}

TEST_CASE("sandbox: a cut transfer completes when rsync retries with --partial",
          "[integration][sandbox]") {
  TempDir dir("sbx-cut");
  SandboxProcess sbx({"--cut-transfer-after-bytes", "300000"});
  fs::path key = make_key(dir);
  fs::path known_hosts = dir / "known_hosts";
  json created = create_request(sbx, key, "18.0");
  std::string token = created.at("token");

  // 2 MB of incompressible data.
  std::mt19937 rng(42);
  std::string data(2 * 1024 * 1024, '\0');
  for (auto& c : data) {
    c = static_cast<char>(rng() & 0xff);
  }
  fs::path file = dir / "origin.sql";
  write_file(file, data);

  json up = result_of(
      sbx.call("upgrade/request/transfer/start", {{"token", token}, {"transfer_type", "upload"}}));
  auto first =
      rsync(sbx, up, key, known_hosts, {"--partial", file.string(), remote(sbx, "/data/")});
  CHECK_FALSE(first.ok());
  CHECK(read_file(sbx.data_dir(1) / "origin.sql").size() < data.size());
  auto second =
      rsync(sbx, up, key, known_hosts, {"--partial", file.string(), remote(sbx, "/data/")});
  INFO(second.err);
  CHECK(second.ok());
  CHECK(read_file(sbx.data_dir(1) / "origin.sql") == data);
  std::string log = read_file(sbx.state_dir() / "requests" / "1" / "transfers.log");
  CHECK(log.find("\"cut\":true") != std::string::npos);
  CHECK(log.find("\"cut\":false") != std::string::npos);
  result_of(sbx.call("upgrade/request/transfer/stop", {{"token", token}}));
}

// A server that listens on a port with SO_REUSEPORT, as cpp-httplib's do by default.
class PortSquatter {
public:
  PortSquatter() {
    m_fd = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(m_fd, 4) == 0);
    socklen_t len = sizeof addr;
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
  }
  ~PortSquatter() { close(m_fd); }
  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

TEST_CASE("sandbox: refuses a port already in use", "[integration][sandbox]") {
  PortSquatter busy;
  TempDir dir("sandbox-busy");
  std::string port = std::to_string(busy.port());
  // Without the check the sandbox would start and serve: the timeout turns that into a failure.
  ProcessOptions opts;
  opts.timeout = std::chrono::seconds(30);
  for (const char* flag : {"--port", "--ssh-port"}) {
    auto r = run_process({binary_path("sandbox/odoo-upgrade-sandbox").string(),
                          "--state-dir",
                          (dir / flag).string(),
                          "--pg",
                          pg_admin_conninfo(),
                          flag,
                          port},
                         opts);
    INFO(flag << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("port " + port + " on 127.0.0.1 is already in use") != std::string::npos);
  }
}
