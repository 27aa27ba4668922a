#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/test_request_db.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace odoo_upgrade::commands::test_request_db {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;

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
  adapters::ProcessOptions opts;
  opts.env = pg::libpq_environment(conninfo);
  opts.keep_bytes = 64 * 1024;
  auto r = adapters::run_process({"pg_dump",
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
    auto r = adapters::run_process({"gzip", "-t", path.string()});
    if (!r.ok()) {
      throw core::UsageError("dump '" + given.string() + "' is not a readable gzip file");
    }
    return {path, "origin.sql.gz"};
  }
  if (ends_with(name, ".zip")) {
    auto t = adapters::run_process({"unzip", "-tqq", path.string()});
    auto l = adapters::run_process({"unzip", "-Z1", path.string()});
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
  pg::Connection c(admin_conninfo);
  return c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {dbname}) == "1";
}

void drop_database(const std::string& admin_conninfo, const std::string& dbname) {
  pg::Connection c(admin_conninfo);
  c.exec_no_rows("DROP DATABASE IF EXISTS " + pg::quote_identifier(dbname));
}

void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const stdfs::path& dump_dir,
                      int jobs,
                      const std::optional<std::string>& owner) {
  {
    pg::Connection c(admin_conninfo);
    std::string sql = "CREATE DATABASE " + pg::quote_identifier(dbname);
    if (owner) {
      sql += " OWNER " + pg::quote_identifier(*owner);
    }
    c.exec_no_rows(sql);
  }
  adapters::ProcessOptions opts;
  opts.env = pg::libpq_environment(db_conninfo);
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
  auto r = adapters::run_process(argv, opts);
  if (!r.ok()) {
    throw core::DatabaseError("pg_restore into '" + dbname + "' failed (" + r.describe() +
                                  "): " + r.last_error_line(),
                              "re-run the command: the restore starts over");
  }
}

std::uint64_t merge_filestore(const stdfs::path& production,
                              const stdfs::path& received,
                              const stdfs::path& dest) {
  std::error_code ec;
  remove_tree(dest);
  stdfs::create_directories(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot create filestore '" + dest.string() + "': " + ec.message());
  }
  auto copy_over = [&](const stdfs::path& from, const char* what) {
    if (!stdfs::exists(from, ec)) {
      spdlog::warn("{} filestore '{}' is missing; nothing copied from it", what, from.string());
      return;
    }
    stdfs::copy(
        from, dest, stdfs::copy_options::recursive | stdfs::copy_options::overwrite_existing, ec);
    if (ec) {
      throw core::FilesystemError("cannot copy the " + std::string(what) + " filestore '" +
                                  from.string() + "' to '" + dest.string() + "': " + ec.message());
    }
  };
  copy_over(production, "production");
  copy_over(received, "returned");
  return adapters::fs::tree_size(dest).files;
}

Verification inspect_test_database(const std::string& db_conninfo) {
  pg::Connection c(db_conninfo);
  Verification v;
  auto base = c.exec("SELECT latest_version, state FROM ir_module_module WHERE name = 'base'");
  if (base.rows() == 1) {
    v.base_version = std::string(base.get(0, 0));
    v.base_installed = base.get(0, 1) == "installed";
  }
  auto flag =
      c.query_value("SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'");
  if (flag) {
    std::string f = *flag;
    std::transform(f.begin(), f.end(), f.begin(), ::tolower);
    v.flag_neutralized = f == "true" || f == "1";
  }
  v.active_crons =
      std::stoll(c.query_value("SELECT count(*) FROM ir_cron WHERE active AND id NOT IN "
                               "(SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' "
                               "AND module = 'base' AND name = 'autovacuum_job')")
                     .value_or("0"));
  v.active_mail_servers = std::stoll(
      c.query_value("SELECT count(*) FROM ir_mail_server WHERE active AND smtp_host <> 'invalid'")
          .value_or("0"));
  if (c.relation_exists("public.fetchmail_server")) {
    v.active_fetchmail = std::stoll(
        c.query_value("SELECT count(*) FROM fetchmail_server WHERE active").value_or("0"));
  }
  return v;
}

void neutralize_database(const std::string& db_conninfo) {
  pg::Connection c(db_conninfo);
  c.exec_no_rows("BEGIN");
  c.exec_no_rows("UPDATE ir_mail_server SET active = false");
  c.exec_no_rows("INSERT INTO ir_mail_server (name, smtp_port, smtp_host, smtp_encryption, active, "
                 "smtp_authentication) VALUES ('neutralization - disable emails', 1025, "
                 "'invalid', 'none', true, 'login')");
  c.exec_no_rows("UPDATE ir_cron SET active = false WHERE id NOT IN (SELECT res_id FROM "
                 "ir_model_data WHERE model = 'ir.cron' AND module = 'base' AND name = "
                 "'autovacuum_job')");
  if (c.relation_exists("public.fetchmail_server")) {
    c.exec_no_rows("UPDATE fetchmail_server SET active = false");
  }
  if (c.relation_exists("public.payment_provider") &&
      c.column_exists("payment_provider", "state")) {
    c.exec_no_rows("UPDATE payment_provider SET state = 'disabled' WHERE state NOT IN ('test', "
                   "'disabled')");
  }
  c.exec_no_rows("INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', "
                 "'True') ON CONFLICT (key) DO UPDATE SET value = 'True'");
  c.exec_no_rows("COMMIT");
}

} // namespace odoo_upgrade::commands::test_request_db
