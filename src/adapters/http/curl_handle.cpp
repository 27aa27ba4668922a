#include <odoo_upgrade/adapters/http/curl_handle.hpp>
#include <odoo_upgrade/adapters/http/global.hpp>

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace odoo_upgrade::adapters::http {

namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Collects Content-Type and Content-Length (of the last response, after redirects or 100s).
struct HeaderState {
  std::string content_type;
  std::optional<long long> content_length;
  std::string location;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<HeaderState*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    *state = HeaderState{};
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = lower(line.substr(0, colon));
    std::string value = trim(line.substr(colon + 1));
    if (name == "content-type") {
      state->content_type = value;
    } else if (name == "location") {
      state->location = value;
    } else if (name == "content-length") {
      try {
        state->content_length = std::stoll(value);
      } catch (const std::exception&) {
        state->content_length.reset();
      }
    }
  }
  return size * count;
}

bool certainly_not_sent(CURLcode code, CURL* curl) {
  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
    return true;
  default:
    break;
  }
  // A timeout before the request started going out (connect or TLS handshake) sent nothing.
  curl_off_t pretransfer = 0;
  if (curl_easy_getinfo(curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK &&
      pretransfer == 0) {
    return true;
  }
  return false;
}

// libcurl (and its dependency tree) is loaded and initialised by the first handle, not at start-up:
// most commands never make an HTTP request.
CURL* new_easy_handle() {
  global_init();
  return curl_easy_init();
}

} // namespace

CurlHandle::CurlHandle() : m_curl(new_easy_handle()) {
  if (m_curl == nullptr) {
    throw std::runtime_error("curl_easy_init failed");
  }
}

CurlHandle::~CurlHandle() {
  if (m_curl != nullptr) {
    curl_easy_cleanup(m_curl);
  }
}

CurlHandle::CurlHandle(CurlHandle&& other) noexcept : m_curl(other.m_curl) {
  other.m_curl = nullptr;
}

CurlHandle& CurlHandle::operator=(CurlHandle&& other) noexcept {
  if (this != &other) {
    if (m_curl != nullptr) {
      curl_easy_cleanup(m_curl);
    }
    m_curl = other.m_curl;
    other.m_curl = nullptr;
  }
  return *this;
}

HttpResult CurlHandle::perform(const HttpRequest& request) {
  curl_easy_reset(m_curl);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  std::string body;
  HeaderState headers;
  Slist header_list;
  for (const auto& h : request.headers) {
    curl_slist* next = curl_slist_append(header_list.get(), h.c_str());
    if (next == nullptr) {
      throw std::runtime_error("curl_slist_append failed");
    }
    (void)header_list.release();
    header_list.reset(next);
  }

  curl_easy_setopt(m_curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(m_curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(m_curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(m_curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(m_curl, CURLOPT_FOLLOWLOCATION, 0L);
  // TLS verification is always on; a private CA is added, never a bypass.
  curl_easy_setopt(m_curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(m_curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (request.ca_file) {
    curl_easy_setopt(m_curl, CURLOPT_CAINFO, request.ca_file->c_str());
  }
  if (request.session_cookies) {
    // "": the cookie engine on, reading no file; cookies received stay in the handle across
    // curl_easy_reset.
    curl_easy_setopt(m_curl, CURLOPT_COOKIEFILE, "");
  }
  curl_easy_setopt(m_curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(
      m_curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(m_curl, CURLOPT_USERAGENT, "odoo-upgrade/0.1");
  curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(m_curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(m_curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(m_curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(m_curl, CURLOPT_HEADERDATA, &headers);
  if (request.method == HttpRequest::Method::post) {
    curl_easy_setopt(m_curl, CURLOPT_POST, 1L);
    curl_easy_setopt(m_curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(
        m_curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(m_curl, CURLOPT_HTTPGET, 1L);
  }

  CURLcode code = curl_easy_perform(m_curl);
  HttpResult result;
  if (code != CURLE_OK) {
    TransportFailure f;
    f.curl_code = static_cast<int>(code);
    f.message = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
    f.maybe_sent = !certainly_not_sent(code, m_curl);
    f.tls_verification = code == CURLE_PEER_FAILED_VERIFICATION ||
                         code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM;
    result.failure = std::move(f);
    curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, nullptr);
    return result;
  }
  HttpResponse response;
  curl_easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.content_type = std::move(headers.content_type);
  response.content_length = headers.content_length;
  response.location = std::move(headers.location);
  response.body = std::move(body);
  result.response = std::move(response);
  curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, nullptr);
  return result;
}

} // namespace odoo_upgrade::adapters::http
