#include "golive_common.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdlib>

namespace odoo_upgrade::commands::golive {

using json = nlohmann::json;

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
  std::string user;
  for (const auto& [k, v] : adapters::pg::parse_conninfo(full).keywords) {
    if (k == "user") {
      user = v;
    }
  }
  if (user == role) {
    return full;
  }
  // Another role: its password (if it needs one) comes from PGPASSFILE/.pgpass, never ours.
  std::string stored = project.doc()["source"].value("conninfo", "");
  std::string quoted = "'";
  for (char c : role) {
    if (c == '\'' || c == '\\') {
      quoted.push_back('\\');
    }
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return adapters::pg::conninfo_with_dbname(stored + " user=" + quoted, dbname);
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

StepRunner::StepRunner(core::Project& project,
                       Context& ctx,
                       std::string command,
                       std::function<json&()> journal)
    : m_project(project), m_ctx(ctx), m_command(std::move(command)), m_journal(std::move(journal)) {
}

std::string StepRunner::now() const {
  return core::iso8601_utc(m_ctx.clock.now());
}

void StepRunner::save() {
  adapters::fs::save_project(m_ctx.project_path(), m_project);
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
  journal().start(step, data, now());
  save();
  crash_point(m_command, step, core::golive::StepStatus::started);
  json* entry = journal().find(step);
  json copy = *entry;
  json result = action(copy);
  // `action` may have saved the project; the entry is looked up again.
  journal().finish(step, now(), result.is_object() ? result : json::object());
  save();
  crash_point(m_command, step, core::golive::StepStatus::done);
}

} // namespace odoo_upgrade::commands::golive
