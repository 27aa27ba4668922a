// Unit tests of the upgrade request's step runner and entry (src/commands/request/) against the
// fakes: a ManualClock, a scripted FakeUpgradeService and a FakeTransfer. The long loops (poll
// back-off, --timeout, transfer retries) run in milliseconds and their delays are asserted.
#include "../support/fakes/fake_transfer.hpp"
#include "../support/fakes/fake_upgrade_service.hpp"
#include "../support/fakes/manual_clock.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <sstream>

using namespace odoo_upgrade;
using namespace std::chrono_literals;
using commands::request::RequestKind;
using commands::request::RequestRun;
using core::RequestState;
using nlohmann::json;
using ports::RequestState::cancelled;
using ports::RequestState::created;
using ports::RequestState::done;
using ports::RequestState::failed;
using ports::RequestState::pending;
using ports::RequestState::progress;

namespace {

// A project with one test round recorded at `state`, a dump file to send, and the fakes.
struct Bench {
  test::TempDir dir{"request-runner"};
  std::ostringstream out;
  std::ostringstream err;
  commands::Output output;
  test::ManualClock clock;
  commands::Context ctx;
  test::FakeUpgradeService service;
  test::FakeTransfer transfer;
  commands::RequestPorts ports;
  commands::RequestOptions options;
  RequestKind kind;
  int after_download_calls = 0;

  explicit Bench(bool progress_bar = false)
      : output(out, err, false, false, false, progress_bar), ctx{{}, output, clock} {
    ctx.options.project = dir / "odoo-upgrade.json";
    ports.make_service = [this](const commands::ServiceSettings&, core::Clock&) {
      return service.make();
    };
    ports.make_transfer = [this] { return transfer.make(); };
    ports.ssh_key = [this](const std::filesystem::path&) {
      return commands::SshKey{dir / "id_rsa", "ssh-rsa AAAA test"};
    };
    options.contract = "M-TEST";
    kind.command = "test-request";
    kind.aim = "test";
    kind.noun = "round";
    kind.title = "test round";
    kind.token_prefix = "round";
    kind.dir_name = "rounds";
    kind.event_key = "round";
    kind.store = core::write_round;
    kind.on_ended_without_result = core::phase_after_failed_round;
    kind.after_download = [this](RequestRun& run) {
      ++after_download_calls;
      run.save();
      return 0;
    };
    kind.dump_file = dir / "prod.sql";
    std::ofstream(dir / "prod.sql") << "-- a dump\n";
  }

  // Saves a project whose latest round is at `state` (token saved once created).
  void record_round(RequestState state,
                    const std::function<void(core::RequestRecord&, core::Project&)>& tweak = {}) {
    core::Project p("Acme", clock.now());
    p.doc()["target_version"] = "18.0";
    p.doc()["work_dir"] = (dir / "work").string();
    p.doc()["source"] = {{"dbname", "prod"}, {"conninfo", "dbname=prod"}};
    p.set_phase(core::Phase::testing);
    core::RequestRecord r;
    r.number = 1;
    r.aim = "test";
    r.target = "18.0";
    r.state = state;
    r.test_db = "prod_test_18.0_r1";
    if (state != RequestState::dumping && state != RequestState::dumped) {
      r.request_id = 42;
      r.processing_started_at = core::iso8601_utc(clock.now());
      adapters::fs::SecretStore(ctx.project_path()).set("round.1.token", "tok-secret-42");
    }
    if (state != RequestState::dumping) {
      r.dump.path = (dir / "prod.sql").string();
      r.dump.remote_name = "origin.sql";
    }
    if (tweak) {
      tweak(r, p);
    }
    core::write_round(p, r);
    adapters::fs::save_project(ctx.project_path(), p);
  }

  // Runs the steps of the recorded round, as the entry would after opening it.
  int run() {
    auto session = commands::open_project(ctx, "", commands::Lock::take);
    auto rec = *core::read_latest_round(session.project());
    RequestRun run(kind, rec, session, ctx, options);
    commands::ServiceSettings settings{"https://upgrade.example", std::nullopt, "odoo"};
    return commands::request::run_steps(run, ports, settings);
  }

  core::Project project() const { return adapters::fs::load_project(ctx.project_path()); }
  core::RequestRecord round() const { return *core::read_latest_round(project()); }
};

template <typename F>
core::ExitCode exit_code_of(F&& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.code();
  }
  return core::ExitCode::ok;
}

} // namespace

