#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/source_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

SourceRecord sample() {
  SourceRecord s;
  s.conninfo = "host=db dbname=acme user=odoo";
  s.dbname = "acme";
  s.version = "17.0";
  s.base_version = "17.0.1.3";
  s.edition = Edition::enterprise;
  s.database_size_bytes = 123'456;
  s.pg_server_version = "15.18";
  s.database_uuid = "uuid-1";
  s.enterprise_code_registered = true;
  s.filestore = {"/data/filestore/acme", true, 42, 7, json::object()};
  s.largest_tables = {{"mail_message", 1'000, 50}};
  ModuleInfo sale{"sale", "17.0.1.2", "Odoo S.A.", "LGPL-3", "installed", ModuleOrigin::odoo};
  ModuleInfo custom{
      "acme_custom", "17.0.1.0", "Acme", "OPL-1", "installed", ModuleOrigin::third_party};
  s.modules = {custom, sale};
  return s;
}

} // namespace

TEST_CASE("core::SourceRecord round-trips through JSON", "[core]") {
  auto s = sample();
  s.extra["future"] = {{"x", 1}};
  s.filestore.extra["checked_at"] = "2026-11-21T10:00:00Z";
  auto back = source_from_json(to_json(s));
  CHECK(back.conninfo == s.conninfo);
  CHECK(back.dbname == "acme");
  CHECK(back.edition == Edition::enterprise);
  CHECK(back.database_size_bytes == 123'456);
  CHECK(back.filestore.files == 7);
  CHECK(back.filestore.extra["checked_at"] == "2026-11-21T10:00:00Z");
  REQUIRE(back.largest_tables.size() == 1);
  CHECK(back.largest_tables[0].rows == 50);
  REQUIRE(back.modules.size() == 2);
  CHECK(back.modules[0].origin == ModuleOrigin::third_party);
  CHECK(back.module_names(ModuleOrigin::third_party) == std::vector<std::string>{"acme_custom"});
  CHECK(back.extra == json{{"future", {{"x", 1}}}});
  CHECK(to_json(back) == to_json(s));
}

TEST_CASE("core::source_from_json refuses fields of the wrong type (exit 6)", "[core]") {
  auto j = to_json(sample());
  SECTION("a number where text belongs") {
    j["dbname"] = 5;
    CHECK_THROWS_WITH(source_from_json(j), Catch::Contains("'source.dbname' is not a string"));
  }
  SECTION("an unknown edition") {
    j["edition"] = "premium";
    CHECK_THROWS_WITH(source_from_json(j), Catch::Contains("'source.edition'"));
  }
  SECTION("a module field, named with its position") {
    j["modules"][1]["origin"] = "elsewhere";
    try {
      source_from_json(j);
      FAIL("no error");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("'source.modules[1].origin'") != std::string::npos);
    }
  }
  SECTION("modules that are not a list") {
    j["modules"] = "all";
    CHECK_THROWS_AS(source_from_json(j), FilesystemError);
  }
}

TEST_CASE("core::read_source and write_source", "[core]") {
  Project p("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
  CHECK_FALSE(find_source(p));
  try {
    read_source(p);
    FAIL("no error");
  } catch (const PreconditionError& e) {
    CHECK(std::string(e.what()) == "project has no production database recorded");
  }
  write_source(p, sample());
  CHECK(read_source(p).dbname == "acme");
  CHECK(p.source_version() == "17.0");
}
