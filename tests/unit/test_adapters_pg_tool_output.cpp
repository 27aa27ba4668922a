// Pure readers of pg tool output: the identity of a plain SQL dump (DumpTextScanner) and the cause
// of a failed pg_dump / pg_restore (diagnose_pg_tool_failure).
#include <odoo_upgrade/adapters/pg/dump_identity.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::adapters::pg;

TEST_CASE("adapters::pg::DumpTextScanner", "[adapters]") {
  DumpTextScanner s;
  for (const char* l : {
           "COPY public.res_partner (id, name) FROM stdin;",
           "1\tbase",
           "\\.",
           "COPY public.ir_module_module (id, name, state, latest_version) FROM stdin;",
           "7\tsale\tinstalled\t17.0.1.2",
           "1\tbase\tinstalled\t17.0.1.3",
           "\\.",
           "COPY public.ir_config_parameter (id, \"key\", value) FROM stdin;",
           "3\tweb.base.url\thttp://x",
           "4\tdatabase.uuid\t8e6f5c1a-0000-4000-8000-0123456789ab",
           "\\.",
           "1\tbase\tinstalled\t99.0",
       }) {
    s.line(l);
  }
  CHECK(s.base_version() == "17.0.1.3");
  CHECK(s.database_uuid() == "8e6f5c1a-0000-4000-8000-0123456789ab");

  DumpTextScanner empty;
  empty.line("COPY public.ir_config_parameter (id, key, value) FROM stdin;");
  empty.line("4\tdatabase.uuid\t\\N");
  CHECK(empty.database_uuid().empty());
  CHECK(empty.base_version().empty());
}

TEST_CASE("adapters::pg::diagnose_pg_tool_failure", "[adapters]") {
  SECTION("a full disk names the folder") {
    auto d = diagnose_pg_tool_failure(
        "pg_dump: error: could not write to file \"/w/rounds/1/origin.dump/3456.dat.gz\": No "
        "space left on device\n",
        "/w/rounds/1");
    CHECK(d.no_space);
    CHECK(d.hint.find("'/w/rounds/1'") != std::string::npos);
    REQUIRE(d.lines.size() == 1);
  }
  SECTION("a server that went away") {
    auto d = diagnose_pg_tool_failure(
        "pg_dump: error: Dumping the contents of table \"res_partner\" failed: PQgetResult() "
        "failed.\npg_dump: detail: Error message from server: server closed the connection "
        "unexpectedly\n",
        "/w");
    CHECK_FALSE(d.no_space);
    CHECK(d.hint.find("server's log") != std::string::npos);
    CHECK(d.hint.find("read the whole database") == std::string::npos);
  }
  SECTION("rights") {
    auto d = diagnose_pg_tool_failure(
        "pg_dump: error: query failed: ERROR:  permission denied for table x\n", "/w");
    CHECK(d.hint.find("read the whole database") != std::string::npos);
  }
  SECTION("an unknown cause keeps the first error lines, no hint") {
    auto d = diagnose_pg_tool_failure("pg_restore: error: one\npg_restore: error: two\nnoise\n"
                                      "pg_restore: error: three\n",
                                      "/w");
    CHECK(d.hint.empty());
    CHECK(d.lines.size() == 3);
    CHECK(d.lines.front() == "pg_restore: error: one");
  }
}
