// The steps of one upgrade request, shared by test-request (a test round) and prod-request (the
// production request). See round_runner.hpp.
#include "round_runner.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
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

namespace odoo_upgrade::commands::rounds {

namespace {

namespace stdfs = std::filesystem;
namespace db = test_request_db;
using json = nlohmann::json;
using core::RoundState;
using core::RoundStep;

// A downloaded file's path from the round's `received` section; "(none)" when the service sent
// no such file (the field is null then).
std::string received_path(const json& round, const char* key) {
  auto received = round.find("received");
  if (received == round.end() || !received->is_object()) {
    return "(none)";
  }
  auto it = received->find(key);
  return it != received->end() && it->is_string() ? it->get<std::string>() : "(none)";
}

double seconds(core::TimePoint from, core::TimePoint to) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  return std::round(static_cast<double>(ms) / 100.0) / 10.0;
}

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

// Transfer progress on stderr: a redrawn bar on a terminal, a line every few seconds otherwise.
class ProgressReporter {
public:
  ProgressReporter(std::string label, bool tty, core::Clock& clock)
      : m_label(std::move(label)), m_tty(tty), m_clock(clock), m_last(clock.now()) {}

  void update(const ports::TransferProgress& p) {
    m_any = true;
    m_latest = p;
    if (m_tty) {
      int width = 30;
      int filled = p.percent * width / 100;
      std::fprintf(stderr,
                   "\r%s [%s%s] %3d%% %10s %12s eta %s   ",
                   m_label.c_str(),
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
                   p.percent,
                   core::format_bytes(static_cast<long long>(p.bytes)).c_str(),
                   p.rate.c_str(),
                   p.eta.c_str());
      std::fflush(stderr);
      return;
    }
    auto now = m_clock.now();
    if (now - m_last >= std::chrono::seconds(5)) {
      m_last = now;
      spdlog::info("{}: {}% ({}, {})",
                   m_label,
                   p.percent,
                   core::format_bytes(static_cast<long long>(p.bytes)),
                   p.rate);
    }
  }

  void finish() {
    if (m_tty && m_any) {
      std::fprintf(stderr, "\n");
      std::fflush(stderr);
    }
  }

private:
  std::string m_label;
  bool m_tty;
  core::Clock& m_clock;
  core::TimePoint m_last;
  bool m_any = false;
  ports::TransferProgress m_latest;
};

// Runs the steps of one round, saving the project after every change so that a crash at any point
// resumes from the last recorded step.
class RoundRunner {
public:
  RoundRunner(const RoundKind& kind,
              const TestRequestOptions& options,
              Context& ctx,
              const TestRequestPorts& ports,
              core::Project& project,
              adapters::fs::SecretStore& secrets,
              ServiceSettings settings)
      : m_kind(kind), m_options(options), m_ctx(ctx), m_ports(ports), m_project(project),
        m_secrets(secrets), m_settings(std::move(settings)) {}

