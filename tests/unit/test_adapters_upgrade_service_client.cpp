#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/http/upgrade_service_client.hpp>

#include <catch2/catch.hpp>
#include <curl/curl.h>

using namespace odoo_upgrade;
using namespace odoo_upgrade::adapters::http;
using Kind = CallOutcome::Kind;

namespace {

// Payloads recorded in the format of the official client's exchanges (tests/support/fixtures).
std::string recorded(const std::string& name) {
  return test::read_file(std::filesystem::path(OU_SOURCE_DIR) /
                         "tests/support/fixtures/upgrade_service" / (name + ".json"));
}

HttpResult json_response(std::string body, long status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.content_length = static_cast<long long>(body.size());
  r.body = std::move(body);
  return {r, std::nullopt};
}

HttpResult transport(int code, bool maybe_sent, bool tls = false) {
  TransportFailure f;
  f.curl_code = code;
  f.message = "boom";
  f.maybe_sent = maybe_sent;
  f.tls_verification = tls;
  return {std::nullopt, f};
}

} // namespace

TEST_CASE("adapters::http::rpc_envelope", "[adapters]") {
  auto doc = nlohmann::json::parse(rpc_envelope({{"token", "x"}}));
  CHECK(doc["jsonrpc"] == "2.0");
  CHECK(doc["method"] == "not_used");
  CHECK(doc["id"] == "not_used");
  CHECK(doc["params"]["token"] == "x");
}

TEST_CASE("adapters::http::map_rpc_outcome", "[adapters]") {
  SECTION("a create result with every key") {
    auto o = map_rpc_outcome(json_response(recorded("create_ok")),
                             "upgrade/request/create",
                             {"request_id", "token", "assigned_host_uri"});
    REQUIRE(o.kind == Kind::ok);
    CHECK(o.result["request_id"] == 4242);
    CHECK(o.result["assigned_host_uri"] == "upgrade-eu1.odoo.com");
  }
  SECTION("the application error channel: result.error") {
    auto o =
        map_rpc_outcome(json_response(recorded("create_refused")), "upgrade/request/create", {});
    CHECK(o.kind == Kind::fatal);
    CHECK(o.message ==
          "upgrade service refused 'upgrade/request/create': Contract 'M1234' not found or "
          "expired.");
  }
  SECTION("Odoo's exception channel: error.data.message") {
    auto o = map_rpc_outcome(json_response(recorded("server_error")), "upgrade/request/create", {});
    CHECK(o.kind == Kind::fatal);
    CHECK(o.message.find("create() missing 1 required positional argument: 'target'") !=
          std::string::npos);
  }
  SECTION("a status with reason") {
    auto o = map_rpc_outcome(
        json_response(recorded("status_failed")), "upgrade/request/status", {"status"});
    REQUIRE(o.kind == Kind::ok);
    CHECK(o.result["reason"] == "Module 'auditlog' has no 18.0 version");
  }
  SECTION("missing keys") {
    auto o = map_rpc_outcome(json_response(recorded("transfer_start_missing_known_hosts")),
                             "upgrade/request/transfer/start",
                             {"ssh_port", "known_hosts"});
    CHECK(o.kind == Kind::fatal);
    CHECK(o.message.find("missing data: known_hosts") != std::string::npos);
  }
  SECTION("5xx and transport errors are retryable; 4xx is not") {
    CHECK(map_rpc_outcome(json_response("", 503), "x", {}).kind == Kind::retryable);
    CHECK(map_rpc_outcome(json_response("<html>", 502), "x", {}).kind == Kind::retryable);
    CHECK(map_rpc_outcome(json_response("nope", 404), "x", {}).kind == Kind::fatal);
    auto refused = map_rpc_outcome(transport(CURLE_COULDNT_CONNECT, false), "x", {});
    CHECK(refused.kind == Kind::retryable);
    CHECK_FALSE(refused.maybe_sent);
    auto timeout = map_rpc_outcome(transport(CURLE_OPERATION_TIMEDOUT, true), "x", {});
    CHECK(timeout.kind == Kind::retryable);
    CHECK(timeout.maybe_sent);
    CHECK(timeout.message.find("timed out") != std::string::npos);
  }
  SECTION("TLS verification failures are fatal and hint at --ca-file") {
    auto o = map_rpc_outcome(transport(CURLE_PEER_FAILED_VERIFICATION, false, true), "x", {});
    CHECK(o.kind == Kind::fatal);
    CHECK(o.hint.find("--ca-file") != std::string::npos);
  }
  SECTION("empty, non-JSON and malformed answers") {
    HttpResult empty = json_response("");
    empty.response->content_length = 0;
    CHECK(map_rpc_outcome(empty, "x", {}).kind == Kind::retryable);
    CHECK(map_rpc_outcome(json_response("{not json"), "x", {}).kind == Kind::retryable);
    HttpResult html = json_response("<html></html>");
    html.response->content_type = "text/html";
    CHECK(map_rpc_outcome(html, "x", {}).kind == Kind::retryable);
    CHECK(map_rpc_outcome(json_response(R"({"jsonrpc":"2.0"})"), "x", {})
              .message.find("bad JSONRPC response") != std::string::npos);
  }
}

TEST_CASE("adapters::http::map_logs_outcome", "[adapters]") {
  HttpResponse r;
  r.status = 206;
  r.body = "2026-11-21 16:00:00,000 1 INFO db odoo.modules: loading\n";
  CHECK(map_logs_outcome({r, std::nullopt}).text == r.body);
  HttpResponse past_end;
  past_end.status = 416;
  auto o = map_logs_outcome({past_end, std::nullopt});
  CHECK(o.kind == Kind::ok);
  CHECK(o.text.empty());
  HttpResponse unavailable;
  unavailable.status = 503;
  CHECK(map_logs_outcome({unavailable, std::nullopt}).kind == Kind::retryable);
}

TEST_CASE("adapters::http::url_for_host", "[adapters]") {
  CHECK(url_for_host("upgrade-eu1.odoo.com") == "https://upgrade-eu1.odoo.com");
  CHECK(url_for_host("127.0.0.1:8443") == "https://127.0.0.1:8443");
  CHECK(url_for_host("https://upgrade.odoo.com/") == "https://upgrade.odoo.com");
}
