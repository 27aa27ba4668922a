#include "sha256.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/tree_digest.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const stdfs::path& path) {
  throw core::FilesystemError("cannot " + what + " '" + path.string() +
                              "': " + std::strerror(errno));
}

// ".NAME.tmp.": the start of write_file_atomic's temporary names. Appended piece by piece:
// `"." + std::string` makes GCC 12 at -O3 report a bogus -Wrestrict (GCC PR105651).
std::string temp_prefix(const stdfs::path& path) {
  std::string prefix(1, '.');
  prefix += path.filename().string();
  prefix += ".tmp.";
  return prefix;
}

} // namespace

int remove_stale_temp_files(const stdfs::path& path) {
  stdfs::path dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  // Exactly write_file_atomic's template: a dot, the name, ".tmp." and mkstemp's six characters.
  std::string prefix = temp_prefix(path);
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0 &&
        entry.is_regular_file(ec)) {
      std::error_code rm;
      removed += stdfs::remove(entry.path(), rm) ? 1 : 0;
    }
  }
  return removed;
}

void write_file_atomic(const stdfs::path& path, std::string_view content, unsigned mode) {
  stdfs::path dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  std::string tmpl = (dir / (temp_prefix(path) + "XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    fail("create a temporary file in", dir);
  }
  stdfs::path tmp(name.data());
  auto cleanup = [&] {
    close(fd);
    unlink(tmp.c_str());
  };
  if (fchmod(fd, mode) != 0) {
    cleanup();
    fail("set permissions on", tmp);
  }
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int e = errno;
      cleanup();
      errno = e;
      fail("write", tmp);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) {
    int e = errno;
    cleanup();
    errno = e;
    fail("sync", tmp);
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    errno = e;
    fail("replace", path);
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

std::string read_file(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail("read", path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::uint64_t> free_bytes(const stdfs::path& path) {
  stdfs::path p = path;
  std::error_code ec;
  while (!p.empty() && !stdfs::exists(p, ec)) {
    p = p.parent_path();
  }
  if (p.empty()) {
    p = ".";
  }
  struct statvfs st {};
  if (statvfs(p.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

TreeSize tree_size(const stdfs::path& dir) {
  TreeSize size;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::skip_permission_denied, ec);
  if (ec) {
    size.unreadable++;
    return size;
  }
  for (; it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      size.unreadable++;
      break;
    }
    std::error_code fe;
    if (it->is_regular_file(fe)) {
      auto bytes = it->file_size(fe);
      if (fe) {
        size.unreadable++;
      } else {
        size.bytes += bytes;
        size.files++;
      }
    }
  }
  return size;
}

std::string sha256_text(std::string_view text) {
  Sha256 h;
  h.update(text.data(), text.size());
  return h.hex();
}

std::string sha256_file(const stdfs::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fail("read", path);
  }
  Sha256 sha;
  std::vector<char> buf(1 << 20);
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0) {
    sha.update(buf.data(), static_cast<std::size_t>(n));
  }
  int e = errno;
  close(fd);
  if (n < 0) {
    errno = e;
    fail("read", path);
  }
  return sha.hex();
}

std::string sha256_tree(const stdfs::path& dir) {
  return TreeDigest(dir).finish().sha256;
}

stdfs::path home_dir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return home;
  }
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/";
}

} // namespace odoo_upgrade::adapters::fs
