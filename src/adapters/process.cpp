#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace odoo_upgrade::adapters {

namespace {

using Clock = std::chrono::steady_clock;

// Splits a byte stream into lines for a callback and keeps a bounded tail of it.
class StreamSink {
public:
  StreamSink(const std::function<void(std::string_view)>& on_line, std::size_t keep)
      : m_on_line(on_line), m_keep(keep) {}

  void feed(const char* data, std::size_t size) {
    m_tail.append(data, size);
    if (m_tail.size() > 2 * m_keep + 4096) {
      m_tail.erase(0, m_tail.size() - m_keep);
    }
    if (!m_on_line) {
      return;
    }
    for (std::size_t i = 0; i < size; ++i) {
      char c = data[i];
      if (c == '\n' || c == '\r') {
        if (!m_line.empty() || c == '\n') {
          m_on_line(m_line);
        }
        m_line.clear();
      } else {
        m_line.push_back(c);
      }
    }
  }

  std::string finish() {
    if (m_on_line && !m_line.empty()) {
      m_on_line(m_line);
      m_line.clear();
    }
    if (m_tail.size() > m_keep) {
      m_tail.erase(0, m_tail.size() - m_keep);
    }
    return std::move(m_tail);
  }

private:
  const std::function<void(std::string_view)>& m_on_line;
  std::size_t m_keep;
  std::string m_line;
  std::string m_tail;
};

std::vector<std::string> build_environment(const ProcessOptions& options) {
  std::vector<std::string> result;
  auto overridden = [&](std::string_view entry) {
    auto eq = entry.find('=');
    auto key = entry.substr(0, eq);
    for (const auto& name : options.unset_env) {
      if (key == name) {
        return true;
      }
    }
    // Secrets never leak into a child through the inherited environment.
    for (const char* name : k_secret_env_names) {
      if (key == name) {
        return true;
      }
    }
    if (eq != std::string_view::npos && core::contains_secret(entry.substr(eq + 1))) {
      return true;
    }
    for (const auto& [name, value] : options.env) {
      if (key == name) {
        return true;
      }
    }
    return false;
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!overridden(*e)) {
      result.emplace_back(*e);
    }
  }
  for (const auto& [name, value] : options.env) {
    result.push_back(name + "=" + value);
  }
  return result;
}

[[noreturn]] void child_exec(const std::vector<std::string>& argv,
                             const std::vector<std::string>& envs,
                             const ProcessOptions& options,
                             pid_t parent,
                             int out_fd,
                             int err_fd,
                             int status_fd) {
  auto fail = [&](const char* what) {
    int e = errno;
    [[maybe_unused]] auto n1 = write(status_fd, what, std::strlen(what));
    [[maybe_unused]] auto n2 = write(status_fd, ": ", 2);
    const char* msg = std::strerror(e);
    [[maybe_unused]] auto n3 = write(status_fd, msg, std::strlen(msg));
    _exit(127);
  };
  // Own process group, so that a timeout or Ctrl-C can stop the child and its children together.
  setpgid(0, 0);
  // Die with odoo-upgrade, even when it is killed by SIGKILL: a pg_restore left running would keep
  // sessions open on the database the next run must drop. (If the parent is already gone, stop.)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) {
    _exit(127);
  }
  int in_fd = open(options.stdin_file ? options.stdin_file->c_str() : "/dev/null", O_RDONLY);
  if (in_fd < 0) {
    fail("cannot open stdin file");
  }
  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (options.cwd && chdir(options.cwd->c_str()) != 0) {
    fail("cannot change directory");
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  std::vector<char*> env;
  for (const auto& e : envs) {
    env.push_back(const_cast<char*>(e.c_str()));
  }
  env.push_back(nullptr);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  execve(args[0], args.data(), env.data());
  fail("cannot execute");
  _exit(127);
}

void kill_group(pid_t pid, int sig) {
  if (kill(-pid, sig) != 0) {
    kill(pid, sig);
  }
}

// --- the registry of child process groups -------------------------------------------------------

std::mutex g_registry_mutex;
std::filesystem::path g_registry;

// A process as /proc/<pid>/stat describes it: its group and its start time (clock ticks since
// boot, field 22 of proc(5)).
struct ProcStat {
  pid_t pid = 0;
  char state = '?'; // 'Z': a zombie, already dead
  pid_t pgrp = 0;
  unsigned long long start = 0;
};

