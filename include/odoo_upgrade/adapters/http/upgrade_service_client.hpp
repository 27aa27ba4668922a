#pragma once

#include <odoo_upgrade/adapters/http/curl_handle.hpp>
#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/ports/upgrade_service.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The real UpgradeService: JSON-RPC 2.0 over HTTPS with libcurl, as Odoo's own `upgrade` script
// speaks it (docs: /work/shared/docs/upgrade-service.md §1.1-1.2).
namespace odoo_upgrade::adapters::http {

inline constexpr std::string_view k_default_service_url = "https://upgrade.odoo.com";

struct ServiceClientConfig {
  std::string base_url{k_default_service_url};  // used until a host is pinned
  std::optional<std::filesystem::path> ca_file; // private CA to trust (sandbox, rehearsals)
  std::chrono::milliseconds timeout{60000};     // per HTTP request
  int max_attempts = 6;                         // per call, for retryable failures
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
};

// How one HTTP exchange ended, once mapped (the single place that maps HTTP to errors).
struct CallOutcome {
  enum class Kind {
    ok,        // `result` holds the JSON-RPC result (or `text` for the logs endpoint)
    retryable, // transport error or 5xx: the same call may be repeated
    fatal,     // application error, 4xx, TLS trust problem: repeating will not help
  };
  Kind kind = Kind::fatal;
  nlohmann::json result;
  std::string text;
  std::string message; // lower-case, names the endpoint
  std::string hint;
  bool maybe_sent = true; // for failures: whether the server may have acted on the call
};

// The JSON-RPC 2.0 envelope the official client sends ("not_used" method and id).
std::string rpc_envelope(const nlohmann::json& params);
// Maps an HTTP exchange with JSON-RPC endpoint `endpoint` to an outcome; `required` are the keys
// the result must have.
CallOutcome map_rpc_outcome(const HttpResult& http,
                            std::string_view endpoint,
                            const std::vector<std::string>& required);
// Maps an exchange with the plain-text logs endpoint.
CallOutcome map_logs_outcome(const HttpResult& http);
// Base URL for a host as create/status return it: "https://" + host unless it has a scheme.
std::string url_for_host(std::string_view host);

class UpgradeServiceClient : public ports::UpgradeService {
public:
  UpgradeServiceClient(ServiceClientConfig config, core::Clock& clock);

  ports::CreatedRequest create_request(const ports::CreateRequestParams& params) override;
  ports::TransferGrant start_transfer(const std::string& token,
                                      ports::TransferDirection direction) override;
  void stop_transfer(const std::string& token) override;
  bool process(const std::string& token) override;
  ports::RequestStatus status(const std::string& token) override;
  std::string logs(const std::string& token, std::uint64_t from_byte) override;
  void pin_host(const std::string& host) override;

  const std::string& base_url() const { return m_base_url; }

private:
  enum class Retry { yes, no };
  nlohmann::json call(std::string_view endpoint,
                      const nlohmann::json& params,
                      const std::vector<std::string>& required,
                      Retry retry);
  HttpRequest make_request(std::string url) const;

  ServiceClientConfig m_config;
  core::Clock& m_clock;
  std::string m_base_url;
  CurlHandle m_curl;
};

} // namespace odoo_upgrade::adapters::http