TEST_CASE("request::run_steps takes a round from its dump to the download", "[cmd]") {
  Bench b;
  b.record_round(RequestState::dumping);
  b.service.script(created, 2); // after create (upload next), after upload (process next)
  b.service.script(pending);
  b.service.script(progress);
  b.service.script(done);
  b.service.log_chunks = {"line 1\nline", " 2\n"};

  CHECK(b.run() == 0);
  CHECK(b.after_download_calls == 1);
  CHECK(b.service.count("create") == 1);
  CHECK(b.service.create_params.at(0).aim == "test");
  CHECK(b.service.create_params.at(0).contract == "M-TEST");
  CHECK(b.service.count("process") == 1);
  CHECK(b.service.count("stop_transfer") == 2);
  REQUIRE(b.transfer.calls.size() == 2);
  CHECK(b.transfer.calls[0].direction == "upload");
  CHECK(b.transfer.calls[0].names == std::vector<std::string>{"origin.sql"});
  CHECK(b.transfer.calls[0].target.host == "127.0.0.1"); // the assigned host, without its port
  CHECK(b.transfer.calls[0].target.port == 2222);
  CHECK(b.transfer.calls[1].direction == "download");

  auto r = b.round();
  CHECK(r.state == RequestState::downloaded);
  CHECK(r.request_id == 42);
  CHECK(r.host == "127.0.0.1:9443");
  CHECK(r.dump.source == "file");
  CHECK(r.dump.sha256->size() == 64);
  CHECK(r.transfers.upload == 1);
  CHECK(r.transfers.download == 1);
  CHECK(r.dump_name == "upgraded.dump");
  REQUIRE(r.received.dump);
  CHECK(r.received.dump->sha256.size() == 64);
  REQUIRE(r.received.filestore);
  CHECK(r.received.filestore->files == 1);
  CHECK(r.received.report_path);
  CHECK(r.timings.dump_s);
  CHECK(r.timings.processing_s);
  CHECK(r.timings.download_s);
  // The token is in the secrets file, never in the project.
  CHECK(adapters::fs::SecretStore(b.ctx.project_path()).get("round.1.token") == "tok-secret-42");
  CHECK(test::read_file(b.ctx.project_path()).find("tok-secret-42") == std::string::npos);
  // The service log is kept whole.
  CHECK(test::read_file(b.dir / "work" / "rounds" / "1" / "service.log") == "line 1\nline 2\n");
}

TEST_CASE("request::run_steps polls with a growing delay", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing);
  b.options.poll_first = 2000ms;
  b.options.poll_max = 10000ms;
  b.service.script(pending, 8);
  b.service.script(done);

  CHECK(b.run() == 0);
  std::vector<std::chrono::milliseconds> expected{
      2000ms, 3000ms, 4500ms, 6750ms, 10000ms, 10000ms, 10000ms};
  CHECK(b.clock.sleeps() == expected);
  CHECK(b.round().timings.processing_s == Approx(46.3));
}

TEST_CASE("request::run_steps ends a --timeout with exit 8, the request going on", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing);
  b.options.timeout = 10000ms;
  b.service.script(pending);

  CHECK(b.run() == static_cast<int>(core::ExitCode::pending));
  // Never past the deadline: 2 s, 3 s, 4.5 s, then what is left of the 10 s.
  std::vector<std::chrono::milliseconds> expected{2000ms, 3000ms, 4500ms, 500ms};
  CHECK(b.clock.sleeps() == expected);
  CHECK(b.round().state == RequestState::processing);
  auto history = b.project().doc()["history"];
  CHECK(history.back()["outcome"] == "pending");
  CHECK(b.out.str().find("is pending on the upgrade service") != std::string::npos);
}

TEST_CASE("request::run_steps returns after process with --no-wait", "[cmd]") {
  Bench b;
  b.record_round(RequestState::uploaded);
  b.options.no_wait = true;
  b.service.script(created);
  b.service.script(progress);

  CHECK(b.run() == static_cast<int>(core::ExitCode::pending));
  CHECK(b.service.count("process") == 1);
  CHECK(b.clock.sleeps().empty());
  CHECK(b.round().state == RequestState::processing);
  CHECK(b.round().pg_version_compatible == true);
}

