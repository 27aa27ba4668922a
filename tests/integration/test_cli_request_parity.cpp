// What Odoo's official upgrade script can do, through the built binary against the sandbox
// platform and the real Odoo 17 fixture: a request created elsewhere attached by its token
// (test-request --attach, status --token), the service log after the fact (log), environment
// variables for the platform (--env), and a round stopped once downloaded (--no-restore) then
// restored (--restore-only).
#include "../support/production_fixture.hpp"
#include "../support/sandbox_process.hpp"
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace odoo_upgrade;
using test::run_cli;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_contract = "M-TEST-0001";

test::ProductionOptions on(const test::SandboxProcess& sandbox) {
  test::ProductionOptions o;
  o.sandbox = &sandbox;
  return o;
}

json last_round(const test::Production& p) {
  return p.project()["rounds"].back();
}

std::string secret(const test::Production& p, const std::string& key) {
  return json::parse(test::read_file(p.dir / "odoo-upgrade.secrets.json")).value(key, "");
}

// Neither stdout nor stderr of `res`, nor the project file, shows `value`.
void require_hidden(const test::Production& p,
                    const adapters::ProcessResult& res,
                    const std::string& value) {
  CHECK(res.out.find(value) == std::string::npos);
  CHECK(res.err.find(value) == std::string::npos);
  CHECK(test::read_file(p.project_path()).find(value) == std::string::npos);
}

// A client key pair as the official script makes one (its private half 0600).
stdfs::path make_key(const test::TempDir& dir) {
  stdfs::path key = dir / "upgrade_ssh_key";
  auto r =
      adapters::run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
  REQUIRE(r.ok());
  return key;
}

json result_of(const test::HttpReply& reply) {
  REQUIRE(reply.status == 200);
  json result = reply.json().at("result");
  REQUIRE_FALSE(result.contains("error"));
  return result;
}

// What the official script does for `test -d DB`: create with its own key, pg_dump in directory
// format, rsync it up as origin.dump, stop the transfer and process. Returns the token.
std::string official_script_request(const test::SandboxProcess& sb,
                                    const test::Production& p,
                                    const stdfs::path& key) {
  json created = result_of(sb.call("upgrade/request/create",
                                   {{"contract", k_contract},
                                    {"target", "18.0"},
                                    {"aim", "test"},
                                    {"actuator", "cli"},
                                    {"env_vars", json::array()},
                                    {"ssh_key", test::read_file(key.string() + ".pub")},
                                    {"api_version", "0.2"}}));
  std::string token = created.at("token");
  stdfs::path dump = p.dir / "elsewhere" / "origin.dump";
  stdfs::create_directories(dump.parent_path());
  auto d = adapters::run_process({"pg_dump",
                                  "--no-owner",
                                  "--format",
                                  "d",
                                  "--file",
                                  dump.string(),
                                  "--dbname=" + test::pg_conninfo(p.db)});
  INFO(d.err);
  REQUIRE(d.ok());
  json grant = result_of(
      sb.call("upgrade/request/transfer/start", {{"token", token}, {"transfer_type", "upload"}}));
  stdfs::path known_hosts = p.dir / "elsewhere" / "known_hosts";
  test::write_file(known_hosts, grant.at("known_hosts").get<std::string>());
  std::string ssh = "ssh -p " + std::to_string(grant.at("ssh_port").get<int>()) +
                    " -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes"
                    " -o UserKnownHostsFile=" +
                    known_hosts.string() + " -i " + key.string();
  auto up = adapters::run_process({"rsync",
                                   "-a",
                                   "-e",
                                   ssh,
                                   dump.string() + "/",
                                   sb.ssh_user() + "@127.0.0.1:/data/origin.dump"});
  INFO(up.err);
  REQUIRE(up.ok());
  result_of(sb.call("upgrade/request/transfer/stop", {{"token", token}}));
  result_of(sb.call("upgrade/request/process", {{"token", token}}));
  return token;
}

} // namespace

