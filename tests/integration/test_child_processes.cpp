// Children die with odoo-upgrade (issue 11, case 13): a child process is killed when its parent is
// killed, even by SIGKILL, and what the child started itself is ended by the next run from the
// registry of child process groups.
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/secrets.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool alive(pid_t pid) {
  // A zombie still answers kill(0); /proc says whether it really runs.
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) {
    return false;
  }
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (!alive(pid)) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return !alive(pid);
}

// Forks a stand-in for odoo-upgrade that runs `argv` through run_process with the registry in
// `registry`, and returns its pid once the child group is recorded (the record's name is the
// group's id).
pid_t start_parent(const std::vector<std::string>& argv,
                   const stdfs::path& registry,
                   pid_t& group) {
  pid_t parent = fork();
  REQUIRE(parent >= 0);
  if (parent == 0) {
    adapters::set_child_group_registry(registry);
    adapters::run_process(argv);
    _exit(0);
  }
  for (int i = 0; i < 100; ++i) {
    std::error_code ec;
    if (stdfs::is_directory(registry, ec)) {
      for (const auto& e : stdfs::directory_iterator(registry, ec)) {
        group = static_cast<pid_t>(std::stol(e.path().filename().string()));
        return parent;
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  FAIL("the child group was never recorded");
  return parent;
}

} // namespace

TEST_CASE("a child dies with its parent, and the next run ends its leftovers", "[integration]") {
  test::TempDir dir{"children"};
  stdfs::path registry = dir / "odoo-upgrade.children";

  SECTION("the direct child is killed with the parent") {
    pid_t group = 0;
    pid_t parent = start_parent({"sleep", "60"}, registry, group);
    REQUIRE(alive(group));
    kill(parent, SIGKILL);
    waitpid(parent, nullptr, 0);
    CHECK(gone_within(group, 3s));
    // Nothing left for the next run, which clears the record.
    CHECK(adapters::reap_orphaned_children(registry) == 0);
    CHECK_FALSE(stdfs::exists(registry));
  }
  SECTION("a grandchild left behind is ended by the next run") {
    pid_t group = 0;
    stdfs::path pidfile = dir / "grandchild.pid";
    pid_t parent = start_parent(
        {"sh", "-c", "sleep 60 & echo $! > '" + pidfile.string() + "'; wait"}, registry, group);
    for (int i = 0; i < 100 && !stdfs::exists(pidfile); ++i) {
      std::this_thread::sleep_for(50ms);
    }
    pid_t grandchild = static_cast<pid_t>(std::stol(test::read_file(pidfile)));
    kill(parent, SIGKILL);
    waitpid(parent, nullptr, 0);
    CHECK(gone_within(group, 3s));
    REQUIRE(alive(grandchild)); // the sleep outlives its shell: what the registry is for
    CHECK(adapters::reap_orphaned_children(registry) == 1);
    CHECK(gone_within(grandchild, 3s));
    CHECK_FALSE(stdfs::exists(registry));
  }
  SECTION("a child that ends normally leaves no record") {
    adapters::set_child_group_registry(registry);
    CHECK(adapters::run_process({"true"}).ok());
    adapters::set_child_group_registry({});
    CHECK_FALSE(stdfs::exists(registry));
  }
}

TEST_CASE("secrets do not reach a child through the environment", "[integration]") {
  setenv("ODOO_UPGRADE_CONTRACT", "M-SECRET-CONTRACT-1234", 1);
  setenv("SOME_TOKEN_VAR", "tok-0123456789abcdef", 1);
  setenv("HARMLESS", "visible", 1);
  core::register_secret("tok-0123456789abcdef");
  auto r = adapters::run_process({"env"});
  REQUIRE(r.ok());
  CHECK(r.out.find("M-SECRET-CONTRACT") == std::string::npos);
  CHECK(r.out.find("tok-0123456789abcdef") == std::string::npos);
  CHECK(r.out.find("HARMLESS=visible") != std::string::npos);
  // Passed on purpose, it goes through.
  adapters::ProcessOptions o;
  o.env = {{"PGPASSWORD", "tok-0123456789abcdef"}};
  CHECK(adapters::run_process({"env"}, o).out.find("PGPASSWORD=tok-0123456789abcdef") !=
        std::string::npos);
}
