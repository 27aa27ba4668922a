#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/ports/file_transfer.hpp>
#include <odoo_upgrade/ports/upgrade_service.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace odoo_upgrade::commands {

// How to reach the upgrade service: resolved from options, environment and the project.
struct ServiceSettings {
  std::string url;                    // base URL ("https://upgrade.odoo.com")
  std::optional<std::string> ca_file; // private CA bundle to trust
  std::string data_server_user = "odoo";
};

struct TestRequestOptions {
  bool no_wait = false;                             // return once processing started (exit 8)
  std::optional<std::chrono::milliseconds> timeout; // how long to wait for processing
  int jobs = 4;                                     // pg_dump / pg_restore jobs
  std::optional<std::string> test_db;               // name of the restored test database
  std::optional<std::string> dump;                  // send this dump instead of dumping production
  bool abandon = false;                             // give up the unfinished round
  std::optional<std::string> contract;              // subscription code; saved in the secrets
  // Overrides of the project's service settings (flags or environment); unset keeps the project's.
  std::optional<std::string> service_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
  // Status polling: the first delay, growing by half up to the maximum.
  std::chrono::milliseconds poll_first{2000};
  std::chrono::milliseconds poll_max{30000};
  int transfer_attempts = 5; // rsync attempts per transfer (each resumes the previous one)
};

// The outside world test-request talks to. Tests may replace either; by default the libcurl client
// and rsync are used.
struct TestRequestPorts {
  std::function<std::unique_ptr<ports::UpgradeService>(const ServiceSettings&, core::Clock&)>
      make_service;
  std::function<std::unique_ptr<ports::FileTransfer>()> make_transfer;
};
TestRequestPorts real_test_request_ports();

// Runs (or resumes) a test round: dump production, create a test request, upload, process, wait,
// download, restore into a new database, merge the filestore, verify and neutralize, and record
// everything in the project's `rounds`. Exit 0 when the round is tested, 8 when it is still
// processing (--no-wait or --timeout). Throws ServiceError (4) when the service refuses or fails
// the request, DatabaseError (5), FilesystemError (6), PreconditionError (3) for the wrong phase or
// a round that needs a decision.
int run_test_request(const TestRequestOptions& options, Context& ctx);
int run_test_request(const TestRequestOptions& options,
                     Context& ctx,
                     const TestRequestPorts& ports);

// Service settings of `project` with the overrides of `options` applied.
ServiceSettings resolve_service_settings(const core::Project& project,
                                         const std::optional<std::string>& url,
                                         const std::optional<std::string>& ca_file,
                                         const std::optional<std::string>& data_server_user);

// For `status --refresh`: asks the service for the status of the latest round's request and
// records it in the round (`service_status`, `reason`, `updated_at`). Returns the status as JSON
// ({"round", "request_id", "status", "reason", "archived"}), or null when there is no open round
// with a request. The caller holds the project lock and saves the project.
nlohmann::json refresh_latest_round(core::Project& project,
                                    const std::filesystem::path& project_path,
                                    const ServiceSettings& settings,
                                    Context& ctx);

// The request token of round `round` (for `status --show-token`), or std::nullopt.
std::optional<std::string> round_token(const std::filesystem::path& project_path, int round);

} // namespace odoo_upgrade::commands
