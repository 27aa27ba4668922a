#include "golive_common.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdlib>

namespace odoo_upgrade::commands::golive {

using json = nlohmann::json;
namespace pg = adapters::pg;

std::string production_db(const core::Project& project) {
  const json* source = project.find_section("source");
  std::string db = source != nullptr ? source->value("dbname", "") : "";
  if (db.empty()) {
    throw core::PreconditionError("project has no production database recorded",
                                  "run 'odoo-upgrade initiate' first");
  }
  return db;
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

const json* latest_signoff(const core::Project& project) {
  const json* round = project.latest_round();
  const json* uat = project.find_section("uat");
  if (round == nullptr || uat == nullptr || !uat->contains("signoff") ||
      !(*uat)["signoff"].is_object()) {
    return nullptr;
  }
  const json& s = (*uat)["signoff"];
  if (s.value("round", -1) != round->value("number", -2)) {
    return nullptr;
  }
  return &s;
}

std::optional<TestedRound> latest_tested_round(const core::Project& project) {
  const json* rounds = project.find_section("rounds");
  if (rounds == nullptr || !rounds->is_array()) {
    return std::nullopt;
  }
  for (auto it = rounds->rbegin(); it != rounds->rend(); ++it) {
    if (it->value("state", "") == "tested") {
      return TestedRound{it->value("number", 0), it->value("timings", json())};
    }
  }
  return std::nullopt;
}

std::optional<DownloadedUpgrade> downloaded_upgrade(const core::Project& project) {
  const json* prod = project.find_section("production");
  if (prod == nullptr || prod->value("state", "") != "downloaded" ||
      prod->contains("invalidated")) {
    return std::nullopt;
  }
  DownloadedUpgrade d;
  d.number = prod->value("number", 0);
  d.freeze_started_at = prod->value("freeze_started_at", "");
  d.pg_version_compatible = prod->value("pg_version_compatible", true);
  json received = prod->value("received", json::object());
  d.dump = core::dump_from_json(received.value("dump", json()), "production.received.dump");
  json returned = received.value("filestore", json::object());
  if (returned.is_object() && returned.contains("path") && returned["path"].is_string()) {
    d.returned_filestore = returned["path"].get<std::string>();
  }
  return d;
}

void invalidate_production_request(core::Project& project, const std::string& why) {
  if (project.find_section("production") != nullptr) {
    project.section("production")["invalidated"] = why;
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
  json entry = journal().start(step, data, now());
  save();
  crash_point(m_command, step, core::golive::StepStatus::started);
  json result = action(entry);
  journal().finish(step, now(), result.is_object() ? result : json::object());
  save();
  crash_point(m_command, step, core::golive::StepStatus::done);
}

} // namespace odoo_upgrade::commands::golive
