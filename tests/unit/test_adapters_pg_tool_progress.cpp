// The progress of pg_dump and pg_restore read from their --verbose stderr (adapters/pg/
// tool_progress.hpp), and its display (commands/progress.hpp) with and without a terminal. The
// lines are PostgreSQL 15.18's, as its tools print them with --jobs 2.
#include "../support/fakes/manual_clock.hpp"

#include <odoo_upgrade/adapters/pg/tool_progress.hpp>
#include <odoo_upgrade/commands/progress.hpp>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace odoo_upgrade;
using adapters::pg::PgTool;
using adapters::pg::TableCounter;
using adapters::pg::ToolLine;

TEST_CASE("adapters::pg: the lines of pg_dump --verbose", "[adapters]") {
  using adapters::pg::classify_tool_line;
  auto kind = [](const char* l) { return classify_tool_line(PgTool::pg_dump, l); };
  CHECK(kind("pg_dump: dumping contents of table \"public.res_partner\"") == ToolLine::table_data);
  CHECK(kind("pg_dump: dumping contents of table \"public.Error log\"") == ToolLine::table_data);
  CHECK(kind("pg_dump: reading indexes") == ToolLine::info);
  CHECK(kind("pg_dump: finished item 3371 TABLE DATA res_partner") == ToolLine::info);
  CHECK(kind("pg_dump: error: query failed: server closed the connection unexpectedly") ==
        ToolLine::other);
  CHECK(kind("pg_dump: warning: could not find where to insert IF EXISTS") == ToolLine::other);
  CHECK(kind("pg_dump: detail: Query was: LOCK TABLE public.a") == ToolLine::other);
  CHECK(kind("pg_dump: fatal: could not open output file") == ToolLine::other); // PostgreSQL 12-14
  CHECK(kind("pg_dump: [archiver (db)] query failed: ERROR:  permission denied") ==
        ToolLine::other); // PostgreSQL up to 11
  CHECK(kind("") == ToolLine::other);
  CHECK(kind("pg_dump: ") == ToolLine::other);
  // An unknown line, and pg_restore's table line in pg_dump's output, are not progress.
  CHECK(kind("something else entirely") == ToolLine::other);
  CHECK(kind("pg_restore: processing data for table \"public.a\"") == ToolLine::other);
}

TEST_CASE("adapters::pg: the table data files a parallel pg_dump finished", "[adapters]") {
  using adapters::pg::finished_table_data_item;
  CHECK(finished_table_data_item("pg_dump: finished item 3371 TABLE DATA res_partner") == 3371UL);
  CHECK(finished_table_data_item("pg_dump: finished item 7 TABLE DATA Error log") == 7UL);
  // Another worker's pieces before it, or its own prefix taken by another line.
  CHECK(finished_table_data_item("pg_dump:pg_dump: finished item 12 TABLE DATA a") == 12UL);
  CHECK(finished_table_data_item(" finished item 12 TABLE DATA a") == 12UL);
  // Entries without a table data file of their own, and every other line.
  CHECK(!finished_table_data_item("pg_dump: finished item 3380 BLOBS BLOBS"));
  CHECK(!finished_table_data_item("pg_dump: finished item 3380 SEQUENCE SET a_id_seq"));
  CHECK(!finished_table_data_item("pg_dump: finished item TABLE DATA a"));
  CHECK(!finished_table_data_item("pg_dump: finished item 99999999999 TABLE DATA a"));
  CHECK(!finished_table_data_item("pg_dump: launching item 3371 TABLE DATA res_partner"));
  CHECK(!finished_table_data_item("pg_dump: dumping contents of table \"public.a\""));
  CHECK(!finished_table_data_item("pg_dump: error: finished item 3 TABLE DATA a"));
  CHECK(!finished_table_data_item(""));
}

TEST_CASE("adapters::pg: the lines of pg_restore --verbose", "[adapters]") {
  using adapters::pg::classify_tool_line;
  auto kind = [](const char* l) { return classify_tool_line(PgTool::pg_restore, l); };
  CHECK(kind("pg_restore: processing data for table \"public.a\"") == ToolLine::table_data);
  CHECK(kind("pg_restore: launching item 3372 TABLE DATA a") == ToolLine::info);
  CHECK(kind("pg_restore: creating TABLE \"public.error_log\"") == ToolLine::info);
  CHECK(kind("pg_restore: from TOC entry 223; 1259 16410 TABLE b postgres") == ToolLine::info);
  CHECK(kind("pg_restore: error: could not execute query: ERROR:  relation \"b\" already exists") ==
        ToolLine::other);
  CHECK(kind("Command was: CREATE TABLE other.b (") == ToolLine::other);
  CHECK(kind("pg_restore: warning: errors ignored on restore: 3") == ToolLine::other);
  CHECK(kind("pg_dump: dumping contents of table \"public.a\"") == ToolLine::other);
}