TEST_CASE("request::run_steps retries a cut transfer with growing delays", "[cmd]") {
  Bench b;
  b.record_round(RequestState::created);
  b.service.script(created);
  b.options.no_wait = true;

  SECTION("until it goes through") {
    b.transfer.upload_failures = {"connection reset", "connection reset"};
    b.service.script(created);
    b.service.script(pending);
    CHECK(b.run() == static_cast<int>(core::ExitCode::pending));
    CHECK(b.clock.sleeps() == std::vector<std::chrono::milliseconds>{2000ms, 4000ms});
    CHECK(b.service.count("start_transfer upload") == 3); // a fresh window per attempt
    CHECK(b.service.count("stop_transfer") == 1);
    auto r = b.round();
    CHECK(r.transfers.upload == 3);
    CHECK(r.transfers.upload_errors.size() == 2);
    CHECK(b.err.str().empty()); // no bar without a terminal
  }
  SECTION("and gives up after the last attempt (exit 4)") {
    b.transfer.upload_failures = {"cut", "cut", "cut", "cut", "cut", "cut"};
    CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
    std::vector<std::chrono::milliseconds> expected{2000ms, 4000ms, 8000ms, 16000ms};
    CHECK(b.clock.sleeps() == expected);
    CHECK(b.round().state == RequestState::created);
    CHECK(b.round().transfers.upload_errors.size() == 5);
  }
  SECTION("with the transport's hint when it knows the cause") {
    b.transfer.upload_failures = {"ssh: connect to host 127.0.0.1 port 2222: Connection refused"};
    b.transfer.failure_hint = "check that a firewall lets this machine reach the port";
    b.options.transfer_attempts = 1;
    std::string hint;
    try {
      b.run();
    } catch (const core::ServiceError& e) {
      CHECK(std::string(e.what()).find("Connection refused") != std::string::npos);
      hint = e.hint();
    }
    CHECK(hint == "check that a firewall lets this machine reach the port");
    CHECK(b.clock.sleeps().empty());
  }
}

TEST_CASE("request::run_steps draws a progress bar only where the output allows it", "[cmd]") {
  Bench b(true);
  b.record_round(RequestState::created);
  b.options.no_wait = true;
  b.service.script(created, 2);
  b.service.script(pending);
  CHECK(b.run() == static_cast<int>(core::ExitCode::pending));
  CHECK(b.err.str().find("\rupload [###############               ]  50%") != std::string::npos);
  CHECK(b.err.str().find(" 100% ") != std::string::npos);
  // rsync's time is the time left while it runs, the time taken on the line that ends the file.
  CHECK(b.err.str().find("1.00MB/s eta 0:00:01") != std::string::npos);
  CHECK(b.err.str().find("1.00MB/s elapsed 0:00:02") != std::string::npos);
  CHECK(b.err.str().find("eta 0:00:02") == std::string::npos);
}

TEST_CASE("request::run_steps never creates twice after an ambiguous create", "[cmd]") {
  Bench b;
  b.record_round(RequestState::dumped);
  b.service.create_throws = [] {
    throw ports::AmbiguousCreateError("the request may or may not have been created");
  };
  CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
  CHECK(b.round().state == RequestState::creating);
  CHECK(b.round().create_error);
  // A re-run refuses until a human decides (exit 3, pointing at --abandon).
  std::string message;
  try {
    b.run();
  } catch (const core::PreconditionError& e) {
    message = std::string(e.what()) + " " + e.hint();
  }
  CHECK(message.find("--abandon") != std::string::npos);
  CHECK(b.service.count("create") == 1);
}

TEST_CASE("request::run_steps lets a clearly refused create be tried again", "[cmd]") {
  Bench b;
  b.record_round(RequestState::dumped);
  b.service.create_throws = [] { throw core::ServiceError("invalid contract"); };
  CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
  CHECK(b.round().state == RequestState::dumped);
  CHECK(b.round().create_error == "invalid contract");
}

TEST_CASE("request::run_steps ends a failed or cancelled request with its reason", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing);
  auto state = GENERATE(failed, cancelled);
  b.service.statuses = {test::FakeUpgradeService::status(state, "module 'x' has no 18.0")};
  CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
  auto r = b.round();
  CHECK(r.state == (state == failed ? RequestState::failed : RequestState::cancelled));
  CHECK(r.reason == "module 'x' has no 18.0");
  CHECK(r.finished_at);
  // No earlier round was tested: back to initiated.
  CHECK(b.project().phase() == core::Phase::initiated);
  CHECK(b.project().doc()["history"].back()["outcome"] == std::string(ports::to_string(state)));
}