  int run();

private:
  json& round() { return m_kind.record(); }
  int number() { return round().value("number", 0); }
  RoundState state() {
    return core::parse_round_state(round().value("state", "dumping")).value_or(RoundState::dumping);
  }
  stdfs::path round_dir() { return m_kind.dir; }
  std::string token() {
    auto t = m_secrets.get(m_kind.token_key);
    if (!t) {
      throw core::PreconditionError("the request token of the " + m_kind.label +
                                        " is missing from '" + m_secrets.path().string() + "'",
                                    "restore the secrets file, or run 'odoo-upgrade " +
                                        m_kind.command +
                                        " "
                                        "--abandon' and start a new round");
    }
    return *t;
  }
  void save() {
    round()["updated_at"] = core::iso8601_utc(m_ctx.clock.now());
    adapters::fs::save_project(m_ctx.project_path(), m_project);
  }
  void set_state(RoundState s) {
    round()["state"] = std::string(core::to_string(s));
    save();
  }
  void set_timing(const std::string& key, core::TimePoint from) {
    round()["timings"][key] = seconds(from, m_ctx.clock.now());
  }
  // Processing time, from `process` to the moment we learn it ended. A run resumed after the
  // service finished (--no-wait, a crash) learns it only now: the figure is then an upper bound.
  void note_processing_end() {
    const json& timings = round().value("timings", json::object());
    if (timings.is_object() && timings.contains("processing_s")) {
      return;
    }
    if (auto at = core::parse_iso8601(round().value("processing_started_at", ""))) {
      set_timing("processing_s", *at);
    }
  }
  ports::UpgradeService& service() {
    if (!m_service) {
      m_service = m_ports.make_service(m_settings, m_ctx.clock);
      std::string host = round().value("host", "");
      if (!host.empty()) {
        m_service->pin_host(host);
      }
    }
    return *m_service;
  }
  bool stderr_tty() const {
    return isatty(STDERR_FILENO) != 0 && !m_ctx.options.json && m_ctx.options.verbosity >= 0 &&
           std::getenv("NO_COLOR") == nullptr;
  }

  ports::RequestStatus fetch_status();
  void step_dump();
  void step_create();
  void step_upload();
  void step_process();
  std::optional<ports::RequestStatus> step_wait();
  void step_download();
  void step_restore();
  int step_verify();
  [[noreturn]] void end_failed(const ports::RequestStatus& status);
  ports::TransferGrant
  transfer(ports::TransferDirection direction,
           const std::function<ports::TransferOutcome(ports::FileTransfer&,
                                                      const ports::TransferTarget&,
                                                      const ports::TransferGrant&,
                                                      ProgressReporter&)>& attempt);
  void stream_logs(const std::string& token);
  int pending_result(const ports::RequestStatus& status);
  json summary();

