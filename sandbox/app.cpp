#include "app.hpp"

#include "gate.hpp"
#include "platform.hpp"
#include "registry.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/version.hpp>

#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <regex>
#include <thread>

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
  core::set_interrupted();
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

fs::path self_path(const char* argv0) {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    return p;
  }
  return fs::absolute(argv0);
}

int run_gate_command(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: odoo-upgrade-sandbox ssh-gate STATE_DIR REQUEST_ID upload|download\n";
    return 2;
  }
  auto type = parse_transfer_type(argv[4]);
  if (!type) {
    std::cerr << "odoo-upgrade-sandbox: error: invalid transfer type '" << argv[4] << "'\n";
    return 2;
  }
  return run_gate(argv[2], std::stoll(argv[3]), *type);
}

void add_scenario_options(CLI::App& app, Scenario& s, std::optional<long long>& cut) {
  app.add_option_function<long long>(
         "--processing-delay-ms",
         [&s](long long ms) { s.processing_delay = std::chrono::milliseconds(ms); },
         "How long processing takes, spread over the module steps (default 1000)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fail-reason", s.fail_reason, "End processing with status failed and REASON");
  app.add_flag("--cancel", s.cancel, "End processing with status cancelled");
  app.add_flag("--archive", s.archive, "Report requests archived once they are finished");
  app.add_option("--deactivate-views-of",
                 s.deactivate_view_modules,
                 "Deactivate the views whose xml id belongs to MODULE (repeatable)");
  app.add_option(
      "--deactivate-view-key", s.deactivate_view_keys, "Deactivate the view with KEY (repeatable)");
  app.add_flag("--deactivate-custom-views",
               s.deactivate_custom_views,
               "Deactivate the views that have no module xml id");
  app.add_option("--uninstall-module",
                 s.uninstall_modules,
                 "Mark MODULE uninstalled in the upgraded database (repeatable)");
  app.add_option_function<bool>(
      "--pg-version-compatible",
      [&s](bool v) { s.pg_version_compatible = v; },
      "Force is_pg_version_compatible (default: compare pg_dump versions)");
  app.add_option("--create-info", s.create_info, "Warning returned by create as `info`");
  app.add_option_function<std::string>(
         "--result-backup",
         [&s](const std::string& zip) { s.result_backup = fs::absolute(zip).string(); },
         "Return this Odoo backup zip (a real upgraded database) instead of the simulated upgrade")
      ->check(CLI::ExistingFile);
  app.add_option("--http-error-rate", s.http_error_rate, "Probability of a 503 per API request")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--http-503-next", s.http_503_next, "Answer the next N API requests with 503")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--lose-response-next",
                 s.lose_response_next,
                 "Handle the next N API requests but answer 503")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--bad-json-next", s.bad_json_next, "Answer the next N API requests with bad JSON")
      ->check(CLI::NonNegativeNumber);
  app.add_option_function<long long>(
         "--response-delay-ms",
         [&s](long long ms) { s.response_delay = std::chrono::milliseconds(ms); },
         "Delay every API response")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cut-transfer-after-bytes",
                 cut,
                 "Cut rsync transfers after BYTES (see --cut-transfer-times)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cut-transfer-times",
                 s.cut_transfer_times,
                 "How many transfers per request are cut (default 1)")
      ->check(CLI::NonNegativeNumber);
}

// Characters that may appear unquoted in sshd's forced command and in sshd_config.
bool is_safe_path(const fs::path& p) {
  static const std::regex k_safe(R"(^[A-Za-z0-9_./+@:,=-]+$)");
  return std::regex_match(p.string(), k_safe);
}

int serve(PlatformOptions options) {
  install_signal_handlers();
  Platform platform(std::move(options));
  platform.start();
  nlohmann::json ready = platform.ready_info();
  fs::path ready_file = fs::path(ready.at("state_dir").get<std::string>()) / "ready.json";
  write_file_atomically(ready_file,
                        ready.dump(2) + "\n",
                        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);
  std::cout << ready.dump() << std::endl;
  while (g_stop == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::clog << "odoo-upgrade-sandbox: stopping\n";
  platform.stop();
  std::error_code ec;
  fs::remove(ready_file, ec);
  return 0;
}

} // namespace

int run(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "ssh-gate") {
    return run_gate_command(argc, argv);
  }
  CLI::App app{"odoo-upgrade-sandbox: a local stand-in for Odoo's upgrade platform (HTTPS "
               "JSON-RPC API + rsync over SSH + simulated processing). See docs/sandbox.md."};
  PlatformOptions options;
  std::string state_dir;
  std::optional<long long> cut;
  app.add_option("--state-dir", state_dir, "Folder for the state, TLS and SSH files")->required();
  app.add_option("--pg", options.pg_conninfo, "PostgreSQL conninfo used to process requests")
      ->required();
  app.add_option("--port", options.port, "HTTPS port on 127.0.0.1 (0: a free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--ssh-port", options.ssh_port, "sshd port on 127.0.0.1 (0: a free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--target", options.targets, "Accepted target series (repeatable)");
  app.add_option("--contract", options.contracts, "Accepted subscription codes (default: any)");
  app.add_option("--seed", options.seed, "Seed of the random faults");
  app.set_version_flag("--version", std::string("odoo-upgrade-sandbox ") + OU_VERSION_FULL);
  add_scenario_options(app, options.scenario, cut);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (cut) {
    options.scenario.cut_transfer_after_bytes = static_cast<std::uint64_t>(*cut);
  }
  try {
    fs::create_directories(state_dir);
    options.state_dir = fs::canonical(state_dir);
    options.program = self_path(argv[0]);
    if (!is_safe_path(options.state_dir) || !is_safe_path(options.program)) {
      std::cerr << "odoo-upgrade-sandbox: error: the state folder and the program path may only "
                   "contain letters, digits and _./+@:,=-\n";
      return 2;
    }
    // Check the PostgreSQL server now rather than at the first processing.
    adapters::pg::Connection probe(options.pg_conninfo);
    return serve(std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "odoo-upgrade-sandbox: error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace odoo_upgrade::sandbox
