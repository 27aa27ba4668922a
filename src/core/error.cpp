#include <odoo_upgrade/core/error.hpp>

#include <atomic>
#include <csignal>

namespace odoo_upgrade::core {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
} // namespace

std::span<const ExitCodeInfo> exit_codes() noexcept {
  static constexpr ExitCodeInfo k_codes[] = {
      {ExitCode::ok, "ok", "the command did what was asked"},
      {ExitCode::blocking_findings, "blocking findings", "checks ran and found blocking problems"},
      {ExitCode::usage, "usage", "bad command line or bad input value"},
      {ExitCode::precondition,
       "precondition",
       "the project is not in a state that allows the command (phase, sign-off, hook)"},
      {ExitCode::service, "service", "Odoo's upgrade service failed or refused"},
      {ExitCode::database, "database", "PostgreSQL failed (connection, query, dump, restore)"},
      {ExitCode::filesystem,
       "filesystem",
       "a file, directory, archive or the project file is wrong"},
      {ExitCode::locked, "locked", "another run holds the project lock"},
      {ExitCode::pending,
       "pending",
       "the request is still being processed, or monitor found only warnings"},
      {ExitCode::internal, "internal", "a bug: an unexpected exception"},
      {ExitCode::interrupted, "interrupted", "Ctrl-C or SIGTERM"},
  };
  return k_codes;
}

bool interrupted() noexcept {
  return g_interrupted != 0;
}

void set_interrupted() noexcept {
  g_interrupted = 1;
}

void throw_if_interrupted() {
  if (interrupted()) {
    throw Interrupted("interrupted");
  }
}

} // namespace odoo_upgrade::core
