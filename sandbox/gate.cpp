#include "gate.hpp"

#include "registry.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* k_rrsync = "/usr/bin/rrsync";

void append_line(const fs::path& path, const std::string& line) {
  std::ofstream(path, std::ios::app) << line << "\n";
}

// Takes one cut from the control file, under an exclusive lock (two transfers may race).
std::optional<std::uint64_t> take_cut(const RequestPaths& paths) {
  fs::path lock_path = paths.dir / "cut.lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return std::nullopt;
  }
  flock(fd, LOCK_EX);
  std::optional<std::uint64_t> result;
  auto control = read_cut_control(paths.cut);
  if (control && control->after_bytes && control->done < control->times) {
    ++control->done;
    write_cut_control(paths.cut, *control);
    result = control->after_bytes;
  }
  flock(fd, LOCK_UN);
  close(fd);
  return result;
}

std::vector<std::string> rrsync_argv(const RequestPaths& paths, TransferType type) {
  // Uploads may only write and downloads only read; each request is confined to its own root,
  // where the client's "/data/x" lands in root/data/x.
  return {k_rrsync, type == TransferType::upload ? "-wo" : "-ro", paths.root.string()};
}

[[noreturn]] void exec_argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  std::fprintf(stderr, "odoo-upgrade-sandbox: cannot run %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Relays stdin to the child and the child's output to stdout until `limit` bytes went through,
// the child finishes, or a side closes. Closes child_in (and sets it to -1) when stdin ends.
void relay(int& child_in, int child_out, std::uint64_t limit, std::uint64_t& moved) {
  bool stdin_open = true;
  char buf[16384];
  while (moved < limit) {
    pollfd fds[2] = {{child_out, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (fds[0].revents != 0) {
      ssize_t n = read(child_out, buf, std::min<std::uint64_t>(sizeof buf, limit - moved));
      if (n <= 0) {
        break; // rsync finished before the cut point
      }
      moved += static_cast<std::uint64_t>(n);
      if (!write_all(1, buf, static_cast<std::size_t>(n))) {
        break;
      }
    }
    if (stdin_open && fds[1].revents != 0) {
      ssize_t n = read(0, buf, std::min<std::uint64_t>(sizeof buf, limit - moved));
      if (n <= 0) {
        stdin_open = false;
        close(child_in);
        child_in = -1;
      } else {
        moved += static_cast<std::uint64_t>(n);
        if (!write_all(child_in, buf, static_cast<std::size_t>(n))) {
          break;
        }
      }
    }
  }
}

// Runs rrsync as a child and relays the SSH channel to it, killing it once `limit` bytes went
// through (both directions count). Returns the exit status to report.
int relay_with_cut(const std::vector<std::string>& args,
                   std::uint64_t limit,
                   std::uint64_t& moved) {
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    return 12;
  }
  pid_t pid = fork();
  if (pid < 0) {
    return 12;
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    exec_argv(args);
  }
  setpgid(pid, pid);
  close(to_child[0]);
  close(from_child[1]);
  signal(SIGPIPE, SIG_IGN);
  int child_in = to_child[1];
  int child_out = from_child[0];
  relay(child_in, child_out, limit, moved);
  bool cut = moved >= limit;
  if (cut) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
  }
  if (child_in >= 0) {
    close(child_in);
  }
  close(child_out);
  int status = 0;
  waitpid(pid, &status, 0);
  if (cut) {
    std::fprintf(stderr,
                 "odoo-upgrade-sandbox: transfer cut after %llu bytes (scenario)\n",
                 static_cast<unsigned long long>(moved));
    return 12;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 12;
}

} // namespace

RequestPaths request_paths(const fs::path& state_dir, long long id) {
  RequestPaths p;
  p.dir = state_dir / "requests" / std::to_string(id);
  p.root = p.dir / "root";
  p.data = p.root / "data";
  p.work = p.dir / "work";
  p.cut = p.dir / "cut.json";
  p.transfers_log = p.dir / "transfers.log";
  return p;
}

std::optional<CutControl> read_cut_control(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  json j = json::parse(in, nullptr, false);
  if (!j.is_object()) {
    return std::nullopt;
  }
  CutControl c;
  if (j.contains("after_bytes") && j["after_bytes"].is_number_unsigned()) {
    c.after_bytes = j["after_bytes"].get<std::uint64_t>();
  }
  c.times = j.value("times", 0);
  c.done = j.value("done", 0);
  return c;
}

void write_cut_control(const fs::path& path, const CutControl& c) {
  json j = {{"after_bytes", nullptr}, {"times", c.times}, {"done", c.done}};
  if (c.after_bytes) {
    j["after_bytes"] = *c.after_bytes;
  }
  write_file_atomically(path, j.dump() + "\n", fs::perms::owner_read | fs::perms::owner_write);
}

std::string
gate_command(const fs::path& program, const fs::path& state_dir, long long id, TransferType type) {
  return program.string() + " ssh-gate " + state_dir.string() + " " + std::to_string(id) + " " +
         std::string(to_string(type));
}

int run_gate(const fs::path& state_dir, long long id, TransferType type) {
  RequestPaths paths = request_paths(state_dir, id);
  if (!fs::is_directory(paths.data)) {
    std::fprintf(stderr, "odoo-upgrade-sandbox: no data folder for this request\n");
    return 1;
  }
  auto args = rrsync_argv(paths, type);
  auto cut_after = take_cut(paths);
  if (!cut_after) {
    append_line(paths.transfers_log,
                json{{"type", std::string(to_string(type))}, {"cut", false}}.dump());
    exec_argv(args);
  }
  std::uint64_t moved = 0;
  int rc = relay_with_cut(args, *cut_after, moved);
  append_line(
      paths.transfers_log,
      json{{"type", std::string(to_string(type))}, {"cut", moved >= *cut_after}, {"bytes", moved}}
          .dump());
  return rc;
}

} // namespace odoo_upgrade::sandbox