TEST_CASE("a lost round: --env, log, status --token, --attach --no-restore, --restore-only",
          "[integration][test-request][parity]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "1500"});
  test::Production p(on(sandbox));
  const std::string value = "s3cr3t-platform-value";

  // Bad --env entries are refused before anything happens, naming the variable, never the value.
  auto bad = p.cli({"test-request", "--contract", k_contract, "--env", "1X=" + value});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--env '1X=...'") != std::string::npos);
  CHECK(bad.err.find(value) == std::string::npos);
  CHECK(p.cli({"test-request", "--env", "A=1", "--env", "A=2"}).exit_code == 2);
  CHECK(p.cli({"test-request", "--ssh-key", "/nonexistent"}).exit_code == 2);
  CHECK(p.cli({"test-request", "--restore-only"}).exit_code == 3);
  CHECK(p.project().value("rounds", json::array()).empty());

  // A round started with environment variables for the platform, left while processing.
  auto started = p.cli({"test-request",
                        "--contract",
                        k_contract,
                        "--jobs",
                        "2",
                        "--no-wait",
                        "--env",
                        "UPG_SECRET=" + value,
                        "--env",
                        "UPG_DEBUG=1"});
  INFO("stderr: " << started.err);
  REQUIRE(started.exit_code == 8);
  json round = last_round(p);
  CHECK(round["env_vars"] == json::array({"UPG_SECRET", "UPG_DEBUG"}));
  CHECK(sandbox.registry()["requests"][0]["env_vars"] ==
        json::array({"UPG_SECRET=" + value, "UPG_DEBUG=1"}));
  require_hidden(p, started, value);
  auto st = p.cli({"status"});
  CHECK(st.out.find("env:    UPG_SECRET, UPG_DEBUG") != std::string::npos);
  CHECK(st.out.find("log:    odoo-upgrade log --round 1") != std::string::npos);

  // The service log, followed until processing ends, then after the fact.
  auto followed = p.cli({"log", "--follow"});
  INFO("log stderr: " << followed.err);
  REQUIRE(followed.exit_code == 0);
  CHECK(followed.out.find("upgrade to 18.0 done") != std::string::npos);
  CHECK(followed.err.find("round 1: the request is done") != std::string::npos);
  auto shown = p.cli({"--json", "log", "--round", "1"});
  REQUIRE(shown.exit_code == 0);
  json log_doc = json::parse(shown.out);
  CHECK(log_doc["source"] == "service");
  CHECK(log_doc["log"].get<std::string>() == followed.out);
  CHECK(p.cli({"log", "--round", "7"}).exit_code == 3);

  // The round is lost (given up here); its request lives on at the service.
  std::string token = secret(p, "round.1.token");
  REQUIRE(token.size() >= 8);
  REQUIRE(p.cli({"test-request", "--abandon", "--yes"}).exit_code == 0);
  stdfs::path token_file = p.dir / "token.txt";
  test::write_file(token_file, token + "\n");

  // A one-off look by token: nothing recorded, the token never printed.
  std::string before = test::read_file(p.project_path());
  auto look = p.cli({"--json", "status", "--token-file", token_file.string()});
  INFO("look stderr: " << look.err);
  REQUIRE(look.exit_code == 0);
  CHECK(json::parse(look.out)["token_status"]["status"] == "done");
  CHECK(test::read_file(p.project_path()) == before);
  require_hidden(p, look, token);
  CHECK(p.cli({"status", "--token", "not-a-token-of-the-service"}).exit_code == 4);

  // Without a project, the user's config file (XDG) names the service: the official script's
  // `status -t TOKEN` anywhere.
  test::TempDir elsewhere("parity-xdg");
  stdfs::create_directories(elsewhere / "config" / "odoo-upgrade");
  test::write_file(elsewhere / "config" / "odoo-upgrade" / "config.json",
                   json{{"service_url", sandbox.url()},
                        {"ca_file", sandbox.ca_file().string()},
                        {"data_server_user", sandbox.ssh_user()},
                        {"jobs", 2}}
                       .dump());
  std::vector<std::pair<std::string, std::string>> xdg{
      {"XDG_CONFIG_HOME", (elsewhere / "config").string()}};
  auto anywhere =
      run_cli({"--json", "status", "--token-file", token_file.string()}, elsewhere.path(), xdg);
  INFO("xdg stderr: " << anywhere.err);
  CHECK(anywhere.exit_code == 0);
  CHECK(json::parse(anywhere.out)["token_status"]["status"] == "done");
  auto log_anywhere = run_cli({"log", "--token-file", token_file.string()}, elsewhere.path(), xdg);
  CHECK(log_anywhere.exit_code == 0);
  CHECK(log_anywhere.out == followed.out);
  // Without it, the default service (upgrade.odoo.com) would be asked: not here. A broken config
  // file is exit 6 naming it.
  test::write_file(elsewhere / "config" / "odoo-upgrade" / "config.json", R"({"jobs": 0})");
  auto broken = run_cli({"status", "--token-file", token_file.string()}, elsewhere.path(), xdg);
  CHECK(broken.exit_code == 6);
  CHECK(broken.err.find("config.json.jobs") != std::string::npos);
  CHECK(p.cli({"test-request", "--attach", "not-a-token-of-the-service"}).exit_code == 4);
  CHECK(test::read_file(p.project_path()) == before);

  // Attached as a new round, downloaded, checked and stopped there.
  auto attached = p.cli({"test-request", "--attach-file", token_file.string(), "--no-restore"});
  INFO("attach stderr: " << attached.err);
  REQUIRE(attached.exit_code == 0);
  CHECK(attached.out.find("round 2 downloaded (not restored)") != std::string::npos);
  require_hidden(p, attached, token);
  round = last_round(p);
  CHECK(round["number"] == 2);
  CHECK(round["state"] == "downloaded");
  CHECK(round["attached_at"].is_string());
  CHECK(round["request_id"].is_null());
  CHECK(secret(p, "round.2.token") == token);
  CHECK(sandbox.registry().value("create_calls", -1) == 1);
  std::string test_db = round["test_db"];
  CHECK_FALSE(test::pg_database_exists(test_db));
  st = p.cli({"status"});
  CHECK(st.out.find("report: " + round["received"]["report_path"].get<std::string>()) !=
        std::string::npos);

  // --restore-only checks the waiting dump against its checksum first.
  stdfs::path toc = stdfs::path(round["received"]["dump"]["path"].get<std::string>()) / "toc.dat";
  std::string original = test::read_file(toc);
  test::write_file(toc, original + "x");
  auto tampered = p.cli({"test-request", "--restore-only"});
  CHECK(tampered.exit_code == 6);
  CHECK(tampered.err.find("changed since its download") != std::string::npos);
  CHECK_FALSE(test::pg_database_exists(test_db));
  test::write_file(toc, original);
  auto restored = p.cli({"test-request", "--restore-only", "--jobs", "2"});
  INFO("restore stderr: " << restored.err);
  REQUIRE(restored.exit_code == 0);
  CHECK(restored.out.find("round 2 tested") != std::string::npos);
  CHECK(last_round(p)["state"] == "tested");
  CHECK(test::pg_database_exists(test_db));
  CHECK(test::pg_query_value(test_db,
                             "SELECT latest_version FROM ir_module_module WHERE name = 'base'")
            .rfind("18.0.", 0) == 0);
}