  const RoundKind& m_kind;
  const TestRequestOptions& m_options;
  Context& m_ctx;
  const TestRequestPorts& m_ports;
  core::Project& m_project;
  adapters::fs::SecretStore& m_secrets;
  ServiceSettings m_settings;
  std::unique_ptr<ports::UpgradeService> m_service;
  std::string m_log_partial;
};

ports::RequestStatus RoundRunner::fetch_status() {
  auto s = service().status(token());
  if (!s.host.empty() && s.host != round().value("host", "")) {
    round()["host"] = s.host;
  }
  round()["service_status"] = s.state_text;
  if (!s.reason.empty()) {
    round()["service_reason"] = s.reason;
  }
  save();
  return s;
}

int RoundRunner::run() {
  std::optional<ports::RequestStatus> known;
  for (;;) {
    core::throw_if_interrupted();
    RoundState local = state();
    std::optional<ports::RequestStatus> status;
    if (core::needs_service_status(local)) {
      status = known ? known : fetch_status();
    }
    known.reset();
    auto step = core::next_round_step(local,
                                      status ? std::optional(to_service_state(status->state))
                                             : std::nullopt,
                                      status && status->archived);
    spdlog::debug("{}: state '{}', next step '{}'",
                  m_kind.label,
                  core::to_string(local),
                  core::to_string(step));
    switch (step) {
    case RoundStep::dump:
      step_dump();
      break;
    case RoundStep::create:
      step_create();
      break;
    case RoundStep::ambiguous_create:
      throw core::PreconditionError(
          m_kind.label +
              ": an earlier run called 'create' without recording an answer; the upgrade service "
              "may hold a request for it",
          "check with Odoo whether a request was created; to give up this round and create a "
          "new request, run 'odoo-upgrade " +
              m_kind.command + " --abandon' then 'odoo-upgrade " + m_kind.command + "'");
    case RoundStep::upload:
      step_upload();
      break;
    case RoundStep::process:
      step_process();
      if (m_options.no_wait) {
        return pending_result(fetch_status());
      }
      break;
    case RoundStep::wait:
      if (m_options.no_wait) {
        return pending_result(*status);
      }
      known = step_wait();
      if (!known) {
        return pending_result(fetch_status());
      }
      break;
    case RoundStep::download:
      step_download();
      break;
    case RoundStep::restore:
      if (!m_kind.restore_and_verify) {
        return m_kind.on_downloaded();
      }
      step_restore();
      break;
    case RoundStep::verify:
      return step_verify();
    case RoundStep::end_failed:
      end_failed(*status);
    case RoundStep::end_archived:
      round()["reason"] = "the request was archived by the service before it was done";
      set_state(RoundState::abandoned);
      throw core::ServiceError(m_kind.label + ": request " +
                                   round().value("request_id", json()).dump() +
                                   " is archived and cannot be resumed",
                               "run 'odoo-upgrade " + m_kind.command + "' to start a new request");
    case RoundStep::end_unknown:
      throw core::ServiceError(m_kind.label + ": the upgrade service reports the unknown status '" +
                                   (status ? status->state_text : std::string("?")) + "'",
                               "check for a newer odoo-upgrade; re-run later to resume");
    case RoundStep::finished:
      m_ctx.out.result(summary(), [&](std::ostream& os) {
        os << m_kind.label << " is " << round().value("state", "") << "\n";
      });
      return 0;
    }
  }
}

void RoundRunner::step_dump() {
  auto start = m_ctx.clock.now();
  round()["state"] = "dumping";
  save();
  json& dump = round()["dump"];
  stdfs::path path;
  if (m_options.dump) {
    auto file = db::validate_dump_file(*m_options.dump);
    path = file.path;
    dump["source"] = "file";
    dump["remote_name"] = file.remote_name;
    spdlog::info("{}: using the dump '{}'", m_kind.label, path.string());
  } else {
    path = round_dir() / "origin.dump";
    std::string dbname = m_project.doc()["source"].value("dbname", "");
    spdlog::info("{}: dumping production database '{}' (pg_dump, {} jobs)",
                 m_kind.label,
                 dbname,
                 m_options.jobs);
    db::dump_database(source_conninfo(m_project, m_secrets), path, m_options.jobs);
    dump["source"] = "pg_dump";
    dump["remote_name"] = "origin.dump";
  }
  bool dir = stdfs::is_directory(path);
  dump["path"] = path.string();
  dump["format"] = dir ? "directory" : "file";
  dump["sha256"] = dir ? adapters::fs::sha256_tree(path) : adapters::fs::sha256_file(path);
  dump["bytes"] = dir ? adapters::fs::tree_size(path).bytes : stdfs::file_size(path);
  set_timing("dump_s", start);
  spdlog::info("{}: dump ready ({}) in {}s",
               m_kind.label,
               core::format_bytes(dump["bytes"].get<long long>()),
               round()["timings"]["dump_s"].get<double>());
  set_state(RoundState::dumped);
}

void RoundRunner::step_create() {
  auto contract = m_secrets.get("contract");
  if (!contract || contract->empty()) {
    std::string env = env_or_empty("ODOO_UPGRADE_CONTRACT");
    if (!env.empty()) {
      contract = env;
    }
  }
  if (!contract || contract->empty()) {
    throw core::PreconditionError("no subscription code (contract) for the upgrade request",
                                  "register the database, or pass --contract to 'odoo-upgrade "
                                  "initiate' (or set ODOO_UPGRADE_CONTRACT)");
  }
  core::register_secret(*contract);
  auto key = adapters::transfer::ensure_ssh_key(m_ctx.project_path());
  ports::CreateRequestParams params;
  params.contract = *contract;
  params.target = m_project.target_version();
  params.aim = m_kind.aim;
  params.ssh_public_key = adapters::transfer::public_key_text(key);

  // Intent first: a crash or an ambiguous failure from here on must never lead to a second
  // request being created automatically.
  round()["create_started_at"] = core::iso8601_utc(m_ctx.clock.now());
  set_state(RoundState::creating);
  spdlog::info("{}: creating a {} request for {} on {}",
               m_kind.label,
               m_kind.aim,
               params.target,
               m_settings.url);
  ports::CreatedRequest created;
  try {
    created = service().create_request(params);
  } catch (const ports::AmbiguousCreateError& e) {
    round()["create_error"] = core::redact(e.what());
    save();
    throw;
  } catch (const core::ServiceError& e) {
    // A clear refusal: nothing was created, so the round may try again after a fix.
    round()["create_error"] = core::redact(e.what());
    round()["state"] = "dumped";
    save();
    throw;
  }
  core::register_secret(created.token);
  m_secrets.set(m_kind.token_key, created.token);
  round()["request_id"] = created.request_id;
  round()["host"] = created.host;
  round()["request_created_at"] = core::iso8601_utc(m_ctx.clock.now());
  round().erase("create_error");
  if (!created.info.empty()) {
    spdlog::warn("upgrade service: {}", created.info);
    round()["service_info"] = created.info;
  }
  spdlog::info(
      "{}: request {} created on host '{}'", m_kind.label, created.request_id, created.host);
  set_state(RoundState::created);
}

ports::TransferGrant
RoundRunner::transfer(ports::TransferDirection direction,
                      const std::function<ports::TransferOutcome(ports::FileTransfer&,
                                                                 const ports::TransferTarget&,
                                                                 const ports::TransferGrant&,
                                                                 ProgressReporter&)>& attempt) {
  const char* what = direction == ports::TransferDirection::upload ? "upload" : "download";
  auto key = adapters::transfer::ensure_ssh_key(m_ctx.project_path());
  auto transfer = m_ports.make_transfer();
  std::string host = round().value("host", "");
  if (host.empty()) {
    host = m_settings.url;
  }
  auto delay = std::chrono::milliseconds(2000);
  std::string last_error;
  int attempts = std::max(1, m_options.transfer_attempts);
  for (int i = 1; i <= attempts; ++i) {
    core::throw_if_interrupted();
    // A fresh window per attempt: the service closes transfer sessions after a while.
    auto grant = service().start_transfer(token(), direction);
    ports::TransferTarget target;
    target.host = core::ssh_host_of(host);
    target.port = grant.ssh_port;
    target.user = m_settings.data_server_user;
    target.remote_dir = "/data";
    target.known_hosts = grant.known_hosts;
    target.private_key = key;
    ProgressReporter progress(std::string(what), stderr_tty(), m_ctx.clock);
    auto outcome = attempt(*transfer, target, grant, progress);
    progress.finish();
    if (outcome.ok) {
      service().stop_transfer(token());
      round()["transfers"][what] = i;
      return grant;
    }
    last_error = outcome.message;
    round()["transfers"][std::string(what) + "_errors"].push_back(core::redact(outcome.message));
    save();
    if (i < attempts) {
      spdlog::warn("{} attempt {}/{} failed: {}; resuming in {}s",
                   what,
                   i,
                   attempts,
                   outcome.message,
                   delay.count() / 1000);
      m_ctx.clock.sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(30000));
    }
  }
  throw core::ServiceError(m_kind.label + ": " + what + " failed after " +
                               std::to_string(attempts) + " attempts: " + last_error,
                           "the connection may have been cut (the service closes transfer "
                           "sessions after about 5 minutes); re-run 'odoo-upgrade " +
                               m_kind.command +
                               "' "
                               "to resume where it stopped");
}

