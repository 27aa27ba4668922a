#pragma once

#include "certificates.hpp"
#include "registry.hpp"
#include "scenario.hpp"
#include "sshd.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class SSLServer;
struct Request;
struct Response;
} // namespace httplib

// The sandbox platform: the HTTPS JSON-RPC API, the admin endpoint, the request registry, the
// private sshd and the processing threads, wired together.
namespace odoo_upgrade::sandbox {

struct PlatformOptions {
  std::filesystem::path state_dir; // absolute
  std::string pg_conninfo;         // PostgreSQL server used for processing (admin rights)
  int port = 0;                    // HTTPS port; 0 picks a free one
  int ssh_port = 0;                // sshd port; 0 picks a free one
  Scenario scenario;               // the knobs given on the command line
  std::vector<std::string> targets = default_target_series();
  std::vector<std::string> contracts; // accepted subscription codes; empty accepts any
  unsigned seed = 0;                  // seed of the random faults (http_error_rate)
  std::filesystem::path program;      // this binary (the SSH forced command runs it)
};

class Platform {
public:
  // Generates the TLS files, starts sshd and binds the HTTPS port; throws std::runtime_error
  // when one of them cannot start.
  explicit Platform(PlatformOptions options);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Serves HTTPS in a background thread and returns once the port accepts connections.
  void start();
  // Stops the HTTPS server, lets processing threads end (they fail their request), stops sshd.
  void stop();

  std::string url() const;
  int port() const { return m_port; }
  const TlsFiles& tls() const { return m_tls; }
  const Sshd& sshd() const { return *m_sshd; }
  // The content of ready.json.
  nlohmann::json ready_info() const;

private:
  using Handler = void (Platform::*)(const nlohmann::json& id,
                                     const nlohmann::json& params,
                                     httplib::Response& res);

  void register_routes();
  void handle_api(const httplib::Request& req, httplib::Response& res, Handler handler);
  void handle_logs(const httplib::Request& req, httplib::Response& res);
  void handle_admin_scenario(const httplib::Request& req, httplib::Response& res);
  void handle_admin_requests(const httplib::Request& req, httplib::Response& res);

  void api_create(const nlohmann::json& id, const nlohmann::json& params, httplib::Response& res);
  void api_transfer_start(const nlohmann::json& id,
                          const nlohmann::json& params,
                          httplib::Response& res);
  void
  api_transfer_stop(const nlohmann::json& id, const nlohmann::json& params, httplib::Response& res);
  void api_process(const nlohmann::json& id, const nlohmann::json& params, httplib::Response& res);
  void api_status(const nlohmann::json& id, const nlohmann::json& params, httplib::Response& res);
  void api_wipe(const nlohmann::json& id, const nlohmann::json& params, httplib::Response& res);

  // Before handling: true when the request is answered by a fault (503) instead.
  bool inject_fault_before(httplib::Response& res);
  // After handling: may replace the response (lost response, bad JSON).
  void inject_fault_after(httplib::Response& res);

  std::optional<Request> request_for_token(const nlohmann::json& id,
                                           const nlohmann::json& params,
                                           const char* endpoint,
                                           const std::vector<std::string>& optional,
                                           httplib::Response& res);
  Scenario global_scenario() const;
  Scenario scenario_for(long long request_id) const;
  RequestFacts facts(const Request& request) const;
  void refresh_authorized_keys();
  void refresh_cut_control(long long request_id);
  void start_processing(const Request& request);
  void on_final_status(long long request_id);
  std::string now() const;

  PlatformOptions m_options;
  TlsFiles m_tls;
  std::unique_ptr<Sshd> m_sshd;
  std::unique_ptr<httplib::SSLServer> m_server;
  std::unique_ptr<Registry> m_registry;
  int m_port = 0;
  std::thread m_server_thread;

  mutable std::mutex m_scenario_mutex;
  Scenario m_scenario;
  std::mt19937 m_rng;

  std::mutex m_keys_mutex;
  std::mutex m_threads_mutex;
  std::vector<std::thread> m_threads;
  std::atomic<bool> m_stopping{false};
  bool m_stopped = false;
};

} // namespace odoo_upgrade::sandbox
