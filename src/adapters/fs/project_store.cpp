#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/project_validation.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

namespace {

// Line and column of byte offset `pos` in `text` (1-based).
std::string position_of(const std::string& text, std::size_t pos) {
  std::size_t line = 1;
  std::size_t col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

} // namespace

stdfs::path sibling_path(const stdfs::path& project_path, const std::string& suffix) {
  return project_path.parent_path() / (project_path.stem().string() + "." + suffix);
}

namespace {

// Opens and locks `lock_path`; -1 when the file was removed (by the run that held it) between the
// open and the lock, so the caller tries again on the new file.
int open_locked(const stdfs::path& lock_path, const stdfs::path& project_path) {
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw core::FilesystemError("cannot open lock file '" + lock_path.string() +
                                "': " + std::strerror(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK) {
      throw core::LockError("project '" + project_path.string() +
                                "' is locked by another odoo-upgrade run",
                            "wait for it to finish; the lock is released when that run ends");
    }
    throw core::FilesystemError("cannot lock '" + lock_path.string() + "': " + std::strerror(e));
  }
  struct stat held {};
  struct stat named {};
  if (fstat(fd, &held) == 0 && stat(lock_path.c_str(), &named) == 0 &&
      held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
    return fd;
  }
  close(fd);
  return -1;
}

} // namespace

ProjectLock::ProjectLock(const stdfs::path& project_path)
    : m_project_path(project_path), m_lock_path(project_path) {
  m_lock_path += ".lock";
  for (int attempt = 0; attempt < 10 && m_fd < 0; ++attempt) {
    m_fd = open_locked(m_lock_path, m_project_path);
  }
  if (m_fd < 0) {
    throw core::LockError("project '" + project_path.string() +
                              "' is locked by another odoo-upgrade run",
                          "wait for it to finish; the lock is released when that run ends");
  }
  // Note who holds it, for people looking at the file.
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(m_fd, 0) == 0) {
    [[maybe_unused]] auto n = pwrite(m_fd, pid.data(), pid.size(), 0);
  }
}

ProjectLock::~ProjectLock() {
  if (m_fd < 0) {
    return;
  }
  // No project (an initiate that failed): the lock file would be the only thing left.
  std::error_code ec;
  if (!stdfs::exists(m_project_path, ec) && !ec) {
    stdfs::remove(m_lock_path, ec);
  }
  flock(m_fd, LOCK_UN);
  close(m_fd);
}

core::Project load_project(const stdfs::path& path) {
  std::error_code ec;
  if (!stdfs::exists(path, ec)) {
    throw core::PreconditionError("project file '" + path.string() + "' does not exist",
                                  "create it with 'odoo-upgrade initiate', or pass --project FILE");
  }
  std::string text = read_file(path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t pos = e.byte > 0 ? e.byte - 1 : 0;
    throw core::FilesystemError("project file '" + path.string() + "' is not valid JSON at " +
                                    position_of(text, pos),
                                "fix it by hand or restore it from version control; odoo-upgrade "
                                "will not overwrite it");
  } catch (const nlohmann::json::exception&) {
    // A number too large for a double (1e400).
    throw core::FilesystemError("project file '" + path.string() +
                                    "' is not valid JSON: a number is out of range",
                                "fix it by hand or restore it from version control; odoo-upgrade "
                                "will not overwrite it");
  }
  auto project = core::Project::from_json(std::move(doc), path.string());
  // Every section read up front: a wrong type stops here, before anything is changed.
  core::validate_sections(project);
  return project;
}

void save_project(const stdfs::path& path, const core::Project& project) {
  write_file_atomic(path, project.doc().dump(2) + "\n", 0600);
}

SecretStore::SecretStore(const stdfs::path& project_path)
    : m_path(sibling_path(project_path, "secrets.json")) {
  std::error_code ec;
  if (!stdfs::exists(m_path, ec)) {
    return;
  }
  std::string text = read_file(m_path);
  try {
    m_values = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw core::FilesystemError("secrets file '" + m_path.string() + "' is not valid JSON");
  }
  if (!m_values.is_object()) {
    throw core::FilesystemError("secrets file '" + m_path.string() + "' is not a JSON object");
  }
  for (const auto& [key, value] : m_values.items()) {
    if (value.is_string()) {
      core::register_secret(value.get<std::string>());
    }
  }
}

std::optional<std::string> SecretStore::get(const std::string& key) const {
  auto it = m_values.find(key);
  if (it == m_values.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

void SecretStore::set(const std::string& key, const std::string& value) {
  core::register_secret(value);
  m_values[key] = value;
  save();
}

void SecretStore::erase(const std::string& key) {
  if (m_values.erase(key) > 0) {
    save();
  }
}

void SecretStore::save() const {
  write_file_atomic(m_path, m_values.dump(2) + "\n", 0600);
}

} // namespace odoo_upgrade::adapters::fs