void RoundRunner::step_upload() {
  auto start = m_ctx.clock.now();
  const json& dump = round()["dump"];
  stdfs::path local = dump.value("path", "");
  std::string remote = dump.value("remote_name", "origin.dump");
  if (!stdfs::exists(local)) {
    throw core::FilesystemError(m_kind.label + ": dump '" + local.string() + "' is missing",
                                "run 'odoo-upgrade " + m_kind.command +
                                    " --abandon' and start again");
  }
  spdlog::info(
      "{}: uploading the dump ({})", m_kind.label, core::format_bytes(dump.value("bytes", 0LL)));
  transfer(ports::TransferDirection::upload,
           [&](ports::FileTransfer& t,
               const ports::TransferTarget& target,
               const ports::TransferGrant&,
               ProgressReporter& progress) {
             return t.upload(target, local, remote, [&](const ports::TransferProgress& p) {
               progress.update(p);
             });
           });
  set_timing("upload_s", start);
  spdlog::info(
      "{}: upload done in {}s", m_kind.label, round()["timings"]["upload_s"].get<double>());
  set_state(RoundState::uploaded);
}

void RoundRunner::step_process() {
  bool compatible = service().process(token());
  round()["pg_version_compatible"] = compatible;
  round()["processing_started_at"] = core::iso8601_utc(m_ctx.clock.now());
  if (!compatible) {
    spdlog::warn("the upgraded dump will need a newer PostgreSQL than the production server's; "
                 "it will be downloaded but not restored");
  }
  spdlog::info("{}: processing started", m_kind.label);
  set_state(RoundState::processing);
}

