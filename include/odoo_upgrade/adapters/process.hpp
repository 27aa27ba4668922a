#pragma once

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
struct ProcessOptions {
  // Variables added to (or overriding) the inherited environment.
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

// Runs `argv` to completion. Throws FilesystemError when the program cannot be started (not found,
// not executable). Honours core::interrupted(): on Ctrl-C the child is terminated and Interrupted
// is thrown.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Full path of `name` found in PATH (or `name` itself when it contains a '/' and is executable).
std::optional<std::filesystem::path> find_executable(std::string_view name);

} // namespace odoo_upgrade::adapters
