#include "jsonrpc.hpp"
#include "model.hpp"

#include <catch2/catch.hpp>

using namespace odoo_upgrade::sandbox;
using nlohmann::json;

namespace {

const std::string k_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILlSxyIITFtPWPGerV9aIEMtYY3dPj/bx7gncX0IEB9b";

json create_params() {
  return {{"contract", "M1234"},
          {"target", "18.0"},
          {"aim", "test"},
          {"actuator", "cli"},
          {"env_vars", json::array({"FOO=bar"})},
          {"ssh_key", k_key + " me@host\n"},
          {"api_version", "0.2"}};
}

} // namespace

TEST_CASE("sandbox::to_string(Status) uses the wire names", "[sandbox]") {
  CHECK(to_string(Status::created) == "new");
  CHECK(to_string(Status::progress) == "progress");
  for (auto s : {Status::created,
                 Status::pending,
                 Status::progress,
                 Status::done,
                 Status::failed,
                 Status::cancelled}) {
    CHECK(parse_status(to_string(s)) == s);
  }
  CHECK_FALSE(parse_status("created"));
  CHECK(is_terminal(Status::done));
  CHECK(is_terminal(Status::cancelled));
  CHECK_FALSE(is_terminal(Status::pending));
}

TEST_CASE("sandbox::parse_series", "[sandbox]") {
  CHECK(parse_series("17.0") == Series{17, 0});
  CHECK(parse_series("saas~17.2") == Series{17, 2});
  CHECK_FALSE(parse_series("17"));
  CHECK_FALSE(parse_series("abc"));
  CHECK_FALSE(parse_series("17.x"));
  CHECK(*parse_series("saas~17.4") < *parse_series("18.0"));
  CHECK(series_of_version("17.0.1.3") == Series{17, 0});
  CHECK(series_of_version("saas~17.2.1.0") == Series{17, 2});
  CHECK_FALSE(series_of_version("1.0"));
}

TEST_CASE("sandbox::upgraded_version", "[sandbox]") {
  CHECK(upgraded_version("17.0.1.3", "18.0") == "18.0.1.3");
  CHECK(upgraded_version("16.0.2.2.1", "17.0") == "17.0.2.2.1");
  CHECK(upgraded_version("saas~17.2.1.0", "18.0") == "18.0.1.0");
  CHECK(upgraded_version("17.0", "saas~17.2") == "saas~17.2");
  CHECK(upgraded_version("1.0", "18.0") == "1.0");
  CHECK(upgraded_version("", "18.0") == "");
}

TEST_CASE("sandbox::check_upgrade_path", "[sandbox]") {
  CHECK_FALSE(check_upgrade_path("17.0.1.3", "18.0"));
  CHECK_FALSE(check_upgrade_path("17.0.1.3", "saas~17.1"));
  CHECK(check_upgrade_path("17.0.1.3", "17.0"));
  CHECK(check_upgrade_path("18.0.1.3", "17.0")->find("already in version 18.0") !=
        std::string::npos);
  CHECK(check_upgrade_path("garbage", "18.0"));
}

TEST_CASE("sandbox::check_create accepts the official client's parameters", "[sandbox]") {
  auto c = check_create(create_params(), default_target_series(), {});
  REQUIRE_FALSE(c.error);
  REQUIRE(c.params);
  CHECK(c.params->ssh_key == k_key); // comment and newline dropped
  CHECK(c.params->aim == Aim::test);
  CHECK(c.params->env_vars == std::vector<std::string>{"FOO=bar"});
  CHECK(c.params->api_version == "0.2");
}

TEST_CASE("sandbox::check_create refusals", "[sandbox]") {
  struct Case {
    std::string name;
    json patch;
    ApiError::Kind kind;
    std::string fragment;
  };
  std::vector<Case> cases = {
      {"unknown target", {{"target", "18.5"}}, ApiError::Kind::application, "invalid target"},
      {"bad aim", {{"aim", "prod"}}, ApiError::Kind::application, "invalid aim"},
      {"empty contract", {{"contract", ""}}, ApiError::Kind::application, "contract"},
      {"bad env", {{"env_vars", json::array({"no equals"})}}, ApiError::Kind::application, "VAR"},
      {"bad key", {{"ssh_key", "ssh-ed25519 not base64!"}}, ApiError::Kind::application, "SSH"},
      {"key with options",
       {{"ssh_key", "command=\"x\" " + k_key}},
       ApiError::Kind::application,
       "SSH"},
      {"two keys", {{"ssh_key", k_key + "\n" + k_key}}, ApiError::Kind::application, "SSH"},
      {"api version", {{"api_version", "1.0"}}, ApiError::Kind::application, "api_version"},
      {"unexpected arg", {{"colour", "red"}}, ApiError::Kind::server, "unexpected keyword"},
      {"wrong type", {{"target", 18}}, ApiError::Kind::server, "must be a string"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      json p = create_params();
      p.update(c.patch);
      auto r = check_create(p, default_target_series(), {});
      REQUIRE(r.error);
      CHECK(r.error->kind == c.kind);
      CHECK(r.error->message.find(c.fragment) != std::string::npos);
    }
  }
}

