#include "sha256.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/tree_digest.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

namespace {

// What identifies one version of a file: a file rewritten after it was hashed differs in one.
struct FileStamp {
  std::uint64_t size = 0;
  long long mtime_s = 0;
  long long mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stamp_of(const stdfs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return FileStamp{static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

struct EarlyHash {
  FileStamp stamp;
  std::string sha256;
};

} // namespace

struct TreeDigest::Shared {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<stdfs::path> queue;
  bool closing = false;   // finish(): drain the queue, then stop
  bool abandoned = false; // destructor: stop now
  std::map<stdfs::path, EarlyHash> hashed;
  std::thread thread;

  void hash(const stdfs::path& path) {
    auto before = stamp_of(path);
    if (!before) {
      return;
    }
    std::string sha256;
    try {
      sha256 = sha256_file(path);
    } catch (const std::exception&) {
      return; // finish() hashes it again, and reports the error if it lasts
    }
    if (stamp_of(path) != before) {
      return;
    }
    std::lock_guard lock(mutex);
    hashed[path] = EarlyHash{*before, std::move(sha256)};
  }

  void run() {
    for (;;) {
      stdfs::path next;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return abandoned || closing || !queue.empty(); });
        if (abandoned || queue.empty()) {
          return;
        }
        next = std::move(queue.front());
        queue.pop_front();
      }
      hash(next);
    }
  }
};

TreeDigest::TreeDigest(stdfs::path dir)
    : m_dir(std::move(dir)), m_shared(std::make_unique<Shared>()) {}

TreeDigest::~TreeDigest() {
  {
    std::lock_guard lock(m_shared->mutex);
    m_shared->abandoned = true;
    m_shared->queue.clear();
  }
  m_shared->wake.notify_all();
  if (m_shared->thread.joinable()) {
    m_shared->thread.join();
  }
}

void TreeDigest::add(const stdfs::path& file) {
  {
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->closing || m_shared->abandoned) {
      return;
    }
    m_shared->queue.push_back(file.is_absolute() ? file : m_dir / file);
    if (!m_shared->thread.joinable()) {
      m_shared->thread = std::thread([shared = m_shared.get()] { shared->run(); });
    }
  }
  m_shared->wake.notify_one();
}

TreeDigestResult TreeDigest::finish() {
  {
    std::lock_guard lock(m_shared->mutex);
    m_shared->closing = true;
  }
  m_shared->wake.notify_all();
  if (m_shared->thread.joinable()) {
    m_shared->thread.join();
  }
  // The background thread has stopped: `hashed` is ours alone now.
  std::vector<stdfs::path> files;
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(it->path().lexically_relative(m_dir));
    }
  }
  if (ec) {
    std::string what = "cannot read the folder '";
    what.append(m_dir.string()).append("': ").append(ec.message());
    throw core::FilesystemError(what);
  }
  std::sort(files.begin(), files.end());
  TreeDigestResult result;
  Sha256 sha;
  for (const auto& rel : files) {
    stdfs::path path = m_dir / rel;
    auto stamp = stamp_of(path);
    auto early = m_shared->hashed.find(path);
    bool reuse = early != m_shared->hashed.end() && stamp && early->second.stamp == *stamp;
    std::string file_sha = reuse ? early->second.sha256 : sha256_file(path);
    result.hashed_early += reuse ? 1 : 0;
    result.bytes += stamp ? stamp->size : 0;
    ++result.files;
    std::string line = rel.generic_string() + '\0' + file_sha + '\n';
    sha.update(line.data(), line.size());
  }
  result.sha256 = sha.hex();
  return result;
}

} // namespace odoo_upgrade::adapters::fs
