#pragma once

#include <string>

namespace odoo_upgrade::adapters {

// A system shared library opened at run time (dlopen), so that a command pays for loading it, and
// its whole dependency tree, only when it uses it: libpq for PostgreSQL, libcurl for HTTPS,
// libcrypto for SHA-256. Linking them at build time cost every command, `status` and `--version`
// included, some 30 ms before main (measured in docs/benchmarks.md, "start-up").
//
// The forwarding definitions of the functions odoo-upgrade calls
// (src/adapters/pg/libpq_symbols.cpp, http/libcurl_symbols.cpp, fs/libcrypto_symbols.cpp) open
// their library on the first call, keep it open for the life of the process and resolve each
// function once.
class SharedLibrary {
public:
  // Opens `soname` (an ABI name such as "libpq.so.5", searched as the dynamic linker does).
  // `what` names the library for people ("the PostgreSQL client library") and `package` the Debian
  // package that ships it. Throws core::FilesystemError (exit 6) naming both, with dlerror's
  // reason.
  SharedLibrary(std::string soname, std::string what, std::string package);
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;
  // The library stays loaded until the process ends (its functions may still be in use by then).
  ~SharedLibrary() = default;

  // The address of the function `name`; throws core::FilesystemError if the library lacks it (an
  // older ABI than the headers odoo-upgrade was built with).
  void* symbol(const char* name) const;
  // symbol() as a pointer to function of type `Function` (e.g. `decltype(&PQexec)`).
  template <typename Function>
  Function function(const char* name) const {
    return reinterpret_cast<Function>(symbol(name));
  }

private:
  std::string m_soname;
  std::string m_what;
  std::string m_package;
  void* m_handle = nullptr;
};

// Defines the C function `ret name params` as a forwarder to the function of the same name in
// `library()` (a function returning a SharedLibrary&), resolved on its first call: the compiler
// checks the definition against the library header's declaration. `args` passes `params` on.
#define OU_FORWARD_TO(library, ret, name, params, args)                                            \
  ret name params {                                                                                \
    static const auto fn = library().function<decltype(&name)>(#name);                             \
    return fn args;                                                                                \
  }

// The error a library that cannot be loaded gives, also used by the tests: "cannot load the
// PostgreSQL client library (libpq.so.5): REASON" with the hint to install `package`.
[[noreturn]] void throw_library_error(const std::string& what,
                                      const std::string& soname,
                                      const std::string& package,
                                      const std::string& reason);

} // namespace odoo_upgrade::adapters
