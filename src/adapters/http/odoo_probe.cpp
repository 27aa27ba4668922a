#include <odoo_upgrade/adapters/http/curl_handle.hpp>
#include <odoo_upgrade/adapters/http/odoo_probe.hpp>
#include <odoo_upgrade/core/odoo_open.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace odoo_upgrade::adapters::http {

namespace {

using std::chrono::milliseconds;

struct Timed {
  HttpResult result;
  milliseconds elapsed{0};
};

Timed timed_perform(CurlHandle& curl, const HttpRequest& request, core::Clock& clock) {
  auto start = clock.now();
  Timed t;
  t.result = curl.perform(request);
  t.elapsed = std::chrono::duration_cast<milliseconds>(clock.now() - start);
  return t;
}

// One line saying why an exchange gave no usable answer; empty when it did (HTTP 2xx).
std::string problem(const HttpResult& r, const std::string& route) {
  if (r.failure) {
    return route + ": " + r.failure->message;
  }
  if (r.response->status < 200 || r.response->status >= 300) {
    return route + ": HTTP " + std::to_string(r.response->status);
  }
  return {};
}

// The path (and query) of a redirect inside the server at `base`; std::nullopt for another one.
std::optional<std::string> same_server(const std::string& location, const std::string& base) {
  if (!location.empty() && location.front() == '/') {
    return location;
  }
  if (location.rfind(base + "/", 0) == 0) {
    return location.substr(base.size());
  }
  return std::nullopt;
}

// GET /web/login?db=`database` with a cookie session, following up to 10 redirects inside the
// server: where it ends (Odoo 17 first answers 302 to the same URL with a session cookie).
core::monitor::LoginFacts login_page(const std::string& base,
                                     const std::string& database,
                                     milliseconds timeout,
                                     core::Clock& clock,
                                     milliseconds& elapsed) {
  core::monitor::LoginFacts l;
  l.database = database;
  CurlHandle curl;
  HttpRequest request;
  request.method = HttpRequest::Method::get;
  request.timeout = timeout;
  request.connect_timeout = std::min(timeout, milliseconds(10'000));
  request.session_cookies = true;
  std::string target = core::login_target(database);
  for (int hop = 0;; ++hop) {
    request.url = base + target;
    Timed t = timed_perform(curl, request, clock);
    elapsed = std::max(elapsed, t.elapsed);
    l.path = target;
    if (!t.result.response) {
      l.error = t.result.failure ? t.result.failure->message : "no answer";
      return l;
    }
    l.status = t.result.response->status;
    const std::string& location = t.result.response->location;
    if (l.status < 300 || l.status >= 400 || location.empty()) {
      return l;
    }
    auto next = same_server(location, base);
    if (!next || hop >= 10) {
      l.error = !next ? "redirected away to " + location : "more than 10 redirects";
      return l;
    }
    target = *next;
    ++l.redirects;
  }
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

} // namespace

core::monitor::HttpFacts probe_odoo(const std::string& base_url,
                                    milliseconds timeout,
                                    core::Clock& clock,
                                    const std::string& database) {
  core::monitor::HttpFacts facts;
  std::string base = trim_slash(base_url);
  CurlHandle curl;
  HttpRequest request;
  request.timeout = timeout;
  request.connect_timeout = std::min(timeout, milliseconds(10'000));
  std::vector<std::string> errors;

  // Health first: the cheapest route, and the one load balancers use.
  request.method = HttpRequest::Method::get;
  request.url = base + "/web/health";
  Timed health = timed_perform(curl, request, clock);
  facts.elapsed = health.elapsed;
  if (health.result.response && health.result.response->status == 404) {
    spdlog::debug("'{}' has no /web/health route (Odoo before 17)", base);
  } else if (std::string p = problem(health.result, "/web/health"); !p.empty()) {
    errors.push_back(p);
    // The route exists but does not say "pass" (503 when unhealthy, 502 from a proxy…).
    if (health.result.response) {
      facts.healthy = false;
    }
  } else {
    auto body = nlohmann::json::parse(health.result.response->body, nullptr, false);
    facts.healthy = body.is_object() && body.value("status", "") == "pass";
    facts.answered = true;
    facts.route = "/web/health";
  }
  // Transport failure on health: the server is unreachable, no point in a second call.
  if (health.result.failure) {
    facts.error = errors.front();
    return facts;
  }

  // The series, from the route every series has.
  request.method = HttpRequest::Method::post;
  request.url = base + "/web/webclient/version_info";
  request.headers = {"Content-Type: application/json"};
  request.body =
      nlohmann::json{
          {"jsonrpc", "2.0"}, {"method", "call"}, {"id", 1}, {"params", nlohmann::json::object()}}
          .dump();
  Timed version = timed_perform(curl, request, clock);
  facts.elapsed = std::max(facts.elapsed, version.elapsed);
  if (std::string p = problem(version.result, "/web/webclient/version_info"); !p.empty()) {
    errors.push_back(p);
  } else {
    auto body = nlohmann::json::parse(version.result.response->body, nullptr, false);
    const auto* result = body.is_object() && body.contains("result") && body["result"].is_object()
                             ? &body["result"]
                             : nullptr;
    if (result == nullptr) {
      errors.push_back("/web/webclient/version_info: not a JSON-RPC result");
    } else {
      if (result->contains("server_serie") && (*result)["server_serie"].is_string()) {
        facts.series = (*result)["server_serie"].get<std::string>();
      }
      facts.answered = true;
      if (facts.route.empty()) {
        facts.route = "/web/webclient/version_info";
      }
    }
  }
  // The database itself: /web/health and version info answer without any.
  if (facts.answered && !database.empty()) {
    facts.login = login_page(base, database, timeout, clock, facts.elapsed);
  }
  if (!errors.empty()) {
    std::string joined;
    for (const auto& e : errors) {
      joined += (joined.empty() ? "" : "; ") + e;
    }
    facts.error = joined;
  }
  return facts;
}

} // namespace odoo_upgrade::adapters::http
