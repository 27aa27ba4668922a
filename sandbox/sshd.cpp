#include "sshd.hpp"

#include "registry.hpp"

#include <odoo_upgrade/adapters/process.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;

namespace {

const char* k_sshd = "/usr/sbin/sshd";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail_lines(const std::string& text, int count) {
  std::size_t pos = text.size();
  for (int i = 0; i <= count && pos != std::string::npos && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

} // namespace

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    throw std::runtime_error("cannot create a socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool loopback_port_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  // No SO_REUSEADDR/SO_REUSEPORT: the bind fails when anything listens on the port, also a server
  // that set SO_REUSEPORT itself (which would otherwise share the port with us).
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return free;
}

bool loopback_port_accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string current_user_name() {
  passwd* pw = getpwuid(geteuid());
  if (pw == nullptr || pw->pw_name == nullptr) {
    throw std::runtime_error("cannot find the name of user " + std::to_string(geteuid()));
  }
  return pw->pw_name;
}

Sshd::Sshd(fs::path dir, int port)
    : m_dir(std::move(dir)), m_port(port), m_pick_port(port == 0), m_user(current_user_name()) {
  // A port given by the user must be free: otherwise the start check below would find the other
  // server answering and take it for ours.
  if (!m_pick_port && !loopback_port_free(m_port)) {
    throw std::runtime_error("ssh port " + std::to_string(m_port) +
                             " on 127.0.0.1 is already in use (choose another --ssh-port, or 0)");
  }
  prepare_files();
  // A port picked as free can be taken by someone else before sshd binds it: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (m_pick_port) {
      m_port = free_loopback_port();
    }
    if (start_once()) {
      return;
    }
    if (!m_pick_port) {
      break;
    }
  }
  throw std::runtime_error("sshd did not start on 127.0.0.1:" + std::to_string(m_port) + ":\n" +
                           tail_lines(read_text(m_log), 10));
}

Sshd::~Sshd() {
  stop();
}

void Sshd::prepare_files() {
  fs::create_directories(m_dir);
  m_host_key = m_dir / "ssh_host_ed25519_key";
  m_config = m_dir / "sshd_config";
  m_authorized_keys = m_dir / "authorized_keys";
  m_log = m_dir / "sshd.log";
  if (!fs::exists(m_host_key)) {
    auto r = adapters::run_process({"ssh-keygen",
                                    "-q",
                                    "-t",
                                    "ed25519",
                                    "-N",
                                    "",
                                    "-C",
                                    "odoo-upgrade-sandbox",
                                    "-f",
                                    m_host_key.string()});
    if (!r.ok()) {
      throw std::runtime_error("ssh-keygen failed (" + r.describe() + "): " + r.last_error_line());
    }
  }
  if (!fs::exists(m_authorized_keys)) {
    write_authorized_keys("");
  }
  if (geteuid() == 0) {
    // sshd running as root insists on its privilege separation directory.
    std::error_code ec;
    fs::create_directories("/run/sshd", ec);
    chmod("/run/sshd", 0755);
  }
}

namespace {

// The sshd configuration: loopback only, public keys only, no forwarding, the one user.
std::string sshd_config(int m_port,
                        const fs::path& m_host_key,
                        const fs::path& m_dir,
                        const fs::path& m_authorized_keys,
                        const std::string& m_user) {
  std::ostringstream cfg;
  cfg << "# Written by odoo-upgrade-sandbox; rewritten at each start.\n"
      << "Port " << m_port << "\n"
      << "ListenAddress 127.0.0.1\n"
      << "HostKey " << m_host_key.string() << "\n"
      << "PidFile " << (m_dir / "sshd.pid").string() << "\n"
      << "AuthorizedKeysFile " << m_authorized_keys.string() << "\n"
      << "StrictModes no\n"
      << "UsePAM no\n"
      << "PubkeyAuthentication yes\n"
      << "PasswordAuthentication no\n"
      << "KbdInteractiveAuthentication no\n"
      << "PermitRootLogin " << (geteuid() == 0 ? "forced-commands-only" : "no") << "\n"
      << "AllowUsers " << m_user << "\n"
      << "AllowTcpForwarding no\n"
      << "AllowAgentForwarding no\n"
      << "AllowStreamLocalForwarding no\n"
      << "X11Forwarding no\n"
      << "PermitTTY no\n"
      << "PermitTunnel no\n"
      << "PermitUserEnvironment no\n"
      << "PrintMotd no\n"
      << "UseDNS no\n"
      << "MaxStartups 100:30:200\n"
      << "MaxSessions 20\n"
      << "LogLevel INFO\n";
  return cfg.str();
}

// Starts sshd in the foreground (-D) with its output appended to the log; returns its pid.
pid_t spawn_sshd(const fs::path& m_log, const fs::path& m_config) {
  pid_t pid = -1;
  int log_fd = open(m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    throw std::runtime_error("cannot open '" + m_log.string() + "'");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = {k_sshd, "-D", "-e", "-f", m_config.string()};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  int rc = posix_spawn(&pid, k_sshd, &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(log_fd);
  if (rc != 0) {
    throw std::runtime_error(std::string("cannot start ") + k_sshd + ": " + strerror(rc) +
                             " (install openssh-server)");
  }
  return pid;
}

} // namespace

bool Sshd::start_once() {
  write_file_atomically(m_config,
                        sshd_config(m_port, m_host_key, m_dir, m_authorized_keys, m_user),
                        fs::perms::owner_read | fs::perms::owner_write);
  m_pid = spawn_sshd(m_log, m_config);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return false;
    }
    if (loopback_port_accepts(m_port)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  return false;
}

void Sshd::stop() {
  if (m_pid <= 0) {
    return;
  }
  kill(m_pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(m_pid, SIGKILL);
  int status = 0;
  waitpid(m_pid, &status, 0);
  m_pid = -1;
}

std::string Sshd::known_hosts() const {
  std::string pub = read_text(fs::path(m_host_key.string() + ".pub"));
  // "ssh-ed25519 AAAA… comment": keep the type and the key.
  std::istringstream in(pub);
  std::string type;
  std::string key;
  in >> type >> key;
  std::string port = std::to_string(m_port);
  return "[127.0.0.1]:" + port + " " + type + " " + key + "\n" + "[localhost]:" + port + " " +
         type + " " + key + "\n";
}

void Sshd::write_authorized_keys(const std::string& text) const {
  write_file_atomically(m_authorized_keys, text, fs::perms::owner_read | fs::perms::owner_write);
}

} // namespace odoo_upgrade::sandbox
