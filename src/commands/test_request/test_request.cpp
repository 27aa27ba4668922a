#include "round_runner.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/http/upgrade_service_client.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/adapters/transfer/rsync_transfer.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/test_request.hpp>
#include <odoo_upgrade/commands/test_request_db.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/test_round.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
namespace db = test_request_db;
using json = nlohmann::json;
using core::RoundState;
using core::RoundStep;

constexpr const char* k_command = "test-request";
using rounds::check_tools;
using rounds::env_or_empty;
using rounds::token_key;

// The unfinished round, when there is one.
std::optional<int> open_round_index(core::Project& project) {
  auto& rounds = project.rounds();
  if (rounds.empty()) {
    return std::nullopt;
  }
  auto st = core::parse_round_state(rounds.back().value("state", ""));
  if (st && core::is_final(*st)) {
    return std::nullopt;
  }
  return static_cast<int>(rounds.size()) - 1;
}

} // namespace

TestRequestPorts real_test_request_ports() {
  TestRequestPorts p;
  p.make_service = [](const ServiceSettings& s, core::Clock& clock) {
    adapters::http::ServiceClientConfig config;
    config.base_url = s.url;
    if (s.ca_file) {
      config.ca_file = *s.ca_file;
    }
    return std::make_unique<adapters::http::UpgradeServiceClient>(config, clock);
  };
  p.make_transfer = [] { return std::make_unique<adapters::transfer::RsyncTransfer>(); };
  return p;
}

ServiceSettings resolve_service_settings(const core::Project& project,
                                         const std::optional<std::string>& url,
                                         const std::optional<std::string>& ca_file,
                                         const std::optional<std::string>& data_server_user) {
  ServiceSettings s;
  const json* service = project.find_section("service");
  auto from_project = [&](const char* key) -> std::string {
    if (service == nullptr || !service->contains(key) || !(*service)[key].is_string()) {
      return {};
    }
    return (*service)[key].get<std::string>();
  };
  s.url = url && !url->empty() ? *url : from_project("url");
  if (s.url.empty()) {
    s.url = std::string(adapters::http::k_default_service_url);
  }
  std::string ca = ca_file && !ca_file->empty() ? *ca_file : from_project("ca_file");
  if (!ca.empty()) {
    std::error_code ec;
    if (!stdfs::exists(ca, ec)) {
      throw core::UsageError("CA file '" + ca + "' does not exist");
    }
    s.ca_file = ca;
  }
  s.data_server_user = data_server_user && !data_server_user->empty()
                           ? *data_server_user
                           : from_project("data_server_user");
  if (s.data_server_user.empty()) {
    s.data_server_user = "odoo";
  }
  return s;
}

int run_test_request(const TestRequestOptions& options, Context& ctx) {
  return run_test_request(options, ctx, real_test_request_ports());
}

