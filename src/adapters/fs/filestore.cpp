#include <linux/fs.h>

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

namespace {

enum class Way { link, clone, copy };

// A failure to place one file: ENOSPC is its own error (the caller cleans up and says so).
struct NoSpace {};

[[noreturn]] void fail(const std::string& what, const stdfs::path& path, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    throw NoSpace{};
  }
  throw core::FilesystemError("cannot " + what + " '" + path.string() + "': " + std::strerror(err));
}

// The errors after which the next way is tried: the filesystem or its settings refuse this way
// (another filesystem, protected_hardlinks, too many links, no reflink support).
bool refused(int err) {
  return err == EXDEV || err == EPERM || err == EACCES || err == EMLINK || err == EOPNOTSUPP ||
         err == ENOTSUP || err == EINVAL || err == ENOTTY || err == ENOSYS;
}

// Reflinks `from` to the new file `to`; the errno, 0 on success. A failed clone leaves no file.
int clone_file(const stdfs::path& from, const stdfs::path& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    return errno;
  }
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    int err = errno;
    ::close(in);
    return err;
  }
  int err = ::ioctl(out, FICLONE, in) == 0 ? 0 : errno;
  struct stat st {};
  if (err == 0 && ::fstat(in, &st) == 0) {
    ::fchmod(out, st.st_mode & 07777);
  }
  ::close(out);
  ::close(in);
  if (err != 0) {
    ::unlink(to.c_str());
  }
  return err;
}

// Copies `from` to the new file `to` (mode kept); the errno, 0 on success. Not std::filesystem's
// copy_file: libstdc++ reports a short copy (a full disk) as EIO, and the cause must be said.
int copy_bytes(const stdfs::path& from, const stdfs::path& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    return errno;
  }
  struct stat st {};
  int err = ::fstat(in, &st) == 0 ? 0 : errno;
  int out = err == 0
                ? ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777)
                : -1;
  if (out < 0) {
    err = err != 0 ? err : errno;
    ::close(in);
    return err;
  }
  std::vector<char> buffer(1 << 16);
  for (;;) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      err = n < 0 ? errno : 0;
      break;
    }
    for (ssize_t done = 0; done < n && err == 0;) {
      ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno != EINTR) {
        err = errno;
      }
      done += w > 0 ? w : 0;
    }
    if (err != 0) {
      break;
    }
  }
  if (::close(out) != 0 && err == 0) {
    err = errno;
  }
  ::close(in);
  if (err != 0) {
    ::unlink(to.c_str());
  }
  return err;
}

// Places the files of one source into the merged filestore, the cheapest way that works.
class Placer {
public:
  explicit Placer(FilestoreMerge& merge) : m_merge(merge) {}

  void place(const stdfs::path& from, const stdfs::path& to) {
    if (m_way == Way::link) {
      if (::link(from.c_str(), to.c_str()) == 0) {
        m_merge.linked++;
        return;
      }
      settle(errno, "link", to, Way::clone);
    }
    if (m_way == Way::clone) {
      int err = clone_file(from, to);
      if (err == 0) {
        m_merge.cloned++;
        return;
      }
      settle(err, "clone", to, Way::copy);
    }
    if (int err = copy_bytes(from, to); err != 0) {
      fail("copy to", to, err);
    }
    m_merge.copied++;
    // Sized only when copied: a link or a clone adds no bytes (and no stat per file).
    std::error_code ec;
    auto bytes = stdfs::file_size(to, ec);
    m_merge.copied_bytes += ec ? 0 : bytes;
  }

private:
  // After a refusal, the next way for this and every later file of the source.
  void settle(int err, const char* what, const stdfs::path& to, Way next) {
    if (!refused(err)) {
      fail(what, to, err);
    }
    m_way = next;
  }

  FilestoreMerge& m_merge;
  Way m_way = Way::link;
};

