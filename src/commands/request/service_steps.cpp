// The steps that talk to the upgrade service only: create, process, wait (with the service log).
#include "opening.hpp"
#include "steps.hpp"

#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

namespace odoo_upgrade::commands::request {

namespace stdfs = std::filesystem;
using core::RequestState;

void StepRunner::create() {
  auto& ctx = m_run.ctx();
  auto& secrets = m_run.session().secrets();
  ports::CreateRequestParams params;
  params.contract = require_contract(secrets, m_run.options());
  params.target = m_run.project().target_version();
  params.aim = m_run.kind().aim;
  params.ssh_public_key = m_ports.ssh_key(ctx.project_path()).public_key;
  // --env values wait in the secrets file (a create may run in a later run than the one given it).
  for (const auto& name : rec().env_vars) {
    auto value = secrets.get(env_key(m_run.kind().token_prefix, rec().number, name));
    if (!value) {
      throw core::PreconditionError(m_run.label() + ": the value of --env " + name +
                                        " is missing from '" + secrets.path().string() + "'",
                                    "restore the secrets file, or run 'odoo-upgrade " +
                                        m_run.kind().command + " --abandon' and start again");
    }
    core::register_secret(*value);
    params.env_vars.push_back(name + "=" + *value);
  }

  // Intent first: a crash or an ambiguous failure from here on must never lead to a second
  // request being created automatically.
  rec().create_started_at = m_run.now();
  m_run.set_state(RequestState::creating);
  spdlog::info("{}: creating a {} request for {} on {}",
               m_run.label(),
               params.aim,
               params.target,
               m_settings.url);
  ports::CreatedRequest created;
  try {
    created = service().create_request(params);
  } catch (const ports::AmbiguousCreateError& e) {
    rec().create_error = core::redact(e.what());
    m_run.save();
    throw;
  } catch (const core::ServiceError& e) {
    // A clear refusal: nothing was created, so the request may try again after a fix.
    rec().create_error = core::redact(e.what());
    rec().state = RequestState::dumped;
    m_run.save();
    throw;
  }
  // The token is a secret: the secrets file, never the project.
  core::register_secret(created.token);
  secrets.set(m_run.token_key(), created.token);
  rec().request_id = created.request_id;
  rec().host = created.host;
  rec().request_created_at = m_run.now();
  rec().create_error.reset();
  if (!created.info.empty()) {
    spdlog::warn("upgrade service: {}", created.info);
    rec().service_info = created.info;
  }
  spdlog::info(
      "{}: request {} created on host '{}'", m_run.label(), created.request_id, created.host);
  m_run.set_state(RequestState::created);
  notify(m_run, "request_started");
}

void StepRunner::process() {
  bool compatible = service().process(token());
  rec().pg_version_compatible = compatible;
  rec().processing_started_at = m_run.now();
  if (!compatible) {
    spdlog::warn("the upgraded dump will need a newer PostgreSQL than the production server's; "
                 "it will be downloaded but not restored");
  }
  spdlog::info("{}: processing started", m_run.label());
  m_run.set_state(RequestState::processing);
}

std::optional<ports::RequestStatus> StepRunner::wait() {
  auto& clock = m_run.ctx().clock;
  const auto& options = m_run.options();
  std::string tok = token();
  std::optional<core::TimePoint> deadline;
  if (options.timeout) {
    deadline = clock.now() + *options.timeout;
  }
  spdlog::info("{}: waiting for the upgrade service (request {})",
               m_run.label(),
               rec().request_id.value_or(0));
  std::chrono::milliseconds delay{0};
  for (;;) {
    stream_logs(tok);
    auto s = fetch_status();
    if (s.state != ports::RequestState::pending && s.state != ports::RequestState::progress) {
      // The end of the log, then the end of processing as we learnt it.
      stream_logs(tok);
      flush_log_lines();
      note_processing_end();
      spdlog::info("{}: request is {}", m_run.label(), s.state_text);
      m_run.save();
      return s;
    }
    if (deadline && clock.now() >= *deadline) {
      return std::nullopt;
    }
    // Poll less often as the wait grows, never past the deadline.
    delay = core::next_poll_delay(delay, options.poll_first, options.poll_max);
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock.now());
      delay = std::max(std::chrono::milliseconds(0), std::min(delay, left));
    }
    clock.sleep_for(delay);
  }
}

void StepRunner::stream_logs(const std::string& tok) {
  stdfs::path file = m_run.dir() / "service.log";
  std::error_code ec;
  std::uint64_t offset = stdfs::exists(file, ec) ? stdfs::file_size(file, ec) : 0;
  std::string chunk;
  try {
    chunk = service().logs(tok, offset);
  } catch (const core::ServiceError& e) {
    // The log is a courtesy: a failure to read it never stops the request.
    spdlog::debug("could not read the service log: {}", e.what());
    return;
  }
  if (chunk.empty()) {
    return;
  }
  stdfs::create_directories(m_run.dir(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << chunk;
  m_log_partial += chunk;
  std::size_t pos = 0;
  for (auto nl = m_log_partial.find('\n'); nl != std::string::npos;
       nl = m_log_partial.find('\n', pos)) {
    spdlog::info("  | {}", m_log_partial.substr(pos, nl - pos));
    pos = nl + 1;
  }
  m_log_partial.erase(0, pos);
}

void StepRunner::flush_log_lines() {
  if (!m_log_partial.empty()) {
    spdlog::info("  | {}", m_log_partial);
    m_log_partial.clear();
  }
}

// Processing time, from `process` to the moment we learn it ended. A run resumed after the service
// finished (--no-wait, a crash) learns it only now: the figure is then an upper bound.
void StepRunner::note_processing_end() {
  if (rec().timings.processing_s) {
    return;
  }
  if (auto at = core::parse_iso8601(rec().processing_started_at.value_or(""))) {
    m_run.note_timing(&core::Timings::processing_s, *at);
  }
}

} // namespace odoo_upgrade::commands::request