TEST_CASE("adapters::pg::TableCounter counts the tables of interleaved workers", "[adapters]") {
  TableCounter c(PgTool::pg_restore, 4);
  CHECK(c.progress().done == 0);
  CHECK(c.progress().total == 4);
  // --jobs 2: the leader's and the workers' lines in the order they came, an unknown line, an
  // error, and a line whose "pg_restore: " another worker's unfinished line took.
  for (const char* l : {
           "pg_restore: entering main parallel loop",
           "pg_restore: launching item 3371 TABLE DATA a",
           "pg_restore: launching item 3372 TABLE DATA Error log",
           "pg_restore: processing data for table \"public.Error log\"",
           "pg_restore: finished item 3372 TABLE DATA Error log",
           "pg_restore: launching item 3373 TABLE DATA u",
           "pg_restore: processing data for table \"public.u\"",
           "an unknown line",
           "pg_restore:pg_restore:  processing data for table \"public.a\"",
           " processing data for table \"other.b\"",
           "pg_restore: finished item 3371 TABLE DATA a",
       }) {
    c.read(l);
  }
  CHECK(c.progress().done == 4);
  CHECK(c.progress().total == 4);
  CHECK(c.read("pg_restore:pg_restore: launching item 3374 TABLE DATA p1") == ToolLine::info);
  CHECK(c.read("pg_restore:pg_restore: error: could not execute query") == ToolLine::other);
  CHECK(c.read("pg_restore: error: could not execute query") == ToolLine::other);
  CHECK(c.progress().done == 4);
  // A short estimate (a table created during the dump) never shows more done than total.
  CHECK(c.read("pg_restore: processing data for table \"public.late\"") == ToolLine::table_data);
  CHECK(c.progress().done == 5);
  CHECK(c.progress().total == 5);
}

TEST_CASE("adapters::pg::is_toc_table_data reads pg_restore --list", "[adapters]") {
  using adapters::pg::is_toc_table_data;
  CHECK(is_toc_table_data("3377; 0 16410 TABLE DATA other b postgres"));
  CHECK(is_toc_table_data("3372; 0 16388 TABLE DATA public Error log postgres"));
  CHECK_FALSE(is_toc_table_data("3375; 0 16400 MATERIALIZED VIEW DATA public mv postgres"));
  CHECK_FALSE(is_toc_table_data("223; 1259 16410 TABLE other b postgres"));
  CHECK_FALSE(is_toc_table_data("215; 1259 16385 TABLE public TABLE DATA postgres"));
  CHECK_FALSE(is_toc_table_data(";     Dumped from database version: 15.18"));
  CHECK_FALSE(is_toc_table_data(";3377; 0 16410 TABLE DATA other b postgres")); // commented out
  CHECK_FALSE(is_toc_table_data(""));
}

namespace {

// A toc.dat as pg_dump --format d writes it (pg_backup_archiver.c WriteHead, WriteToc; format
// archTar, 3, as pg_backup_directory.c writes it there), archive version 1.`minor`, 4-byte
// integers.
struct TocBytes {
  std::string bytes;
  int minor;
  void integer(long long v) {
    bytes.push_back(v < 0 ? '\1' : '\0');
    auto u = static_cast<unsigned long long>(v < 0 ? -v : v);
    for (int i = 0; i < 4; ++i) {
      bytes.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
    }
  }
  void string(const char* s) {
    if (s == nullptr) {
      integer(-1);
      return;
    }
    integer(static_cast<long long>(std::string_view(s).size()));
    bytes += s;
  }
  explicit TocBytes(int version_minor, unsigned char format = 3) : minor(version_minor) {
    bytes = "PGDMP";
    for (int b : {1, minor, 0, 4, 8, static_cast<int>(format)}) {
      bytes.push_back(static_cast<char>(b));
    }
    if (minor >= 15) {
      bytes.push_back('\0'); // no compression
    } else {
      integer(0);
    }
    for (int t : {1, 2, 3, 30, 10, 126, 0}) {
      integer(t);
    }
    for (const char* s : {"prod", "15.18", "15.18"}) {
      string(s);
    }
  }
  void entry(
      int id, const char* tag, const char* desc, std::vector<const char*> deps, const char* file) {
    integer(id);
    integer(file != nullptr ? 1 : 0);
    for (const char* s : {"0", "16385", tag, desc}) {
      string(s);
    }
    integer(2); // section
    for (const char* s : std::initializer_list<const char*>{"", "", nullptr, "public", ""}) {
      string(s);
    }
    if (minor >= 14) {
      string("heap");
    }
    if (minor >= 16) {
      integer('r');
    }
    string("odoo");
    string("false");
    for (const char* d : deps) {
      string(d);
    }
    string(nullptr);
    string(file);
  }
};

std::string toc_of(int minor, unsigned char format = 3) {
  TocBytes t(minor, format);
  t.integer(4);
  t.entry(1, "ENCODING", "ENCODING", {}, nullptr);
  t.entry(215, "TABLE DATA", "TABLE", {"1"}, nullptr); // a table named "TABLE DATA"
  t.entry(3371, "res_partner", "TABLE DATA", {"215", "1"}, "3371.dat");
  t.entry(3372, "Error log", "TABLE DATA", {}, "3372.dat");
  return t.bytes;
}

} // namespace

