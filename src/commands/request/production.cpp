// `prod-request`: the production request on the frozen production database. What its kind
// supplies: the request lives in section `production` (earlier ones in `production.previous`), it
// may start only on a frozen, signed-off production, and it stops once the result is downloaded
// (`restore` puts it into production).
#include "../golive/golive_common.hpp"
#include "opening.hpp"
#include "summary.hpp"

#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using core::RequestRecord;
using core::RequestState;
using request::RequestRun;

constexpr const char* k_command = "prod-request";

// A production request that is still current: recorded and not voided by a lift or a rollback.
std::optional<RequestRecord> current_request(const core::Project& project) {
  auto production = core::read_production(project);
  if (!production || production->request.invalidated) {
    return std::nullopt;
  }
  return production->request;
}

// The production request a run resumes: current, not final and not yet downloaded.
std::optional<RequestRecord> open_request(const core::Project& project) {
  auto current = current_request(project);
  if (!current || core::is_final(current->state) || current->state == RequestState::downloaded) {
    return std::nullopt;
  }
  return current;
}

// A new production request replaces the section; the earlier one goes to `previous`.
void add_request(core::Project& project, const RequestRecord& request) {
  core::ProductionRecord next{request, {}};
  if (auto old = core::read_production(project)) {
    next.previous = std::move(old->previous);
    next.previous.push_back(std::move(old->request));
  }
  core::write_production(project, next);
}

void store_request(core::Project& project, const RequestRecord& request) {
  auto production = core::read_production(project).value_or(core::ProductionRecord{});
  production.request = request;
  core::write_production(project, production);
}

// Only a frozen, signed-off production may be sent: its result replaces production. A request
// already downloaded is printed again.
std::optional<int> check_frozen(core::Project& project, Context& ctx) {
  auto freeze = core::read_freeze(project);
  if (freeze.state != core::FreezeState::applied) {
    throw core::PreconditionError("production is not frozen",
                                  "run 'odoo-upgrade freeze apply' first");
  }
  if (!golive::latest_signoff(project) && !freeze.forced) {
    throw core::PreconditionError("the latest test round is not signed off",
                                  "run 'odoo-upgrade uat signoff --by NAME' (or freeze with "
                                  "--force --reason)");
  }
  auto current = current_request(project);
  if (current && current->state == RequestState::downloaded &&
      project.phase() == core::Phase::production_request) {
    ctx.out.result(request::summary_of(*current, project), [&](std::ostream& os) {
      request::print_downloaded(os, ctx.out, *current, project);
    });
    return 0;
  }
  return std::nullopt;
}

// After the download: the production request ends here; `restore` takes over.
int record_downloaded(RequestRun& run) {
  auto& r = run.record();
  r.finished_at = run.now();
  run.ctx().record(run.project(),
                   k_command,
                   "ok",
                   {{"request", r.number},
                    {"request_id", r.request_id ? nlohmann::json(*r.request_id) : nullptr},
                    {"dump_sha256", r.received.dump ? r.received.dump->sha256 : ""},
                    {"timings", core::to_json(r).at("timings")}});
  run.save();
  run.ctx().out.result(run.summary(), [&](std::ostream& os) {
    request::print_downloaded(os, run.ctx().out, r, run.project());
  });
  return 0;
}

request::RequestKind production_kind() {
  request::RequestKind k;
  k.command = k_command;
  k.aim = "production";
  k.noun = "production request";
  k.title = "production request";
  k.token_prefix = "production";
  k.dir_name = "production";
  k.event_key = "request";
  k.open_record = open_request;
  k.next_number = [](const core::Project& p) {
    auto production = core::read_production(p);
    return production ? production->request.number + 1 : 1;
  };
  k.add = add_request;
  k.store = store_request;
  k.check = check_frozen;
  k.prepare_new = [](RequestRecord& r, ProjectSession& s) {
    r.database = request::production_db_name(s.project());
    r.freeze_started_at = core::read_freeze(s.project()).started_at;
  };
  k.plan = [](const RequestRecord& r) {
    return std::vector<std::string>{
        "dump the frozen production database '" + r.database.value_or("") + "'",
        "create a production request (" + r.target + ")",
        "upload",
        "process",
        "wait",
        "download the upgraded dump and filestore into the work dir (with checksums)"};
  };
  k.on_running = core::phase_after_production_request_started;
  k.on_ended_without_result = core::phase_after_failed_production_request;
  k.restores = false;
  k.after_download = record_downloaded;
  return k;
}

} // namespace

int run_prod_request(const ProdRequestOptions& options, Context& ctx) {
  return run_prod_request(options, ctx, real_request_ports());
}

int run_prod_request(const ProdRequestOptions& options, Context& ctx, const RequestPorts& ports) {
  return request::run_request(production_kind(), options.request, ctx, ports);
}

} // namespace odoo_upgrade::commands
