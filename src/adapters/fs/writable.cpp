#include <odoo_upgrade/adapters/fs/writable.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

namespace {

// Creates and removes a probe file in folder `dir`: only a real write shows that it can be
// written (permissions, read-only mounts, and root, who passes every permission check).
void probe_folder(const stdfs::path& dir, const stdfs::path& named, const std::string& what) {
  std::string tmpl = (dir / ".odoo-upgrade-probe.XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) {
    int err = errno;
    throw core::FilesystemError("cannot write " + what + " '" + named.string() +
                                    "': " + std::strerror(err),
                                "choose a folder you can write to");
  }
  ::close(fd);
  ::unlink(buf.data());
}

} // namespace

void check_writable_file(const stdfs::path& path, const std::string& what) {
  std::error_code ec;
  if (stdfs::is_directory(path, ec)) {
    throw core::FilesystemError("cannot write " + what + " '" + path.string() + "': it is a folder",
                                "give a file name");
  }
  stdfs::path dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  if (!stdfs::is_directory(dir, ec)) {
    throw core::FilesystemError("cannot write " + what + " '" + path.string() + "': '" +
                                    dir.string() + "' is not an existing folder",
                                "create the folder first, or choose another path");
  }
  probe_folder(dir, path, what);
}

void check_writable_dir(const stdfs::path& dir, const std::string& what) {
  std::error_code ec;
  stdfs::path existing = dir.empty() ? stdfs::path(".") : dir;
  while (!stdfs::exists(existing, ec) && existing.has_parent_path() &&
         existing.parent_path() != existing) {
    existing = existing.parent_path();
  }
  if (!stdfs::is_directory(existing, ec)) {
    throw core::FilesystemError("cannot write " + what + " under '" + dir.string() + "': '" +
                                    existing.string() + "' is not a folder",
                                "move it away, or choose another folder");
  }
  probe_folder(existing, dir, what);
}

} // namespace odoo_upgrade::adapters::fs
