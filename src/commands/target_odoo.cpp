#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_update.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

// "odoo-update-2.log" for the second attempt.
stdfs::path attempt_log(const TargetOdooJob& job, const char* what, int attempt) {
  return job.folder / ("odoo-" + std::string(what) + "-" + std::to_string(attempt) + ".log");
}

// The module update: the manifests first (a module the target cannot update fails the step
// without starting Odoo), then `-u`, then the verdict with the database's transient states.
core::UpdateResult update_modules(const core::Project& project,
                                  const adapters::fs::SecretStore& secrets,
                                  adapters::odoo::TargetOdoo& odoo,
                                  const TargetOdooJob& job,
                                  const stdfs::path& log) {
  pg::Connection db(server_conninfo(project, secrets, job.database));
  auto installed = pg::target_db::installed_modules(db);
  auto modules = modules_to_update(odoo.settings(), installed);
  std::vector<std::string> names = modules;
  if (modules == std::vector<std::string>{"all"}) {
    names.clear();
    for (const auto& m : installed) {
      names.push_back(m.name);
    }
  }
  core::UpdateResult refused =
      core::judge_manifests(check_target_modules(odoo, names, job.target_series, job.folder));
  if (!refused.ok || modules.empty()) {
    refused.message = modules.empty() ? "no third-party module to update" : refused.message;
    return refused;
  }
  spdlog::info("updating {} with the target Odoo: -u {}",
               job.database,
               modules.size() == 1 ? modules.front() : std::to_string(modules.size()) + " modules");
  adapters::odoo::OdooRun run = odoo.update(job.database, modules, log, job.update_timeout);
  core::UpdateFacts facts;
  facts.all = modules == std::vector<std::string>{"all"};
  if (!facts.all) {
    facts.requested = modules;
  }
  facts.exit_code = run.process.timed_out ? -1 : run.process.exit_code;
  facts.ended = run.process.describe();
  facts.process_error = run.process.last_error_line();
  pg::Connection after(server_conninfo(project, secrets, job.database));
  facts.transient = pg::target_db::transient_modules(after);
  return core::judge_update(core::parse_update_log(run.log_text), facts);
}

void update_step(const core::Project& project,
                 const adapters::fs::SecretStore& secrets,
                 adapters::odoo::TargetOdoo& odoo,
                 const TargetOdooJob& job,
                 core::TargetOdooRecord& record,
                 const std::function<void(const core::TargetOdooRecord&)>& save) {
  // Recorded as under way first: an interrupted update is run again.
  record.state = core::TargetOdooState::updating;
  ++record.attempts;
  record.update.reset();
  record.open.reset();
  record.update_log = attempt_log(job, "update", record.attempts).string();
  save(record);
  auto start = Clock::now();
  core::UpdateResult result = update_modules(project, secrets, odoo, job, record.update_log);
  record.update_seconds = seconds_since(start);
  record.state = result.ok ? core::TargetOdooState::updated : core::TargetOdooState::update_failed;
  record.message = result.message;
  record.update = std::move(result);
  save(record);
}

void open_step(adapters::odoo::TargetOdoo& odoo,
               const TargetOdooJob& job,
               core::TargetOdooRecord& record,
               const std::function<void(const core::TargetOdooRecord&)>& save) {
  record.state = core::TargetOdooState::opening;
  record.http_log = attempt_log(job, "http", record.attempts).string();
  save(record);
  spdlog::info("opening {} with the target Odoo's HTTP server", job.database);
  auto start = Clock::now();
  core::OpenFacts facts = odoo.open_check(job.database, record.http_log, job.ready_timeout);
  record.open_seconds = seconds_since(start);
  core::OpenResult result = core::judge_open(facts, job.database, job.target_series);
  record.state = result.ok ? core::TargetOdooState::opened : core::TargetOdooState::open_failed;
  record.message = result.ok ? "modules updated in " + seconds_text(*record.update_seconds) + " (" +
                                   record.update->message + "); opens (" +
                                   seconds_text(*record.open_seconds) + ")"
                             : result.message;
  record.open = std::move(result);
  save(record);
}

} // namespace

adapters::odoo::TargetOdoo target_odoo_of(const core::Project& project,
                                          const adapters::fs::SecretStore& secrets) {
  core::OdooSettings settings = core::read_odoo_settings(project);
  std::string server = source_conninfo(project, secrets);
  pg::ConnInfo info = pg::parse_conninfo(server);
  adapters::odoo::OdooConnection conn;
  conn.host = info.get("host").value_or(info.get("hostaddr").value_or(""));
  conn.port = info.get("port").value_or("");
  conn.sslmode = info.get("sslmode").value_or("");
  conn.user = settings.db_user;
  conn.password = secrets.get(core::k_odoo_password_secret);
  conn.data_dir = data_dir(project);
  return adapters::odoo::TargetOdoo(std::move(settings), std::move(conn), server);
}

std::vector<std::string> modules_to_update(const core::OdooSettings& settings,
                                           const std::vector<core::ModuleInfo>& installed) {
  if (settings.update == core::UpdateScope::all) {
    return {"all"};
  }
  std::vector<std::string> out;
  for (const auto& m : installed) {
    if (m.origin == core::ModuleOrigin::third_party) {
      out.push_back(m.name);
    }
  }
  return out;
}

core::TargetOdooRecord
run_target_steps(const core::Project& project,
                 const adapters::fs::SecretStore& secrets,
                 const TargetOdooJob& job,
                 core::TargetOdooRecord record,
                 const std::function<void(const core::TargetOdooRecord&)>& save) {
  adapters::odoo::TargetOdoo odoo = target_odoo_of(project, secrets);
  bool configured = odoo.settings().configured();
  if (!configured) {
    record.state = core::TargetOdooState::skipped;
    record.message = "skipped: no target Odoo configured (odoo-upgrade config --odoo-bin PATH "
                     "--addons-path DIR)";
    save(record);
    return record;
  }
  record.database = job.database;
  record.folder = job.folder.string();
  while (true) {
    switch (core::next_target_step(record.state, configured)) {
    case core::TargetOdooStep::update:
      update_step(project, secrets, odoo, job, record, save);
      if (record.state == core::TargetOdooState::update_failed) {
        return record;
      }
      break;
    case core::TargetOdooStep::open:
      open_step(odoo, job, record, save);
      return record;
    case core::TargetOdooStep::done:
      return record;
    }
  }
}

std::vector<core::TargetCheck> check_target_modules(const adapters::odoo::TargetOdoo& odoo,
                                                    const std::vector<std::string>& modules,
                                                    const std::string& series,
                                                    const stdfs::path& scratch_dir) {
  std::vector<core::TargetCheck> out;
  if (modules.empty()) {
    return out;
  }
  std::error_code ec;
  stdfs::create_directories(scratch_dir, ec);
  nlohmann::json doc = odoo.read_manifests(modules, series, scratch_dir);
  std::vector<core::ManifestFacts> facts;
  try {
    facts = core::manifest_facts_from_output(doc);
  } catch (const std::invalid_argument& e) {
    throw core::FilesystemError(std::string("the manifest reader's output is not understood: ") +
                                e.what());
  }
  for (const auto& name : modules) {
    auto it =
        std::find_if(facts.begin(), facts.end(), [&](const auto& f) { return f.name == name; });
    core::ManifestFacts f;
    if (it != facts.end()) {
      f = *it;
    } else {
      f.name = name;
      f.error = "not found";
    }
    out.push_back(core::judge_target(f, series));
  }
  return out;
}

} // namespace odoo_upgrade::commands
