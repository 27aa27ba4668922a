// The one entry of test-request and prod-request: abandon, resume, or record a new request, then
// run its steps. What differs between the two is what their RequestKind supplies.
#include "attach.hpp"
#include "opening.hpp"
#include "summary.hpp"

#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

namespace odoo_upgrade::commands::request {

namespace {

namespace stdfs = std::filesystem;

// --abandon: the unfinished request is given up here; the service's request is left as it is.
int abandon(const RequestKind& kind,
            const RequestOptions& options,
            ProjectSession& session,
            Context& ctx) {
  auto open = kind.open_record(session.project());
  if (!open) {
    throw core::PreconditionError("there is no unfinished " + kind.title + " to abandon");
  }
  RequestRun run(kind, *open, session, ctx, options);
  if (ctx.options.dry_run) {
    return print_plan(ctx, run.label() + " would:", {"be abandoned (its request stays as it is)"});
  }
  // Giving up a round's work is the consultant's decision (or --yes).
  require_confirmation(ctx,
                       "abandon " + run.label() + " (its request " + request_id_text(run.record()) +
                           " stays as it is on the service)?");
  drop_abandoned_scratch(run);
  auto& rec = run.record();
  rec.state = core::RequestState::abandoned;
  rec.reason = "abandoned by the user";
  rec.finished_at = run.now();
  // The phase falls back as after a failed request (the rule reads the recorded state).
  kind.store(session.project(), rec);
  kind.on_ended_without_result(session.project());
  ctx.record(session.project(), kind.command, "abandoned", {{kind.event_key, rec.number}});
  run.save();
  ctx.out.result(run.summary(), [&](std::ostream& os) {
    os << run.label() << " abandoned (request " << request_id_text(rec)
       << " is left as is on the service)\n";
  });
  return 0;
}

// The names of --env entries "VAR=VALUE" (validated by open_request_session).
std::vector<std::string> env_names(const std::vector<std::string>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) {
    names.push_back(e.substr(0, e.find('=')));
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    s += (s.empty() ? "" : ", ") + n;
  }
  return s;
}

void keep_env_values(adapters::fs::SecretStore& secrets,
                     const RequestKind& kind,
                     int number,
                     const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    auto eq = e.find('=');
    std::string value = e.substr(eq + 1);
    core::register_secret(value);
    secrets.set(env_key(kind.token_prefix, number, e.substr(0, eq)), value);
  }
}

// Every step of a request about to dump must fit on its disks (issue 11, case 4): checked before a
// new request is recorded, and before a resumed one dumps again. The production size the estimate
// read is the one the dump records (`timings.database_bytes`, StepRunner::dump): read once.
void require_request_space(const RequestKind& kind,
                           const RequestOptions& options,
                           const core::Project& project,
                           const adapters::fs::SecretStore& secrets,
                           core::RequestRecord& rec) {
  core::RequestRecord estimated = rec;
  if (kind.dump_file) {
    estimated.dump.source = "file";
  } else {
    estimated.dump.compression = options.compression; // the level the estimate is for
  }
  stdfs::path dir = work_dir(project) / kind.dir_name / std::to_string(rec.number);
  std::uint64_t database = 0;
  require_disk_space(
      request_disk_steps(project, secrets, estimated, dir, {true, true, true}, &database),
      kind.noun + " " + std::to_string(rec.number),
      options.skip_disk_check);
  if (!kind.dump_file) {
    rec.timings.database_bytes = database;
  }
}

