// `log`: the upgrade service's log of a request, after the fact or followed.
#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/log.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/request_rules.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;

// The request whose log is shown: its label, token (may be missing), host and local copy.
struct LogSource {
  std::string label;
  std::optional<std::string> token;
  std::string host;
  ServiceSettings settings;
  std::optional<stdfs::path> local;
};

ServiceOverrides overrides_of(const LogOptions& o) {
  return {o.service_url, o.ca_file, o.data_server_user};
}

// The round asked for (--round N), else the latest one that has a request.
core::RequestRecord chosen_round(const core::Project& project, const LogOptions& o) {
  auto rounds = core::read_rounds(project);
  for (auto it = rounds.rbegin(); it != rounds.rend(); ++it) {
    bool has_request = it->request_id || it->attached_at;
    if (o.round ? it->number == *o.round : has_request) {
      return *it;
    }
  }
  if (o.round) {
    throw core::PreconditionError("there is no round " + std::to_string(*o.round),
                                  "'odoo-upgrade status' lists the rounds");
  }
  throw core::PreconditionError("there is no round with an upgrade request yet",
                                "run 'odoo-upgrade test-request' first, or pass --token");
}

// Where the request's log was kept locally: downloaded with the result, else streamed while
// waiting (<work_dir>/<rounds|production>/<n>/service.log).
std::optional<stdfs::path> local_copy(const core::Project& project,
                                      const core::RequestRecord& r,
                                      const std::string& dir_name) {
  std::error_code ec;
  if (r.received.log_path && stdfs::exists(*r.received.log_path, ec)) {
    return stdfs::path(*r.received.log_path);
  }
  stdfs::path streamed = work_dir(project) / dir_name / std::to_string(r.number) / "service.log";
  return stdfs::exists(streamed, ec) ? std::optional(streamed) : std::nullopt;
}

LogSource project_source(const LogOptions& o, Context& ctx) {
  auto session = open_project(ctx, "", Lock::none);
  const auto& project = session.project();
  LogSource src;
  src.settings = resolve_service_settings(project, overrides_of(o));
  core::RequestRecord r;
  std::string prefix = "round";
  std::string dir_name = "rounds";
  if (o.production) {
    auto production = core::read_production(project);
    if (!production) {
      throw core::PreconditionError("there is no production request",
                                    "run 'odoo-upgrade prod-request' first");
    }
    r = production->request;
    prefix = "production";
    dir_name = "production";
    src.label = "production request " + std::to_string(r.number);
  } else {
    r = chosen_round(project, o);
    src.label = "round " + std::to_string(r.number);
  }
  src.token = session.secrets().get(request::token_key(prefix, r.number));
  if (src.token) {
    core::register_secret(*src.token);
  }
  src.host = r.host;
  src.local = local_copy(project, r, dir_name);
  return src;
}

LogSource source_of(const LogOptions& o, Context& ctx) {
  if (o.round && (o.production || o.token)) {
    throw core::UsageError("--round excludes --production and --token");
  }
  if (o.production && o.token) {
    throw core::UsageError("--production excludes --token");
  }
  if (!o.token) {
    return project_source(o, ctx);
  }
  core::register_secret(*o.token);
  LogSource src;
  src.label = "request";
  src.token = o.token;
  std::error_code ec;
  // The project's service settings when there is a project here, else upgrade.odoo.com.
  src.settings =
      stdfs::exists(ctx.project_path(), ec)
          ? resolve_service_settings(open_project(ctx, "", Lock::none).project(), overrides_of(o))
          : resolve_service_settings(core::ServiceRecord{}, overrides_of(o));
  return src;
}

std::unique_ptr<ports::UpgradeService> service_for(const LogSource& src, Context& ctx) {
  auto service = real_request_ports().make_service(src.settings, ctx.clock);
  if (!src.host.empty()) {
    service->pin_host(src.host);
  }
  return service;
}

void print_text(std::ostream& os, const std::string& text) {
  os << core::redact(text);
  if (!text.empty() && text.back() != '\n') {
    os << "\n";
  }
}

// The whole log once: the service's, else the local copy.
int show(const LogSource& src, Context& ctx) {
  std::string text;
  std::string from = "service";
  try {
    if (!src.token) {
      throw core::PreconditionError("the request token of the " + src.label +
                                    " is missing from the secrets file");
    }
    auto service = service_for(src, ctx);
    text = service->logs(*src.token, 0);
  } catch (const core::Error& e) {
    if (!src.local) {
      throw;
    }
    spdlog::warn("{}: the upgrade service gave no log ({}); showing the local copy '{}'",
                 src.label,
                 e.what(),
                 src.local->string());
    text = adapters::fs::read_file(*src.local);
    from = "local";
  }
  nlohmann::json doc = {{"request", src.label}, {"source", from}, {"log", core::redact(text)}};
  if (src.local) {
    doc["local_copy"] = src.local->string();
  }
  ctx.out.result(doc, [&](std::ostream& os) { print_text(os, text); });
  return 0;
}

// The log as it grows, until the request leaves pending/progress.
int follow(const LogSource& src, const LogOptions& o, Context& ctx) {
  if (!src.token) {
    throw core::PreconditionError("the request token of the " + src.label +
                                      " is missing from the secrets file",
                                  "nothing to follow without it; 'odoo-upgrade log' shows the "
                                  "local copy");
  }
  auto service = service_for(src, ctx);
  std::uint64_t offset = 0;
  std::string all; // --json only: its document holds the whole log; the text is streamed
  bool ends_line = true;
  // Whole lines are printed as they come (a token split between two reads is still redacted).
  core::LineRedactor redactor;
  std::chrono::milliseconds delay{0};
  auto take = [&] {
    std::string chunk = service->logs(*src.token, offset);
    offset += chunk.size();
    if (ctx.out.json()) {
      all += chunk;
    }
    if (!chunk.empty()) {
      ends_line = chunk.back() == '\n';
    }
    ctx.out.text() << redactor.add(chunk) << std::flush;
  };
  for (;;) {
    core::throw_if_interrupted();
    take();
    auto s = service->status(*src.token);
    if (s.state != ports::RequestState::pending && s.state != ports::RequestState::progress) {
      // The end of the log written before the status changed.
      take();
      ctx.out.text() << redactor.flush();
      spdlog::info("{}: the request is {}{}",
                   src.label,
                   s.state_text,
                   s.reason.empty() ? "" : " (" + s.reason + ")");
      nlohmann::json doc = {{"request", src.label},
                            {"source", "service"},
                            {"status", s.state_text},
                            {"log", core::redact(all)}};
      ctx.out.result(doc, [&](std::ostream& os) {
        if (!ends_line) {
          os << "\n";
        }
      });
      return 0;
    }
    delay = core::next_poll_delay(delay, o.poll_first, o.poll_max);
    ctx.clock.sleep_for(delay);
  }
}

} // namespace

int run_log(const LogOptions& options, Context& ctx) {
  // Which request, and how to reach it (bad options end the run first).
  LogSource src = source_of(options, ctx);
  return options.follow ? follow(src, options, ctx) : show(src, ctx);
}

} // namespace odoo_upgrade::commands
