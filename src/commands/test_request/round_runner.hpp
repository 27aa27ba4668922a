#pragma once

// Internal to test-request and prod-request: the steps of one upgrade request (dump, create,
// upload, process, wait, download, and for a test round restore and verify), saved after every
// change so that a re-run resumes where a crash or --no-wait left it.

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/commands/test_request.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace odoo_upgrade::commands::rounds {

// What differs between a test round and the production request.
struct RoundKind {
  std::string command; // "test-request" or "prod-request": history entries and hints
  std::string aim;     // "test" or "production" (the service's `aim`)
  std::string label;   // "round 3", "production request 1": log lines and messages
  // The request's record in the project (a round of `rounds`, or section `production`).
  std::function<nlohmann::json&()> record;
  std::string token_key;          // key of the request token in the secrets file
  std::filesystem::path dir;      // local working files (dump, received/, service.log)
  bool restore_and_verify = true; // test rounds; the production request ends when downloaded
  // Called when the service failed or cancelled the request, before the project is saved (phase
  // fallback).
  std::function<void()> on_failed;
  // For a request without restore: records the end (phase, history) once downloaded, prints the
  // result and returns the exit code.
  std::function<int()> on_downloaded;
};

// Runs (or resumes) the request recorded at `kind.record()` until it is finished, pending (exit 8)
// or fails (throws, see run_test_request).
int run_round(const RoundKind& kind,
              const TestRequestOptions& options,
              Context& ctx,
              const TestRequestPorts& ports,
              core::Project& project,
              adapters::fs::SecretStore& secrets,
              const ServiceSettings& settings);

// The flags test-request and prod-request share.
struct RequestFlags {
  int jobs = 4;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::string> contract;
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
};
template <typename Options>
RequestFlags request_flags(const Options& o) {
  return {o.jobs, o.timeout, o.contract, o.service_url, o.ca_file, o.data_server_user};
}

// What a request command holds for its whole run: the project lock (none with --dry-run), the
// project, its secrets and the resolved service settings.
struct RequestSession {
  std::unique_ptr<adapters::fs::ProjectLock> lock;
  core::Project project;
  adapters::fs::SecretStore secrets;
  ServiceSettings settings;
};

// Validates the shared flags (UsageError before anything is touched), takes the lock, loads the
// project and its secrets, saves a --contract given on the command line (not with --dry-run) and
// resolves the service settings.
RequestSession open_request_session(const RequestFlags& flags, Context& ctx);

// Key of round `round`'s token in the secrets file.
std::string token_key(int round);

// Throws PreconditionError naming the programs (rsync, ssh, pg_dump…) missing from PATH.
void check_tools(bool need_pg_dump, bool need_pg_restore = true);

std::string env_or_empty(const char* name);

} // namespace odoo_upgrade::commands::rounds
