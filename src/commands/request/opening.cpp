// The opening of a request command: options, project, contract, service settings, tools.
#include "opening.hpp"

#include "../golive/golive_common.hpp"

#include <odoo_upgrade/adapters/http/upgrade_service_client.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/adapters/transfer/rsync_transfer.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/service_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

namespace odoo_upgrade::commands {

namespace {

std::string first_set(const std::optional<std::string>& given, std::string fallback) {
  return given && !given->empty() ? *given : std::move(fallback);
}

} // namespace

ServiceSettings resolve_service_settings(const core::ServiceRecord& recorded,
                                         const ServiceOverrides& overrides) {
  ServiceSettings s;
  // Flags and environment, then the project, then the user's config file, then upgrade.odoo.com.
  core::UserConfig user = load_user_config();
  s.url = first_set(overrides.url, first_set(recorded.url, user.service_url.value_or("")));
  if (s.url.empty()) {
    s.url = std::string(adapters::http::k_default_service_url);
  }
  while (!s.url.empty() && s.url.back() == '/') {
    s.url.pop_back();
  }
  if (!s.url.starts_with("https://") || s.url.size() <= 8) {
    throw core::UsageError("service URL '" + s.url + "' must start with https://",
                           "TLS is always on; trust a private CA with --ca-file");
  }
  std::string ca =
      first_set(overrides.ca_file, first_set(recorded.ca_file, user.ca_file.value_or("")));
  if (!ca.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ca, ec)) {
      throw core::UsageError("CA file '" + ca + "' does not exist");
    }
    s.ca_file = ca;
  }
  s.data_server_user =
      first_set(overrides.data_server_user,
                first_set(recorded.data_server_user, user.data_server_user.value_or("")));
  if (s.data_server_user.empty()) {
    s.data_server_user = "odoo";
  }
  return s;
}

void validate_env_vars(const std::vector<std::string>& entries) {
  std::vector<std::string> seen;
  for (const auto& entry : entries) {
    auto eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    bool identifier = !name.empty() && (std::isdigit(static_cast<unsigned char>(name[0])) == 0) &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                      });
    if (eq == std::string::npos || !identifier) {
      // Only the part before '=' is named: what follows may be a secret.
      throw core::UsageError("--env '" + name + (eq == std::string::npos ? "" : "=...") +
                                 "' is not VAR=VALUE with VAR made of letters, digits and _",
                             "e.g. --env ODOO_UPGRADE_DEBUG=1 (repeat --env for each variable)");
    }
    if (entry.find_first_of("\r\n", eq) != std::string::npos) {
      throw core::UsageError("--env " + name + ": the value holds a line break");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      throw core::UsageError("--env " + name + " is given twice");
    }
    seen.push_back(name);
  }
}

ServiceSettings resolve_service_settings(const core::Project& project,
                                         const ServiceOverrides& overrides) {
  return resolve_service_settings(core::read_service(project), overrides);
}

RequestPorts real_request_ports() {
  RequestPorts p;
  p.check_download_space = [](const core::Project& project,
                              const adapters::fs::SecretStore& secrets,
                              const core::RequestRecord& rec,
                              const std::filesystem::path& dir,
                              const std::string& label,
                              bool skip) {
    require_disk_space(request_disk_steps(project, secrets, rec, dir, {false, true, true}),
                       label + " (before the download)",
                       skip);
  };
  p.make_service = [](const ServiceSettings& s, core::Clock& clock) {
    adapters::http::ServiceClientConfig config;
    config.base_url = s.url;
    if (s.ca_file) {
      config.ca_file = *s.ca_file;
    }
    return std::make_unique<adapters::http::UpgradeServiceClient>(config, clock);
  };
  p.make_transfer = [] { return std::make_unique<adapters::transfer::RsyncTransfer>(); };
  p.ssh_key = [](const std::filesystem::path& project_path) {
    auto key = adapters::transfer::ensure_ssh_key(project_path);
    return SshKey{key, adapters::transfer::public_key_text(key)};
  };
  return p;
}

} // namespace odoo_upgrade::commands

namespace odoo_upgrade::commands::request {

namespace {

void validate_options(const RequestOptions& options) {
  if (options.jobs < 1 || options.jobs > 64) {
    throw core::UsageError("--jobs must be between 1 and 64");
  }
  if (options.attach_token && options.compression_given) {
    throw core::UsageError("--compress goes with a dump the tool makes",
                           "the attached request holds the dump it was created with");
  }
  if (options.compression < 0 || options.compression > 9) {
    throw core::UsageError("--compress must be between 0 and 9",
                           "0 sends the dump uncompressed; 1 (the default) is the fastest gzip "
                           "level, 6 pg_dump's own default");
  }
  if (options.timeout && options.timeout->count() <= 0) {
    throw core::UsageError("--timeout must be positive");
  }
  validate_env_vars(options.env_vars);
  if (options.ssh_key && !options.attach_token) {
    throw core::UsageError("--ssh-key goes with --attach",
                           "a request this project creates uses the project's own key");
  }
  if (options.attach_token && (options.abandon || !options.env_vars.empty())) {
    throw core::UsageError("--attach excludes --abandon and --env",
                           "the attached request already exists on the service");
  }
}

} // namespace

RequestSession open_request_session(const RequestOptions& options, Context& ctx) {
  // Bad options end the run before the project is touched.
  validate_options(options);
  ProjectSession project = open_project(ctx, "", Lock::take);
  // A contract given on the command line is kept for the later runs (and the production request).
  if (options.contract && !options.contract->empty()) {
    core::register_secret(*options.contract);
    auto& secrets = project.secrets();
    if (!ctx.options.dry_run && secrets.get("contract") != options.contract) {
      secrets.set("contract", *options.contract);
    }
  }
  ServiceSettings settings = resolve_service_settings(project.project(), options.service);
  return {std::move(project), std::move(settings)};
}

std::optional<std::string> contract_of(const adapters::fs::SecretStore& secrets,
                                       const RequestOptions& options) {
  auto contract = secrets.get("contract");
  if (contract && !contract->empty()) {
    return contract;
  }
  if (options.contract && !options.contract->empty()) {
    return options.contract;
  }
  return std::nullopt;
}

std::string require_contract(const adapters::fs::SecretStore& secrets,
                             const RequestOptions& options) {
  auto contract = contract_of(secrets, options);
  if (!contract) {
    throw core::PreconditionError("no subscription code (contract) for the upgrade request",
                                  "register the database, or pass --contract (or set "
                                  "ODOO_UPGRADE_CONTRACT)");
  }
  core::register_secret(*contract);
  return *contract;
}

void check_tools(const core::Project& project, PgDump pg_dump, PgRestore pg_restore) {
  std::vector<std::string> tools{"rsync", "ssh", "ssh-keygen"};
  if (pg_restore == PgRestore::needed) {
    tools.emplace_back("pg_restore");
  }
  if (pg_dump == PgDump::needed) {
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
  // initiate's diagnosis of pg_dump/pg_restore against the server (core::check_pg_tools).
  auto checks = core::check_pg_tools(
      core::read_source(project).pg_server_version,
      pg_dump == PgDump::needed ? adapters::pg::client_tool_version("pg_dump") : std::nullopt,
      pg_restore == PgRestore::needed ? adapters::pg::client_tool_version("pg_restore")
                                      : std::nullopt);
  if (auto blocking = core::first_blocking(checks)) {
    throw core::PreconditionError(blocking->message, blocking->hint);
  }
}

std::string production_db_name(const core::Project& project) {
  return golive::production_db(project);
}

} // namespace odoo_upgrade::commands::request
