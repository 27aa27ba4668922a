// The run-time loading of libpq, libcurl and libcrypto (adapters::SharedLibrary): a library or a
// function that is not there is one clear error naming it and the package to install, exit 6.
#include <odoo_upgrade/adapters/shared_library.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace odoo_upgrade;

namespace {

// The error `load` throws, or fails the test when it throws none.
core::FilesystemError error_of(void (*load)()) {
  try {
    load();
  } catch (const core::FilesystemError& e) {
    return e;
  }
  FAIL("no error");
  throw;
}

} // namespace

TEST_CASE("adapters::SharedLibrary", "[adapters]") {
  SECTION("a library that is not installed names itself and its package") {
    auto e = error_of([] {
      adapters::SharedLibrary lib("libou-absent.so.1", "the absent library", "libou-absent1");
    });
    CHECK(e.code() == core::ExitCode::filesystem);
    const std::string message = e.what();
    CHECK(message.rfind("cannot load the absent library (libou-absent.so.1): ", 0) == 0);
    CHECK(message.find("libou-absent.so.1: cannot open shared object file") != std::string::npos);
    CHECK(e.hint() == "install Debian's package libou-absent1 (apt-get install libou-absent1)");
  }
  SECTION("the libraries odoo-upgrade uses load and give their functions") {
    adapters::SharedLibrary libpq("libpq.so.5", "the PostgreSQL client library", "libpq5");
    CHECK(libpq.symbol("PQconnectdb") != nullptr);
    adapters::SharedLibrary libcurl("libcurl.so.4", "the curl HTTP library", "libcurl4");
    CHECK(libcurl.symbol("curl_easy_init") != nullptr);
  }
  SECTION("a function the library lacks is the same kind of error") {
    auto e = error_of([] {
      adapters::SharedLibrary libpq("libpq.so.5", "the PostgreSQL client library", "libpq5");
      libpq.symbol("PQou_absent");
    });
    CHECK(e.code() == core::ExitCode::filesystem);
    CHECK(std::string(e.what()).find("it has no function PQou_absent") != std::string::npos);
  }
}
