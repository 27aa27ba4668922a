#include <odoo_upgrade/core/inspection.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using Status = CheckResult::Status;

TEST_CASE("core::parse_pg_tool_major", "[core]") {
  CHECK(parse_pg_tool_major("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == 15);
  CHECK(parse_pg_tool_major("pg_restore (PostgreSQL) 17.2") == 17);
  CHECK(parse_pg_tool_major("pg_dump (PostgreSQL) 9.6.24") == 9);
  CHECK_FALSE(parse_pg_tool_major("garbage"));
}

TEST_CASE("core::check_pg_tool compares with the server major", "[core]") {
  CHECK(check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 15.18"), 15).status ==
        Status::pass);
  CHECK(check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 16.1"), 15).status ==
        Status::pass);
  auto old = check_pg_tool("pg_dump", std::string("pg_dump (PostgreSQL) 14.1"), 15);
  CHECK(old.status == Status::fail);
  CHECK(old.hint.find("postgresql-client-15") != std::string::npos);
  CHECK(check_pg_tool("pg_restore", std::nullopt, 15).status == Status::fail);
}

TEST_CASE("core::check_free_space wants twice the database", "[core]") {
  CHECK(check_free_space("/w", 2'000, 1'000).status == Status::pass);
  CHECK(check_free_space("/w", 1'999, 1'000).status == Status::fail);
  CHECK(check_free_space("/w", std::nullopt, 1'000).status == Status::warn);
}

TEST_CASE("core::check_filestore", "[core]") {
  CHECK(check_filestore("/f", true, 10, 0).status == Status::pass);
  CHECK(check_filestore("/f", false, 0, 0).status == Status::fail);
  CHECK(check_filestore("/f", true, 10, 2).status == Status::fail);
  auto j = to_json(check_filestore("/f", false, 0, 0));
  CHECK(j["status"] == "fail");
  CHECK(j.contains("hint"));
}
