#pragma once

#include <odoo_upgrade/adapters/pg/tool_progress.hpp>
#include <odoo_upgrade/core/preflight.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Moving whole databases in and out of PostgreSQL with the pg tools (pg_dump, pg_restore), and
// the few statements around them: does a database exist, create, drop. Used by test-request and
// prod-request (dump production, restore a test round) and by restore (the staging database).
namespace odoo_upgrade::adapters::pg {

// What a failed pg_dump or pg_restore said, read from its stderr.
struct ToolDiagnosis {
  std::vector<std::string> lines; // its first error lines, at most 5, as it printed them
  std::string cause;              // the phrase that identified the cause, "" when none did
  std::string hint;               // what to do about that cause, "" when unknown
  bool no_space = false;          // "No space left on device": a re-run alone will not help
};
// Reads `stderr_text` of a pg tool that wrote to `output` (a dump folder, a database): a full disk
// (the hint names `output`'s filesystem), a server that crashed, restarted or ended the session,
// a client older than the server, missing rights. Pure: no I/O.
ToolDiagnosis diagnose_pg_tool_failure(std::string_view stderr_text,
                                       const std::filesystem::path& output);

// The number of tables whose data pg_dump writes for the database `conninfo` names (its TABLE DATA
// entries), from the catalogue: ordinary tables and partitions outside the system schemas, an
// extension's tables only when it marks them as configuration. An estimate for progress: a table
// created or dropped during the dump changes it. Throws DatabaseError.
std::size_t count_tables_to_dump(const std::string& conninfo);
// The number of TABLE DATA entries in the table of contents of the archive `dump`: read from a
// directory dump's toc.dat (tool_progress.hpp toc_table_data_count), else `pg_restore --list`
// read line by line; 0 when pg_restore cannot read it (the restore then says why).
std::size_t count_archive_tables(const std::filesystem::path& dump);

// `pg_dump --format d --jobs N --compress L --no-owner --file <dir>` of the database `conninfo`
// names; L is the gzip level 0..9 (0: the table data files are not compressed), which every
// pg_restore reads (pg_dump's own default is 6). Removes a leftover `dir` first. Throws
// DatabaseError with pg_dump's message, FilesystemError when `dir` cannot be removed. The
// DatabaseError's message and hint follow diagnose_pg_tool_failure ("no space left on <dir>", a
// server that went away, rights). With `progress`, pg_dump runs --verbose and `progress` hears the
// tables done of count_tables_to_dump: 0/total before it starts, after every table (from any of the
// N workers), and once more when pg_dump succeeded. The --verbose messages never reach the error
// messages. With `on_data_file` and `jobs` 2 or more, pg_dump runs --verbose and `on_data_file`
// hears the path of each table's data file as soon as pg_dump finished writing and closed it
// (tool_progress.hpp finished_table_data_item), on the thread that reads pg_dump's stderr: it must
// not block (pg_dump's workers wait while its stderr is not read). toc.dat, written last, and the
// large objects' files are never announced; nor is anything with --jobs 1.
using DataFileFn = std::function<void(const std::filesystem::path&)>;
void dump_database(const std::string& conninfo,
                   const std::filesystem::path& dir,
                   int jobs,
                   int compression,
                   const TableProgressFn& progress = {},
                   const DataFileFn& on_data_file = {});

// A dump given with --dump, checked as Odoo's script checks it.
struct DumpFile {
  std::filesystem::path path; // the file, or the directory holding toc.dat (absolute)
  std::string remote_name;    // "origin.dump", "origin.sql", "origin.zip", "origin.sql.gz"
};
// Validates `path`: a .sql, .dump, .zip (intact, with dump.sql) or .sql.gz (readable gzip) file, or
// a pg_dump directory (or its toc.dat); a .dump file or a directory must be an archive
// `pg_restore --list` reads (so garbage is refused before any request exists). Throws UsageError
// naming the file.
DumpFile validate_dump_file(const std::filesystem::path& path);

// True when database `dbname` exists on the server `admin_conninfo` reaches. Throws DatabaseError.
bool database_exists(const std::string& admin_conninfo, const std::string& dbname);
// Drops `dbname`, a database odoo-upgrade itself created (a half-restored test or staging
// database), ending its sessions first: DROP DATABASE … WITH (FORCE) on PostgreSQL 13+, else
// ALLOW_CONNECTIONS false and pg_terminate_backend. Never call it for a database the tool did not
// create. No-op when it does not exist. Throws DatabaseError.
void drop_created_database(const std::string& admin_conninfo, const std::string& dbname);

// Creates `dbname` like production (adapters/pg/database_shape.hpp: TEMPLATE template0 with the
// encoding, LC_COLLATE and LC_CTYPE of `like`) then `pg_restore --no-owner --format d --jobs N`.
// When `like.owner` is not the role `admin_conninfo` connects as, the database and every restored
// object belong to it (CREATE DATABASE … OWNER, pg_restore --role). pg_restore's whole stderr goes
// to `output_log` when given. With `progress`, pg_restore runs --verbose and `progress` hears the
// tables done of count_archive_tables(dump_dir), as dump_database's does. Throws DatabaseError with
// its first error lines, the log's path and a hint by cause (diagnose_pg_tool_failure: a missing
// extension or the right to create it, a newer dump, rights), FilesystemError when space ran out;
// the caller decides whether to drop a half-restored database.
void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const std::filesystem::path& dump_dir,
                      int jobs,
                      const core::DatabaseShape& like,
                      const std::optional<std::filesystem::path>& output_log = std::nullopt,
                      const TableProgressFn& progress = {});

} // namespace odoo_upgrade::adapters::pg
