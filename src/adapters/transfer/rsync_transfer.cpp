#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/adapters/transfer/rsync_transfer.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>

namespace odoo_upgrade::adapters::transfer {

namespace stdfs = std::filesystem;

namespace {

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])) != 0) {
      ++i;
    }
    std::size_t start = i;
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])) == 0) {
      ++i;
    }
    if (i > start) {
      parts.push_back(line.substr(start, i - start));
    }
  }
  return parts;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A 0600 temporary file holding the known_hosts text; removed on destruction.
class KnownHostsFile {
public:
  explicit KnownHostsFile(const std::string& text) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        (tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp")) +
        "/odoo-upgrade-known-hosts-XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd < 0) {
      throw core::FilesystemError("cannot create a temporary known_hosts file in '" +
                                  stdfs::path(pattern).parent_path().string() + "'");
    }
    close(fd);
    m_path = pattern;
    fs::write_file_atomic(m_path, text.empty() || text.back() == '\n' ? text : text + "\n", 0600);
  }
  ~KnownHostsFile() {
    std::error_code ec;
    stdfs::remove(m_path, ec);
  }
  KnownHostsFile(const KnownHostsFile&) = delete;
  KnownHostsFile& operator=(const KnownHostsFile&) = delete;
  const stdfs::path& path() const { return m_path; }

private:
  stdfs::path m_path;
};

std::string remote_spec(const ports::TransferTarget& t, const std::string& name) {
  std::string host = t.host;
  if (host.find(':') != std::string::npos) {
    host = "[" + host + "]"; // IPv6 literal
  }
  std::string dir = t.remote_dir.empty() ? "/data" : t.remote_dir;
  while (dir.size() > 1 && dir.back() == '/') {
    dir.pop_back();
  }
  return t.user + "@" + host + ":" + dir + "/" + name;
}

} // namespace

std::optional<ports::TransferProgress> parse_rsync_progress(std::string_view line) {
  auto parts = split_ws(line);
  if (parts.size() < 4) {
    return std::nullopt;
  }
  // bytes: digits with thousands separators (',' or '.' depending on locale).
  std::uint64_t bytes = 0;
  bool any_digit = false;
  for (char c : parts[0]) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      bytes = bytes * 10 + static_cast<std::uint64_t>(c - '0');
      any_digit = true;
    } else if (c != ',' && c != '.' && c != '\'') {
      return std::nullopt;
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  std::string_view pct = parts[1];
  if (pct.size() < 2 || pct.back() != '%') {
    return std::nullopt;
  }
  int percent = 0;
  for (char c : pct.substr(0, pct.size() - 1)) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    percent = percent * 10 + (c - '0');
  }
  if (percent > 100 || parts[2].find("/s") == std::string_view::npos) {
    return std::nullopt;
  }
  ports::TransferProgress p;
  p.bytes = bytes;
  p.percent = percent;
  p.rate = std::string(parts[2]);
  p.eta = std::string(parts[3]);
  p.elapsed = line.find("(xfr#") != std::string_view::npos;
  return p;
}

stdfs::path ensure_ssh_key(const stdfs::path& project_path) {
  stdfs::path dir = fs::sibling_path(stdfs::absolute(project_path), "ssh");
  stdfs::path key = dir / "id_rsa";
  std::error_code ec;
  if (!stdfs::exists(key, ec)) {
    stdfs::create_directories(dir, ec);
    if (ec) {
      throw core::FilesystemError("cannot create '" + dir.string() + "': " + ec.message());
    }
    chmod(dir.c_str(), 0700);
    // Key generation is the same as the official client's (RSA, no passphrase).
    auto r = run_process({"ssh-keygen",
                          "-q",
                          "-t",
                          "rsa",
                          "-b",
                          "3072",
                          "-N",
                          "",
                          "-C",
                          "odoo-upgrade",
                          "-f",
                          key.string()});
    if (!r.ok()) {
      throw core::FilesystemError("cannot generate the project's SSH key '" + key.string() +
                                  "': " + r.last_error_line());
    }
    chmod(key.c_str(), 0600);
    spdlog::info("generated the project's SSH key {}", key.string());
  }
  // As the official client does: make sure this user can use the key, once per process (a request
  // asks for the key before its create, its upload and its download).
  static std::mutex checked_mutex;
  static std::set<std::string> checked;
  std::lock_guard lock(checked_mutex);
  if (checked.count(key.string()) != 0) {
    return key;
  }
  auto check = run_process({"ssh-keygen", "-y", "-f", key.string()});
  if (!check.ok()) {
    throw core::FilesystemError("the project's SSH key '" + key.string() +
                                    "' cannot be read by this user: " + check.last_error_line(),
                                "run odoo-upgrade as the user who created the project");
  }
  checked.insert(key.string());
  return key;
}