int run_test_request(const TestRequestOptions& options,
                     Context& ctx,
                     const TestRequestPorts& ports) {
  // Validate the flags, then hold the lock, the project and its secrets for the whole run.
  rounds::RequestSession session =
      rounds::open_request_session(rounds::request_flags(options), ctx);
  core::Project& project = session.project;
  adapters::fs::SecretStore& secrets = session.secrets;
  const ServiceSettings& settings = session.settings;

  auto open = open_round_index(project);
  if (options.abandon) {
    if (!open) {
      throw core::PreconditionError("there is no unfinished test round to abandon");
    }
    json& r = project.rounds()[*open];
    int n = r.value("number", 0);
    if (ctx.options.dry_run) {
      ctx.out.result({{"plan", {"abandon round " + std::to_string(n)}}},
                     [&](std::ostream& os) { os << "would abandon round " << n << "\n"; });
      return 0;
    }
    r["state"] = "abandoned";
    r["reason"] = "abandoned by the user";
    r["finished_at"] = r["updated_at"] = core::iso8601_utc(ctx.clock.now());
    bool earlier_tested = false;
    for (const auto& x : project.rounds()) {
      earlier_tested = earlier_tested || x.value("state", "") == "tested";
    }
    project.set_phase(earlier_tested ? core::Phase::tested : core::Phase::initiated);
    ctx.record(project, k_command, "abandoned", {{"round", n}});
    adapters::fs::save_project(ctx.project_path(), project);
    ctx.out.result(r, [&](std::ostream& os) {
      os << "round " << n << " abandoned (request " << r.value("request_id", json()).dump()
         << " is left as is on the service)\n";
    });
    return 0;
  }

  core::require_phase(project, k_command);
  if (project.target_version().empty() || project.find_section("source") == nullptr) {
    throw core::PreconditionError("project has no target version or production database",
                                  "run 'odoo-upgrade initiate' first");
  }

  int index = 0;
  if (open) {
    index = *open;
    json& r = project.rounds()[index];
    if (options.dump || options.test_db) {
      spdlog::warn("resuming round {}: --dump and --test-db apply to new rounds only",
                   r.value("number", 0));
    }
    spdlog::info("resuming round {} (state '{}')", r.value("number", 0), r.value("state", ""));
    if (ctx.options.dry_run) {
      ctx.out.result({{"plan", {"resume round " + std::to_string(r.value("number", 0))}}},
                     [&](std::ostream& os) {
                       os << "would resume round " << r.value("number", 0) << " from state '"
                          << r.value("state", "") << "'\n";
                     });
      return 0;
    }
  } else {
    // A new round: check everything it will need before recording it.
    check_tools(!options.dump);
    if (options.dump) {
      test_request_db::validate_dump_file(*options.dump);
    }
    int number = static_cast<int>(project.rounds().size()) + 1;
    std::string prod_db = project.doc()["source"].value("dbname", "");
    std::string test_db =
        options.test_db ? *options.test_db
                        : core::default_test_db_name(prod_db, project.target_version(), number);
    if (test_db.empty() || test_db.size() > 63) {
      throw core::UsageError("test database name '" + test_db + "' is empty or too long");
    }
    if (test_db == prod_db) {
      throw core::UsageError("the test database cannot be the production database '" + prod_db +
                             "'");
    }
    if (test_request_db::database_exists(source_conninfo(project, secrets), test_db)) {
      throw core::UsageError("database '" + test_db + "' already exists",
                             "odoo-upgrade restores only into a new database; pass another "
                             "--test-db NAME");
    }
    if (!secrets.get("contract") && env_or_empty("ODOO_UPGRADE_CONTRACT").empty()) {
      throw core::PreconditionError("no subscription code (contract) for the upgrade request",
                                    "pass --contract to 'odoo-upgrade initiate' (or set "
                                    "ODOO_UPGRADE_CONTRACT)");
    }
    if (ctx.options.dry_run) {
      json plan = {"dump production",
                   "create a test request (" + project.target_version() + ")",
                   "upload",
                   "process",
                   "wait",
                   "download",
                   "restore into '" + test_db + "'",
                   "merge filestore",
                   "verify and neutralize"};
      ctx.out.result({{"plan", plan}}, [&](std::ostream& os) {
        os << "round " << number << " would:\n";
        for (const auto& s : plan) {
          os << "  - " << s.get<std::string>() << "\n";
        }
      });
      return 0;
    }
    std::string now = core::iso8601_utc(ctx.clock.now());
    project.rounds().push_back({{"number", number},
                                {"aim", "test"},
                                {"target", project.target_version()},
                                {"state", "dumping"},
                                {"request_id", nullptr},
                                {"host", ""},
                                {"service_url", settings.url},
                                {"test_db", test_db},
                                {"created_at", now},
                                {"updated_at", now},
                                {"dump", json::object()},
                                {"received", json::object()},
                                {"timings", json::object()}});
    // A new round supersedes an earlier sign-off: the UAT must be redone on the new database.
    project.set_phase(core::Phase::testing);
    ctx.record(project, k_command, "started", {{"round", number}, {"test_db", test_db}});
    adapters::fs::save_project(ctx.project_path(), project);
    index = static_cast<int>(project.rounds().size()) - 1;
    spdlog::info("round {} started (test database will be '{}')", number, test_db);
  }
  if (project.phase() != core::Phase::testing) {
    project.set_phase(core::Phase::testing);
  }
  rounds::RoundKind kind;
  kind.command = k_command;
  kind.aim = "test";
  kind.label = "round " + std::to_string(project.rounds()[index].value("number", 0));
  kind.record = [&project, index]() -> json& { return project.rounds()[index]; };
  kind.token_key = token_key(project.rounds()[index].value("number", 0));
  kind.dir =
      work_dir(project) / "rounds" / std::to_string(project.rounds()[index].value("number", 0));
  kind.restore_and_verify = true;
  kind.on_failed = [&project] {
    // The phase falls back to what the earlier rounds achieved.
    bool earlier_tested = false;
    for (const auto& r : project.rounds()) {
      earlier_tested = earlier_tested || r.value("state", "") == "tested";
    }
    project.set_phase(earlier_tested ? core::Phase::tested : core::Phase::initiated);
  };
  return rounds::run_round(kind, options, ctx, ports, project, secrets, settings);
}

nlohmann::json refresh_latest_round(core::Project& project,
                                    const std::filesystem::path& project_path,
                                    const ServiceSettings& settings,
                                    Context& ctx) {
  auto* r = project.latest_round();
  if (r == nullptr || r->value("request_id", json()).is_null()) {
    return nullptr;
  }
  int n = r->value("number", 0);
  adapters::fs::SecretStore secrets(project_path);
  auto tok = secrets.get(token_key(n));
  if (!tok) {
    return nullptr;
  }
  auto service = real_test_request_ports().make_service(settings, ctx.clock);
  std::string host = r->value("host", "");
  if (!host.empty()) {
    service->pin_host(host);
  }
  auto s = service->status(*tok);
  (*r)["service_status"] = s.state_text;
  if (!s.host.empty()) {
    (*r)["host"] = s.host;
  }
  if (!s.reason.empty()) {
    (*r)["service_reason"] = s.reason;
  }
  (*r)["updated_at"] = core::iso8601_utc(ctx.clock.now());
  auto local = core::parse_round_state(r->value("state", ""));
  if (local && !core::is_final(*local) && core::needs_service_status(*local) &&
      (s.state == ports::RequestState::failed || s.state == ports::RequestState::cancelled)) {
    // The round ends here as test-request would end it.
    std::string outcome = s.state == ports::RequestState::failed ? "failed" : "cancelled";
    (*r)["state"] = outcome;
    (*r)["reason"] = s.reason.empty() ? "no reason given" : s.reason;
    (*r)["finished_at"] = core::iso8601_utc(ctx.clock.now());
    bool earlier_tested = false;
    for (const auto& x : project.rounds()) {
      earlier_tested = earlier_tested || x.value("state", "") == "tested";
    }
    project.set_phase(earlier_tested ? core::Phase::tested : core::Phase::initiated);
    ctx.record(project, "status", outcome, {{"round", n}, {"reason", (*r)["reason"]}});
  }
  return {{"round", n},
          {"request_id", r->value("request_id", json())},
          {"status", s.state_text},
          {"reason", s.reason},
          {"archived", s.archived}};
}

std::optional<std::string> round_token(const std::filesystem::path& project_path, int round) {
  adapters::fs::SecretStore secrets(project_path);
  return secrets.get(token_key(round));
}

} // namespace odoo_upgrade::commands