TEST_CASE("adapters::pg::toc_table_data_count reads a directory dump's toc.dat", "[adapters]") {
  using adapters::pg::toc_table_data_count;
  for (int minor : {11, 13, 14, 15, 16}) {
    INFO("archive version 1." << minor);
    CHECK(toc_table_data_count(toc_of(minor)) == std::optional<std::size_t>(2));
  }
  std::string toc = toc_of(14);
  // What it does not know, it does not guess: pg_restore --list counts then.
  CHECK_FALSE(toc_table_data_count(toc.substr(0, toc.size() - 3))); // truncated
  CHECK_FALSE(toc_table_data_count(toc_of(17)));                    // a newer archive version
  CHECK_FALSE(toc_table_data_count(toc_of(10)));                    // an older one
  CHECK_FALSE(toc_table_data_count(toc_of(14, 1)));                 // custom format
  CHECK_FALSE(toc_table_data_count("PGDMX" + toc.substr(5)));
  CHECK_FALSE(toc_table_data_count(""));
}

namespace {

// spdlog's lines in a string while it lives.
struct CapturedLog {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  CapturedLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    sink->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
};

std::size_t count_of(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("commands::TableProgressDisplay logs a line every 5 s without a terminal", "[commands]") {
  CapturedLog log;
  std::ostringstream out;
  std::ostringstream err;
  commands::Output output(out, err, false, false, false, /*stderr_decorations=*/false);
  test::ManualClock clock;
  commands::TableProgressDisplay display("dump", output, clock);
  // 1034 tables in 12 s: a line at 5 s and at 10 s, none per table, and the last count at the end.
  for (std::size_t done = 0; done <= 1034; ++done) {
    display.update({done, 1034});
    clock.advance(std::chrono::milliseconds(12000 / 1034));
  }
  display.finish();
  INFO(log.text.str());
  CHECK(count_of(log.text.str(), " tables") == 3);
  CHECK(log.text.str().find("dump: 1034/1034 tables\n") != std::string::npos);
  CHECK(log.text.str().rfind("dump: 1034/1034 tables\n") + 23 == log.text.str().size());
  CHECK(err.str().empty());
}

TEST_CASE("commands::TableProgressDisplay draws a bar on a terminal", "[commands]") {
  CapturedLog log;
  std::ostringstream out;
  std::ostringstream err;
  commands::Output output(out, err, false, true, true, /*stderr_decorations=*/true);
  test::ManualClock clock;
  commands::TableProgressDisplay display("restore", output, clock);
  display.update({0, 40});
  display.update({10, 40});
  display.update({40, 40});
  display.finish();
  CHECK(err.str().find("\rrestore [#######                       ] 10/40 tables") !=
        std::string::npos);
  CHECK(err.str().find("\rrestore [##############################] 40/40 tables") !=
        std::string::npos);
  CHECK(err.str().back() == '\n');
  CHECK(count_of(err.str(), "\n") == 1);
  CHECK(log.text.str().empty());
  // --json: no bar, the log lines instead.
  std::ostringstream err2;
  commands::Output json_output(out, err2, true, true, true, true);
  commands::TableProgressDisplay quiet("restore", json_output, clock);
  quiet.update({3, 40});
  quiet.finish();
  CHECK(err2.str().empty());
  CHECK(log.text.str() == "restore: 3/40 tables\n");
}
