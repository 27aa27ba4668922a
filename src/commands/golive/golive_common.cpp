#include "golive_common.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace odoo_upgrade::commands::golive {

using json = nlohmann::json;
namespace pg = adapters::pg;

std::string production_db(const core::Project& project) {
  auto source = core::find_source(project);
  if (!source || source->dbname.empty()) {
    throw core::PreconditionError("project has no production database recorded",
                                  "run 'odoo-upgrade initiate' first");
  }
  return source->dbname;
}

std::string maintenance_conninfo(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets) {
  return server_conninfo(project, secrets, "postgres");
}

std::string role_conninfo(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          const std::string& role,
                          const std::string& dbname) {
  std::string full = server_conninfo(project, secrets, dbname);
  pg::ConnInfo info = pg::parse_conninfo(full);
  if (info.get("user").value_or("") == role) {
    return full;
  }
  // Another role: its password (if it needs one) comes from PGPASSFILE/.pgpass, never ours.
  info.erase("password");
  info.set("user", role);
  return pg::to_conninfo(info);
}

std::optional<core::uat::Signoff> latest_signoff(const core::Project& project) {
  auto round = core::read_latest_round(project);
  if (!round) {
    return std::nullopt;
  }
  return core::uat::read_uat(project).signoff_of(round->number);
}

core::RunbookApproval runbook_approval(const core::Project& project) {
  auto approval = core::approval_of(core::read_runbook(project));
  approval.digest = adapters::fs::sha256_text(core::pins_text(approval.steps));
  return approval;
}

core::RunbookApproval approved_runbook(const core::Project& project) {
  auto signoff = latest_signoff(project);
  if (!signoff || !signoff->runbook) {
    return {};
  }
  return *signoff->runbook;
}

std::vector<std::string> runbook_changes_since_signoff(const core::Project& project) {
  return core::approval_changes(approved_runbook(project), core::read_runbook(project));
}

void replace_signoff_approval(core::Project& project) {
  auto round = core::read_latest_round(project);
  auto uat = core::uat::read_uat(project);
  if (!round || !uat.signoff || uat.signoff->round != round->number) {
    return;
  }
  uat.signoff->runbook = runbook_approval(project);
  core::uat::write_uat(project, uat);
}

std::optional<core::RequestRecord> latest_tested_round(const core::Project& project) {
  auto rounds = core::read_rounds(project);
  for (auto it = rounds.rbegin(); it != rounds.rend(); ++it) {
    if (it->state == core::RequestState::tested) {
      return *it;
    }
  }
  return std::nullopt;
}

std::optional<DownloadedUpgrade> downloaded_upgrade(const core::Project& project) {
  auto production = core::read_production(project);
  if (!production) {
    return std::nullopt;
  }
  const core::RequestRecord& r = production->request;
  if (r.state != core::RequestState::downloaded || r.invalidated || !r.received.dump) {
    return std::nullopt;
  }
  DownloadedUpgrade d;
  d.number = r.number;
  d.freeze_started_at = r.freeze_started_at.value_or("");
  d.pg_version_compatible = r.pg_version_compatible.value_or(true);
  d.dump.path = r.received.dump->path;
  d.dump.sha256 = r.received.dump->sha256;
  if (r.received.filestore && r.received.filestore->path) {
    d.returned_filestore = *r.received.filestore->path;
  }
  return d;
}

void invalidate_production_request(core::Project& project, const std::string& why) {
  if (auto production = core::read_production(project)) {
    production->request.invalidated = why;
    core::write_production(project, *production);
  }
}

void check_force_reason(bool force, const std::string& reason, const std::string& why) {
  if (force && reason.empty()) {
    throw core::UsageError("--force needs --reason", why);
  }
  if (!force && !reason.empty()) {
    throw core::UsageError("--reason is only used with --force", "drop --reason or add --force");
  }
}

void crash_point(std::string_view command, std::string_view step, core::golive::StepStatus status) {
  const char* spec = std::getenv("OU_TEST_CRASH_AFTER_STEP");
  if (spec == nullptr || *spec == '\0') {
    return;
  }
  std::string want = std::string(command) + "." + std::string(step);
  if (status == core::golive::StepStatus::started) {
    want += ":started";
  } else if (status != core::golive::StepStatus::done) {
    return;
  }
  if (want == spec) {
    spdlog::default_logger()->flush();
    std::fprintf(stderr, "odoo-upgrade: test hook: crashing after step '%s'\n", want.c_str());
    std::fflush(stderr);
    _exit(137);
  }
}

StepRunner::StepRunner(Context& ctx, std::string command, json& journal, std::function<void()> save)
    : m_ctx(ctx), m_command(std::move(command)), m_journal(journal), m_save(std::move(save)) {}

std::string StepRunner::now() const {
  return core::iso8601_utc(m_ctx.clock.now());
}

void StepRunner::run(const std::string& step,
                     const std::function<json()>& prepare,
                     const std::function<json(const json& entry)>& action) {
  core::throw_if_interrupted();
  auto status = journal().status(step);
  if (status == core::golive::StepStatus::done) {
    spdlog::debug("{}: step '{}' already done", m_command, step);
    return;
  }
  json data = json::object();
  if (status == core::golive::StepStatus::absent && prepare) {
    data = prepare();
  } else if (status == core::golive::StepStatus::started) {
    spdlog::info("{}: resuming step '{}' (interrupted earlier)", m_command, step);
  }
  // Recorded (and saved) before it is performed: after a crash the re-run knows it may have run.
  auto began = m_ctx.clock.now();
  json entry = journal().start(step, data, now());
  save();
  crash_point(m_command, step, core::golive::StepStatus::started);
  json result = action(entry);
  journal().finish(step, now(), result.is_object() ? result : json::object());
  save();
  // The journal holds whole seconds; the log the step's time to the millisecond (bench/golive.sh).
  spdlog::debug("{}: step '{}' done in {:.3f}s",
                m_command,
                step,
                std::chrono::duration<double>(m_ctx.clock.now() - began).count());
  crash_point(m_command, step, core::golive::StepStatus::done);
}

} // namespace odoo_upgrade::commands::golive