TEST_CASE("test-request --attach follows a request the official script created with its key",
          "[integration][test-request][parity]") {
  test::SandboxProcess sandbox({"--processing-delay-ms", "300"});
  test::Production p(on(sandbox));
  stdfs::path key = make_key(p.dir);
  std::string token = official_script_request(sandbox, p, key);

  // A key others may read is refused (ssh would refuse it later).
  stdfs::permissions(key, stdfs::perms::others_read, stdfs::perm_options::add);
  auto open_key = p.cli({"test-request", "--attach", token, "--ssh-key", key.string()});
  CHECK(open_key.exit_code == 2);
  CHECK(open_key.err.find("readable by other users") != std::string::npos);
  stdfs::permissions(key, stdfs::perms::others_read, stdfs::perm_options::remove);
  // Production cannot take a request this way before its freeze.
  CHECK(p.cli({"prod-request", "--attach", token}).exit_code == 3);

  // Request hooks notify; the failing one only warns. They never see the token.
  json doc = p.project();
  doc["hooks"] = {
      {"request_started", {"echo started $ODOO_UPGRADE_REQUEST $ODOO_UPGRADE_AIM >> events.txt"}},
      {"request_done", {"echo done $ODOO_UPGRADE_REQUEST_STATUS >> events.txt", "exit 3"}},
      {"round_tested", {"echo tested $ODOO_UPGRADE_TEST_DB >> events.txt", "env > hook-env.txt"}}};
  p.save_project(doc);

  // The token from the environment, the request's own key: followed, downloaded, restored.
  auto res = p.cli({"test-request", "--jobs", "2", "--ssh-key", key.string()},
                   {{"ODOO_UPGRADE_ATTACH_TOKEN", token}});
  INFO("stderr: " << res.err);
  REQUIRE(res.exit_code == 0);
  CHECK(res.out.find("round 1 tested") != std::string::npos);
  CHECK(res.out.find("sent       elsewhere") != std::string::npos);
  require_hidden(p, res, token);
  json round = last_round(p);
  CHECK(round["state"] == "tested");
  CHECK(round["ssh_key"] == stdfs::absolute(key).string());
  CHECK(round["neutralized_by"] == "service");
  CHECK(sandbox.registry().value("create_calls", -1) == 1);
  CHECK(p.project()["phase"] == "tested");
  CHECK(test::read_file(p.dir / "events.txt") ==
        "started round 1 test\ndone done\ntested " + round["test_db"].get<std::string>() + "\n");
  CHECK(res.err.find("a request hook only notifies") != std::string::npos);
  CHECK(test::read_file(p.dir / "hook-env.txt").find(token) == std::string::npos);

  // For people who run many customers: one table, a broken project shown with its error.
  stdfs::path customers = p.dir / "customers";
  stdfs::create_directories(customers / "acme");
  stdfs::create_directories(customers / "broken");
  stdfs::create_directories(customers / "not-a-project");
  stdfs::copy_file(p.project_path(), customers / "acme" / "odoo-upgrade.json");
  test::write_file(customers / "broken" / "odoo-upgrade.json", "{ not json");
  auto all = p.cli({"--json", "status", "--all", customers.string()});
  INFO("status --all stderr: " << all.err);
  CHECK(all.exit_code == 6);
  json rows = json::parse(all.out)["projects"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["customer"] == p.project()["customer"]);
  CHECK(rows[0]["phase"] == "tested");
  CHECK(rows[0]["last_round"] == json{{"number", 1}, {"state", "tested"}});
  CHECK(rows[0]["next"].get<std::string>().find("uat") != std::string::npos);
  CHECK(rows[1].contains("error"));
  auto one = p.cli({"status", "--all", (customers / "acme").string()});
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("#1 tested") != std::string::npos);
  // A project named twice (its folder, then its file spelled another way) is listed once.
  auto twice = p.cli({"--json",
                      "status",
                      "--all",
                      (customers / "acme").string(),
                      "--all",
                      (customers / "acme" / ".." / "acme" / "odoo-upgrade.json").string()});
  CHECK(twice.exit_code == 0);
  CHECK(json::parse(twice.out)["projects"].size() == 1);
  CHECK(p.cli({"status", "--all", (p.dir / "nowhere").string()}).exit_code == 2);
}
