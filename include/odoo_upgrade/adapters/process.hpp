#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odoo_upgrade::adapters {

// How to run a child process. The child never goes through a shell: `argv[0]` is looked up in PATH.
// It runs in a process group of its own and is killed (SIGKILL) when odoo-upgrade dies, even by
// SIGKILL (Linux PR_SET_PDEATHSIG); what it started itself (ssh under rsync, pg_dump's workers) is
// ended by the next run through reap_orphaned_children. The inherited environment is scrubbed of
// secrets: variables whose names carry secrets (k_secret_env_names) and any variable whose value
// holds a registered secret (core/secrets.hpp) are not passed on, unless set in `env`.
struct ProcessOptions {
  // Variables added to (or overriding) the inherited environment; passed on as given.
  std::vector<std::pair<std::string, std::string>> env;
  // Variables removed from the inherited environment.
  std::vector<std::string> unset_env;
  std::optional<std::filesystem::path> cwd;
  // When set, called for every line of the stream as it arrives. Lines end at '\n' or '\r' (rsync
  // and pg tools redraw progress with '\r'); the terminator is not included.
  std::function<void(std::string_view)> on_stdout_line;
  std::function<void(std::string_view)> on_stderr_line;
  // Keep at most this many trailing bytes of each stream in the result (streams are never held
  // whole: a pg_dump to stdout must not fill memory).
  std::size_t keep_bytes = 1 << 20;
  // Kill the child (SIGTERM, then SIGKILL after 5 s) when it runs longer than this.
  std::optional<std::chrono::milliseconds> timeout;
  // File connected to the child's stdin; /dev/null when unset.
  std::optional<std::filesystem::path> stdin_file;
  // File the child's stdout is written to instead of a pipe (for large outputs).
  std::optional<std::filesystem::path> stdout_file;
  // When set and it becomes true, the child is ended as on a timeout (SIGTERM to its group, SIGKILL
  // 5 s later) without `timed_out`: how a caller on another thread stops a server it started.
  const std::atomic<bool>* stop = nullptr;
};

struct ProcessResult {
  int exit_code = -1;  // exit status when the child exited normally, else -1
  int term_signal = 0; // signal that ended the child, 0 if none
  bool timed_out = false;
  std::string out; // trailing `keep_bytes` of stdout (empty with `stdout_file`)
  std::string err; // trailing `keep_bytes` of stderr

  bool ok() const noexcept { return exit_code == 0 && !timed_out; }
  // A one-line description of how the child ended, e.g. "exit status 1" or "killed by signal 9".
  std::string describe() const;
  // The last non-empty line of stderr (or stdout), for error messages.
  std::string last_error_line() const;
};

// Environment variables that carry secrets and are never inherited by a child.
// (PGPASSWORD is not among them: PostgreSQL's tools need it when the user relies on it; callers
// that run other programs drop it with `unset_env`.)
inline constexpr const char* k_secret_env_names[] = {
    "ODOO_UPGRADE_CONTRACT", "ODOO_UPGRADE_DB", "ODOO_UPGRADE_DB_PASSWORD"};

// Records every child process group in `dir` (a file per running group, removed when it ends), so
// that a run that follows a killed one can end what was left (reap_orphaned_children). Call it once
// the project lock is held; an empty path stops recording.
void set_child_group_registry(const std::filesystem::path& dir);
// Ends (SIGKILL) the members of every process group recorded in `dir` by an earlier run that died:
// only processes of that group started no earlier than its recorded leader (so a reused id is never
// hit). Waits up to 5 s for them to go, removes the records and returns how many processes were
// ended. Call it only while holding the project lock (a live run's children are never touched).
int reap_orphaned_children(const std::filesystem::path& dir);

// Runs `argv` to completion. Throws FilesystemError when the program cannot be started (not found,
// not executable). Honours core::interrupted(): on Ctrl-C the child is terminated and Interrupted
// is thrown.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Full path of `name` found in PATH (or `name` itself when it contains a '/' and is executable).
std::optional<std::filesystem::path> find_executable(std::string_view name);

} // namespace odoo_upgrade::adapters
