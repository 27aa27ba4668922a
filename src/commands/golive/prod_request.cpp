// `prod-request`: the production upgrade request on the frozen production database.
#include "../test_request/round_runner.hpp"
#include "golive_common.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/prod_request.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/test_round.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
constexpr const char* k_command = "prod-request";

std::string token_key(int number) {
  return "production." + std::to_string(number) + ".token";
}

// The production request that may be resumed: recorded, not final, not voided by a lift.
bool is_open(const json* prod) {
  if (prod == nullptr || !prod->is_object() || !prod->contains("state")) {
    return false;
  }
  if (prod->contains("invalidated")) {
    return false;
  }
  auto st = core::parse_round_state(prod->value("state", ""));
  return st && !core::is_final(*st) && *st != core::RoundState::downloaded;
}

bool is_downloaded(const json* prod) {
  return prod != nullptr && prod->is_object() && !prod->contains("invalidated") &&
         prod->value("state", "") == "downloaded";
}

TestRequestOptions round_options(const ProdRequestOptions& o) {
  TestRequestOptions t;
  t.no_wait = o.no_wait;
  t.timeout = o.timeout;
  t.jobs = o.jobs;
  t.poll_first = o.poll_first;
  t.poll_max = o.poll_max;
  t.transfer_attempts = o.transfer_attempts;
  return t;
}

json summary(const core::Project& project) {
  json doc = *project.find_section("production");
  doc.erase("previous");
  doc["phase"] = std::string(core::to_string(project.phase()));
  doc["next"] = core::next_step(project);
  return doc;
}

void print_downloaded(std::ostream& os, const core::Project& project, Context& ctx) {
  const json& p = *project.find_section("production");
  const json& t = p.value("timings", json::object());
  auto timing = [&](const char* k) {
    return t.contains(k) ? core::format_duration(std::chrono::milliseconds(
                               static_cast<long long>(t[k].get<double>() * 1000)))
                         : std::string("-");
  };
  os << ctx.out.green("production request " + std::to_string(p.value("number", 0)) + " downloaded")
     << ": request " << p.value("request_id", json()).dump() << " on " << p.value("host", "")
     << "\n";
  os << "  sent       " << core::format_bytes(p["dump"].value("bytes", 0LL)) << " sha256 "
     << p["dump"].value("sha256", "") << "\n";
  os << "  received   " << p["received"]["dump"].value("path", "") << "\n"
     << "             sha256 " << p["received"]["dump"].value("sha256", "") << "\n";
  os << "             filestore " << p["received"]["filestore"].value("files", 0)
     << " files returned\n";
  os << "  timings    dump " << timing("dump_s") << ", upload " << timing("upload_s")
     << ", processing " << timing("processing_s") << ", download " << timing("download_s") << "\n";
  os << "next: " << core::next_step(project) << "\n";
}

} // namespace

int run_prod_request(const ProdRequestOptions& options, Context& ctx) {
  return run_prod_request(options, ctx, real_test_request_ports());
}