std::optional<ProcStat> proc_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;
  }
  // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  ProcStat st;
  st.pid = pid;
  // Fields 3.. : state ppid pgrp ...; starttime is field 22, the 20th after the name.
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3) {
      st.state = field.empty() ? '?' : field[0];
    } else if (i == 5) {
      st.pgrp = static_cast<pid_t>(std::stol(field));
    } else if (i == 22) {
      st.start = std::stoull(field);
      return st;
    }
  }
  return std::nullopt;
}

std::vector<ProcStat> group_members(pid_t pgid, unsigned long long not_before) {
  std::vector<ProcStat> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    auto st = proc_stat(static_cast<pid_t>(std::stol(name)));
    if (st && st->pgrp == pgid && st->start >= not_before && st->state != 'Z') {
      out.push_back(*st);
    }
  }
  return out;
}

std::filesystem::path registry_dir() {
  std::lock_guard lock(g_registry_mutex);
  return g_registry;
}

// Records the group of `pid` (just forked) in the registry; returns the record's path or "".
std::filesystem::path record_group(pid_t pid, const std::string& program) {
  std::filesystem::path dir = registry_dir();
  if (dir.empty()) {
    return {};
  }
  auto st = proc_stat(pid);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::path file = dir / std::to_string(pid);
  std::ofstream out(file);
  out << pid << " " << (st ? st->start : 0ULL) << " " << program << "\n";
  if (!out) {
    spdlog::debug("cannot record child group {} in '{}'", pid, dir.string());
    return {};
  }
  return file;
}

void forget_group(const std::filesystem::path& record) {
  if (record.empty()) {
    return;
  }
  std::error_code ec;
  std::filesystem::remove(record, ec);
  std::filesystem::remove(record.parent_path(), ec); // only when empty
}

} // namespace

void set_child_group_registry(const std::filesystem::path& dir) {
  std::lock_guard lock(g_registry_mutex);
  g_registry = dir;
}

