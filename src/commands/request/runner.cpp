// The request being run and the loop of its steps, shared by test-request and prod-request.
#include "steps.hpp"
#include "summary.hpp"

#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_rules.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <ostream>

namespace odoo_upgrade::commands::request {

namespace {

using core::RequestState;
using core::RequestStep;

core::ServiceState to_service_state(ports::RequestState s) {
  switch (s) {
  case ports::RequestState::created:
    return core::ServiceState::created;
  case ports::RequestState::pending:
    return core::ServiceState::pending;
  case ports::RequestState::progress:
    return core::ServiceState::progress;
  case ports::RequestState::done:
    return core::ServiceState::done;
  case ports::RequestState::failed:
    return core::ServiceState::failed;
  case ports::RequestState::cancelled:
    return core::ServiceState::cancelled;
  case ports::RequestState::unknown:
    break;
  }
  return core::ServiceState::unknown;
}

// Seconds with one decimal, as every timing is recorded.
double tenths_of_second(std::chrono::milliseconds ms) {
  return std::round(static_cast<double>(ms.count()) / 100.0) / 10.0;
}

} // namespace

std::string token_key(const std::string& prefix, int number) {
  return prefix + "." + std::to_string(number) + ".token";
}

std::string env_key(const std::string& prefix, int number, const std::string& name) {
  return prefix + "." + std::to_string(number) + ".env." + name;
}

// --- RequestRun -------------------------------------------------------------------------------

RequestRun::RequestRun(const RequestKind& kind,
                       core::RequestRecord record,
                       ProjectSession& session,
                       Context& ctx,
                       const RequestOptions& options)
    : m_kind(kind), m_record(std::move(record)), m_session(session), m_ctx(ctx),
      m_options(options) {}

std::string RequestRun::label() const {
  return m_kind.noun + " " + std::to_string(m_record.number);
}

std::filesystem::path RequestRun::dir() const {
  return work_dir(m_session.project()) / m_kind.dir_name / std::to_string(m_record.number);
}

std::string RequestRun::token_key() const {
  return request::token_key(m_kind.token_prefix, m_record.number);
}

void RequestRun::save() {
  m_record.updated_at = now();
  m_kind.store(m_session.project(), m_record);
  m_session.save();
}

void RequestRun::set_state(core::RequestState state) {
  m_record.state = state;
  save();
}

void RequestRun::note_timing(std::optional<double> core::Timings::*field, core::TimePoint from) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(m_ctx.clock.now() - from);
  m_record.timings.*field = tenths_of_second(ms);
}

void RequestRun::note_hop(core::Hop which, std::uint64_t bytes, core::TimePoint from) {
  const auto& hop = core::timing_hop(which);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_ctx.clock.now() - from);
  m_record.timings.*hop.seconds = tenths_of_second(elapsed);
  m_record.timings.*hop.bytes = bytes;
  m_record.timings.*hop.rate = core::bytes_per_second(bytes, elapsed);
}

std::string RequestRun::now() const {
  return core::iso8601_utc(m_ctx.clock.now());
}

nlohmann::json RequestRun::summary() const {
  return summary_of(m_record, m_session.project());
}

int run_steps(RequestRun& run, const RequestPorts& ports, const ServiceSettings& settings) {
  StepRunner runner(run, ports, settings);
  return runner.run();
}

// --- StepRunner: the loop ---------------------------------------------------------------------

int StepRunner::run() {
  std::optional<ports::RequestStatus> known;
  for (;;) {
    core::throw_if_interrupted();
    RequestState local = rec().state;
    // In the states where the service decides, ask it (once per step: a wait returns what it saw).
    std::optional<ports::RequestStatus> status;
    if (core::needs_service_status(local)) {
      status = known ? known : fetch_status();
    }
    known.reset();
    auto step = core::next_request_step(local,
                                        status ? std::optional(to_service_state(status->state))
                                               : std::nullopt,
                                        status && status->archived);
    spdlog::debug("{}: state '{}', next step '{}'",
                  m_run.label(),
                  core::to_string(local),
                  core::to_string(step));
    if (auto code = perform(step, status, known)) {
      return *code;
    }
  }
}

std::optional<int> StepRunner::perform(RequestStep step,
                                       const std::optional<ports::RequestStatus>& status,
                                       std::optional<ports::RequestStatus>& known) {
  bool no_wait = m_run.options().no_wait;
  switch (step) {
  case RequestStep::dump:
    dump();
    return std::nullopt;
  case RequestStep::create:
    create();
    return std::nullopt;
  case RequestStep::ambiguous_create:
    refuse_ambiguous_create();
  case RequestStep::upload:
    upload();
    return std::nullopt;
  case RequestStep::process:
    process();
    return no_wait ? std::optional(pending(fetch_status())) : std::nullopt;
  case RequestStep::wait:
    if (no_wait) {
      return pending(*status);
    }
    known = wait();
    return known ? std::nullopt : std::optional(pending(fetch_status()));
  case RequestStep::download:
    download();
    return std::nullopt;
  case RequestStep::after_download:
    return m_run.kind().after_download(m_run);
  case RequestStep::end_failed:
    end_failed(*status);
  case RequestStep::end_archived:
    end_archived();
  case RequestStep::end_unknown:
    end_unknown(status);
  case RequestStep::finished:
    return finished();
  }
  return finished();
}

