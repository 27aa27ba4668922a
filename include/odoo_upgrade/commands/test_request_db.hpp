#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The PostgreSQL and filestore side of a test round: dump production, restore the upgraded dump
// into a new database, merge the filestore, verify and neutralize. Used by test-request.
namespace odoo_upgrade::commands::test_request_db {

// `pg_dump --format d --jobs N --no-owner --file <dir>` of the database `conninfo` names. Removes a
// leftover `dir` first. Throws DatabaseError with pg_dump's message.
void dump_database(const std::string& conninfo, const std::filesystem::path& dir, int jobs);

// A dump given with --dump, checked as Odoo's script checks it.
struct DumpFile {
  std::filesystem::path path; // the file, or the directory holding toc.dat
  std::string remote_name;    // "origin.dump", "origin.sql", "origin.zip", "origin.sql.gz"
};
// Validates `path`: a .sql, .dump, .zip (intact, with dump.sql) or .sql.gz (readable gzip) file, or
// a pg_dump directory (or its toc.dat). Throws UsageError naming the file.
DumpFile validate_dump_file(const std::filesystem::path& path);

// True when database `dbname` exists on the server `admin_conninfo` reaches.
bool database_exists(const std::string& admin_conninfo, const std::string& dbname);
void drop_database(const std::string& admin_conninfo, const std::string& dbname);

// CREATE DATABASE `dbname` then `pg_restore --no-owner --format d --jobs N`. With `owner`, the
// database and every restored object belong to that role (CREATE DATABASE … OWNER, pg_restore
// --role). Throws DatabaseError; the caller decides whether to drop a half-restored database.
void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const std::filesystem::path& dump_dir,
                      int jobs,
                      const std::optional<std::string>& owner = std::nullopt);

// Copies the production filestore `production` to `dest` (which must not exist), then the
// filestore returned by the service (`received`, may be missing) over it. Returns the number of
// files in `dest`. Throws FilesystemError.
std::uint64_t merge_filestore(const std::filesystem::path& production,
                              const std::filesystem::path& received,
                              const std::filesystem::path& dest);

// What verification found in a restored database.
struct Verification {
  std::string base_version; // base's latest_version ("18.0.1.3")
  bool base_installed = false;
  bool flag_neutralized = false;     // database.is_neutralized is true
  long long active_crons = 0;        // active crons other than base's autovacuum
  long long active_mail_servers = 0; // active outgoing servers other than the dummy one
  long long active_fetchmail = 0;    // active incoming mail servers
  bool neutralized() const {
    return flag_neutralized && active_crons == 0 && active_mail_servers == 0 &&
           active_fetchmail == 0;
  }
};
Verification inspect_test_database(const std::string& db_conninfo);

// Neutralizes a database as Odoo's base (and fetchmail) neutralize.sql do: crons off (except the
// autovacuum), mail servers archived plus a dummy one, incoming mail off, webhooks off,
// database.is_neutralized set. One transaction.
void neutralize_database(const std::string& db_conninfo);

} // namespace odoo_upgrade::commands::test_request_db
