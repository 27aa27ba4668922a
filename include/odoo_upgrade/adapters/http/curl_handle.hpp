#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

typedef void CURL;

namespace odoo_upgrade::adapters::http {

struct HttpRequest {
  enum class Method { get, post };
  Method method = Method::post;
  std::string url;
  std::string body;                 // POST only
  std::vector<std::string> headers; // "Name: value"
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds connect_timeout{15000};
  // Extra CA bundle (PEM) trusted for this request. Verification itself is never turned off.
  std::optional<std::filesystem::path> ca_file;
  // Keep the cookies servers set on this handle (in memory only) and send them back with the
  // handle's later requests, as a browser session does.
  bool session_cookies = false;
};

// An HTTP answer, whatever its status: HTTP status and transport failures are kept apart.
struct HttpResponse {
  long status = 0;
  std::string content_type;                // "" when absent
  std::optional<long long> content_length; // the Content-Length header, when present
  std::string location;                    // the Location header (redirects), "" when absent
  std::string body;
};

// Why no HTTP answer came back.
struct TransportFailure {
  int curl_code = 0;
  std::string message; // curl's error text
  // False when the request certainly never reached the server (name resolution, connection or TLS
  // handshake failed): only then is a non-idempotent call safe to repeat.
  bool maybe_sent = true;
  // True for TLS certificate problems (retrying does not help).
  bool tls_verification = false;
};

struct HttpResult {
  std::optional<HttpResponse> response;
  std::optional<TransportFailure> failure;
};

// One libcurl easy handle with its header list and error buffer (RAII, move-only). Not
// thread-safe; curl_global_init must have run (cli::run does it).
class CurlHandle {
public:
  CurlHandle();
  ~CurlHandle();
  CurlHandle(CurlHandle&& other) noexcept;
  CurlHandle& operator=(CurlHandle&& other) noexcept;
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  // Performs `request`. Never throws for network problems: they come back as `failure`.
  HttpResult perform(const HttpRequest& request);

private:
  CURL* m_curl = nullptr;
};

} // namespace odoo_upgrade::adapters::http
