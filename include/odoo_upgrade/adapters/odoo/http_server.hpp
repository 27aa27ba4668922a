#pragma once

#include <odoo_upgrade/adapters/odoo/invocation.hpp>
#include <odoo_upgrade/adapters/process.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

// The target Odoo's HTTP server, running for the life of one object on a loopback port: started
// by the constructor (through adapters::run_process on a thread of its own, so it dies with
// odoo-upgrade), stopped by stop() or the destructor with SIGTERM (Odoo shuts down in about 1 s;
// SIGKILL 5 s later if it does not), also when an exception or Ctrl-C unwinds the caller.
namespace odoo_upgrade::adapters::odoo {

// A TCP port on 127.0.0.1 that nothing listens on right now (bound and released). Throws
// FilesystemError when no socket can be made.
int free_loopback_port();

// One answer of the server, redirects followed.
struct PageAnswer {
  long status = 0;    // the last response's HTTP status; 0 when there was none
  std::string path;   // the path (and query) that answered last
  int redirects = 0;  // redirects followed
  std::string error;  // transport failure or redirect loop, when status is 0
  std::string body;   // the last response's body
  double seconds = 0; // the whole exchange, redirects included
};

class HttpServer {
public:
  // Starts `invocation` (a server_invocation on `port`). Never throws for the server's own
  // failures: wait_ready reports them.
  HttpServer(Invocation invocation, int port, std::filesystem::path logfile);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "http://127.0.0.1:PORT"
  std::string base_url() const;
  // Waits until GET /web/health answers (any HTTP status) *and* the server's log says it listens
  // ("HTTP service (werkzeug) running on", logged by Odoo 17.0 only once its socket is bound: an
  // answer before that comes from another program on the port), the process ends, another program
  // turns out to hold the port (Odoo's stderr: "OSError: [Errno 98] Address already in use"; the
  // Odoo process then keeps running without HTTP), or `timeout` passes. Returns the seconds from
  // start to the first answer, or std::nullopt with why_not() set. Throws Interrupted on Ctrl-C.
  std::optional<double> wait_ready(std::chrono::milliseconds timeout);
  const std::string& why_not() const { return m_why_not; }
  // True when wait_ready gave up because another program holds the port (start again on another).
  bool port_taken() const { return m_port_taken.load(); }
  // GET `path` ("/web/login?db=x") with a session cookie jar shared by this server's requests,
  // following up to `max_redirects` redirects inside the server. Each request is bounded by
  // `timeout`.
  PageAnswer
  get(const std::string& path, std::chrono::milliseconds timeout, int max_redirects = 10);
  // POST a JSON-RPC call to `path` (e.g. "/web/webclient/version_info"); the result's body.
  PageAnswer call(const std::string& path, std::chrono::milliseconds timeout);
  // Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it; idempotent. Returns how
  // it ended ("exit status 0").
  std::string stop();
  // Seconds since the constructor started the process.
  double elapsed() const;

private:
  void run();
  bool exited() const;
  bool listening() const;

  Invocation m_invocation;
  int m_port = 0;
  std::filesystem::path m_logfile;
  std::chrono::steady_clock::time_point m_started;
  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_done{false};
  std::atomic<bool> m_port_taken{false};
  mutable std::mutex m_mutex;
  std::optional<ProcessResult> m_result;
  std::string m_failure; // an exception that ended run()
  std::string m_why_not;
  struct Client;
  std::unique_ptr<Client> m_client;
  std::thread m_thread;
};

} // namespace odoo_upgrade::adapters::odoo
