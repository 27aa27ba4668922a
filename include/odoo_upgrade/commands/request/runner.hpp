#pragma once

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/request_record.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The room of the upgrade request (src/commands/request/): what a kind of request supplies, the
// request being run, the step runner and the one entry function test-request and prod-request
// share.
namespace odoo_upgrade::commands::request {

class RequestRun;

// What differs between a test round and the production request.
struct RequestKind {
  std::string command;      // "test-request": history entries and hints
  std::string aim;          // the service's aim: "test" or "production"
  std::string noun;         // "round", "production request": labels ("round 3")
  std::string title;        // "test round", "production request": messages
  std::string token_prefix; // secrets key "<token_prefix>.<n>.token" ("round", "production")
  std::string dir_name;     // the request's files: <work_dir>/<dir_name>/<n>/
  std::string event_key;    // key of the request's number in history details ("round")

  // Where its record lives: the unfinished record a run resumes (or abandons), the number of a new
  // one, how a new one is added (a round appended; the production request archived into
  // `previous`) and how a changed one is written back.
  std::function<std::optional<core::RequestRecord>(const core::Project&)> open_record;
  std::function<int(const core::Project&)> next_number;
  std::function<void(core::Project&, const core::RequestRecord&)> add;
  std::function<void(core::Project&, const core::RequestRecord&)> store;

  // The kind's own refusals once the phase allows it; a value ends the run with that exit code
  // (the production request already downloaded: its result is printed).
  std::function<std::optional<int>(core::Project&, Context&)> check;
  // Fills the kind's fields of a new record and checks them (UsageError, PreconditionError).
  std::function<void(core::RequestRecord&, ProjectSession&)> prepare_new;
  // The --dry-run plan of a new request.
  std::function<std::vector<std::string>(const core::RequestRecord&, const core::Project&)> plan;
  // Warning when a run resumes although options for new requests were given; empty for none.
  std::string resume_warning;

  // Phase rules (core/transitions): while the request runs; when it ends without a result.
  core::Phase (*on_running)(core::Project&) = nullptr;
  core::Phase (*on_ended_without_result)(core::Project&) = nullptr;

  // The runbook's enabled before-upload steps (core/runbook.hpp) a new dump of production goes
  // through: production's dump is restored into a scratch database, the steps run there and the
  // scratch database's dump is sent (runbook_steps.hpp). Unset or empty: production's dump is sent.
  std::function<std::vector<core::RunbookStep>(const core::Project&)> before_upload_steps;
  // Send this dump instead of dumping production (test-request --dump), checked beforehand.
  std::optional<std::filesystem::path> dump_file;
  // Whether the run restores (pg_restore needed).
  bool restores = false;
  // What happens once the result is downloaded: restore and verify a test round, stop for the
  // production request. Records the end, prints the result and returns the exit code.
  std::function<int(RequestRun&)> after_download;
};

// The request being run: its record, written into the project and saved after every change so that
// a re-run resumes from the last recorded step.
class RequestRun {
public:
  RequestRun(const RequestKind& kind,
             core::RequestRecord record,
             ProjectSession& session,
             Context& ctx,
             const RequestOptions& options);

  const RequestKind& kind() const { return m_kind; }
  core::RequestRecord& record() { return m_record; }
  const core::RequestRecord& record() const { return m_record; }
  ProjectSession& session() { return m_session; }
  core::Project& project() { return m_session.project(); }
  Context& ctx() { return m_ctx; }
  const RequestOptions& options() const { return m_options; }

  // "round 3", "production request 1".
  std::string label() const;
  // The request's working files (<work_dir>/<dir_name>/<n>/): dump, received/, service.log.
  std::filesystem::path dir() const;
  // Key of the request token in the secrets file.
  std::string token_key() const;

