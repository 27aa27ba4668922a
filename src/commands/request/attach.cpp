// --attach: a request created elsewhere (the official script, Odoo's support, a lost round) becomes
// a new record of this project, from the state the service reports; the usual steps then follow,
// download and restore it.
#include "attach.hpp"

#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_rules.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace odoo_upgrade::commands {

ports::RequestStatus
look_up_request(const std::string& token, const ServiceSettings& settings, Context& ctx) {
  core::register_secret(token);
  auto service = real_request_ports().make_service(settings, ctx.clock);
  return service->status(token);
}

} // namespace odoo_upgrade::commands

namespace odoo_upgrade::commands::request {

namespace {

namespace stdfs = std::filesystem;

// The private key of --ssh-key, absolute: a file that only its owner may read (ssh refuses others).
std::optional<std::string> checked_ssh_key(const RequestOptions& options) {
  if (!options.ssh_key) {
    return std::nullopt;
  }
  std::error_code ec;
  stdfs::path key = stdfs::absolute(*options.ssh_key, ec);
  if (ec || !stdfs::is_regular_file(key, ec)) {
    throw core::UsageError("--ssh-key '" + *options.ssh_key + "' is not a file",
                           "give the private key the request was created with (the official "
                           "script's default is /tmp/<uid>_upgrade_ssh_key)");
  }
  auto perms = stdfs::status(key, ec).permissions();
  if ((perms & (stdfs::perms::group_all | stdfs::perms::others_all)) != stdfs::perms::none) {
    throw core::UsageError("--ssh-key '" + key.string() + "' is readable by other users",
                           "ssh refuses such a key: chmod 600 '" + key.string() + "'");
  }
  return key.string();
}

// The state the record starts in, from the service's status; refuses what cannot be attached.
core::RequestState attachable_state(const ports::RequestStatus& status, const std::string& title) {
  std::string reason = status.reason.empty() ? "no reason given" : status.reason;
  if (status.archived) {
    throw core::ServiceError("the request of the given token is archived on the upgrade service: "
                             "its data is no longer available",
                             "start a new " + title);
  }
  switch (status.state) {
  case ports::RequestState::pending:
  case ports::RequestState::progress:
    return core::RequestState::processing;
  case ports::RequestState::done:
    return core::RequestState::done;
  case ports::RequestState::created:
    throw core::PreconditionError(
        "the request of the given token is new on the upgrade service: it was not processed yet",
        "finish its upload with the tool that created it (it then calls 'process'), and attach "
        "it once it is pending, in progress or done");
  case ports::RequestState::failed:
  case ports::RequestState::cancelled:
    throw core::ServiceError("the request of the given token was " + status.state_text + ": " +
                                 reason,
                             "there is nothing to download; start a new " + title);
  case ports::RequestState::unknown:
    break;
  }
  throw core::ServiceError("the upgrade service reports the unknown status '" + status.state_text +
                               "' for the given token",
                           "check for a newer odoo-upgrade");
}

std::vector<std::string>
attach_plan(const RequestKind& kind, const core::RequestRecord& rec, const core::Project& project) {
  std::vector<std::string> steps{"ask the upgrade service for the status of the given token",
                                 "record it as " + kind.noun + " " + std::to_string(rec.number) +
                                     " (the token in the secrets file)"};
  auto rest = kind.plan(rec, project);
  // The kind's plan from its wait on (its first steps make and send the dump).
  auto wait = std::find(rest.begin(), rest.end(), "wait");
  steps.insert(steps.end(), wait == rest.end() ? rest.begin() : wait, rest.end());
  return steps;
}

} // namespace

std::optional<core::RequestRecord> attach_request(const RequestKind& kind,
                                                  const RequestOptions& options,
                                                  RequestSession& s,
                                                  const RequestPorts& ports,
                                                  Context& ctx) {
  auto& project = s.project.project();
  const std::string& token = *options.attach_token;
  core::register_secret(token);
  // One request at a time: an unfinished one is finished or abandoned first.
  if (auto open = kind.open_record(project)) {
    throw core::PreconditionError(kind.noun + " " + std::to_string(open->number) +
                                      " is unfinished (state '" +
                                      std::string(core::to_string(open->state)) + "')",
                                  "finish it with 'odoo-upgrade " + kind.command +
                                      "', or give it up with --abandon, then attach");
  }
  auto key = checked_ssh_key(options);
  check_tools(
      project, PgDump::not_needed, kind.restores ? PgRestore::needed : PgRestore::not_needed);
  require_recorded_production(project, s.project.secrets());
  auto rec = new_record(kind, project, s.settings, core::iso8601_utc(ctx.clock.now()));
  kind.prepare_new(rec, s.project);
  if (ctx.options.dry_run) {
    print_plan(ctx,
               kind.noun + " " + std::to_string(rec.number) + " would:",
               attach_plan(kind, rec, project));
    return std::nullopt;
  }
  // The service decides where the record starts; nothing is recorded when it refuses.
  auto service = ports.make_service(s.settings, ctx.clock);
  auto status = service->status(token);
  rec.state = attachable_state(status, kind.title);
  rec.host = status.host;
  rec.service_status = status.state_text;
  rec.attached_at = rec.created_at;
  rec.ssh_key = key;
  if (rec.state == core::RequestState::done) {
    rec.processing_started_at.reset();
  }
  if (kind.aim == "production") {
    spdlog::warn("{} {}: the request was created elsewhere: odoo-upgrade cannot tell whether its "
                 "dump was taken after the freeze; restore it only if it was",
                 kind.noun,
                 rec.number);
  }
  s.project.secrets().set(token_key(kind.token_prefix, rec.number), token);
  kind.add(project, rec);
  kind.on_running(project);
  ctx.record(project,
             kind.command,
             "attached",
             {{kind.event_key, rec.number}, {"status", status.state_text}});
  s.project.save();
  spdlog::info("{} {}: attached the request on '{}' ({})",
               kind.noun,
               rec.number,
               status.host,
               status.state_text);
  return rec;
}

} // namespace odoo_upgrade::commands::request
