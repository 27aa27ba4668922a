#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

// The platform's private SSH endpoint: an OpenSSH sshd on loopback, run by the sandbox itself
// (no systemd), with its own host key and an authorized_keys file the API rewrites on every
// transfer/start and transfer/stop.
namespace odoo_upgrade::sandbox {

class Sshd {
public:
  // Prepares `dir` (host key generated with ssh-keygen when missing, sshd_config, an empty
  // authorized_keys), starts `/usr/sbin/sshd -D -e -f <config>` on 127.0.0.1:`port` (a free port
  // when 0) and waits until it accepts connections. sshd runs as the current user, and only that
  // user may log in (root: with forced commands only). Throws std::runtime_error with the tail of
  // sshd's log when it does not come up.
  Sshd(std::filesystem::path dir, int port);
  ~Sshd();
  Sshd(const Sshd&) = delete;
  Sshd& operator=(const Sshd&) = delete;

  // Stops sshd (SIGTERM, then SIGKILL) and waits for it. Idempotent.
  void stop();

  int port() const { return m_port; }
  // The login name clients must use (the user running the sandbox).
  const std::string& user() const { return m_user; }
  // known_hosts text for this endpoint: "[127.0.0.1]:PORT ssh-ed25519 AAAA…" and the same line
  // for [localhost].
  std::string known_hosts() const;
  // Replaces the authorized_keys file (atomically).
  void write_authorized_keys(const std::string& text) const;
  const std::filesystem::path& authorized_keys_path() const { return m_authorized_keys; }

private:
  void prepare_files();
  bool start_once();

  std::filesystem::path m_dir;
  std::filesystem::path m_config;
  std::filesystem::path m_host_key;
  std::filesystem::path m_authorized_keys;
  std::filesystem::path m_log;
  int m_port = 0;
  bool m_pick_port = false;
  std::string m_user;
  pid_t m_pid = -1;
};

// A free TCP port on 127.0.0.1 (bound and released at once).
int free_loopback_port();
// True when something accepts TCP connections on 127.0.0.1:`port`.
bool loopback_port_accepts(int port);
// True when nothing listens on 127.0.0.1:`port` (a bind without SO_REUSEADDR/SO_REUSEPORT
// succeeds).
bool loopback_port_free(int port);
// Name of the user running this process.
std::string current_user_name();

} // namespace odoo_upgrade::sandbox