int reap_orphaned_children(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return 0;
  }
  int ended = 0;
  std::vector<std::filesystem::path> records;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    records.push_back(entry.path());
  }
  for (const auto& record : records) {
    std::ifstream in(record);
    long long pgid = 0;
    unsigned long long start = 0;
    std::string program;
    if (in >> pgid >> start >> program && pgid > 1) {
      auto members = group_members(static_cast<pid_t>(pgid), start);
      for (const auto& m : members) {
        kill(m.pid, SIGKILL);
      }
      if (!members.empty()) {
        spdlog::info("ended {} process(es) ({}) left running by an earlier run that was killed",
                     members.size(),
                     program);
        ended += static_cast<int>(members.size());
      }
      // SIGKILL is asynchronous: wait until they are gone (their database sessions with them).
      for (int i = 0; i < 50 && !group_members(static_cast<pid_t>(pgid), start).empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    std::filesystem::remove(record, ec);
  }
  std::filesystem::remove(dir, ec); // only when empty
  return ended;
}

std::string ProcessResult::describe() const {
  if (timed_out) {
    return "timed out";
  }
  if (term_signal != 0) {
    return "killed by signal " + std::to_string(term_signal);
  }
  return "exit status " + std::to_string(exit_code);
}

std::string ProcessResult::last_error_line() const {
  for (const std::string* s : {&err, &out}) {
    std::size_t end = s->find_last_not_of(" \t\r\n");
    if (end == std::string::npos) {
      continue;
    }
    std::size_t start = s->find_last_of("\r\n", end);
    start = start == std::string::npos ? 0 : start + 1;
    return s->substr(start, end - start + 1);
  }
  return describe();
}

std::optional<std::filesystem::path> find_executable(std::string_view name) {
  if (name.find('/') != std::string_view::npos) {
    std::string p(name);
    if (access(p.c_str(), X_OK) == 0) {
      return std::filesystem::path(p);
    }
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    if (dir.empty()) {
      dir = ".";
    }
    std::filesystem::path candidate = std::filesystem::path(dir) / std::string(name);
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

namespace {

// The child's three channels: stdout (a pipe, or the file options.stdout_file names), stderr, and
// the exec-status pipe that exec closes (O_CLOEXEC) so anything read from it is an exec failure.
struct ChildPipes {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int status[2] = {-1, -1};
  int out_file = -1;

  int child_stdout() const { return out_file >= 0 ? out_file : out[1]; }
};

ChildPipes open_child_pipes(const ProcessOptions& options) {
  ChildPipes p;
  if (options.stdout_file) {
    p.out_file = open(options.stdout_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (p.out_file < 0) {
      throw core::FilesystemError("cannot write '" + options.stdout_file->string() +
                                  "': " + std::strerror(errno));
    }
  } else if (pipe2(p.out, O_CLOEXEC) != 0) {
    throw core::FilesystemError(std::string("cannot create pipe: ") + std::strerror(errno));
  }
  if (pipe2(p.err, O_CLOEXEC) != 0 || pipe2(p.status, O_CLOEXEC) != 0) {
    throw core::FilesystemError(std::string("cannot create pipe: ") + std::strerror(errno));
  }
  return p;
}

// The parent keeps only the read ends.
void close_child_ends(ChildPipes& p) {
  close(p.out_file >= 0 ? p.out_file : p.out[1]);
  close(p.err[1]);
  close(p.status[1]);
}

std::string read_exec_error(int fd) {
  std::string error;
  std::array<char, 512> buf{};
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0) {
    error.append(buf.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  return error;
}

// Reads the child's output until both pipes close, ending the child's process group on timeout or
// interruption (SIGTERM, then SIGKILL 5 s later). Returns whether the run was interrupted.
bool pump_output(pid_t pid,
                 const ChildPipes& p,
                 const ProcessOptions& options,
                 StreamSink& out_sink,
                 StreamSink& err_sink,
                 ProcessResult& result) {
  auto start = Clock::now();
  std::optional<Clock::time_point> kill_deadline;
  bool interrupted = false;
  std::vector<pollfd> fds;
  if (p.out[0] >= 0) {
    fds.push_back({p.out[0], POLLIN, 0});
  }
  fds.push_back({p.err[0], POLLIN, 0});
  std::array<char, 65536> buf{};
  while (!fds.empty()) {
    int rc = poll(fds.data(), fds.size(), 200);
    if (rc < 0 && errno != EINTR) {
      break;
    }
    for (auto it = fds.begin(); it != fds.end();) {
      if (it->revents == 0) {
        ++it;
        continue;
      }
      ssize_t n = read(it->fd, buf.data(), buf.size());
      if (n > 0) {
        (it->fd == p.err[0] ? err_sink : out_sink).feed(buf.data(), static_cast<std::size_t>(n));
        it->revents = 0;
        ++it;
      } else if (n < 0 && errno == EINTR) {
        ++it;
      } else {
        close(it->fd);
        it = fds.erase(it);
      }
    }
    auto now = Clock::now();
    bool over_time = options.timeout && now - start > *options.timeout;
    bool stopped = options.stop != nullptr && options.stop->load();
    if ((over_time || stopped || core::interrupted()) && !kill_deadline) {
      result.timed_out = over_time;
      interrupted = core::interrupted();
      kill_group(pid, SIGTERM);
      kill_deadline = now + std::chrono::seconds(5);
    } else if (kill_deadline && now > *kill_deadline) {
      kill_group(pid, SIGKILL);
      kill_deadline = now + std::chrono::hours(1);
    }
  }
  return interrupted;
}

void wait_for_exit(pid_t pid, ProcessResult& result) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) {
    throw core::UsageError("internal: empty command line");
  }
  auto exe = find_executable(argv[0]);
  if (!exe) {
    throw core::FilesystemError("program '" + argv[0] + "' not found in PATH",
                                "install it (see README.md) or fix PATH");
  }
  std::vector<std::string> args = argv;
  args[0] = exe->string();
  std::vector<std::string> envs = build_environment(options);
  ChildPipes pipes = open_child_pipes(options);
  auto started = std::chrono::steady_clock::now();

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    throw core::FilesystemError(std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    child_exec(args, envs, options, parent, pipes.child_stdout(), pipes.err[1], pipes.status[1]);
  }
  // The child leads its own process group, recorded so that a re-run can end it if we are killed.
  setpgid(pid, pid);
  std::filesystem::path record = record_group(pid, std::filesystem::path(argv[0]).filename());
  close_child_ends(pipes);
  std::string exec_error = read_exec_error(pipes.status[0]);

  StreamSink out_sink(options.on_stdout_line, options.keep_bytes);
  StreamSink err_sink(options.on_stderr_line, options.keep_bytes);
  ProcessResult result;
  bool interrupted = pump_output(pid, pipes, options, out_sink, err_sink, result);
  wait_for_exit(pid, result);
  forget_group(record);
  // The program's name only (never its arguments): the log's timeline of children (bench/).
  spdlog::debug("{} {} after {:.3f}s",
                std::filesystem::path(argv[0]).filename().string(),
                result.describe(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  result.out = out_sink.finish();
  result.err = err_sink.finish();
  if (!exec_error.empty()) {
    throw core::FilesystemError("cannot run '" + argv[0] + "': " + exec_error);
  }
  if (interrupted) {
    throw core::Interrupted("interrupted while running '" + argv[0] + "'");
  }
  return result;
}

} // namespace odoo_upgrade::adapters
