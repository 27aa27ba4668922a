// Hook commands of the go-live chain (project `hooks`).
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/hooks.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/hooks_record.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/source_record.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace odoo_upgrade::commands::hooks {

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;

constexpr std::chrono::minutes k_default_timeout{5};

} // namespace

const std::vector<std::string>& events() {
  static const std::vector<std::string> k_events = {"before_freeze",
                                                    "after_freeze",
                                                    "after_lift",
                                                    "before_restore",
                                                    "after_restore",
                                                    "on_rollback",
                                                    "request_started",
                                                    "request_done",
                                                    "request_failed",
                                                    "round_tested"};
  return k_events;
}

bool valid_event(std::string_view event) {
  return std::find(events().begin(), events().end(), event) != events().end();
}

std::vector<std::string> commands_for(const core::Project& project, std::string_view event) {
  auto hooks = core::read_hooks(project);
  auto it = hooks.commands.find(std::string(event));
  return it != hooks.commands.end() ? it->second : std::vector<std::string>{};
}

std::chrono::milliseconds timeout(const core::Project& project) {
  auto text = core::read_hooks(project).timeout;
  if (!text) {
    return k_default_timeout;
  }
  auto d = core::parse_duration(*text);
  if (!d || d->count() <= 0) {
    throw core::UsageError("project field 'hooks_timeout' is not a positive duration",
                           "use e.g. \"5m\" or \"90s\"");
  }
  return *d;
}

std::vector<std::pair<std::string, std::string>>
environment(const core::Project& project,
            const stdfs::path& project_path,
            std::string_view event,
            const std::vector<std::pair<std::string, std::string>>& extra) {
  auto source = core::find_source(project);
  std::string db = source ? source->dbname : "";
  std::vector<std::pair<std::string, std::string>> env = {
      {"ODOO_UPGRADE_PROJECT", stdfs::absolute(project_path).string()},
      {"ODOO_UPGRADE_CUSTOMER", project.customer()},
      {"ODOO_UPGRADE_DB", db},
      {"ODOO_UPGRADE_PHASE", std::string(event)},
      {"ODOO_UPGRADE_TARGET", project.target_version()},
      {"ODOO_UPGRADE_SOURCE_VERSION", project.source_version()},
      {"ODOO_UPGRADE_DATA_DIR", data_dir(project).string()},
      {"ODOO_UPGRADE_FILESTORE", db.empty() ? "" : filestore_path(project, db).string()},
      {"ODOO_UPGRADE_WORK_DIR", project.work_dir()},
  };
  // Where the database lives, never how to log in (the stored conninfo has no password anyway).
  if (source && !source->conninfo.empty()) {
    try {
      auto info = adapters::pg::parse_conninfo(source->conninfo);
      for (const auto& [k, v] : info.keywords) {
        if (k == "host") {
          env.emplace_back("ODOO_UPGRADE_DB_HOST", v);
        } else if (k == "port") {
          env.emplace_back("ODOO_UPGRADE_DB_PORT", v);
        } else if (k == "user") {
          env.emplace_back("ODOO_UPGRADE_DB_USER", v);
        }
      }
    } catch (const core::Error&) {
      // The conninfo was validated by initiate; a hook without these variables still runs.
    }
  }
  for (const auto& kv : extra) {
    env.push_back(kv);
  }
  return env;
}

json run(const core::Project& project,
         const stdfs::path& project_path,
         std::string_view event,
         const std::vector<std::pair<std::string, std::string>>& extra) {
  json ran = json::array();
  auto commands = commands_for(project, event);
  if (commands.empty()) {
    return ran;
  }
  auto limit = timeout(project);
  adapters::ProcessOptions opts;
  opts.env = environment(project, project_path, event, extra);
  opts.unset_env = {"PGPASSWORD",
                    "PGPASSFILE",
                    "ODOO_UPGRADE_CONTRACT",
                    "ODOO_UPGRADE_TOKEN",
                    "ODOO_UPGRADE_DB_PASSWORD"};
  opts.timeout = limit;
  opts.keep_bytes = 16 * 1024;
  opts.cwd = stdfs::absolute(project_path).parent_path();
  std::string label(event);
  opts.on_stdout_line = [label](std::string_view line) {
    spdlog::info("  {} | {}", label, core::redact(std::string(line)));
  };
  opts.on_stderr_line = opts.on_stdout_line;
  int index = 0;
  for (const auto& command : commands) {
    ++index;
    spdlog::info("hook {} #{}: {}", label, index, command);
    auto start = std::chrono::steady_clock::now();
    adapters::ProcessResult r;
    try {
      r = adapters::run_process({"sh", "-c", command}, opts);
    } catch (const core::FilesystemError& e) {
      throw core::PreconditionError("hook " + label + " #" + std::to_string(index) + " ('" +
                                        command + "') could not start: " + e.what(),
                                    "check that /bin/sh exists");
    }
    double seconds =
        std::round(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() *
                   10.0) /
        10.0;
    ran.push_back({{"command", command},
                   {"exit_code", r.exit_code},
                   {"timed_out", r.timed_out},
                   {"seconds", seconds}});
    if (!r.ok()) {
      std::string how =
          r.timed_out ? "timed out after " + core::format_duration(limit) : r.describe();
      throw core::PreconditionError("hook " + label + " #" + std::to_string(index) + " ('" +
                                        command + "') failed: " + how,
                                    "fix the hook (project field 'hooks." + label +
                                        "', see docs/hooks.md) and re-run; nothing after it ran");
    }
  }
  return ran;
}

} // namespace odoo_upgrade::commands::hooks
