#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>

namespace odoo_upgrade::adapters::pg {

namespace stdfs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void remove_tree(const stdfs::path& p) {
  std::error_code ec;
  stdfs::remove_all(p, ec);
  if (ec) {
    throw core::FilesystemError("cannot remove '" + p.string() + "': " + ec.message(),
                                "check the ownership of the project's work dir");
  }
}

} // namespace

void dump_database(const std::string& conninfo, const stdfs::path& dir, int jobs) {
  remove_tree(dir);
  stdfs::create_directories(dir.parent_path());
  ProcessOptions opts;
  opts.env = libpq_environment(conninfo);
  opts.keep_bytes = 64 * 1024;
  auto r = run_process({"pg_dump",
                        "--format",
                        "d",
                        "--jobs",
                        std::to_string(jobs),
                        "--no-owner",
                        "--file",
                        dir.string()},
                       opts);
  if (!r.ok()) {
    throw core::DatabaseError("pg_dump of the production database failed (" + r.describe() +
                                  "): " + r.last_error_line(),
                              "run odoo-upgrade as a user that may read the whole database (the "
                              "user Odoo runs as)");
  }
}

DumpFile validate_dump_file(const stdfs::path& given) {
  std::error_code ec;
  stdfs::path path = stdfs::absolute(given, ec);
  if (path.filename() == "toc.dat") {
    path = path.parent_path();
  }
  if (!stdfs::exists(path, ec)) {
    throw core::UsageError("dump '" + given.string() + "' does not exist");
  }
  if (stdfs::is_directory(path, ec)) {
    if (!stdfs::exists(path / "toc.dat", ec)) {
      throw core::UsageError("dump directory '" + given.string() + "' has no toc.dat",
                             "pass a pg_dump directory-format dump (pg_dump --format d)");
    }
    return {path, "origin.dump"};
  }
  std::string name = path.filename().string();
  if (ends_with(name, ".sql.gz")) {
    auto r = run_process({"gzip", "-t", path.string()});
    if (!r.ok()) {
      throw core::UsageError("dump '" + given.string() + "' is not a readable gzip file");
    }
    return {path, "origin.sql.gz"};
  }
  if (ends_with(name, ".zip")) {
    auto t = run_process({"unzip", "-tqq", path.string()});
    auto l = run_process({"unzip", "-Z1", path.string()});
    bool has_sql = false;
    std::size_t start = 0;
    while (start < l.out.size()) {
      auto end = l.out.find('\n', start);
      std::string line = l.out.substr(start, end == std::string::npos ? end : end - start);
      if (line == "dump.sql") {
        has_sql = true;
      }
      if (end == std::string::npos) {
        break;
      }
      start = end + 1;
    }
    if (!t.ok() || !has_sql) {
      throw core::UsageError("dump '" + given.string() + "' is not an intact zip with a dump.sql",
                             "pass a backup from Odoo's database manager (zip with dump.sql)");
    }
    return {path, "origin.zip"};
  }
  if (ends_with(name, ".sql")) {
    return {path, "origin.sql"};
  }
  if (ends_with(name, ".dump")) {
    return {path, "origin.dump"};
  }
  throw core::UsageError("dump '" + given.string() + "' has an unsupported type",
                         "use a .sql, .dump, .zip or .sql.gz file, or a pg_dump directory");
}

bool database_exists(const std::string& admin_conninfo, const std::string& dbname) {
  Connection c(admin_conninfo);
  return c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {dbname}) == "1";
}

void drop_database(const std::string& admin_conninfo, const std::string& dbname) {
  Connection c(admin_conninfo);
  c.exec_no_rows("DROP DATABASE IF EXISTS " + quote_identifier(dbname));
}

void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const stdfs::path& dump_dir,
                      int jobs,
                      const core::DatabaseShape& like) {
  // Like production, never like the cluster's template1 (issue 11, case 3).
  std::optional<std::string> owner;
  {
    Connection c(admin_conninfo);
    create_database_like(c, dbname, like);
    if (!like.owner.empty() && like.owner != c.user()) {
      owner = like.owner;
    }
  }
  ProcessOptions opts;
  opts.env = libpq_environment(db_conninfo);
  opts.keep_bytes = 64 * 1024;
  std::vector<std::string> argv{"pg_restore",
                                "--no-owner",
                                "--format",
                                "d",
                                "--jobs",
                                std::to_string(jobs),
                                "--dbname",
                                dbname};
  if (owner) {
    argv.push_back("--role=" + *owner);
  }
  argv.push_back(dump_dir.string());
  auto r = run_process(argv, opts);
  if (!r.ok()) {
    throw core::DatabaseError("pg_restore into '" + dbname + "' failed (" + r.describe() +
                                  "): " + r.last_error_line(),
                              "re-run the command: the restore starts over");
  }
}

} // namespace odoo_upgrade::adapters::pg
