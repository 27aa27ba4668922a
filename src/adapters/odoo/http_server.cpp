#include <odoo_upgrade/adapters/http/curl_handle.hpp>
#include <odoo_upgrade/adapters/odoo/http_server.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace odoo_upgrade::adapters::odoo {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The path (and query) of a Location header, relative to the server: "/web/login?db=x" stays,
// "http://127.0.0.1:8069/web/login" → "/web/login"; std::nullopt for another host.
std::optional<std::string> local_target(const std::string& location, const std::string& base) {
  if (!location.empty() && location.front() == '/') {
    return location;
  }
  if (location.rfind(base, 0) == 0) {
    std::string rest = location.substr(base.size());
    return rest.empty() ? "/" : rest;
  }
  // Odoo builds absolute redirects from the Host header: "http://localhost:PORT/…" is the same.
  auto scheme = location.find("://");
  auto port = base.rfind(':');
  if (scheme != std::string::npos && port != std::string::npos) {
    auto slash = location.find('/', scheme + 3);
    std::string authority = location.substr(scheme + 3, slash - scheme - 3);
    if (authority == "localhost" + base.substr(port)) {
      return slash == std::string::npos ? "/" : location.substr(slash);
    }
  }
  return std::nullopt;
}

} // namespace

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw core::FilesystemError(std::string("cannot create a socket: ") + std::strerror(errno));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int e = errno;
    close(fd);
    throw core::FilesystemError(std::string("cannot find a free loopback port: ") +
                                std::strerror(e));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

struct HttpServer::Client {
  http::CurlHandle curl;
};

HttpServer::HttpServer(Invocation invocation, int port, std::filesystem::path logfile)
    : m_invocation(std::move(invocation)), m_port(port), m_logfile(std::move(logfile)),
      m_started(Clock::now()), m_client(std::make_unique<Client>()) {
  m_thread = std::thread([this] { run(); });
}

HttpServer::~HttpServer() {
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; stop() only joins a thread.
  }
}

void HttpServer::run() {
  ProcessOptions opts;
  opts.env = m_invocation.env;
  opts.unset_env = m_invocation.unset_env;
  opts.stop = &m_stop;
  opts.keep_bytes = 64 * 1024;
  // Odoo's HTTP thread dies on a port taken meanwhile, and the process carries on without HTTP.
  opts.on_stderr_line = [this](std::string_view line) {
    if (line.find("Address already in use") != std::string_view::npos) {
      m_port_taken = true;
    }
  };
  try {
    ProcessResult r = run_process(m_invocation.argv, opts);
    std::lock_guard lock(m_mutex);
    m_result = std::move(r);
  } catch (const std::exception& e) {
    std::lock_guard lock(m_mutex);
    m_failure = e.what();
  }
  m_done = true;
}

bool HttpServer::exited() const {
  return m_done.load();
}

bool HttpServer::listening() const {
  std::ifstream in(m_logfile);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("HTTP service (werkzeug) running on") != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string HttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(m_port);
}

double HttpServer::elapsed() const {
  return seconds_since(m_started);
}

std::optional<double> HttpServer::wait_ready(milliseconds timeout) {
  http::HttpRequest request;
  request.method = http::HttpRequest::Method::get;
  request.url = base_url() + "/web/health";
  request.timeout = milliseconds(5000);
  request.connect_timeout = milliseconds(1000);
  http::CurlHandle probe;
  while (true) {
    core::throw_if_interrupted();
    if (exited()) {
      std::lock_guard lock(m_mutex);
      m_why_not = !m_failure.empty()
                      ? m_failure
                      : "it exited (" + m_result->describe() + "): " + m_result->last_error_line();
      return std::nullopt;
    }
    if (m_port_taken) {
      m_why_not = "another program took 127.0.0.1:" + std::to_string(m_port) +
                  " before the target Odoo could listen on it (Address already in use)";
      return std::nullopt;
    }
    auto answer = probe.perform(request);
    if (answer.response && listening()) {
      return elapsed();
    }
    if (elapsed() * 1000 > static_cast<double>(timeout.count())) {
      m_why_not =
          "no answer on " + base_url() + " after " + std::to_string(timeout.count() / 1000) + " s";
      return std::nullopt;
    }
    std::this_thread::sleep_for(milliseconds(250));
  }
}

PageAnswer HttpServer::get(const std::string& path, milliseconds timeout, int max_redirects) {
  PageAnswer a;
  auto start = Clock::now();
  std::string target = path;
  http::HttpRequest request;
  request.method = http::HttpRequest::Method::get;
  request.timeout = timeout;
  request.connect_timeout = milliseconds(5000);
  request.session_cookies = true;
  for (int hop = 0;; ++hop) {
    core::throw_if_interrupted();
    request.url = base_url() + target;
    auto result = m_client->curl.perform(request);
    a.path = target;
    if (!result.response) {
      a.status = 0;
      a.error = result.failure ? result.failure->message : "no answer";
      break;
    }
    a.status = result.response->status;
    a.body = std::move(result.response->body);
    bool redirect = a.status >= 300 && a.status < 400 && !result.response->location.empty();
    if (!redirect) {
      break;
    }
    auto next = local_target(result.response->location, base_url());
    if (!next || hop >= max_redirects) {
      a.error = !next ? "redirected away to " + result.response->location
                      : "more than " + std::to_string(max_redirects) + " redirects";
      break;
    }
    target = *next;
    ++a.redirects;
  }
  a.seconds = seconds_since(start);
  return a;
}

PageAnswer HttpServer::call(const std::string& path, milliseconds timeout) {
  PageAnswer a;
  auto start = Clock::now();
  http::HttpRequest request;
  request.method = http::HttpRequest::Method::post;
  request.url = base_url() + path;
  request.headers = {"Content-Type: application/json"};
  request.body =
      nlohmann::json{
          {"jsonrpc", "2.0"}, {"method", "call"}, {"id", 1}, {"params", nlohmann::json::object()}}
          .dump();
  request.timeout = timeout;
  request.session_cookies = true;
  auto result = m_client->curl.perform(request);
  a.path = path;
  if (result.response) {
    a.status = result.response->status;
    a.body = std::move(result.response->body);
  } else {
    a.error = result.failure ? result.failure->message : "no answer";
  }
  a.seconds = seconds_since(start);
  return a;
}

std::string HttpServer::stop() {
  m_stop = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
  std::lock_guard lock(m_mutex);
  if (!m_failure.empty()) {
    return m_failure;
  }
  return m_result ? m_result->describe() : "not started";
}

} // namespace odoo_upgrade::adapters::odoo