// A new request: everything it needs is checked before it is recorded. Returns std::nullopt after
// printing the plan of a --dry-run.
std::optional<core::RequestRecord>
start_new(const RequestKind& kind, const RequestOptions& options, RequestSession& s, Context& ctx) {
  check_tools(s.project.project(),
              kind.dump_file ? PgDump::not_needed : PgDump::needed,
              kind.restores ? PgRestore::needed : PgRestore::not_needed);
  auto& project = s.project.project();
  // The conninfo still reaches the production initiate recorded (never dump another database).
  require_recorded_production(project, s.project.secrets());
  auto rec = new_record(kind, project, s.settings, core::iso8601_utc(ctx.clock.now()));
  kind.prepare_new(rec, s.project);
  require_contract(s.project.secrets(), options);
  require_request_space(kind, options, project, s.project.secrets(), rec);
  std::string label = kind.noun + " " + std::to_string(rec.number);
  rec.env_vars = env_names(options.env_vars);
  if (ctx.options.dry_run) {
    auto plan = kind.plan(rec, project);
    if (!rec.env_vars.empty()) {
      plan.push_back("send the environment variables " + joined(rec.env_vars) + " with create");
    }
    print_plan(ctx, label + " would:", plan);
    return std::nullopt;
  }
  // The values may be secrets: the secrets file keeps them for the create (maybe a later run).
  keep_env_values(s.project.secrets(), kind, rec.number, options.env_vars);
  // Recorded (and the phase moved) before anything runs, so that a crash resumes it.
  kind.add(project, rec);
  kind.on_running(project);
  nlohmann::json details = {{kind.event_key, rec.number}};
  if (rec.test_db) {
    details["test_db"] = *rec.test_db;
  }
  ctx.record(project, kind.command, "started", details);
  s.project.save();
  spdlog::info("{} started{}",
               label,
               rec.test_db ? " (test database will be '" + *rec.test_db + "')" : std::string());
  return rec;
}

// The unfinished request resumes where it stopped. Returns std::nullopt after printing the plan of
// a --dry-run.
std::optional<core::RequestRecord> resume(const RequestKind& kind,
                                          const RequestOptions& options,
                                          core::RequestRecord rec,
                                          const core::Project& project,
                                          const adapters::fs::SecretStore& secrets,
                                          Context& ctx) {
  std::string label = kind.noun + " " + std::to_string(rec.number);
  std::string state(core::to_string(rec.state));
  if (!kind.resume_warning.empty()) {
    spdlog::warn("resuming {}: {}", label, kind.resume_warning);
  }
  spdlog::info("resuming {} (state '{}')", label, state);
  // A request resumed before its dump dumps production: the same database as when it started.
  if (rec.state == core::RequestState::dumping) {
    require_recorded_production(project, secrets);
    require_request_space(kind, options, project, secrets, rec);
  }
  if (ctx.options.dry_run) {
    print_plan(ctx, label + " would:", {"resume from state '" + state + "'"});
    return std::nullopt;
  }
  return rec;
}

} // namespace

core::RequestRecord new_record(const RequestKind& kind,
                               const core::Project& project,
                               const ServiceSettings& settings,
                               const std::string& now) {
  core::RequestRecord rec;
  rec.number = kind.next_number(project);
  rec.aim = kind.aim;
  rec.target = project.target_version();
  rec.state = core::RequestState::dumping;
  rec.service_url = settings.url;
  rec.created_at = now;
  rec.updated_at = now;
  return rec;
}

int run_request(const RequestKind& kind,
                const RequestOptions& options,
                Context& ctx,
                const RequestPorts& ports) {
  // Bad options end the run first; then the project (locked by the command line) and its secrets.
  RequestSession s = open_request_session(options, ctx);
  core::Project& project = s.project.project();
  // Giving up is possible in every phase: it is how a stuck request is left behind.
  if (options.abandon) {
    return abandon(kind, options, s.project, ctx);
  }
  // The phase, then the kind's own refusals (a finished production request prints its result).
  core::require_phase(project, kind.command);
  if (auto code = kind.check(project, ctx)) {
    return *code;
  }
  auto open = kind.open_record(project);
  std::optional<core::RequestRecord> rec;
  if (options.attach_token) {
    rec = attach_request(kind, options, s, ports, ctx);
  } else if (open) {
    if (!options.env_vars.empty()) {
      spdlog::warn(
          "--env applies to new requests only: {} {} keeps its own", kind.noun, open->number);
    }
    rec = resume(kind, options, *open, project, s.project.secrets(), ctx);
  } else {
    rec = start_new(kind, options, s, ctx);
  }
  if (!rec) {
    return 0;
  }
  // A running request holds its phase (saved with the next step).
  kind.on_running(project);
  RequestRun run(kind, std::move(*rec), s.project, ctx, options);
  if (options.attach_token) {
    notify(run, "request_started");
  }
  return run_steps(run, ports, s.settings);
}

} // namespace odoo_upgrade::commands::request
