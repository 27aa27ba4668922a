#pragma once

#include <odoo_upgrade/core/preflight.hpp>

#include <filesystem>
#include <optional>
#include <string>

// Moving whole databases in and out of PostgreSQL with the pg tools (pg_dump, pg_restore), and
// the few statements around them: does a database exist, create, drop. Used by test-request and
// prod-request (dump production, restore a test round) and by restore (the staging database).
namespace odoo_upgrade::adapters::pg {

// `pg_dump --format d --jobs N --no-owner --file <dir>` of the database `conninfo` names. Removes a
// leftover `dir` first. Throws DatabaseError with pg_dump's message, FilesystemError when `dir`
// cannot be removed.
void dump_database(const std::string& conninfo, const std::filesystem::path& dir, int jobs);

// A dump given with --dump, checked as Odoo's script checks it.
struct DumpFile {
  std::filesystem::path path; // the file, or the directory holding toc.dat (absolute)
  std::string remote_name;    // "origin.dump", "origin.sql", "origin.zip", "origin.sql.gz"
};
// Validates `path`: a .sql, .dump, .zip (intact, with dump.sql) or .sql.gz (readable gzip) file, or
// a pg_dump directory (or its toc.dat). Throws UsageError naming the file.
DumpFile validate_dump_file(const std::filesystem::path& path);

// True when database `dbname` exists on the server `admin_conninfo` reaches. Throws DatabaseError.
bool database_exists(const std::string& admin_conninfo, const std::string& dbname);
// DROP DATABASE IF EXISTS `dbname`. Throws DatabaseError.
void drop_database(const std::string& admin_conninfo, const std::string& dbname);

// Creates `dbname` like production (adapters/pg/database_shape.hpp: TEMPLATE template0 with the
// encoding, LC_COLLATE and LC_CTYPE of `like`) then `pg_restore --no-owner --format d --jobs N`.
// When `like.owner` is not the role `admin_conninfo` connects as, the database and every restored
// object belong to it (CREATE DATABASE … OWNER, pg_restore --role). Throws DatabaseError; the
// caller decides whether to drop a half-restored database.
void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const std::filesystem::path& dump_dir,
                      int jobs,
                      const core::DatabaseShape& like);

} // namespace odoo_upgrade::adapters::pg