TEST_CASE("request::run_steps ends a request the service archived", "[cmd]") {
  Bench b;
  b.record_round(RequestState::created);
  b.service.statuses = {test::FakeUpgradeService::status(created, "", true)};
  CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
  // Left for the user to give up (the message says --abandon), never created again on its own.
  CHECK(b.round().state == RequestState::created);
  CHECK(b.round().service_reason.value_or("").find("archived") != std::string::npos);
  CHECK(b.service.count("create") == 0);
}

TEST_CASE("run_test_request --abandon gives the round up in any phase", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing);
  commands::TestRequestOptions options;
  options.request.abandon = true;
  // It asks first: without a terminal and without --yes, refused with nothing changed.
  CHECK(exit_code_of([&] { commands::run_test_request(options, b.ctx, b.ports); }) ==
        core::ExitCode::precondition);
  CHECK(b.round().state == RequestState::processing);
  b.ctx.options.yes = true;
  CHECK(commands::run_test_request(options, b.ctx, b.ports) == 0);
  auto r = b.round();
  CHECK(r.state == RequestState::abandoned);
  CHECK(r.reason == "abandoned by the user");
  CHECK(b.project().phase() == core::Phase::initiated);
  CHECK(b.project().doc()["history"].back()["outcome"] == "abandoned");
  CHECK(b.service.calls.empty());
  // Nothing left to abandon.
  CHECK(exit_code_of([&] { commands::run_test_request(options, b.ctx, b.ports); }) ==
        core::ExitCode::precondition);
}

TEST_CASE("run_prod_request resumes the production request up to the download", "[cmd]") {
  Bench b;
  b.record_round(RequestState::tested);
  core::Project p = b.project();
  p.set_phase(core::Phase::production_request);
  core::FreezeRecord freeze;
  freeze.state = core::FreezeState::applied;
  freeze.started_at = "2026-01-01T00:00:00Z";
  core::write_freeze(p, freeze);
  p.doc()["uat"] = {{"signoff", {{"round", 1}, {"by", "Jane"}}}};
  core::RequestRecord prod;
  prod.number = 2;
  prod.aim = "production";
  prod.state = RequestState::processing;
  prod.request_id = 42;
  prod.processing_started_at = core::iso8601_utc(b.clock.now());
  core::RequestRecord old = prod;
  old.number = 1;
  old.state = RequestState::failed;
  core::write_production(p, {prod, {old}});
  adapters::fs::save_project(b.ctx.project_path(), p);
  adapters::fs::SecretStore(b.ctx.project_path()).set("production.2.token", "tok-secret-42");
  b.service.script(done);

  commands::ProdRequestOptions options;
  CHECK(commands::run_prod_request(options, b.ctx, b.ports) == 0);
  auto production = *core::read_production(b.project());
  CHECK(production.request.state == RequestState::downloaded);
  CHECK(production.request.finished_at);
  CHECK(production.previous.size() == 1);
  CHECK(b.transfer.calls.at(0).direction == "download");
  CHECK(b.out.str().find("production request 2 downloaded") != std::string::npos);
  CHECK(b.project().doc()["history"].back()["outcome"] == "ok");
  // A re-run prints the result again and changes nothing.
  b.out.str("");
  CHECK(commands::run_prod_request(options, b.ctx, b.ports) == 0);
  CHECK(b.out.str().find("production request 2 downloaded") != std::string::npos);
  CHECK(b.transfer.calls.size() == 1);
}

TEST_CASE("run_test_request --dry-run prints the plan and changes nothing", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing);
  std::string before = test::read_file(b.ctx.project_path());
  b.ctx.options.dry_run = true;
  commands::TestRequestOptions options;
  CHECK(commands::run_test_request(options, b.ctx, b.ports) == 0);
  CHECK(b.out.str() == "round 1 would:\n  - resume from state 'processing'\n");
  options.request.abandon = true;
  b.out.str("");
  CHECK(commands::run_test_request(options, b.ctx, b.ports) == 0);
  CHECK(b.out.str().find("round 1 would:\n  - be abandoned") == 0);
  CHECK(test::read_file(b.ctx.project_path()) == before);
  CHECK(b.service.calls.empty());
}