void RoundRunner::stream_logs(const std::string& tok) {
  stdfs::path file = round_dir() / "service.log";
  std::error_code ec;
  std::uint64_t offset = stdfs::exists(file, ec) ? stdfs::file_size(file, ec) : 0;
  std::string chunk;
  try {
    chunk = service().logs(tok, offset);
  } catch (const core::ServiceError& e) {
    spdlog::debug("could not read the service log: {}", e.what());
    return;
  }
  if (chunk.empty()) {
    return;
  }
  stdfs::create_directories(round_dir(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << chunk;
  m_log_partial += chunk;
  std::size_t pos = 0;
  for (;;) {
    auto nl = m_log_partial.find('\n', pos);
    if (nl == std::string::npos) {
      break;
    }
    spdlog::info("  | {}", m_log_partial.substr(pos, nl - pos));
    pos = nl + 1;
  }
  m_log_partial.erase(0, pos);
}

std::optional<ports::RequestStatus> RoundRunner::step_wait() {
  std::string tok = token();
  auto started = m_ctx.clock.now();
  std::optional<core::TimePoint> deadline;
  if (m_options.timeout) {
    deadline = started + *m_options.timeout;
  }
  spdlog::info("{}: waiting for the upgrade service (request {})",
               m_kind.label,
               round().value("request_id", json()).dump());
  std::chrono::milliseconds delay{0};
  for (;;) {
    stream_logs(tok);
    auto s = fetch_status();
    if (s.state != ports::RequestState::pending && s.state != ports::RequestState::progress) {
      stream_logs(tok);
      if (!m_log_partial.empty()) {
        spdlog::info("  | {}", m_log_partial);
        m_log_partial.clear();
      }
      note_processing_end();
      spdlog::info("{}: request is {}", m_kind.label, s.state_text);
      save();
      return s;
    }
    if (deadline && m_ctx.clock.now() >= *deadline) {
      return std::nullopt;
    }
    delay = core::next_poll_delay(delay, m_options.poll_first, m_options.poll_max);
    if (deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - m_ctx.clock.now());
      delay = std::max(std::chrono::milliseconds(0), std::min(delay, left));
    }
    m_ctx.clock.sleep_for(delay);
  }
}

int RoundRunner::pending_result(const ports::RequestStatus& status) {
  json doc = summary();
  m_ctx.record(m_project,
               m_kind.command,
               "pending",
               {{"request", m_kind.label}, {"status", status.state_text}});
  save();
  m_ctx.out.result(doc, [&](std::ostream& os) {
    os << m_kind.label << ": request " << round().value("request_id", json()).dump() << " is "
       << status.state_text << " on the upgrade service\n"
       << "re-run 'odoo-upgrade " << m_kind.command
       << "' (or 'odoo-upgrade status --refresh') to follow it\n";
  });
  return static_cast<int>(core::ExitCode::pending);
}

void RoundRunner::step_download() {
  note_processing_end();
  auto start = m_ctx.clock.now();
  stdfs::path dest = round_dir() / "received";
  std::error_code ec;
  stdfs::create_directories(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + dest.string() + "': " + ec.message());
  }
  spdlog::info("{}: downloading the upgraded database", m_kind.label);
  auto grant =
      transfer(ports::TransferDirection::download,
               [&](ports::FileTransfer& t,
                   const ports::TransferTarget& target,
                   const ports::TransferGrant& g,
                   ProgressReporter& progress) {
                 round()["dump_name"] = g.dump_name;
                 return t.download(target,
                                   {g.dump_name, "filestore", "upgrade-report.html", "upgrade.log"},
                                   dest,
                                   [&](const ports::TransferProgress& p) { progress.update(p); });
               });
  stdfs::path dump = dest / grant.dump_name;
  if (!stdfs::exists(dump, ec)) {
    throw core::ServiceError(m_kind.label + ": the upgraded dump '" + grant.dump_name +
                                 "' was not received",
                             "re-run 'odoo-upgrade " + m_kind.command + "' to download again");
  }
  json& received = round()["received"];
  bool dir = stdfs::is_directory(dump, ec);
  received["dump"] = {
      {"path", dump.string()},
      {"sha256", dir ? adapters::fs::sha256_tree(dump) : adapters::fs::sha256_file(dump)},
      {"bytes", dir ? adapters::fs::tree_size(dump).bytes : stdfs::file_size(dump)}};
  stdfs::path filestore = dest / "filestore";
  if (stdfs::exists(filestore, ec)) {
    auto size = adapters::fs::tree_size(filestore);
    received["filestore"] = {{"path", filestore.string()},
                             {"sha256", adapters::fs::sha256_tree(filestore)},
                             {"files", size.files},
                             {"bytes", size.bytes}};
  } else {
    received["filestore"] = {{"path", nullptr}, {"files", 0}};
  }
  for (const auto& [key, name] :
       {std::pair{"report_path", "upgrade-report.html"}, std::pair{"log_path", "upgrade.log"}}) {
    stdfs::path p = dest / name;
    received[key] = stdfs::exists(p, ec) ? json(p.string()) : json(nullptr);
  }
  set_timing("download_s", start);
  spdlog::info(
      "{}: download done in {}s", m_kind.label, round()["timings"]["download_s"].get<double>());
  set_state(RoundState::downloaded);
}

