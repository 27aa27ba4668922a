#pragma once

#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/target_odoo.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The record of one upgrade request, as the project file keeps it: each test round in `rounds[i]`
// and the production request in section `production` (with the earlier ones in
// `production.previous`). Typed after core/record.hpp: every known key is a member, unknown keys
// are kept in `extra` so that a file written by a newer build survives this one.
namespace odoo_upgrade::core {

// Client-side state of a request, stored as `state`. Ordered as a request advances; a production
// request ends at `downloaded` (restore is the `restore` command's job).
enum class RequestState {
  dumping,    // pg_dump of production under way (or interrupted)
  dumped,     // the dump is complete in the request's work dir
  creating,   // `create` was called; no answer recorded (may or may not exist on the service)
  created,    // the request exists (token saved); upload next
  uploaded,   // dump uploaded and transfer stopped; `process` next
  processing, // `process` was called; waiting for done/failed/cancelled
  done,       // the service finished; download next
  downloaded, // dump, filestore, report and log are local
  restoring,  // test round: restore into the test database under way (ours to redo)
  restored,   // test round: restored and filestore merged; verification next
  tested,     // test round: verified and handed over (final, success)
  failed,     // the service failed the request (final)
  cancelled,  // the service cancelled the request (final)
  abandoned,  // given up by the user, or archived by the service (final)
};
std::string_view to_string(RequestState state);
std::optional<RequestState> parse_request_state(std::string_view text);
// True when nothing more happens to a request in this state (a new one may start).
bool is_final(RequestState state);

// `dump`: what was sent. Empty until the dump is ready.
struct SentDump {
  std::optional<std::string> source;      // "pg_dump", or "file" (--dump)
  std::optional<std::string> remote_name; // name on the data server ("origin.dump", "origin.sql"…)
  std::optional<std::string> path;        // local file or pg_dump directory
  std::optional<std::string> format;      // "directory" or "file"
  std::optional<std::string> sha256;      // of the file, or of the tree (adapters/fs sha256_tree)
  std::optional<std::uint64_t> bytes;
  std::optional<int> compression; // pg_dump's gzip level (0..9) of a dump the tool made
  nlohmann::json extra = nlohmann::json::object();
};

// `received.dump`: the upgraded dump as downloaded.
struct ReceivedDump {
  std::string path;
  std::string sha256;
  std::uint64_t bytes = 0;
  nlohmann::json extra = nlohmann::json::object();
};

// `received.filestore`: the filestore the service returned (`path` null when it returned none).
struct ReceivedFilestore {
  std::optional<std::string> path;
  std::optional<std::string> sha256;
  std::uint64_t files = 0;
  std::optional<std::uint64_t> bytes;
  nlohmann::json extra = nlohmann::json::object();
};

// `received`: empty until the download is done; then `dump`, `filestore`, and `report_path` and
// `log_path` (null when the service sent no such file).
struct Received {
  std::optional<ReceivedDump> dump;
  std::optional<ReceivedFilestore> filestore;
  std::optional<std::string> report_path;
  std::optional<std::string> log_path;
  nlohmann::json extra = nlohmann::json::object();
};

// `timings`: seconds (one decimal) each step took. `processing_s` is an upper bound when a run
// learned the end late (--no-wait, a crash).
// The hops that move a dump also record the bytes they moved (`<hop>_bytes`) and their rate
// (`<hop>_bytes_per_s`: those bytes over the step's unrounded duration, bytes per second): dump,
// the dump written (pg_dump's directory, the before-upload steps' scratch dump; not measured for
// a dump given with --dump); upload, the dump sent; download, the files received (the upgraded
// dump, the filestore, the report and the log); restore (test rounds), the upgraded dump
// pg_restore read. `database_bytes` is production's pg_database_size when it was dumped: the size
// the rates were measured at, which the freeze plan scales from (core::golive::estimate_downtime).
// All null when not measured (older builds, an attached request).
struct Timings {
  std::optional<double> dump_s;
  std::optional<double> upload_s;
  std::optional<double> processing_s;
  std::optional<double> download_s;
  std::optional<double> restore_s;
  std::optional<double> update_s; // test round: the target Odoo's module update
  std::optional<double> open_s;   // test round: the target Odoo's open check
  std::optional<std::uint64_t> dump_bytes;
  std::optional<double> dump_bytes_per_s;
  std::optional<std::uint64_t> upload_bytes;
  std::optional<double> upload_bytes_per_s;
  std::optional<std::uint64_t> download_bytes;
  std::optional<double> download_bytes_per_s;
  std::optional<std::uint64_t> restore_bytes;
  std::optional<double> restore_bytes_per_s;
  std::optional<std::uint64_t> database_bytes;
  nlohmann::json extra = nlohmann::json::object();
};

// The hops of a request's chain, in order.
enum class Hop { dump, upload, processing, download, restore };

// One hop in `timings`: its name in summaries ("upload"), its key ("upload_s"), its seconds and,
// for the hops that move a dump, its bytes and rate (null for processing, which moves none of
// ours).
struct TimingHop {
  std::string_view name;
  std::string_view key;
  std::optional<double> Timings::*seconds;
  std::optional<std::uint64_t> Timings::*bytes;
  std::optional<double> Timings::*rate;
};

// The chain: dump, upload, processing, download, restore (the order of Hop). The one list the
// request runner, the round summary and the freeze plan's downtime estimate read.
const std::array<TimingHop, 5>& timing_hops();
// timing_hops()'s entry of `hop`.
const TimingHop& timing_hop(Hop hop);

// The rate of a hop that moved `bytes` in `elapsed`: bytes per second, rounded to a whole byte;
// std::nullopt when `elapsed` is not positive (nothing timed).
std::optional<double> bytes_per_second(std::uint64_t bytes, std::chrono::milliseconds elapsed);

// `transfers`: the attempt that succeeded per direction and the errors of the failed ones.
struct Transfers {
  std::optional<int> upload;
  std::optional<int> download;
  std::vector<std::string> upload_errors; // redacted
  std::vector<std::string> download_errors;
  nlohmann::json extra = nlohmann::json::object();
  bool empty() const;
};

// `verification`: what the verification of a restored test database found.
struct Verification {
  std::string base_version; // "18.0.1.3"
  std::string series;       // "18.0"
  bool neutralized = false;
  long long active_crons = 0;
  long long active_mail_servers = 0;
  nlohmann::json extra = nlohmann::json::object();
};

// One upgrade request: a test round (`aim` "test") or a production request (`aim` "production").
struct RequestRecord {
  int number = 0;     // 1, 2… within its list (rounds, or production requests)
  std::string aim;    // the service's aim: "test" or "production"
  std::string target; // target series ("18.0")
  RequestState state = RequestState::dumping;
  std::optional<long long> request_id; // null until `create` answered
  std::string host;                    // assigned host, for pinning ("" until created)
  std::string service_url;
  std::string created_at; // ISO 8601 UTC, as every *_at below
  std::string updated_at;
  std::optional<std::string> create_started_at;
  std::optional<std::string> request_created_at;
  std::optional<std::string> processing_started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> create_error;   // redacted message of a failed/ambiguous create
  std::optional<std::string> service_info;   // the service's warning on create
  std::optional<std::string> service_status; // the latest status as the service spelled it
  std::optional<std::string> service_reason; // the latest reason the service gave
  std::optional<std::string> reason;         // why it ended (failed, cancelled, abandoned)
  std::optional<bool> pg_version_compatible; // from `process`
  std::optional<std::string> dump_name;      // the upgraded dump's name on the data server
  // A request created elsewhere (the official script, Odoo's support, a lost round) and attached
  // with --attach: when it was attached. Such a record has no `dump` and no `request_id` (the
  // service's status does not say it).
  std::optional<std::string> attached_at;
  // The private SSH key that authorises the transfers when it is not the project's own (an
  // attached request: the key whose public half was sent with its `create`).
  std::optional<std::string> ssh_key;
  // Names of the environment variables sent with `create` (`env_vars`, --env); their values are
  // kept in the secrets file only.
  std::vector<std::string> env_vars;
  SentDump dump;
  Received received;
  Timings timings;
  Transfers transfers;
  // Test rounds only.
  std::optional<std::string> test_db;        // the restored test database
  std::optional<std::string> filestore_path; // its filestore
  std::optional<std::uint64_t> filestore_files;
  // How its files were made from production's: "hard links", "reflinks", "copies", or a mix
  // (adapters/fs FilestoreMerge::mode); the bytes it copied.
  std::optional<std::string> filestore_mode;
  std::optional<std::uint64_t> filestore_copied_bytes;
  std::optional<std::string> neutralized_by; // "service" or "odoo-upgrade"
  std::optional<Verification> verification;
  std::optional<TargetOdooRecord> target_odoo; // the target Odoo's update and open check
  // The runbook steps this request ran (`runbook`; core/runbook.hpp): a test round's before-upload
  // and after-restore steps, a production request's before-upload steps. Empty: none ran.
  std::vector<RunbookStepResult> runbook;
  // A production request that accepted a runbook changed since the sign-off (`runbook_change`).
  std::optional<RunbookChangeAcceptance> runbook_change;
  // Production requests only.
  std::optional<std::string> database;          // the production database sent
  std::optional<std::string> freeze_started_at; // the freeze the request belongs to
  std::optional<std::string> invalidated;       // why the result must not be restored (lift…)
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a request record; `where` names it in errors ("rounds[2]", "production"). Throws
// FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type or an unknown
// state.
RequestRecord request_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const RequestRecord& record);

// Section `production`: the current production request and the earlier ones.
struct ProductionRecord {
  RequestRecord request;
  std::vector<RequestRecord> previous; // oldest first
};
ProductionRecord production_from_json(const nlohmann::json& j);
nlohmann::json to_json(const ProductionRecord& production);

// The test rounds (section `rounds`), oldest first; empty when there is none. Throws as
// request_from_json.
std::vector<RequestRecord> read_rounds(const Project& project);
// The latest test round, or std::nullopt.
std::optional<RequestRecord> read_latest_round(const Project& project);
// Replaces the round with `round.number`, or appends it when there is none.
void write_round(Project& project, const RequestRecord& round);

// Section `production`, or std::nullopt when no production request was ever recorded.
std::optional<ProductionRecord> read_production(const Project& project);
void write_production(Project& project, const ProductionRecord& production);

} // namespace odoo_upgrade::core