ports::UpgradeService& StepRunner::service() {
  if (!m_service) {
    m_service = m_ports.make_service(m_settings, m_run.ctx().clock);
    if (!rec().host.empty()) {
      m_service->pin_host(rec().host);
    }
  }
  return *m_service;
}

std::string StepRunner::token() {
  auto& secrets = m_run.session().secrets();
  auto t = secrets.get(m_run.token_key());
  if (!t) {
    const auto& command = m_run.kind().command;
    throw core::PreconditionError("the request token of the " + m_run.label() +
                                      " is missing from '" + secrets.path().string() + "'",
                                  "restore the secrets file, or run 'odoo-upgrade " + command +
                                      " --abandon' and start a new request");
  }
  return *t;
}

ports::RequestStatus StepRunner::fetch_status() {
  auto s = service().status(token());
  if (!s.host.empty()) {
    rec().host = s.host;
  }
  rec().service_status = s.state_text;
  if (!s.reason.empty()) {
    rec().service_reason = s.reason;
  }
  m_run.save();
  return s;
}

// --- StepRunner: how a run ends ---------------------------------------------------------------

int StepRunner::pending(const ports::RequestStatus& status) {
  auto& ctx = m_run.ctx();
  ctx.record(m_run.project(),
             m_run.kind().command,
             "pending",
             {{"request", m_run.label()}, {"status", status.state_text}});
  m_run.save();
  ctx.out.result(m_run.summary(), [&](std::ostream& os) {
    os << m_run.label() << ": request " << request_id_text(rec()) << " is " << status.state_text
       << " on the upgrade service\n"
       << "re-run 'odoo-upgrade " << m_run.kind().command
       << "' (or 'odoo-upgrade status --refresh') to follow it\n";
  });
  return static_cast<int>(core::ExitCode::pending);
}

int StepRunner::finished() {
  m_run.ctx().out.result(m_run.summary(), [&](std::ostream& os) {
    os << m_run.label() << " is " << core::to_string(rec().state) << "\n";
  });
  return 0;
}

void StepRunner::refuse_ambiguous_create() {
  const auto& command = m_run.kind().command;
  throw core::PreconditionError(
      m_run.label() +
          ": an earlier run called 'create' without recording an answer; the upgrade service "
          "may hold a request for it",
      "check with Odoo whether a request was created; to give up this request and create a new "
      "one, run 'odoo-upgrade " +
          command + " --abandon' then 'odoo-upgrade " + command + "'");
}

void StepRunner::end_failed(const ports::RequestStatus& status) {
  bool cancelled = status.state == ports::RequestState::cancelled;
  std::string reason = status.reason.empty() ? "no reason given" : status.reason;
  rec().reason = reason;
  rec().finished_at = m_run.now();
  rec().state = cancelled ? RequestState::cancelled : RequestState::failed;
  // The phase falls back to what came before the request (the rule reads the recorded state).
  m_run.kind().store(m_run.project(), rec());
  m_run.kind().on_ended_without_result(m_run.project());
  m_run.ctx().record(m_run.project(),
                     m_run.kind().command,
                     cancelled ? "cancelled" : "failed",
                     {{"request", m_run.label()}, {"reason", reason}});
  m_run.save();
  notify(m_run, "request_failed", {{"ODOO_UPGRADE_REASON", reason}});
  // The local dump is no longer needed (a dump given with --dump is the user's: kept).
  if ((rec().dump.source == "pg_dump" || rec().dump.source == "runbook-scratch") &&
      rec().dump.path) {
    std::error_code ec;
    std::filesystem::remove_all(*rec().dump.path, ec);
  }
  throw core::ServiceError(m_run.label() + ": the upgrade request was " +
                               (cancelled ? "cancelled" : "failed") + ": " + reason,
                           "fix the cause, then run 'odoo-upgrade " + m_run.kind().command +
                               "' again");
}

void StepRunner::end_archived() {
  // The round stays as it is: giving it up is the user's decision, as after an ambiguous create.
  rec().service_reason = "the request is archived: its data is no longer available";
  m_run.save();
  const auto& command = m_run.kind().command;
  throw core::ServiceError(m_run.label() + ": request " + request_id_text(rec()) +
                               " is archived on the upgrade service: its data is no longer "
                               "available and it cannot be resumed",
                           "run 'odoo-upgrade " + command +
                               " --abandon' to give it up, then 'odoo-upgrade " + command +
                               "' for a new request");
}

void StepRunner::end_unknown(const std::optional<ports::RequestStatus>& status) {
  throw core::ServiceError(m_run.label() + ": the upgrade service reports the unknown status '" +
                               (status ? status->state_text : std::string("?")) + "'",
                           "check for a newer odoo-upgrade; re-run later to resume");
}

} // namespace odoo_upgrade::commands::request
