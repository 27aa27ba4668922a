#include <dlfcn.h>

#include <odoo_upgrade/adapters/shared_library.hpp>
#include <odoo_upgrade/core/error.hpp>

namespace odoo_upgrade::adapters {

namespace {

std::string last_dl_error() {
  const char* reason = dlerror();
  return reason != nullptr ? reason : "unknown reason";
}

} // namespace

void throw_library_error(const std::string& what,
                         const std::string& soname,
                         const std::string& package,
                         const std::string& reason) {
  throw core::FilesystemError("cannot load " + what + " (" + soname + "): " + reason,
                              "install Debian's package " + package + " (apt-get install " +
                                  package + ")");
}

SharedLibrary::SharedLibrary(std::string soname, std::string what, std::string package)
    : m_soname(std::move(soname)), m_what(std::move(what)), m_package(std::move(package)) {
  // RTLD_LOCAL: the library's symbols serve only the lookups below, never other libraries.
  m_handle = dlopen(m_soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    throw_library_error(m_what, m_soname, m_package, last_dl_error());
  }
}

void* SharedLibrary::symbol(const char* name) const {
  dlerror();
  void* address = dlsym(m_handle, name);
  if (address == nullptr) {
    throw_library_error(m_what,
                        m_soname,
                        m_package,
                        std::string("it has no function ") + name + ": " + last_dl_error());
  }
  return address;
}

} // namespace odoo_upgrade::adapters