  // Stamps `updated_at`, writes the record into the project and saves it (atomic).
  void save();
  // Sets the state, then save().
  void set_state(core::RequestState state);
  // Records in `field` of the timings the seconds since `from` (one decimal). Not saved.
  void note_timing(std::optional<double> core::Timings::*field, core::TimePoint from);
  // Records a hop that moved `bytes` since `from`: its seconds (as note_timing), its bytes, and
  // its rate over the unrounded duration (core::bytes_per_second; null when nothing was timed).
  // Not saved.
  void note_hop(core::Hop hop, std::uint64_t bytes, core::TimePoint from);
  // "now" as recorded in the project (ISO 8601 UTC).
  std::string now() const;
  // The record with the project's phase and next step: the --json document of a run.
  nlohmann::json summary() const;

private:
  const RequestKind& m_kind;
  core::RequestRecord m_record;
  ProjectSession& m_session;
  Context& m_ctx;
  const RequestOptions& m_options;
};

// Runs the steps of `run` (dump, create, upload, process, wait, download, then the kind's
// after_download) until the request is finished, pending (exit 8 with --no-wait or --timeout) or
// fails (throws: PreconditionError 3 after an ambiguous create, ServiceError 4, DatabaseError 5,
// FilesystemError 6).
int run_steps(RequestRun& run, const RequestPorts& ports, const ServiceSettings& settings);

// The one entry of both request commands: opens the project (the command line holds the lock),
// saves a --contract, then abandons (--abandon), resumes the open request, or checks and records a
// new one (printing the plan with --dry-run), and runs its steps.
int run_request(const RequestKind& kind,
                const RequestOptions& options,
                Context& ctx,
                const RequestPorts& ports);

// Runs the project's hooks of the request event `event` ("request_started" once the request
// exists or is attached, "request_done" when the service finished processing, "request_failed"
// when it failed or was cancelled, "round_tested" once a round is tested), with the go-live hooks'
// environment (commands/hooks.hpp) plus ODOO_UPGRADE_REQUEST ("round 2"), ODOO_UPGRADE_AIM,
// ODOO_UPGRADE_REQUEST_ID, ODOO_UPGRADE_REQUEST_STATUS and `extra`. A hook that fails or times
// out is logged as a warning: the request goes on. Never passes the token or the contract.
void notify(RequestRun& run,
            std::string_view event,
            std::vector<std::pair<std::string, std::string>> extra = {});

// The runbook in a request (src/commands/request/runbook.cpp). The dump of `production` (pg_dump
// -Fd, removed afterwards) restored into the run's scratch database, `steps` run there, its dump
// written to `output`; the results in the record's `runbook` (saved after each step). A failing
// step ends the request (end_runbook_failed). `on_output_file` hears the data files of `output` as
// pg_dump closes them (BeforeUploadJob::on_output_file).
void run_before_upload(RequestRun& run,
                       const std::filesystem::path& production,
                       const std::filesystem::path& output,
                       const std::vector<core::RunbookStep>& steps,
                       const std::function<void(const std::filesystem::path&)>& on_output_file);
// The enabled after-restore steps on `database` (the restored test database), appended to the
// record's `runbook` after its before-upload results; a step already recorded `ok` with the same
// sha256 (a run interrupted after it) is not run again. A failing step ends the request.
void run_after_restore(RequestRun& run, const std::string& database);
// Ends the request `failed` with `failure` (runbook_failure's line) as its reason, the phase as
// after a failed request, the hooks told; throws PreconditionError (exit 3) with the reason and
// where the step's output is.
[[noreturn]] void end_runbook_failed(RequestRun& run, const std::string& failure);
// --abandon of a request stopped while its before-upload steps ran: the scratch database that run
// may have left is dropped (a database error only warns: the request is given up all the same).
void drop_abandoned_scratch(RequestRun& run);
// The --dry-run plan's line for the enabled runbook steps of `when`, each named ("run the runbook's
// before-upload steps s1 'Merge tags', s3 'Drop logs' <where>"); "" when there is none.
std::string
runbook_plan_line(const core::Project& project, core::RunbookWhen when, const std::string& where);

// How the dump is made, for the plans: "pg_dump, 4 jobs, gzip level 1" (level 0: "uncompressed").
std::string dump_settings_text(const RequestOptions& options);

// Key of a request token in the secrets file: "<prefix>.<number>.token".
std::string token_key(const std::string& prefix, int number);
// Key of the value of the environment variable `name` sent with the request's create:
// "<prefix>.<number>.env.<name>".
std::string env_key(const std::string& prefix, int number, const std::string& name);

} // namespace odoo_upgrade::commands::request
