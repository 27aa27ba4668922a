#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

// Reading the progress of a running pg_dump or pg_restore from its `--verbose` stderr. Pure: no
// I/O. The texts are those of PostgreSQL 15.18's tools (the Debian 12 client this project is tested
// with; the same since PostgreSQL 12, and the table messages since 9.x):
//   pg_dump    "pg_dump: dumping contents of table \"<schema>.<table>\"" (pg_dump.c,
//              dumpTableData_copy / dumpTableData_insert), once per TABLE DATA entry it writes;
//   pg_restore "pg_restore: processing data for table \"<schema>.<table>\"" (pg_backup_archiver.c,
//              restore_toc_entry), once per TABLE DATA entry it restores;
//   every other message "<program>: [<level>: ]<text>" (common/logging.c), <level> being "error",
//   "warning", "detail", "hint" or (PostgreSQL 12-14) "fatal"; a message without a level is an
//   informational one --verbose asked for ("reading indexes", "launching item 3371 TABLE DATA a").
// With --jobs N the workers write to the same stderr: their lines arrive interleaved, in any order,
// and since logging.c writes "<program>:", " " and "<text>\n" in three pieces, a line may start
// with another worker's pieces ("pg_restore:pg_restore:  processing data for table …") or lose its
// own
// (" processing data for table …"): the counting reads past them.
namespace odoo_upgrade::adapters::pg {

enum class PgTool { pg_dump, pg_restore };

// What one line of a pg tool's stderr is.
enum class ToolLine {
  table_data, // the tool started on a table's data: one more table done
  info,       // another --verbose message: progress chatter, never part of an error message
  other,      // an error, warning, detail or hint, a server message, "Command was: …", a blank
};
ToolLine classify_tool_line(PgTool tool, std::string_view line);

// How far a pg_dump or pg_restore is, in tables (TABLE DATA entries).
struct TableProgress {
  std::size_t done = 0;  // tables whose data the tool started on
  std::size_t total = 0; // tables it will handle; never below `done` (an estimate can be short)
};
// Where an adapter reports table progress; called on the thread that runs the tool.
using TableProgressFn = std::function<void(const TableProgress&)>;

// Counts the table_data lines of one run of `tool`, whose expected number of tables is `total`.
class TableCounter {
public:
  TableCounter(PgTool tool, std::size_t total) : m_tool(tool), m_progress{0, total} {}
  // Reads one stderr line (without its terminator) and says what it was.
  ToolLine read(std::string_view line);
  const TableProgress& progress() const { return m_progress; }

private:
  PgTool m_tool;
  TableProgress m_progress;
};

// The dump ID of the table data a parallel pg_dump (--jobs 2 or more) finished writing, read from
// its --verbose line "pg_dump: finished item <id> TABLE DATA <table>" (pg_backup_archiver.c
// mark_dump_job_done, PostgreSQL 9.3 to 17: printed by the leader once the worker reported the
// entry done, after it closed the entry's file "<id>.dat", "<id>.dat.gz" with --compress 1..9);
// std::nullopt for any other line, and for an entry that is not a table's data. The line may carry
// extra "pg_dump:" pieces as classify_tool_line's do. A serial pg_dump prints no such line.
std::optional<unsigned long> finished_table_data_item(std::string_view line);

// True when `line` of `pg_restore --list` is a TABLE DATA entry ("3371; 0 16385 TABLE DATA public
// res_partner odoo"), not a comment (";…"), another kind of entry or a table named "TABLE DATA".
bool is_toc_table_data(std::string_view line);

// The number of TABLE DATA entries in `toc`, the bytes of a directory dump's toc.dat, read as
// pg_restore reads them (pg_backup_archiver.c ReadHead and ReadToc, pg_backup_directory.c
// _ReadExtraToc): the same count as is_toc_table_data over `pg_restore --list`, without running
// it. Archive versions 1.11 to 1.16 (pg_dump 8.4 to 17); std::nullopt for another version,
// another format or bytes that do not parse (the caller asks pg_restore then).
std::optional<std::size_t> toc_table_data_count(std::string_view toc);

} // namespace odoo_upgrade::adapters::pg
