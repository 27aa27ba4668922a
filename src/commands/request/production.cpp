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
#include <odoo_upgrade/core/runbook.hpp>
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

// The runbook must be the one the sign-off approved: production replays exactly what was tested.
// A change stops the run before anything happens, unless accepted (--accept-runbook-change).
// Returns the acceptance to record, or std::nullopt when nothing changed.
std::optional<core::RunbookChangeAcceptance>
check_runbook(const core::Project& project, const ProdRequestOptions& options, const Context& ctx) {
  auto changes = golive::runbook_changes_since_signoff(project);
  if (changes.empty()) {
    return std::nullopt;
  }
  std::string listed;
  for (const auto& c : changes) {
    listed += "  " + c + "\n";
  }
  if (!options.accept_runbook_change) {
    throw core::PreconditionError(
        "the runbook changed since the sign-off (" + std::to_string(changes.size()) +
            (changes.size() == 1 ? " change" : " changes") + "); nothing was sent",
        "changes since the sign-off:\n" + listed +
            "re-test them in a new round and sign off again, or accept them with "
            "'odoo-upgrade prod-request --accept-runbook-change --reason TEXT'");
  }
  core::RunbookChangeAcceptance a;
  a.reason = options.reason;
  a.at = core::iso8601_utc(ctx.clock.now());
  a.changes = std::move(changes);
  a.previous_digest = golive::approved_runbook(project).digest;
  a.digest = golive::runbook_approval(project).digest;
  return a;
}

// An accepted change: recorded in the request and the history; the runbook as it stands becomes
// the approved one (restore replays it).
void accept_runbook_change(core::Project& project,
                           core::RequestRecord& rec,
                           const core::RunbookChangeAcceptance& a,
                           const Context& ctx) {
  rec.runbook_change = a;
  golive::replace_signoff_approval(project);
  ctx.record(project,
             k_command,
             "runbook_change_accepted",
             {{"request", rec.number},
              {"reason", a.reason},
              {"changes", a.changes},
              {"previous_digest", a.previous_digest},
              {"digest", a.digest}});
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

// The --dry-run plan of a production request: the runbook changes it would accept, then its steps.
std::vector<std::string> production_plan(const ProdRequestOptions& options,
                                         const RequestRecord& r,
                                         const core::Project& project) {
  std::vector<std::string> plan;
  if (r.runbook_change) {
    plan.push_back("accept the runbook changes since the sign-off (reason: " +
                   r.runbook_change->reason + "):");
    for (const auto& c : r.runbook_change->changes) {
      plan.push_back("  " + c);
    }
  }
  for (auto step : std::vector<std::string>{
           "dump the frozen production database '" + r.database.value_or("") + "' (" +
               request::dump_settings_text(options.request) + ")",
           request::runbook_plan_line(project,
                                      core::RunbookWhen::before_upload,
                                      "on a scratch copy of it, and send the scratch copy's dump"),
           "create a production request (" + r.target + ")",
           "upload",
           "process",
           "wait",
           "download the upgraded dump and filestore into the work dir (with checksums)"}) {
    if (!step.empty()) {
      plan.push_back(std::move(step));
    }
  }
  return plan;
}

request::RequestKind production_kind(const ProdRequestOptions& options, Context& ctx) {
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
  k.store = store_request;
  k.check = [&options](core::Project& project, Context& c) -> std::optional<int> {
    if (auto code = check_frozen(project, c)) {
      return code;
    }
    // A resumed request is checked again until its dump is made (then the dump is what is sent).
    auto open = open_request(project);
    if (open && open->state != RequestState::dumping) {
      return std::nullopt;
    }
    auto accepted = check_runbook(project, options, c);
    if (open && accepted && !c.options.dry_run) {
      accept_runbook_change(project, *open, *accepted, c);
      store_request(project, *open);
    }
    return std::nullopt;
  };
  k.prepare_new = [&options, &ctx](RequestRecord& r, ProjectSession& s) {
    r.database = request::production_db_name(s.project());
    r.freeze_started_at = core::read_freeze(s.project()).started_at;
    r.runbook_change = check_runbook(s.project(), options, ctx);
  };
  k.add = [&ctx](core::Project& project, const RequestRecord& request) {
    RequestRecord r = request;
    if (r.runbook_change) {
      accept_runbook_change(project, r, *r.runbook_change, ctx);
    }
    add_request(project, r);
  };
  k.plan = [&options](const RequestRecord& r, const core::Project& project) {
    return production_plan(options, r, project);
  };
  // The approved before-upload steps (check refused a runbook changed since the sign-off, or the
  // change was accepted and approved) run on a scratch copy of the frozen production.
  k.before_upload_steps = [](const core::Project& p) {
    return core::read_runbook(p).enabled(core::RunbookWhen::before_upload);
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
  // Bad input changes nothing.
  if (options.accept_runbook_change &&
      options.reason.find_first_not_of(" \t") == std::string::npos) {
    throw core::UsageError("--accept-runbook-change needs --reason",
                           "say why the runbook changed since the sign-off is accepted");
  }
  if (!options.accept_runbook_change && !options.reason.empty()) {
    throw core::UsageError("--reason is only used with --accept-runbook-change",
                           "drop --reason or add --accept-runbook-change");
  }
  auto kind = production_kind(options, ctx);
  return request::run_request(kind, options.request, ctx, ports);
}

} // namespace odoo_upgrade::commands