TEST_CASE("sandbox::check_create missing arguments read like Python's TypeError", "[sandbox]") {
  json p = create_params();
  p.erase("aim");
  p.erase("target");
  auto r = check_create(p, default_target_series(), {});
  REQUIRE(r.error);
  CHECK(r.error->kind == ApiError::Kind::server);
  CHECK(r.error->name == "builtins.TypeError");
  CHECK(r.error->message == "create() missing 2 required positional arguments: 'target' and 'aim'");
}

TEST_CASE("sandbox::check_create with a contract list", "[sandbox]") {
  CHECK(check_create(create_params(), default_target_series(), {"OTHER"}).error);
  CHECK_FALSE(check_create(create_params(), default_target_series(), {"M1234"}).error);
}

TEST_CASE("sandbox::check_transfer_start", "[sandbox]") {
  RequestFacts f;
  CHECK_FALSE(check_transfer_start(f, TransferType::upload));
  CHECK(check_transfer_start(f, TransferType::download));
  f.status = Status::done;
  CHECK_FALSE(check_transfer_start(f, TransferType::download));
  CHECK(check_transfer_start(f, TransferType::upload));
  f.archived = true;
  CHECK(check_transfer_start(f, TransferType::download)->message.find("archived") !=
        std::string::npos);
  f = {};
  f.status = Status::progress;
  CHECK(check_transfer_start(f, TransferType::download));
}

TEST_CASE("sandbox::check_process", "[sandbox]") {
  RequestFacts f;
  CHECK(check_process(f)->message.find("no database dump") != std::string::npos);
  f.dump_uploaded = true;
  CHECK_FALSE(check_process(f));
  f.status = Status::pending;
  CHECK(check_process(f));
  f.status = Status::created;
  f.archived = true;
  CHECK(check_process(f));
}

TEST_CASE("sandbox::check_wipe", "[sandbox]") {
  RequestFacts f;
  CHECK_FALSE(check_wipe(f));
  f.status = Status::progress;
  CHECK(check_wipe(f));
  f.status = Status::done;
  CHECK_FALSE(check_wipe(f));
}

TEST_CASE("sandbox::parse_range", "[sandbox]") {
  CHECK(parse_range("")->start == 0);
  CHECK_FALSE(parse_range("")->last);
  CHECK(parse_range("bytes=42-")->start == 42);
  CHECK(parse_range("bytes=0-9")->last == 9u);
  CHECK_FALSE(parse_range("bytes=-5"));
  CHECK_FALSE(parse_range("bytes=1-2,4-5"));
  CHECK_FALSE(parse_range("lines=1-"));
  CHECK_FALSE(parse_range("bytes=9-3"));
}

TEST_CASE("sandbox::authorized_keys_text", "[sandbox]") {
  std::string text = authorized_keys_text({{1, "ssh-ed25519 AAA", "gate 1 upload"},
                                           {3, "ssh-ed25519 AAA", "gate 2 upload"},
                                           {2, "ssh-rsa BBB", "gate 3 download"}});
  CHECK(text == "command=\"gate 2 upload\",restrict ssh-ed25519 AAA\n"
                "command=\"gate 3 download\",restrict ssh-rsa BBB\n");
  CHECK(authorized_keys_text({}).empty());
}

TEST_CASE("sandbox::error_body shapes", "[sandbox]") {
  json app = json::parse(error_body("not_used", application_error("nope")));
  CHECK(app == json{{"jsonrpc", "2.0"}, {"id", "not_used"}, {"result", {{"error", "nope"}}}});
  json srv = json::parse(error_body(nullptr, server_error("builtins.TypeError", "bad")));
  CHECK(srv["error"]["code"] == 200);
  CHECK(srv["error"]["message"] == "Odoo Server Error");
  CHECK(srv["error"]["data"]["message"] == "bad");
  CHECK(srv["error"]["data"]["name"] == "builtins.TypeError");
  CHECK_FALSE(srv.contains("result"));
}

TEST_CASE("sandbox::parse_call", "[sandbox]") {
  auto ok = parse_call(R"({"jsonrpc":"2.0","method":"not_used","id":"x","params":{"token":"t"}})");
  REQUIRE(ok.call);
  CHECK(ok.call->id == "x");
  CHECK(ok.call->params["token"] == "t");
  CHECK(parse_call("{nope").error);
  CHECK(parse_call("[1]").error);
  auto no_params = parse_call(R"({"id": 3})");
  REQUIRE(no_params.call);
  CHECK(no_params.call->params.is_object());
}