void add_source(const stdfs::path& from, const stdfs::path& dest, FilestoreMerge& merge) {
  Placer placer(merge);
  std::error_code ec;
  stdfs::recursive_directory_iterator it(from, ec);
  if (ec) {
    fail("read", from, ec.value());
  }
  for (; it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      fail("read", from, ec.value());
    }
    // Lexically: the iterator's path is `from` plus the names below it. stdfs::relative would
    // canonicalize both paths, a stat per component per file (7x `cp -al` on 32 000 files).
    stdfs::path to = dest / it->path().lexically_relative(from);
    std::error_code fe;
    auto status = it->symlink_status(fe);
    if (stdfs::is_directory(status)) {
      stdfs::create_directories(to, fe);
      if (fe) {
        fail("create", to, fe.value());
      }
    } else if (stdfs::is_regular_file(status)) {
      // Never write into a file that may be a link to production's: unlink it, then place.
      if (::unlink(to.c_str()) != 0 && errno != ENOENT) {
        fail("replace", to, errno);
      }
      placer.place(it->path(), to);
    } else if (stdfs::is_symlink(status)) {
      stdfs::remove(to, fe);
      stdfs::copy_symlink(it->path(), to, fe);
      if (fe) {
        fail("copy the symbolic link to", to, fe.value());
      }
    }
  }
}

} // namespace

std::string FilestoreMerge::mode() const {
  std::vector<std::string> ways;
  if (linked > 0) {
    ways.emplace_back("hard links");
  }
  if (cloned > 0) {
    ways.emplace_back("reflinks");
  }
  if (copied > 0) {
    ways.emplace_back("copies");
  }
  if (ways.empty()) {
    return "empty";
  }
  std::string text = ways.front();
  for (std::size_t i = 1; i < ways.size(); ++i) {
    text += (i + 1 == ways.size() ? " and " : ", ") + ways[i];
  }
  return text;
}

FilestoreMerge merge_filestore(const stdfs::path& production,
                               const stdfs::path& received,
                               const stdfs::path& dest) {
  std::error_code ec;
  stdfs::remove_all(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot remove '" + dest.string() + "': " + ec.message(),
                                "check the ownership of the project's work dir");
  }
  FilestoreMerge merge;
  try {
    stdfs::create_directories(dest, ec);
    if (ec) {
      fail("create filestore", dest, ec.value());
    }
    for (const auto& [from, what] : {std::pair{production, "production"}, {received, "returned"}}) {
      if (from.empty() || !stdfs::exists(from, ec)) {
        if (!from.empty()) {
          spdlog::warn("{} filestore '{}' is missing; nothing taken from it", what, from.string());
        }
        continue;
      }
      add_source(from, dest, merge);
    }
  } catch (const NoSpace&) {
    // What the failed merge wrote goes: a full filesystem may be production's.
    stdfs::remove_all(dest, ec);
    auto free = free_bytes(dest.parent_path());
    throw core::FilesystemError(
        "no space left on '" + dest.parent_path().string() + "' while copying the filestore (" +
            core::format_bytes(static_cast<long long>(merge.copied_bytes)) + " copied, " +
            (free ? core::format_bytes(static_cast<long long>(*free)) : std::string("unknown")) +
            " free after removing the partial copy '" + dest.string() + "')",
        "free space there (or point the project's data_dir elsewhere), then re-run");
  }
  merge.files = tree_size(dest).files;
  return merge;
}

bool hard_links_possible(const stdfs::path& production, const stdfs::path& dest) {
  std::error_code ec;
  stdfs::path file;
  stdfs::recursive_directory_iterator it(production, ec);
  for (; !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe)) {
      file = it->path();
      break;
    }
  }
  stdfs::path dir = dest;
  while (!dir.empty() && !stdfs::is_directory(dir, ec) && dir != dir.parent_path()) {
    dir = dir.parent_path();
  }
  if (file.empty() || dir.empty()) {
    return false;
  }
  stdfs::path probe = dir / (".odoo-upgrade-link-probe." + std::to_string(::getpid()));
  if (::link(file.c_str(), probe.c_str()) != 0) {
    return false;
  }
  ::unlink(probe.c_str());
  return true;
}

std::uint64_t filestore_copy_bytes(std::uint64_t files, std::uint64_t bytes) {
  return bytes + files * 4096;
}

} // namespace odoo_upgrade::adapters::fs
