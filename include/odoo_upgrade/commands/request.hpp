#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/service_record.hpp>
#include <odoo_upgrade/ports/file_transfer.hpp>
#include <odoo_upgrade/ports/upgrade_service.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// The upgrade request commands: `test-request` (a test round: dump production, create a request
// with aim "test", upload, process, wait, download, then restore into a new test database, merge
// the filestore, verify and neutralize) and `prod-request` (the production request on the frozen
// production database: the same steps with aim "production", ending once the upgraded dump and
// filestore are downloaded; `restore` puts them into production). Both resume where a crash or
// --no-wait left them, and never create a request twice. The room is src/commands/request/.
namespace odoo_upgrade::commands {

// Overrides of the project's service settings (flags or their environment variables, read by
// cli/); an unset or empty value keeps the project's.
struct ServiceOverrides {
  std::optional<std::string> url;
  std::optional<std::string> ca_file;
  std::optional<std::string> data_server_user;
};

// How to reach the upgrade service.
struct ServiceSettings {
  std::string url;                    // base URL ("https://upgrade.odoo.com")
  std::optional<std::string> ca_file; // private CA bundle to trust
  std::string data_server_user = "odoo";
};

// The service settings `recorded` (a project's section `service`, or empty before initiate) with
// `overrides` (flags and environment) applied, then the user's config file (commands/user_config:
// service_url, ca_file, data_server_user) for what neither sets, defaulting to upgrade.odoo.com
// and the user "odoo";
// the URL without trailing '/'. Throws UsageError when the URL is not https:// (the token and the
// contract travel in it) or the CA file is not a file; FilesystemError (6) for a broken config
// file.
ServiceSettings resolve_service_settings(const core::ServiceRecord& recorded,
                                         const ServiceOverrides& overrides);
// The same from `project`'s `service` section.
ServiceSettings resolve_service_settings(const core::Project& project,
                                         const ServiceOverrides& overrides);

// The gzip level of the dumps the requests send when neither --compress nor the user's config
// says (docs/benchmarks.md, "transfer defaults").
inline constexpr int k_default_compression = 1;

// The options both request commands share.
struct RequestOptions {
  bool no_wait = false;                             // return once processing started (exit 8)
  std::optional<std::chrono::milliseconds> timeout; // how long to wait for processing
  int jobs = 4;                                     // pg_dump / pg_restore jobs (1..64)
  // pg_dump's gzip level of the dump sent (0..9). Odoo's script sends pg_dump's default, 6; 1
  // was chosen from measurement (docs/benchmarks.md, "transfer defaults").
  int compression = k_default_compression;
  bool compression_given = false; // --compress on the command line (refused where no dump is made)
  bool abandon = false;           // give up the unfinished request
  // Subscription code (--contract or ODOO_UPGRADE_CONTRACT); saved in the secrets file.
  std::optional<std::string> contract;
  ServiceOverrides service;
  // Status polling: the first delay, growing by half up to the maximum.
  std::chrono::milliseconds poll_first{2000};
  std::chrono::milliseconds poll_max{30000};
  int transfer_attempts = 5;    // rsync attempts per transfer (each resumes the previous one)
  bool skip_disk_check = false; // start a step although its disk space estimate does not fit
  // --attach: the token of a request created elsewhere (the official script, Odoo's support, a
  // lost round), followed, fetched (and for a test round restored) as a new record. A secret: the
  // cli reads it from the flag, its -file companion or the environment.
  std::optional<std::string> attach_token;
  // --ssh-key: the private key whose public half the attached request was created with (its
  // transfers need it); default the project's own key.
  std::optional<std::string> ssh_key;
  // --env VAR=VALUE (repeatable): sent as the new request's `env_vars` on create. VAR is a
  // C identifier; the names are recorded in the record, the values only in the secrets file.
  std::vector<std::string> env_vars;
};

struct TestRequestOptions {
  RequestOptions request;
  std::optional<std::string> test_db; // name of the restored test database (new rounds)
  std::optional<std::string> dump;    // send this dump instead of dumping production (new rounds)
  bool force_dump = false; // send --dump although its series or database uuid is not production's
  // Stop once the upgraded dump is downloaded and its checksum recorded (state `downloaded`).
  bool no_restore = false;
  // Only restore (and verify) the downloaded round, after checking its dump against the recorded
  // checksum; never start or follow a request.
  bool restore_only = false;
};

struct ProdRequestOptions {
  RequestOptions request;
  // Send although the runbook changed since the sign-off (--accept-runbook-change, needs
  // --reason): the change, the reason and the time are recorded in `production.runbook_change`
  // and the history, and the runbook as it stands replaces the sign-off's approval.
  bool accept_runbook_change = false;
  std::string reason;
};

// The project's SSH key pair that authorises the transfers.
struct SshKey {
  std::filesystem::path private_key;
  std::string public_key; // OpenSSH public key text, sent with `create`
};

// The outside world a request talks to. Tests replace them with fakes (tests/support/fakes/).
struct RequestPorts {
  std::function<std::unique_ptr<ports::UpgradeService>(const ServiceSettings&, core::Clock&)>
      make_service;
  std::function<std::unique_ptr<ports::FileTransfer>()> make_transfer;
  // The key pair beside the project file `project_path` (generated on first use).
  std::function<SshKey(const std::filesystem::path& project_path)> ssh_key;
  // Before the download: what it and the restore need fits on disk (commands/disk_space.hpp:
  // request_disk_steps + require_disk_space, which read production's sizes). Throws
  // FilesystemError. Empty: not checked (the runner's unit tests, which have no database).
  std::function<void(const core::Project& project,
                     const adapters::fs::SecretStore& secrets,
                     const core::RequestRecord& rec,
                     const std::filesystem::path& request_dir,
                     const std::string& label,
                     bool skip)>
      check_download_space;
};
// The libcurl service client, rsync over SSH and ssh-keygen.
RequestPorts real_request_ports();

// Runs (or resumes) a test round, recorded in the project's `rounds`. Exit 0 when the round is
// tested (or abandoned with --abandon), 8 when it is still processing (--no-wait or --timeout).
// Throws UsageError (2) for bad options, PreconditionError (3) for the wrong phase, missing tools
// or contract, or a round that needs a decision; ServiceError (4) when the service refuses or fails
// the request; DatabaseError (5); FilesystemError (6).
int run_test_request(const TestRequestOptions& options, Context& ctx);
int run_test_request(const TestRequestOptions& options, Context& ctx, const RequestPorts& ports);

// Runs (or resumes) the production request, recorded in the project's `production`. Refused
// (PreconditionError, exit 3) unless production is frozen (`freeze apply`) and the latest test
// round is signed off (or the freeze was forced), and (exit 3, the changes one per line in the
// hint) when the runbook changed since the sign-off's approval, unless accept_runbook_change; a
// resumed request is checked again until its dump is made. UsageError (2) for
// --accept-runbook-change without --reason or --reason without it. Exit 0 once downloaded, 8 while
// processing; the other errors as run_test_request.
int run_prod_request(const ProdRequestOptions& options, Context& ctx);
int run_prod_request(const ProdRequestOptions& options, Context& ctx, const RequestPorts& ports);

// For `status --refresh`: asks the service for the status of the latest round's request and
// records it in the round (`service_status`, `service_reason`, `host`, `updated_at`); a failed or
// cancelled request ends the round there. Returns {"round", "request_id", "status", "reason",
// "archived"}, or null when there is no round with a request and token. The caller holds the
// project lock and saves the project. Throws ServiceError (4).
nlohmann::json refresh_latest_round(core::Project& project,
                                    const std::filesystem::path& project_path,
                                    const ServiceSettings& settings,
                                    Context& ctx);

// A one-off look at the request of `token` (status --token): its status as the service reports it.
// Nothing is recorded. Throws ServiceError (4).
ports::RequestStatus
look_up_request(const std::string& token, const ServiceSettings& settings, Context& ctx);

// Checks the --env entries "VAR=VALUE": VAR a C identifier (letters, digits, '_', not starting
// with a digit), given once, VALUE without a line break. Throws UsageError (2) naming the entry by
// its name only (the value may be a secret).
void validate_env_vars(const std::vector<std::string>& entries);

// The request token of round `round` (for `status --show-token`), or std::nullopt.
std::optional<std::string> round_token(const std::filesystem::path& project_path, int round);

} // namespace odoo_upgrade::commands
