#pragma once

#include "test_env.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

// Runs the built odoo-upgrade-sandbox for a test: a loopback stand-in for Odoo's upgrade platform
// (HTTPS JSON-RPC + sshd/rsync + processing against the test PostgreSQL server). See
// docs/sandbox.md for the knobs.
namespace odoo_upgrade::test {

// One HTTP exchange made by SandboxProcess::post/get.
struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers; // names in lower case
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class SandboxProcess {
public:
  // Starts the sandbox in a fresh TempDir with `knobs` (command-line flags such as
  // "--processing-delay-ms", "0") against OU_TEST_PG_URI, and waits until it has written
  // ready.json. Fails the test with the sandbox's stderr when it does not come up in 30 s.
  explicit SandboxProcess(std::vector<std::string> knobs = {});
  // Stops the sandbox (SIGTERM) and waits for it.
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  const std::string& url() const { return m_url; } // https://127.0.0.1:PORT
  int port() const { return m_port; }
  // "127.0.0.1:PORT", what create returns as assigned_host_uri.
  std::string host_uri() const { return "127.0.0.1:" + std::to_string(m_port); }
  const std::filesystem::path& ca_file() const { return m_ca_file; }
  int ssh_port() const { return m_ssh_port; }
  const std::string& ssh_user() const { return m_ssh_user; }
  const std::filesystem::path& state_dir() const { return m_state_dir; }
  pid_t pid() const { return m_pid; }
  const nlohmann::json& ready() const { return m_ready; }

  // The registry file (requests with their tokens, create_calls…).
  nlohmann::json registry() const;
  // The folder clients see as /data for request `id`.
  std::filesystem::path data_dir(long long id) const;
  // What the sandbox printed on stderr so far.
  std::string stderr_text() const;

  // POSTs `body` as JSON to `path` (e.g. "upgrade/request/status"), verifying TLS with the CA.
  HttpReply post(const std::string& path, const nlohmann::json& body) const;
  // A JSON-RPC call as the official client makes it: {"jsonrpc": "2.0", "method": "not_used",
  // "id": "not_used", "params": params}.
  HttpReply call(const std::string& path, const nlohmann::json& params) const;
  HttpReply get(const std::string& path, const std::vector<std::string>& headers = {}) const;
  // Changes the scenario at run time (POST sandbox/scenario); `patch` may hold "request_id".
  nlohmann::json set_scenario(const nlohmann::json& patch) const;

  // Sends SIGTERM and waits (idempotent). Returns the exit status.
  int stop();

private:
  std::unique_ptr<TempDir> m_dir;
  std::filesystem::path m_state_dir;
  pid_t m_pid = -1;
  int m_exit_status = -1;
  nlohmann::json m_ready;
  std::string m_url;
  int m_port = 0;
  std::filesystem::path m_ca_file;
  int m_ssh_port = 0;
  std::string m_ssh_user;
};

} // namespace odoo_upgrade::test
