#include <odoo_upgrade/adapters/http/upgrade_service_client.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace odoo_upgrade::adapters::http {

namespace {

using Kind = CallOutcome::Kind;

const char* k_trust_hint = "pass the service's CA with --ca-file (or ODOO_UPGRADE_CA_FILE) when it "
                           "uses a private certificate authority";

CallOutcome failure(Kind kind, std::string message, std::string hint = {}, bool maybe_sent = true) {
  CallOutcome o;
  o.kind = kind;
  o.message = std::move(message);
  o.hint = std::move(hint);
  o.maybe_sent = maybe_sent;
  return o;
}

std::string shorten(std::string_view text, std::size_t max = 200) {
  std::string s(text.substr(0, max));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return text.size() > max ? s + "…" : s;
}

// Transport failures and HTTP statuses shared by both kinds of endpoint. std::nullopt when the
// exchange produced a 2xx answer worth decoding.
std::optional<CallOutcome> map_transport_and_status(const HttpResult& http,
                                                    std::string_view endpoint) {
  std::string where = "upgrade service call '" + std::string(endpoint) + "'";
  if (http.failure) {
    const auto& f = *http.failure;
    if (f.tls_verification) {
      return failure(Kind::fatal,
                     where + " failed: TLS verification failed: " + f.message,
                     k_trust_hint,
                     false);
    }
    bool timeout = f.curl_code == CURLE_OPERATION_TIMEDOUT;
    return failure(Kind::retryable,
                   where + (timeout ? " timed out: " : " failed: ") + f.message,
                   "check the network connection to the upgrade service",
                   f.maybe_sent);
  }
  const auto& r = *http.response;
  if (r.status >= 500) {
    return failure(Kind::retryable,
                   where + " failed: HTTP " + std::to_string(r.status),
                   "the upgrade service may be overloaded or in maintenance; try again later");
  }
  if (r.status == 408 || r.status == 429) {
    return failure(Kind::retryable, where + " failed: HTTP " + std::to_string(r.status));
  }
  if (r.status >= 400) {
    return failure(Kind::fatal,
                   where + " failed: HTTP " + std::to_string(r.status) +
                       (r.body.empty() ? "" : ": " + shorten(r.body)),
                   "check the service URL (--service-url)");
  }
  return std::nullopt;
}

} // namespace

std::string rpc_envelope(const nlohmann::json& params) {
  return nlohmann::json{
      {"jsonrpc", "2.0"}, {"method", "not_used"}, {"id", "not_used"}, {"params", params}}
      .dump();
}

CallOutcome map_rpc_outcome(const HttpResult& http,
                            std::string_view endpoint,
                            const std::vector<std::string>& required) {
  if (auto early = map_transport_and_status(http, endpoint)) {
    return *early;
  }
  const auto& r = *http.response;
  std::string where = "upgrade service call '" + std::string(endpoint) + "'";
  // The official client treats a missing or zero Content-Length as an empty answer.
  if (r.body.empty() || (r.content_length && *r.content_length == 0)) {
    return failure(Kind::retryable, where + ": empty response (missing data: result)");
  }
  if (r.content_type.find("application/json") == std::string::npos) {
    return failure(Kind::retryable,
                   where + ": unexpected response of type '" + r.content_type + "'");
  }
  nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return failure(Kind::retryable, where + ": response is not valid JSON");
  }
  if (doc.contains("result")) {
    const auto& result = doc["result"];
    // The service's own channel for refusals: {"result": {"error": "human text"}}.
    if (result.is_object() && result.contains("error")) {
      std::string msg =
          result["error"].is_string() ? result["error"].get<std::string>() : result["error"].dump();
      return failure(
          Kind::fatal, "upgrade service refused '" + std::string(endpoint) + "': " + msg, {}, true);
    }
    std::vector<std::string> missing;
    for (const auto& key : required) {
      if (!result.is_object() || !result.contains(key)) {
        missing.push_back(key);
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) {
        list += (list.empty() ? "" : ", ") + m;
      }
      return failure(Kind::fatal,
                     where + ": response has not the expected format (missing data: " + list + ")",
                     "the service's protocol may have changed; check for a newer odoo-upgrade");
    }
    CallOutcome ok;
    ok.kind = Kind::ok;
    ok.result = result;
    return ok;
  }
  // Odoo's JSON-RPC exception format: {"error": {"data": {"message": …}}}.
  std::string msg = "upgrade server bad JSONRPC response";
  if (doc.contains("error") && doc["error"].is_object()) {
    const auto& e = doc["error"];
    if (e.contains("data") && e["data"].is_object() && e["data"].contains("message") &&
        e["data"]["message"].is_string()) {
      msg = e["data"]["message"].get<std::string>();
    } else if (e.contains("message") && e["message"].is_string()) {
      msg = e["message"].get<std::string>();
    }
  }
  return failure(Kind::fatal, "upgrade service error on '" + std::string(endpoint) + "': " + msg);
}

