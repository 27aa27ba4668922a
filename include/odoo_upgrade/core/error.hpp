#pragma once

#include <span>
#include <stdexcept>
#include <string>

namespace odoo_upgrade::core {

// Process exit codes. Documented in docs/exit-codes.md; never renumbered.
enum class ExitCode : int {
  ok = 0,
  blocking_findings = 1, // checks ran and found blocking problems
  usage = 2,             // bad command line or bad input value
  precondition = 3,      // wrong phase, missing sign-off, failing hook…
  service = 4,           // upgrade service error (transport or application)
  database = 5,          // PostgreSQL error (connection, query, dump, restore)
  filesystem = 6,        // filesystem, archive or project-file error
  locked = 7,            // project locked by another run
  pending = 8,           // upgrade request still pending / only warnings (monitor)
  internal = 70,         // bug: unexpected exception
  interrupted = 130,     // SIGINT/SIGTERM
};

// Every exit code with its name and meaning, in code order: the man page's EXIT STATUS section is
// written from it (docs/exit-codes.md says the same, with typical causes).
struct ExitCodeInfo {
  ExitCode code;
  const char* name;
  const char* meaning;
};
std::span<const ExitCodeInfo> exit_codes() noexcept;

// Base of every error that aborts a command. Carries the exit code and an optional hint shown on a
// second line. Never thrown itself: throw one of the subclasses below.
class Error : public std::runtime_error {
public:
  ExitCode code() const noexcept { return m_code; }
  const std::string& hint() const noexcept { return m_hint; }

protected:
  Error(ExitCode code, const std::string& message, std::string hint)
      : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}

private:
  ExitCode m_code;
  std::string m_hint;
};

#define OU_DEFINE_ERROR(Name, Code)                                                                \
  class Name : public Error {                                                                      \
  public:                                                                                          \
    explicit Name(const std::string& message, std::string hint = {})                               \
        : Error(ExitCode::Code, message, std::move(hint)) {}                                       \
  }

OU_DEFINE_ERROR(UsageError, usage);
OU_DEFINE_ERROR(PreconditionError, precondition);
OU_DEFINE_ERROR(ServiceError, service);
OU_DEFINE_ERROR(DatabaseError, database);
OU_DEFINE_ERROR(FilesystemError, filesystem);
OU_DEFINE_ERROR(LockError, locked);
OU_DEFINE_ERROR(PendingError, pending);
OU_DEFINE_ERROR(Interrupted, interrupted);

#undef OU_DEFINE_ERROR

// Set by the SIGINT/SIGTERM handler installed in cli::run. Long-running loops poll it through
// `throw_if_interrupted` so that Ctrl-C ends a command cleanly with exit 130.
bool interrupted() noexcept;
void set_interrupted() noexcept;
void throw_if_interrupted();

} // namespace odoo_upgrade::core
