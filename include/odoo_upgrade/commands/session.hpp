#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// The opening every command that works on a project shares, and the small pieces its body uses
// again and again (edit-and-save, the dry-run plan).
namespace odoo_upgrade::commands {

// Whether a command (or sub-action) changes the project and so holds its lock for the whole run.
enum class Lock { take, none };

// What a command holds while it runs: the project lock (none with --dry-run or Lock::none; none
// either when the command line already holds it, see Context::project_locked), the loaded project
// and its secrets.
class ProjectSession {
public:
  ProjectSession(std::unique_ptr<adapters::fs::ProjectLock> lock,
                 core::Project project,
                 adapters::fs::SecretStore secrets,
                 std::filesystem::path path,
                 bool may_save);

  core::Project& project() { return m_project; }
  const core::Project& project() const { return m_project; }
  adapters::fs::SecretStore& secrets() { return m_secrets; }
  const std::filesystem::path& path() const { return m_path; }
  // True when the project may be saved: this run holds its lock.
  bool may_save() const { return m_may_save; }

  // Applies `change` to the project, then saves it atomically: the one way commands write the
  // project, so that no reference into it outlives a save. A session opened without the lock
  // refuses to save (PreconditionError; a bug in the command if it ever shows).
  void edit(const std::function<void(core::Project&)>& change);
  // Saves the project as it is (after changes made through project()).
  void save();

private:
  std::unique_ptr<adapters::fs::ProjectLock> m_lock;
  core::Project m_project;
  adapters::fs::SecretStore m_secrets;
  std::filesystem::path m_path;
  bool m_may_save = false;
};

// Opens the project of `ctx`: takes the lock (unless `lock` is none or --dry-run: a dry run changes
// nothing), loads and validates the project and its secrets, and checks that `action` (see
// core/transitions.hpp; empty for "any phase") may run in the project's phase. Throws LockError
// (7), PreconditionError (3: no project, wrong phase) or FilesystemError (6: invalid project).
ProjectSession open_project(Context& ctx, std::string_view action, Lock lock);

// Prints what a --dry-run would do and returns its exit code (0): `heading` ("round 3 would:")
// then one line per step; with --json {"dry_run": true, "plan": [steps]}.
int print_plan(Context& ctx, const std::string& heading, const std::vector<std::string>& steps);
// The same, with the members of the object `facts` added to the JSON document (e.g. the database
// and role a plan is for); the human text is the same.
int print_plan(Context& ctx,
               const std::string& heading,
               const std::vector<std::string>& steps,
               const nlohmann::json& facts);

// Asks `question` on the terminal before a step that changes production or gives up work (restore,
// freeze apply, --abandon); --yes answers yes. Throws PreconditionError (exit 3, "not confirmed;
// nothing was changed") on any answer but yes, and without a terminal to ask on and no --yes.
void require_confirmation(Context& ctx, const std::string& question);

} // namespace odoo_upgrade::commands
