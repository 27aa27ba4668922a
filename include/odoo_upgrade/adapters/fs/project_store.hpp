#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <filesystem>
#include <string>

namespace odoo_upgrade::adapters::fs {

// Exclusive lock on a project, held for the whole run of a command that changes it: flock(2) on the
// sibling file `<project>.lock`. Released on destruction (and by the kernel if the process dies).
class ProjectLock {
public:
  // Throws LockError (exit 7) at once when another run holds the lock.
  explicit ProjectLock(const std::filesystem::path& project_path);
  // Releases the lock. When the project file does not exist (a failed `initiate`), the lock file
  // is removed first, while still held: nothing is left behind. A run that opened the removed file
  // meanwhile sees that its lock is no longer the file's and takes the new one.
  ~ProjectLock();
  ProjectLock(const ProjectLock&) = delete;
  ProjectLock& operator=(const ProjectLock&) = delete;

private:
  std::filesystem::path m_project_path;
  std::filesystem::path m_lock_path;
  int m_fd = -1;
};

// Loads and validates a project file. Throws PreconditionError (exit 3) when it does not exist,
// FilesystemError (exit 6) naming the file and line:column when it is not valid JSON or not a valid
// project. Never modifies the file.
core::Project load_project(const std::filesystem::path& path);

// Saves atomically with mode 0600 (see write_file_atomic).
void save_project(const std::filesystem::path& path, const core::Project& project);

// Secrets of a project (contract code, request tokens, database password), kept out of the project
// file in the sibling `<stem>.secrets.json` (mode 0600). Values loaded are registered with
// core::register_secret so they are redacted from every log and message.
class SecretStore {
public:
  explicit SecretStore(const std::filesystem::path& project_path);
  std::optional<std::string> get(const std::string& key) const;
  // Sets and saves at once (atomic, 0600).
  void set(const std::string& key, const std::string& value);
  void erase(const std::string& key);
  const std::filesystem::path& path() const { return m_path; }

private:
  void save() const;
  std::filesystem::path m_path;
  nlohmann::json m_values = nlohmann::json::object();
};

// `<dir>/<stem>.<suffix>` beside the project file, e.g. sibling_path("x/odoo-upgrade.json",
// "secrets.json") is "x/odoo-upgrade.secrets.json".
std::filesystem::path sibling_path(const std::filesystem::path& project_path,
                                   const std::string& suffix);

} // namespace odoo_upgrade::adapters::fs