CallOutcome map_logs_outcome(const HttpResult& http) {
  // A range past the end is "nothing new", not an error.
  if (http.response && http.response->status == 416) {
    CallOutcome ok;
    ok.kind = Kind::ok;
    return ok;
  }
  if (auto early = map_transport_and_status(http, "upgrade/request/logs")) {
    return *early;
  }
  CallOutcome ok;
  ok.kind = Kind::ok;
  ok.text = http.response->body;
  return ok;
}

std::string url_for_host(std::string_view host) {
  std::string h(host);
  while (!h.empty() && h.back() == '/') {
    h.pop_back();
  }
  if (h.find("://") != std::string::npos) {
    return h;
  }
  return "https://" + h;
}

UpgradeServiceClient::UpgradeServiceClient(ServiceClientConfig config, core::Clock& clock)
    : m_config(std::move(config)), m_clock(clock), m_base_url(url_for_host(m_config.base_url)) {}

HttpRequest UpgradeServiceClient::make_request(std::string url) const {
  HttpRequest req;
  req.url = std::move(url);
  req.timeout = m_config.timeout;
  req.ca_file = m_config.ca_file;
  return req;
}

nlohmann::json UpgradeServiceClient::call(std::string_view endpoint,
                                          const nlohmann::json& params,
                                          const std::vector<std::string>& required,
                                          Retry retry) {
  auto delay = m_config.first_backoff;
  for (int attempt = 1;; ++attempt) {
    core::throw_if_interrupted();
    HttpRequest req = make_request(m_base_url + "/" + std::string(endpoint));
    req.method = HttpRequest::Method::post;
    req.headers = {"Content-Type: application/json", "Accept: application/json"};
    req.body = rpc_envelope(params);
    spdlog::debug("POST {}", req.url);
    CallOutcome outcome = map_rpc_outcome(m_curl.perform(req), endpoint, required);
    if (outcome.kind == Kind::ok) {
      return outcome.result;
    }
    if (outcome.kind == Kind::fatal) {
      throw core::ServiceError(outcome.message, outcome.hint);
    }
    // Retryable. A call that is not safe to repeat is repeated only when it certainly never
    // reached the server.
    if (retry == Retry::no && outcome.maybe_sent) {
      throw ports::AmbiguousCreateError(
          outcome.message + " (the request may or may not have been created)",
          "check the service (or wait a few minutes and run 'odoo-upgrade status --refresh'); "
          "run 'odoo-upgrade test-request --abandon' then 'odoo-upgrade test-request' to create a "
          "new request");
    }
    if (attempt >= m_config.max_attempts) {
      throw core::ServiceError(
          outcome.message + " (after " + std::to_string(attempt) + " attempts)", outcome.hint);
    }
    spdlog::warn("{}; retrying in {:.1f}s ({}/{})",
                 outcome.message,
                 static_cast<double>(delay.count()) / 1000.0,
                 attempt,
                 m_config.max_attempts - 1);
    m_clock.sleep_for(delay);
    delay = std::min(delay * 2, m_config.max_backoff);
  }
}

ports::CreatedRequest UpgradeServiceClient::create_request(const ports::CreateRequestParams& p) {
  nlohmann::json params = {{"contract", p.contract},
                           {"target", p.target},
                           {"aim", p.aim},
                           {"actuator", "cli"},
                           {"env_vars", p.env_vars},
                           {"ssh_key", p.ssh_public_key},
                           {"api_version", "0.2"}};
  auto r = call(
      "upgrade/request/create", params, {"request_id", "token", "assigned_host_uri"}, Retry::no);
  ports::CreatedRequest created;
  try {
    created.request_id = r["request_id"].is_number()
                             ? r["request_id"].get<long long>()
                             : std::stoll(r["request_id"].get<std::string>());
    created.token = r["token"].get<std::string>();
    created.host = r["assigned_host_uri"].is_string() ? r["assigned_host_uri"].get<std::string>()
                                                      : std::string();
  } catch (const std::exception& e) {
    throw ports::AmbiguousCreateError(
        std::string("upgrade service call 'upgrade/request/create': unreadable answer: ") +
            e.what(),
        "the request may have been created; check the service before creating another");
  }
  if (r.contains("info") && r["info"].is_string()) {
    created.info = r["info"].get<std::string>();
  }
  if (!created.host.empty()) {
    pin_host(created.host);
  }
  return created;
}