void RoundRunner::step_restore() {
  if (!round().value("pg_version_compatible", true)) {
    throw core::DatabaseError(
        m_kind.label +
            ": the upgraded dump needs a newer PostgreSQL than the production server runs",
        "restore '" + round()["received"]["dump"].value("path", "") +
            "' by hand on a newer PostgreSQL server");
  }
  auto start = m_ctx.clock.now();
  std::string test_db = round().value("test_db", "");
  std::string admin = source_conninfo(m_project, m_secrets);
  bool exists = db::database_exists(admin, test_db);
  if (exists && state() == RoundState::restoring) {
    // Our own half-restored database from an interrupted run: start it over.
    spdlog::info("{}: dropping the incomplete test database '{}'", m_kind.label, test_db);
    db::drop_database(admin, test_db);
  } else if (exists) {
    throw core::PreconditionError("database '" + test_db + "' already exists",
                                  "odoo-upgrade never restores over an existing database; drop "
                                  "it or abandon this round (test-request --abandon)");
  }
  set_state(RoundState::restoring);
  std::string dump = round()["received"]["dump"].value("path", "");
  spdlog::info("{}: restoring into database '{}' (pg_restore, {} jobs)",
               m_kind.label,
               test_db,
               m_options.jobs);
  db::restore_database(
      admin, server_conninfo(m_project, m_secrets, test_db), test_db, dump, m_options.jobs);

  std::string prod_db = m_project.doc()["source"].value("dbname", "");
  stdfs::path production = filestore_path(m_project, prod_db);
  stdfs::path dest = filestore_path(m_project, test_db);
  const json& fs_rec = round()["received"]["filestore"];
  stdfs::path received = fs_rec.contains("path") && fs_rec["path"].is_string()
                             ? stdfs::path(fs_rec["path"].get<std::string>())
                             : stdfs::path();
  spdlog::info("{}: merging the filestore into '{}'", m_kind.label, dest.string());
  auto files = db::merge_filestore(production, received, dest);
  round()["filestore_path"] = dest.string();
  round()["filestore_files"] = files;
  set_timing("restore_s", start);
  spdlog::info(
      "{}: restore done in {}s", m_kind.label, round()["timings"]["restore_s"].get<double>());
  set_state(RoundState::restored);
}

