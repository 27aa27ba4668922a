#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/preflight_disk.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;

TEST_CASE("core::check_transient_modules", "[core]") {
  CHECK(check_transient_modules({}).status == Severity::ok);
  auto c = check_transient_modules({"sale (to upgrade)", "crm (to install)"});
  CHECK(c.status == Severity::blocking);
  CHECK(c.message.find("sale (to upgrade), crm (to install)") != std::string::npos);
  CHECK(c.message.find("cron") != std::string::npos);
  CHECK_FALSE(c.hint.empty());
}

TEST_CASE("core::shape_differences", "[core]") {
  DatabaseShape prod{"UTF8", "en_US.UTF-8", "en_US.UTF-8", "odoo"};
  CHECK(shape_differences(prod, prod).empty());
  DatabaseShape copy{"SQL_ASCII", "C", "en_US.UTF-8", "postgres"};
  auto d = shape_differences(prod, copy);
  REQUIRE(d.size() == 3);
  CHECK(d[0] == "encoding SQL_ASCII instead of UTF8");
  CHECK(d[1] == "LC_COLLATE C instead of en_US.UTF-8");
  CHECK(d[2] == "owner postgres instead of odoo");
  prod.owner.clear();
  CHECK(shape_differences(prod, copy).size() == 2);
  CHECK(check_database_shape({"SQL_ASCII", "C", "C", "odoo"}, copy).status == Severity::warning);
  auto ok = check_database_shape({"UTF8", "C", "C", "odoo"}, copy);
  CHECK(ok.status == Severity::ok);
  CHECK(ok.message.find("template1 has encoding SQL_ASCII") != std::string::npos);
}

TEST_CASE("core::check_create_rights and core::check_extensions", "[core]") {
  RoleRights r;
  r.role = "odoo";
  r.owner = "odoo";
  CHECK(check_create_rights(r).status == Severity::blocking);
  CHECK(check_create_rights(r).hint.find("ALTER ROLE \"odoo\" CREATEDB") != std::string::npos);
  r.createdb = true;
  CHECK(check_create_rights(r).status == Severity::ok);
  r.role = "admin";
  CHECK(check_create_rights(r).status == Severity::blocking); // not a member of odoo
  CHECK(check_create_rights(r).hint.find("GRANT \"odoo\" TO \"admin\"") != std::string::npos);
  r.member_of_owner = true;
  CHECK(check_create_rights(r).status == Severity::ok);
  r.superuser = true;
  r.member_of_owner = false;
  CHECK(check_create_rights(r).status == Severity::ok);

  // The owner restores: its own rights count, not the superuser's.
  std::vector<ExtensionNeed> needs{{"pg_trgm", true}, {"postgis", false}};
  auto c = check_extensions(r, needs);
  CHECK(c.status == Severity::blocking);
  CHECK(c.message.find("postgis") != std::string::npos);
  CHECK(c.message.find("pg_trgm") == std::string::npos);
  r.owner = "admin"; // the superuser restores itself
  CHECK(check_extensions(r, needs).status == Severity::ok);
  CHECK(check_extensions(r, {}).message == "production uses no extension");
}

TEST_CASE("core::check_attachment_files threshold", "[core]") {
  CHECK(check_attachment_files("/fs", {100, 0, {}}).status == Severity::ok);
  CHECK(check_attachment_files("/fs", {100, 5, {"a"}}).status == Severity::warning);
  auto c = check_attachment_files("/fs", {100, 6, {"ab/abc", "cd/cde"}});
  CHECK(c.status == Severity::blocking);
  CHECK(c.message.find("6 of 100") != std::string::npos);
  CHECK(c.message.find("first: ab/abc, cd/cde") != std::string::npos);
  CHECK(check_attachment_files("/fs", {0, 0, {}}).status == Severity::ok);
}

TEST_CASE("core::check_disk_per_step sums the steps of one filesystem", "[core]") {
  auto steps = round_disk_steps("/w", "", "/d", 1'000'000, 3'000'000, 500'000);
  steps[0].free = steps[1].free = 1'500'000; // dump + download need 2 MB on /w
  steps[0].device = steps[1].device = 1;
  steps[3].free = 10'000'000;
  steps[3].device = 2;
  auto c = check_disk_per_step(steps);
  CHECK(c.status == Severity::blocking);
  CHECK(c.message.find("not enough space on /w: need") != std::string::npos);
  CHECK(c.message.find("restore") != std::string::npos);
  CHECK(c.message.find("cannot be known") != std::string::npos);
  steps[0].free = steps[1].free = 2'000'000;
  CHECK(check_disk_per_step(steps).status == Severity::ok);
  CHECK(check_disk_per_step(steps).extra["steps"].size() == 4);
}

TEST_CASE("core::earlier_dump_estimate: only dumps of the same or a lower gzip level", "[core]") {
  auto round = [](const char* source, std::uint64_t bytes, std::optional<int> level) {
    RequestRecord r;
    r.dump.source = source;
    r.dump.bytes = bytes;
    r.dump.compression = level;
    return r;
  };
  // A round from before --compress (level 6 by pg_dump's default), one at level 1, a --dump file.
  std::vector<RequestRecord> rounds{round("pg_dump", 1'000, std::nullopt),
                                    round("runbook-scratch", 1'200, 1),
                                    round("file", 9'000, std::nullopt)};
  CHECK(earlier_dump_estimate(rounds, 6) == 1'320); // level 1's 1 200 is larger: + 10 %
  CHECK(earlier_dump_estimate(rounds, 1) == 1'320);
  CHECK(earlier_dump_estimate({rounds[0]}, 1) == 0); // a level-6 dump says nothing of level 1
  CHECK(earlier_dump_estimate(rounds, 0) == 0);      // nor of an uncompressed one
  CHECK(earlier_dump_estimate({rounds[0]}, 9) == 1'100);
  CHECK(earlier_dump_estimate({}, 1) == 0);

  CHECK(sent_dump_estimates_download(rounds[0].dump));
  CHECK(sent_dump_estimates_download(rounds[1].dump));
  CHECK_FALSE(sent_dump_estimates_download(round("pg_dump", 3'000, 0).dump));
  CHECK_FALSE(sent_dump_estimates_download(SentDump{}));
}

TEST_CASE("core::require_recorded_database", "[core]") {
  CHECK_NOTHROW(require_recorded_database("acme", "u-1", {"acme", "u-1"}));
  CHECK_NOTHROW(require_recorded_database("acme", "", {"acme", "u-2"}));
  CHECK_THROWS_AS(require_recorded_database("acme", "u-1", {"acme", "u-2"}), PreconditionError);
  CHECK_THROWS_AS(require_recorded_database("acme", "u-1", {"other", "u-1"}), PreconditionError);
}

TEST_CASE("core::check_pg_tools", "[core]") {
  auto checks = check_pg_tools("15.18", "pg_dump (PostgreSQL) 13.2", std::nullopt);
  REQUIRE(checks.size() == 1);
  auto b = first_blocking(checks);
  REQUIRE(b);
  CHECK(b->message == "pg_dump is version 13, older than the server (15)");
  CHECK_FALSE(first_blocking(check_pg_tools("15.18", "pg_dump (PostgreSQL) 15.18", "x")) ==
              std::nullopt); // an unreadable pg_restore version blocks
  CHECK(check_pg_tools("", "pg_dump (PostgreSQL) 13.2", std::nullopt).empty());
}
