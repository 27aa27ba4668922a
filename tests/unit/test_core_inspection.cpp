#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/inspection.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using Status = Severity;

TEST_CASE("core::parse_pg_tool_major", "[core]") {
  CHECK(parse_pg_tool_major("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == 15);
  CHECK(parse_pg_tool_major("pg_restore (PostgreSQL) 17.2") == 17);
  CHECK(parse_pg_tool_major("pg_dump (PostgreSQL) 9.6.24") == 9);
  CHECK_FALSE(parse_pg_tool_major("garbage"));
}

TEST_CASE("core::check_pg_tool compares with the server major", "[core]") {
  CHECK(check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 15.18"), 15).status ==
        Status::ok);
  CHECK(check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 16.1"), 15).status ==
        Status::ok);
  auto old = check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 14.1"), 15);
  CHECK(old.status == Status::blocking);
  CHECK(old.hint.find("postgresql-client-15") != std::string::npos);
  CHECK(check_pg_tool("pg_restore", std::nullopt, 15).status == Status::blocking);
}

TEST_CASE("core::check_filestore", "[core]") {
  CHECK(check_filestore("/f", true, 10, 0).status == Status::ok);
  CHECK(check_filestore("/f", false, 0, 0).status == Status::blocking);
  CHECK(check_filestore("/f", true, 10, 2).status == Status::blocking);
  auto j = to_json(check_filestore("/f", false, 0, 0));
  CHECK(j["status"] == "blocking");
  CHECK(j.contains("hint"));
}

TEST_CASE("core::read_preflight and write_preflight", "[core]") {
  Project p("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
  CHECK(read_preflight(p).empty());
  auto checks = std::vector<CheckResult>{check_filestore("/f", false, 0, 0),
                                         check_filestore("/f", true, 10, 0)};
  checks[1].extra["future"] = 1;
  write_preflight(p, checks);
  auto back = read_preflight(p);
  REQUIRE(back.size() == 2);
  CHECK(back[0].status == Severity::blocking);
  CHECK(back[0].hint == checks[0].hint);
  CHECK(back[1].status == Severity::ok);
  CHECK(back[1].hint.empty());
  CHECK(back[1].extra == nlohmann::json{{"future", 1}});
  CHECK(any_blocking(back));

  SECTION("the status names of older files are read") {
    p.doc()["preflight"] = {{{"id", "a"}, {"status", "pass"}},
                            {{"id", "b"}, {"status", "warn"}},
                            {{"id", "c"}, {"status", "fail"}}};
    auto old = read_preflight(p);
    CHECK(old[0].status == Severity::ok);
    CHECK(old[1].status == Severity::warning);
    CHECK(old[2].status == Severity::blocking);
    CHECK(to_json(old[2])["status"] == "blocking");
  }
  SECTION("a field of the wrong type or an unknown status is refused (exit 6)") {
    p.doc()["preflight"] = {{{"id", "a"}, {"status", "crit"}}};
    CHECK_THROWS_WITH(read_preflight(p),
                      Catch::Contains("'preflight[0].status' is not a check status ('crit')"));
    p.doc()["preflight"] = {{{"id", 5}}};
    try {
      read_preflight(p);
      FAIL("no error");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("preflight[0].id") != std::string::npos);
    }
  }
}