int RoundRunner::step_verify() {
  std::string test_db = round().value("test_db", "");
  std::string conninfo = server_conninfo(m_project, m_secrets, test_db);
  auto v = db::inspect_test_database(conninfo);
  std::string target = m_project.target_version();
  auto series = core::parse_series(v.base_version);
  auto wanted = core::parse_series(target);
  if (!v.base_installed || !series || !wanted || !(*series == *wanted)) {
    throw core::DatabaseError(
        "test database '" + test_db + "' is not an upgraded " + target + " database (base " +
            (v.base_installed ? "is " + v.base_version : "is not installed") + ")",
        "see the upgrade report '" + received_path(round(), "report_path") + "'");
  }
  std::string by = "service";
  if (!v.neutralized()) {
    // Never hand over a database that could mail customers or run jobs against real systems.
    spdlog::warn("test database '{}' was not neutralized by the service ({} active crons, {} mail "
                 "servers); neutralizing it now",
                 test_db,
                 v.active_crons,
                 v.active_mail_servers);
    db::neutralize_database(conninfo);
    by = "odoo-upgrade";
    v = db::inspect_test_database(conninfo);
    if (!v.neutralized()) {
      throw core::DatabaseError("test database '" + test_db + "' could not be neutralized",
                                "do not use it; check its crons and mail servers by hand");
    }
  }
  round()["neutralized_by"] = by;
  round()["verification"] = {{"base_version", v.base_version},
                             {"series", series->str()},
                             {"neutralized", true},
                             {"active_crons", v.active_crons},
                             {"active_mail_servers", v.active_mail_servers}};
  round()["finished_at"] = core::iso8601_utc(m_ctx.clock.now());
  round()["state"] = std::string(core::to_string(RoundState::tested));
  m_project.set_phase(core::Phase::tested);
  m_ctx.record(m_project,
               m_kind.command,
               "ok",
               {{"round", number()},
                {"request_id", round().value("request_id", json())},
                {"test_db", test_db},
                {"timings", round().value("timings", json::object())}});
  save();

  json doc = summary();
  m_ctx.out.result(doc, [&](std::ostream& os) {
    const json& r = round();
    const json& t = r["timings"];
    auto timing = [&](const char* k) {
      return t.contains(k) ? core::format_duration(std::chrono::milliseconds(
                                 static_cast<long long>(t[k].get<double>() * 1000)))
                           : std::string("-");
    };
    os << m_ctx.out.green(m_kind.label + " tested") << ": database '" << test_db << "' ("
       << series->str() << ", neutralized by " << by << ")\n";
    os << "  request    " << r.value("request_id", json()).dump() << " on " << r.value("host", "")
       << "\n";
    os << "  sent       " << core::format_bytes(r["dump"].value("bytes", 0LL)) << " sha256 "
       << r["dump"].value("sha256", "") << "\n";
    os << "  received   dump sha256 " << r["received"]["dump"].value("sha256", "") << "\n";
    os << "             filestore " << r["received"]["filestore"].value("files", 0)
       << " files returned, " << r.value("filestore_files", 0) << " in "
       << r.value("filestore_path", "") << "\n";
    os << "  report     " << received_path(r, "report_path") << "\n";
    os << "  timings    dump " << timing("dump_s") << ", upload " << timing("upload_s")
       << ", processing " << timing("processing_s") << ", download " << timing("download_s")
       << ", restore " << timing("restore_s") << "\n";
    os << "next: " << core::next_step(m_project) << "\n";
  });
  return 0;
}