TEST_CASE("commands::validate_env_vars", "[cmd]") {
  CHECK_NOTHROW(commands::validate_env_vars({"A=1", "_B2=", "UPG_X=a=b c"}));
  for (const char* bad : {"1A=x", "A", "=x", "A-B=x", "A B=x"}) {
    INFO(bad);
    CHECK(exit_code_of([&] { commands::validate_env_vars({bad}); }) == core::ExitCode::usage);
  }
  CHECK(exit_code_of([&] {
          commands::validate_env_vars({"A=1", "A=2"});
        }) == core::ExitCode::usage);
  CHECK(exit_code_of([&] { commands::validate_env_vars({"A=x\ny"}); }) == core::ExitCode::usage);
  // The message names the variable, never its value.
  try {
    commands::validate_env_vars({"BAD-NAME=t0p-s3cret"});
  } catch (const core::UsageError& e) {
    CHECK(std::string(e.what()).find("t0p-s3cret") == std::string::npos);
    CHECK(std::string(e.what()).find("BAD-NAME") != std::string::npos);
  }
}

TEST_CASE("request::run_steps sends the --env values kept in the secrets file", "[cmd]") {
  Bench b;
  b.record_round(RequestState::dumped, [&](core::RequestRecord& r, core::Project&) {
    r.env_vars = {"UPG_TOKEN", "UPG_DEBUG"};
  });
  adapters::fs::SecretStore secrets(b.ctx.project_path());
  secrets.set("round.1.env.UPG_TOKEN", "v4lue-of-a-secret");
  secrets.set("round.1.env.UPG_DEBUG", "1");
  b.service.script(created, 2);
  b.service.script(done);
  CHECK(b.run() == 0);
  REQUIRE(b.service.create_params.size() == 1);
  CHECK(b.service.create_params[0].env_vars ==
        std::vector<std::string>{"UPG_TOKEN=v4lue-of-a-secret", "UPG_DEBUG=1"});
  CHECK(test::read_file(b.ctx.project_path()).find("v4lue-of-a-secret") == std::string::npos);
  CHECK(b.round().env_vars == std::vector<std::string>{"UPG_TOKEN", "UPG_DEBUG"});

  // A value lost from the secrets file stops the create (never sent without it).
  Bench lost;
  lost.record_round(RequestState::dumped,
                    [&](core::RequestRecord& r, core::Project&) { r.env_vars = {"UPG_GONE"}; });
  CHECK(exit_code_of([&] { lost.run(); }) == core::ExitCode::precondition);
  CHECK(lost.service.count("create") == 0);
}

TEST_CASE("request::run_steps transfers an attached request with its own key", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing, [&](core::RequestRecord& r, core::Project&) {
    r.request_id.reset();
    r.attached_at = r.created_at;
    r.ssh_key = "/keys/upgrade_ssh_key";
    r.dump = core::SentDump{};
  });
  b.service.script(done);
  CHECK(b.run() == 0);
  REQUIRE(b.transfer.calls.size() == 1);
  CHECK(b.transfer.calls[0].direction == "download");
  CHECK(b.transfer.calls[0].target.private_key == "/keys/upgrade_ssh_key");
  CHECK(b.round().state == RequestState::downloaded);
}

TEST_CASE("request::notify runs the request hooks; a failing one only warns", "[cmd]") {
  Bench b;
  b.record_round(RequestState::processing, [&](core::RequestRecord&, core::Project& p) {
    p.doc()["hooks"] = {{"request_failed",
                         {"printf '%s|%s|%s' \"$ODOO_UPGRADE_REQUEST\" \"$ODOO_UPGRADE_AIM\" "
                          "\"$ODOO_UPGRADE_REASON\" > failed.txt",
                          "exit 4"}},
                        {"request_done", {"touch done.txt"}}};
  });
  b.service.statuses = {test::FakeUpgradeService::status(failed, "module 'x' has no 18.0")};
  // The request ends as failed (exit 4), not as the hook's failure (exit 3).
  CHECK(exit_code_of([&] { b.run(); }) == core::ExitCode::service);
  CHECK(test::read_file(b.dir / "failed.txt") == "round 1|test|module 'x' has no 18.0");
  CHECK_FALSE(std::filesystem::exists(b.dir / "done.txt"));
  CHECK(b.round().state == RequestState::failed);
}
