#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <ostream>

namespace odoo_upgrade::commands {

ProjectSession::ProjectSession(std::unique_ptr<adapters::fs::ProjectLock> lock,
                               core::Project project,
                               adapters::fs::SecretStore secrets,
                               std::filesystem::path path,
                               bool may_save)
    : m_lock(std::move(lock)), m_project(std::move(project)), m_secrets(std::move(secrets)),
      m_path(std::move(path)), m_may_save(may_save) {}

void ProjectSession::edit(const std::function<void(core::Project&)>& change) {
  change(m_project);
  save();
}

void ProjectSession::save() {
  if (!m_may_save) {
    throw core::PreconditionError("internal: the project was opened without its lock and cannot "
                                  "be saved",
                                  "this is a bug in odoo-upgrade; please report it");
  }
  adapters::fs::save_project(m_path, m_project);
}

namespace {

// What a round ran, the sign-off approved and production replays are compared by each step's
// sha256: a step whose content, kind, `when` or `--continue-on-error` was edited in the project
// file by hand would run under the hash of what was tested. Refused (exit 6) before anything runs.
void verify_runbook_hashes(const core::Project& project) {
  for (const auto& step : core::read_runbook(project).steps) {
    if (adapters::fs::sha256_text(core::canonical_text(step)) != step.sha256) {
      throw core::FilesystemError(
          "project file field 'runbook' step " + step.id + " ('" + step.title +
              "') does not match its sha256: what it runs was edited by hand",
          "put the step back as it was, or remove it and add it again with 'odoo-upgrade runbook "
          "add' (a new step is tested in a round before it reaches production)");
    }
  }
}

} // namespace

ProjectSession open_project(Context& ctx, std::string_view action, Lock lock) {
  std::unique_ptr<adapters::fs::ProjectLock> held;
  if (lock == Lock::take && !ctx.options.dry_run && !ctx.project_locked) {
    held = std::make_unique<adapters::fs::ProjectLock>(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  verify_runbook_hashes(project);
  adapters::fs::SecretStore secrets(ctx.project_path());
  if (!action.empty()) {
    core::require_phase(project, action);
  }
  bool may_save = held != nullptr || (lock == Lock::take && ctx.project_locked);
  if (may_save) {
    // This run owns the project now: end what a killed earlier run left running (a pg_restore
    // holding sessions on a database this run must drop), and record this run's own children.
    auto children = adapters::fs::sibling_path(ctx.project_path(), "children");
    adapters::reap_orphaned_children(children);
    adapters::set_child_group_registry(children);
    // Temporary files a killed run left while replacing the project or secrets file.
    adapters::fs::remove_stale_temp_files(ctx.project_path());
    adapters::fs::remove_stale_temp_files(
        adapters::fs::sibling_path(ctx.project_path(), "secrets.json"));
  }
  return {std::move(held), std::move(project), std::move(secrets), ctx.project_path(), may_save};
}

void require_confirmation(Context& ctx, const std::string& question) {
  if (!ctx.out.confirm(question, ctx.options.yes)) {
    throw core::PreconditionError("not confirmed; nothing was changed",
                                  "answer yes, or pass --yes");
  }
}

int print_plan(Context& ctx, const std::string& heading, const std::vector<std::string>& steps) {
  return print_plan(ctx, heading, steps, nlohmann::json::object());
}

int print_plan(Context& ctx,
               const std::string& heading,
               const std::vector<std::string>& steps,
               const nlohmann::json& facts) {
  nlohmann::json doc = facts;
  doc["dry_run"] = true;
  doc["plan"] = steps;
  ctx.out.result(doc, [&](std::ostream& os) {
    os << heading << "\n";
    for (const auto& s : steps) {
      os << "  - " << s << "\n";
    }
  });
  return 0;
}

} // namespace odoo_upgrade::commands