std::string public_key_text(const stdfs::path& private_key) {
  stdfs::path pub = private_key;
  pub += ".pub";
  std::string text = fs::read_file(pub);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

std::string ssh_command(const ports::TransferTarget& target, const stdfs::path& known_hosts_file) {
  return "ssh -p " + std::to_string(target.port) +
         " -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" +
         quote(known_hosts_file.string()) +
         " -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=15"
         " -o ServerAliveCountMax=4 -i " +
         quote(target.private_key.string());
}

ports::TransferOutcome RsyncTransfer::run(const ports::TransferTarget& target,
                                          std::vector<std::string> args,
                                          const ProgressFn& on_progress) {
  KnownHostsFile known_hosts(target.known_hosts);
  std::vector<std::string> argv{"rsync",
                                "--partial",
                                "--info=progress2",
                                "--timeout=120", // give up on a stalled connection (then retry)
                                "-a",
                                "-e",
                                ssh_command(target, known_hosts.path())};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions opts;
  opts.keep_bytes = 64 * 1024;
  opts.on_stdout_line = [&](std::string_view line) {
    if (auto p = parse_rsync_progress(line); p && on_progress) {
      on_progress(*p);
    }
  };
  opts.on_stderr_line = [](std::string_view line) {
    if (!line.empty()) {
      spdlog::debug("rsync: {}", line);
    }
  };
  // ssh and rsync never need the database password the user may have exported.
  opts.unset_env = {"PGPASSWORD"};
  auto r = run_process(argv, opts);
  if (r.ok()) {
    return {true, "", ""};
  }
  ports::TransferOutcome outcome = diagnose_rsync_failure(r.err, r.exit_code);
  if (outcome.message.empty()) {
    std::string last = r.last_error_line();
    outcome.message = "rsync ended with " + r.describe() + (last.empty() ? "" : ": " + last);
  }
  return outcome;
}

ports::TransferOutcome diagnose_rsync_failure(std::string_view stderr_text, int exit_code) {
  struct Cause {
    const char* needle;
    const char* hint;
  };
  static const Cause k_causes[] = {
      {"Connection refused",
       "nothing accepts SSH connections on that port: check that a firewall lets this machine "
       "reach the data server's SSH port (outgoing TCP), then re-run"},
      {"timed out during banner exchange",
       "the SSH port answers but says nothing (a firewall or proxy holding the connection): "
       "check the outgoing route to the data server's SSH port, then re-run"},
      {"Connection timed out",
       "the data server's SSH port does not answer (a firewall dropping the packets?): check "
       "outgoing TCP to that port, then re-run"},
      {"No route to host", "no network route to the data server: check the network, then re-run"},
      {"Could not resolve hostname",
       "the data server's name does not resolve: check DNS, then re-run"},
      {"Host key verification failed",
       "the data server's host key does not match the one the service handed out: do not force "
       "it; re-run to get a new transfer grant, and contact Odoo if it persists"},
      {"No space left on device",
       "the receiving side has no space left: free space there, then re-run (the transfer "
       "resumes)"},
      {"Permission denied (publickey",
       "the data server refused the project's SSH key: re-run (the request may have expired), or "
       "start a new request"},
  };
  ports::TransferOutcome out;
  // SSH speaks first: its own line says what happened; rsync's summary only says "code 255".
  std::string_view text = stderr_text;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    for (const auto& c : k_causes) {
      if (line.find(c.needle) != std::string_view::npos) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
          line.remove_suffix(1);
        }
        out.message = std::string(line);
        out.hint = c.hint;
        out.no_space = std::string_view(c.needle) == "No space left on device";
        return out;
      }
    }
  }
  if (exit_code == 255) {
    out.message = "ssh failed (rsync exit 255) without saying why";
    out.hint = "check that this machine can open an SSH connection to the data server's port "
               "(firewall, proxy), then re-run";
  }
  return out;
}

ports::TransferOutcome RsyncTransfer::upload(const ports::TransferTarget& target,
                                             const stdfs::path& local,
                                             const std::string& remote_name,
                                             const ProgressFn& on_progress) {
  std::string source = local.string();
  // A directory (pg_dump directory format) is sent as its contents, under `remote_name`.
  if (stdfs::is_directory(local) && (source.empty() || source.back() != '/')) {
    source += "/";
  }
  return run(
      target,
      {"--chmod=u+rwx,g+rwx,o+r", "--delete-after", source, remote_spec(target, remote_name)},
      on_progress);
}

ports::TransferOutcome RsyncTransfer::download(const ports::TransferTarget& target,
                                               const std::vector<std::string>& remote_names,
                                               const stdfs::path& dest_dir,
                                               const ProgressFn& on_progress) {
  std::vector<std::string> args{"--ignore-missing-args"};
  for (const auto& name : remote_names) {
    args.push_back(remote_spec(target, name));
  }
  std::string dest = dest_dir.string();
  if (dest.empty() || dest.back() != '/') {
    dest += "/";
  }
  args.push_back(dest);
  return run(target, args, on_progress);
}

} // namespace odoo_upgrade::adapters::transfer