ports::TransferGrant UpgradeServiceClient::start_transfer(const std::string& token,
                                                          ports::TransferDirection direction) {
  bool download = direction == ports::TransferDirection::download;
  std::vector<std::string> required{"ssh_port", "known_hosts"};
  if (download) {
    required.emplace_back("dump_name");
  }
  auto r = call("upgrade/request/transfer/start",
                {{"token", token}, {"transfer_type", download ? "download" : "upload"}},
                required,
                Retry::yes);
  ports::TransferGrant g;
  try {
    g.ssh_port = r["ssh_port"].is_number() ? r["ssh_port"].get<int>()
                                           : std::stoi(r["ssh_port"].get<std::string>());
    g.known_hosts = r["known_hosts"].get<std::string>();
    if (download) {
      g.dump_name = r["dump_name"].get<std::string>();
    }
  } catch (const std::exception& e) {
    throw core::ServiceError(
        std::string("upgrade service call 'upgrade/request/transfer/start': unreadable answer: ") +
        e.what());
  }
  return g;
}

void UpgradeServiceClient::stop_transfer(const std::string& token) {
  call("upgrade/request/transfer/stop", {{"token", token}}, {}, Retry::yes);
}

bool UpgradeServiceClient::process(const std::string& token) {
  auto r =
      call("upgrade/request/process", {{"token", token}}, {"is_pg_version_compatible"}, Retry::yes);
  return r["is_pg_version_compatible"].is_boolean() ? r["is_pg_version_compatible"].get<bool>()
                                                    : true;
}

ports::RequestStatus UpgradeServiceClient::status(const std::string& token) {
  auto r = call("upgrade/request/status", {{"token", token}}, {"status"}, Retry::yes);
  ports::RequestStatus s;
  s.state_text = r["status"].is_string() ? r["status"].get<std::string>() : r["status"].dump();
  s.state = ports::parse_request_state(s.state_text);
  if (r.contains("reason") && r["reason"].is_string()) {
    s.reason = r["reason"].get<std::string>();
  }
  s.archived = r.contains("archived") && r["archived"].is_boolean() && r["archived"].get<bool>();
  if (r.contains("host_uri") && r["host_uri"].is_string()) {
    s.host = r["host_uri"].get<std::string>();
  }
  if (!s.host.empty()) {
    pin_host(s.host);
  }
  return s;
}

std::string UpgradeServiceClient::logs(const std::string& token, std::uint64_t from_byte) {
  char* escaped = curl_easy_escape(nullptr, token.c_str(), static_cast<int>(token.size()));
  std::string query = escaped != nullptr ? escaped : "";
  curl_free(escaped);
  auto delay = m_config.first_backoff;
  for (int attempt = 1;; ++attempt) {
    core::throw_if_interrupted();
    HttpRequest req = make_request(m_base_url + "/upgrade/request/logs?token=" + query);
    req.method = HttpRequest::Method::get;
    req.headers = {"Range: bytes=" + std::to_string(from_byte) + "-"};
    CallOutcome outcome = map_logs_outcome(m_curl.perform(req));
    if (outcome.kind == Kind::ok) {
      return outcome.text;
    }
    if (outcome.kind == Kind::fatal || attempt >= m_config.max_attempts) {
      throw core::ServiceError(outcome.message, outcome.hint);
    }
    spdlog::debug("{}; retrying", outcome.message);
    m_clock.sleep_for(delay);
    delay = std::min(delay * 2, m_config.max_backoff);
  }
}

void UpgradeServiceClient::pin_host(const std::string& host) {
  std::string url = url_for_host(host);
  if (url != m_base_url) {
    spdlog::debug("upgrade service: using host '{}'", host);
    m_base_url = url;
  }
}

} // namespace odoo_upgrade::adapters::http