int run_prod_request(const ProdRequestOptions& options,
                     Context& ctx,
                     const TestRequestPorts& ports) {
  // Validate the flags, then hold the lock, the project and its secrets for the whole run.
  rounds::RequestSession session =
      rounds::open_request_session(rounds::request_flags(options), ctx);
  core::Project& project = session.project;
  adapters::fs::SecretStore& secrets = session.secrets;
  const ServiceSettings& settings = session.settings;
  const json* prod = project.find_section("production");

  if (options.abandon) {
    if (!is_open(prod)) {
      throw core::PreconditionError("there is no unfinished production request to abandon");
    }
    json& p = project.section("production");
    int n = p.value("number", 0);
    if (ctx.options.dry_run) {
      ctx.out.result(
          {{"plan", {"abandon production request " + std::to_string(n)}}},
          [&](std::ostream& os) { os << "would abandon production request " << n << "\n"; });
      return 0;
    }
    p["state"] = "abandoned";
    p["reason"] = "abandoned by the user";
    p["finished_at"] = p["updated_at"] = core::iso8601_utc(ctx.clock.now());
    project.set_phase(core::Phase::frozen);
    ctx.record(project, k_command, "abandoned", {{"request", n}});
    adapters::fs::save_project(ctx.project_path(), project);
    ctx.out.result(summary(project), [&](std::ostream& os) {
      os << "production request " << n << " abandoned (request "
         << p.value("request_id", json()).dump() << " is left as is on the service)\n";
    });
    return 0;
  }

  // Only a frozen, signed-off production may be sent: its result replaces production.
  core::require_phase(project, k_command);
  const json* fr = project.find_section("freeze");
  if (fr == nullptr || fr->value("state", "") != "applied") {
    throw core::PreconditionError("production is not frozen",
                                  "run 'odoo-upgrade freeze apply' first");
  }
  if (golive::latest_signoff(project) == nullptr && !(*fr).value("forced", json()).is_object()) {
    throw core::PreconditionError("the latest test round is not signed off",
                                  "run 'odoo-upgrade uat signoff --by NAME' (or freeze with "
                                  "--force --reason)");
  }
  if (is_downloaded(prod) && project.phase() == core::Phase::production_request) {
    ctx.out.result(summary(project), [&](std::ostream& os) { print_downloaded(os, project, ctx); });
    return 0;
  }

  bool resume = is_open(prod);
  if (resume) {
    spdlog::info("resuming production request {} (state '{}')",
                 prod->value("number", 0),
                 prod->value("state", ""));
    if (ctx.options.dry_run) {
      ctx.out.result(
          {{"plan", {"resume production request " + std::to_string(prod->value("number", 0))}}},
          [&](std::ostream& os) {
            os << "would resume production request " << prod->value("number", 0) << " from state '"
               << prod->value("state", "") << "'\n";
          });
      return 0;
    }
  } else {
    rounds::check_tools(true, false);
    if (!secrets.get("contract") && rounds::env_or_empty("ODOO_UPGRADE_CONTRACT").empty()) {
      throw core::PreconditionError("no subscription code (contract) for the upgrade request",
                                    "pass --contract (or set ODOO_UPGRADE_CONTRACT)");
    }
    int number = 1;
    if (prod != nullptr && prod->contains("number")) {
      number = prod->value("number", 0) + 1;
    }
    if (ctx.options.dry_run) {
      json plan = {"dump the frozen production database '" + golive::production_db(project) + "'",
                   "create a production request (" + project.target_version() + ")",
                   "upload",
                   "process",
                   "wait",
                   "download the upgraded dump and filestore into the work dir (with checksums)"};
      ctx.out.result({{"plan", plan}}, [&](std::ostream& os) {
        os << "production request " << number << " would:\n";
        for (const auto& s : plan) {
          os << "  - " << s.get<std::string>() << "\n";
        }
      });
      return 0;
    }
    json previous = json::array();
    if (prod != nullptr && prod->is_object() && prod->contains("state")) {
      json old = *prod;
      previous = old.value("previous", json::array());
      old.erase("previous");
      previous.push_back(old);
    }
    std::string now = core::iso8601_utc(ctx.clock.now());
    project.section("production") = {{"number", number},
                                     {"aim", "production"},
                                     {"target", project.target_version()},
                                     {"state", "dumping"},
                                     {"request_id", nullptr},
                                     {"host", ""},
                                     {"service_url", settings.url},
                                     {"database", golive::production_db(project)},
                                     {"freeze_started_at", fr->value("started_at", "")},
                                     {"created_at", now},
                                     {"updated_at", now},
                                     {"dump", json::object()},
                                     {"received", json::object()},
                                     {"timings", json::object()},
                                     {"previous", previous}};
    project.set_phase(core::Phase::production_request);
    ctx.record(project, k_command, "started", {{"request", number}});
    adapters::fs::save_project(ctx.project_path(), project);
    spdlog::info("production request {} started", number);
  }
  if (project.phase() != core::Phase::production_request) {
    project.set_phase(core::Phase::production_request);
  }

  int number = project.section("production").value("number", 1);
  rounds::RoundKind kind;
  kind.command = k_command;
  kind.aim = "production";
  kind.label = "production request " + std::to_string(number);
  kind.record = [&project]() -> json& { return project.section("production"); };
  kind.token_key = token_key(number);
  kind.dir = work_dir(project) / "production" / std::to_string(number);
  kind.restore_and_verify = false;
  kind.on_failed = [&project] { project.set_phase(core::Phase::frozen); };
  kind.on_downloaded = [&]() -> int {
    json& p = project.section("production");
    p["finished_at"] = core::iso8601_utc(ctx.clock.now());
    ctx.record(project,
               k_command,
               "ok",
               {{"request", number},
                {"request_id", p.value("request_id", json())},
                {"dump_sha256", p["received"]["dump"].value("sha256", "")},
                {"timings", p.value("timings", json::object())}});
    adapters::fs::save_project(ctx.project_path(), project);
    ctx.out.result(summary(project), [&](std::ostream& os) { print_downloaded(os, project, ctx); });
    return 0;
  };
  return rounds::run_round(kind, round_options(options), ctx, ports, project, secrets, settings);
}

} // namespace odoo_upgrade::commands