void RoundRunner::end_failed(const ports::RequestStatus& status) {
  bool cancelled = status.state == ports::RequestState::cancelled;
  std::string reason = status.reason.empty() ? "no reason given" : status.reason;
  round()["reason"] = reason;
  round()["finished_at"] = core::iso8601_utc(m_ctx.clock.now());
  round()["state"] =
      std::string(core::to_string(cancelled ? RoundState::cancelled : RoundState::failed));
  // The phase falls back to what came before the request.
  m_kind.on_failed();
  m_ctx.record(m_project,
               m_kind.command,
               cancelled ? "cancelled" : "failed",
               {{"request", m_kind.label}, {"reason", reason}});
  save();
  // The local dump is no longer needed.
  if (round()["dump"].value("source", "") == "pg_dump") {
    std::error_code ec;
    stdfs::remove_all(round()["dump"].value("path", ""), ec);
  }
  throw core::ServiceError(m_kind.label + ": the upgrade request was " +
                               (cancelled ? "cancelled" : "failed") + ": " + reason,
                           "fix the cause, then run 'odoo-upgrade " + m_kind.command + "' again");
}

json RoundRunner::summary() {
  json doc = round();
  doc["phase"] = std::string(core::to_string(m_project.phase()));
  doc["next"] = core::next_step(m_project);
  return doc;
}
} // namespace

RequestSession open_request_session(const RequestFlags& flags, Context& ctx) {
  if (flags.jobs < 1 || flags.jobs > 64) {
    throw core::UsageError("--jobs must be between 1 and 64");
  }
  if (flags.timeout && flags.timeout->count() <= 0) {
    throw core::UsageError("--timeout must be positive");
  }
  std::unique_ptr<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock = std::make_unique<adapters::fs::ProjectLock>(ctx.project_path());
  }
  core::Project project = adapters::fs::load_project(ctx.project_path());
  adapters::fs::SecretStore secrets(ctx.project_path());
  if (flags.contract && !flags.contract->empty()) {
    core::register_secret(*flags.contract);
    if (!ctx.options.dry_run && secrets.get("contract") != flags.contract) {
      secrets.set("contract", *flags.contract);
    }
  }
  ServiceSettings settings =
      resolve_service_settings(project, flags.service_url, flags.ca_file, flags.data_server_user);
  return {std::move(lock), std::move(project), std::move(secrets), std::move(settings)};
}

std::string token_key(int round) {
  return "round." + std::to_string(round) + ".token";
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

void check_tools(bool need_pg_dump, bool need_pg_restore) {
  std::vector<std::string> tools{"rsync", "ssh", "ssh-keygen"};
  if (need_pg_restore) {
    tools.emplace_back("pg_restore");
  }
  if (need_pg_dump) {
    tools.emplace_back("pg_dump");
  }
  std::string missing;
  for (const auto& t : tools) {
    if (!adapters::find_executable(t)) {
      missing += (missing.empty() ? "" : ", ") + t;
    }
  }
  if (!missing.empty()) {
    throw core::PreconditionError("required programs not found in PATH: " + missing,
                                  "install rsync, openssh-client and postgresql-client");
  }
}

int run_round(const RoundKind& kind,
              const TestRequestOptions& options,
              Context& ctx,
              const TestRequestPorts& ports,
              core::Project& project,
              adapters::fs::SecretStore& secrets,
              const ServiceSettings& settings) {
  RoundRunner runner(kind, options, ctx, ports, project, secrets, settings);
  return runner.run();
}

} // namespace odoo_upgrade::commands::rounds
