// Start-up cost (issue 15, P4): commands that never reach PostgreSQL, HTTPS or a checksum do not
// load libpq, libcurl or libcrypto (and their dependency trees), which are opened on first use
// (adapters/shared_library.hpp); a command that needs one loads it, and says clearly when it
// cannot; spdlog and fmt are compiled in, never loaded. What the dynamic linker loads is read from
// its own trace (LD_DEBUG=files), not timed.
#include "../support/production_fixture.hpp"
#include <dlfcn.h>

#include <odoo_upgrade/adapters/shared_library.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;

namespace {

const std::vector<std::string> k_libraries = {"libpq.so.5", "libcurl.so.4", "libcrypto.so.3"};

// The libraries of `k_libraries` the dynamic linker loaded during `r` (run with LD_DEBUG=files).
std::vector<std::string> loaded(const adapters::ProcessResult& r) {
  std::vector<std::string> names;
  for (const auto& name : k_libraries) {
    if (r.err.find("file=" + name) != std::string::npos) {
      names.push_back(name);
    }
  }
  return names;
}

const std::vector<std::pair<std::string, std::string>> k_trace = {{"LD_DEBUG", "files"}};

// The file the dynamic linker finds for libpq.so.5 here.
std::string libpq_file() {
  adapters::SharedLibrary libpq("libpq.so.5", "the PostgreSQL client library", "libpq5");
  Dl_info info{};
  REQUIRE(dladdr(libpq.symbol("PQconnectdb"), &info) != 0);
  return info.dli_fname;
}

} // namespace

TEST_CASE("commands that need no database nor HTTPS load neither libpq nor libcurl", "[cli]") {
  test::Production p;
  stdfs::path customers = p.dir / "customers";
  stdfs::create_directories(customers / "acme");
  stdfs::copy_file(p.project_path(), customers / "acme" / "odoo-upgrade.json");
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--version"},
                                             {"--help"},
                                             {"help", "status"},
                                             {"completion", "bash"},
                                             {"status"},
                                             {"--json", "status"},
                                             {"status", "--all", customers.string()}}) {
    auto r = p.cli(args, k_trace);
    INFO(args.back() << ": " << r.describe() << "\n" << r.last_error_line());
    CHECK(r.exit_code == 0);
    CHECK(loaded(r).empty());
    // spdlog and fmt are compiled in (header-only): no command loads them.
    CHECK(r.err.find("file=libspdlog.so") == std::string::npos);
    CHECK(r.err.find("file=libfmt.so") == std::string::npos);
    CHECK(r.err.find("file=libstdc++.so") != std::string::npos); // the trace is read
  }
  // The same trace shows the libraries of a command that reaches PostgreSQL (it fails to connect):
  // libpq, with its own libcrypto, and no libcurl.
  auto initiate = test::run_cli(
      {"initiate", "--customer", "x", "--db", "host=/nonexistent dbname=x", "--target", "18.0"},
      p.dir / "customers",
      k_trace);
  CHECK(initiate.exit_code == 5);
  CHECK(loaded(initiate) == std::vector<std::string>{"libpq.so.5", "libcrypto.so.3"});
}

TEST_CASE("a command whose library cannot be loaded says which and exits 6", "[cli]") {
  test::TempDir dir("startup-nolib");
  // A private mount namespace hides libpq from this one run (root only: skipped otherwise).
  if (!adapters::run_process({"unshare", "--mount", "true"}).ok()) {
    WARN("unshare --mount is not permitted here: the missing-library run is not checked");
    return;
  }
  const std::string script = "mount --bind /dev/null \"$1\" && shift && exec \"$@\"";
  auto r = adapters::run_process({"unshare",
                                  "--mount",
                                  "sh",
                                  "-c",
                                  script,
                                  "sh",
                                  libpq_file(),
                                  test::binary_path().string(),
                                  "initiate",
                                  "--customer",
                                  "x",
                                  "--db",
                                  "host=/nonexistent dbname=x",
                                  "--target",
                                  "18.0"},
                                 [&] {
                                   adapters::ProcessOptions o;
                                   o.cwd = dir.path();
                                   return o;
                                 }());
  INFO(r.err);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("odoo-upgrade: error: cannot load the PostgreSQL client library "
                   "(libpq.so.5): ") != std::string::npos);
  CHECK(r.err.find("hint: install Debian's package libpq5") != std::string::npos);
  CHECK_FALSE(stdfs::exists(dir.path() / "odoo-upgrade.json"));
}
