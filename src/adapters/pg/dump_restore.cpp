#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/tool_progress.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <fstream>
#include <ostream>

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

// The bytes free on the filesystem of `dir`, for a message ("1.2 GB", "unknown").
std::string free_text(const stdfs::path& dir) {
  auto free = fs::free_bytes(dir);
  return free ? core::format_bytes(static_cast<long long>(*free)) : std::string("unknown");
}

// `pg_restore --list`: reads the archive's header and table of contents without restoring anything.
// A garbage file, a truncated download or an archive of a newer pg_dump fails here.
void require_readable_archive(const stdfs::path& path, const stdfs::path& given) {
  ProcessOptions opts;
  opts.keep_bytes = 16 * 1024;
  auto r = run_process({"pg_restore", "--list", path.string()}, opts);
  if (!r.ok()) {
    throw core::UsageError("dump '" + given.string() + "' is not an archive pg_restore can read (" +
                               r.last_error_line() + ")",
                           "pass a dump made by pg_dump --format c or d (the same or an older "
                           "PostgreSQL major than this machine's pg_restore)");
  }
}

// The non-empty lines of a tool's stderr that report an error, at most `max` of them.
std::vector<std::string> error_lines(std::string_view text, std::size_t max) {
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < max) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    bool error = line.find("error") != std::string_view::npos ||
                 line.find("FATAL") != std::string_view::npos ||
                 line.find("could not") != std::string_view::npos;
    if (error) {
      lines.emplace_back(line);
    }
  }
  return lines;
}

// What odoo-upgrade keeps of a pg tool's stderr (the tail of its error lines) for the diagnosis.
constexpr std::size_t k_kept_stderr_bytes = 64 * 1024;

// A pg tool's --verbose stderr, read line by line as it arrives (never held whole: a dump of 10k
// tables writes 10k lines and more): a table's line moves the progress on, the other --verbose
// messages are dropped, the rest (errors, warnings, "Command was: …") is kept, its last 64 KiB, so
// that error messages and last_error_line never show progress chatter. Every line goes to `log`.
class ToolStderr {
public:
  ToolStderr(PgTool tool, std::size_t total, TableProgressFn report, std::ostream* log)
      : m_counter(tool, total), m_report(std::move(report)), m_log(log) {}

  // Every line is passed to `listener` too (before it is classified).
  void listen(std::function<void(std::string_view)> listener) { m_listener = std::move(listener); }

  void line(std::string_view l) {
    if (m_log != nullptr) {
      *m_log << l << '\n';
    }
    if (m_listener) {
      m_listener(l);
    }
    ToolLine kind = m_counter.read(l);
    if (kind == ToolLine::table_data) {
      report();
    } else if (kind == ToolLine::other) {
      m_kept.append(l).push_back('\n');
      if (m_kept.size() > 2 * k_kept_stderr_bytes) {
        m_kept.erase(0, m_kept.size() - k_kept_stderr_bytes);
      }
    }
  }
  void report() const {
    if (m_report) {
      m_report(m_counter.progress());
    }
  }
  std::string take_kept() {
    if (m_kept.size() > k_kept_stderr_bytes) {
      m_kept.erase(0, m_kept.size() - k_kept_stderr_bytes);
    }
    return std::move(m_kept);
  }

private:
  TableCounter m_counter;
  TableProgressFn m_report;
  std::ostream* m_log;
  std::function<void(std::string_view)> m_listener;
  std::string m_kept;
};

// Runs pg_dump or pg_restore (`argv`, with --verbose added when progress is wanted), its stderr
// through `err`: the result's `err` holds the kept lines only. Messages in English (LC_MESSAGES=C):
// the progress lines and the diagnosis's phrases are read in English.
ProcessResult
run_pg_tool(std::vector<std::string> argv, ProcessOptions opts, ToolStderr& err, bool verbose) {
  if (verbose) {
    argv.insert(argv.begin() + 1, "--verbose");
  }
  opts.env.emplace_back("LC_MESSAGES", "C");
  opts.unset_env.emplace_back("LC_ALL");
  opts.keep_bytes = 0; // both tools write their output to a folder or a database, not stdout
  opts.on_stderr_line = [&](std::string_view l) { err.line(l); };
  err.report();
  auto r = run_process(argv, opts);
  r.err = err.take_kept();
  if (r.ok()) {
    err.report();
  }
  return r;
}

} // namespace

ToolDiagnosis diagnose_pg_tool_failure(std::string_view stderr_text, const stdfs::path& output) {
  struct Cause {
    const char* needle;
    const char* hint;
  };
  static const Cause k_causes[] = {
      {"No space left on device", ""},
      {"server closed the connection unexpectedly",
       "the PostgreSQL server ended the connection (a crash, a restart or a terminated session): "
       "check the server's log, then re-run"},
      {"terminating connection due to administrator command",
       "the PostgreSQL server ended the session (shutdown or pg_terminate_backend): check the "
       "server's log, then re-run"},
      {"the database system is shutting down",
       "the PostgreSQL server is shutting down: re-run once it is back"},
      {"the database system is in recovery mode",
       "the PostgreSQL server crashed and is recovering: check its log, then re-run"},
      {"server version mismatch",
       "this machine's pg_dump is older than the server: install the PostgreSQL client tools of "
       "the server's major version (initiate's pre-flight names it)"},
      {"could not open extension control file",
       "an extension production uses is not installed on this server (the error line names "
       "it): install its package for this PostgreSQL major, then re-run"},
      {"permission denied to create extension",
       "the restoring role may not create one of production's extensions (the error line names "
       "it): restore as a role allowed to (a superuser), then re-run"},
      {"unsupported version",
       "the dump was made by a newer pg_dump than this pg_restore: install the PostgreSQL client "
       "tools of the dump's major version, then re-run"},
      {"permission denied",
       "run odoo-upgrade as a user that may read the whole database (the user Odoo runs as)"},
  };
  ToolDiagnosis d;
  d.lines = error_lines(stderr_text, 5);
  for (const auto& c : k_causes) {
    if (stderr_text.find(c.needle) == std::string_view::npos) {
      continue;
    }
    d.cause = c.needle;
    d.hint = c.hint;
    if (d.cause == "No space left on device") {
      d.no_space = true;
      d.hint = "free space on the filesystem of '" + output.string() +
               "' (or point the project's work_dir elsewhere), then re-run";
    }
    return d;
  }
  return d;
}

std::size_t count_tables_to_dump(const std::string& conninfo) {
  Connection c(conninfo);
  // pg_dump's getTableData/makeTableDataInfo: ordinary tables and partitions (relkind 'r'; a
  // partitioned table's rows are its partitions'), unlogged ones included, outside the system
  // schemas; an extension's own tables only when it marks them as configuration (extconfig).
  auto n = c.query_value(
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind = 'r' AND c.relpersistence <> 't' "
      "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
      "AND (NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
      "AND d.objid = c.oid AND d.deptype = 'e') "
      "OR EXISTS (SELECT 1 FROM pg_extension e WHERE c.oid = ANY (e.extconfig)))");
  return n ? std::stoul(*n) : 0;
}

std::size_t count_archive_tables(const stdfs::path& dump) {
  // A directory dump's toc.dat read here costs a millisecond; pg_restore --list (through Debian's
  // pg_wrapper, a Perl script) a few hundred under load. pg_restore counts what this cannot read.
  std::error_code ec;
  if (stdfs::is_regular_file(dump / "toc.dat", ec)) {
    try {
      if (auto n = toc_table_data_count(fs::read_file(dump / "toc.dat"))) {
        return *n;
      }
    } catch (const core::FilesystemError&) {
      // unreadable here: pg_restore says why, below or in the restore
    }
  }
  std::size_t tables = 0;
  ProcessOptions opts;
  opts.keep_bytes = 16 * 1024;
  opts.on_stdout_line = [&](std::string_view l) { tables += is_toc_table_data(l) ? 1 : 0; };
  auto r = run_process({"pg_restore", "--list", dump.string()}, opts);
  return r.ok() ? tables : 0;
}

void dump_database(const std::string& conninfo,
                   const stdfs::path& dir,
                   int jobs,
                   int compression,
                   const TableProgressFn& progress,
                   const DataFileFn& on_data_file) {
  remove_tree(dir);
  stdfs::create_directories(dir.parent_path());
  std::size_t total = progress ? count_tables_to_dump(conninfo) : 0;
  // The whole conninfo in --dbname, the password in the environment.
  ToolConnection connection = tool_connection(conninfo);
  ProcessOptions opts;
  opts.env = connection.env;
  ToolStderr err(PgTool::pg_dump, total, progress, nullptr);
  bool announce = on_data_file && jobs > 1;
  if (announce) {
    std::string extension = compression > 0 ? ".dat.gz" : ".dat";
    err.listen([&dir, &on_data_file, extension](std::string_view line) {
      if (auto id = finished_table_data_item(line)) {
        on_data_file(dir / (std::to_string(*id) + extension));
      }
    });
  }
  auto r = run_pg_tool({"pg_dump",
                        "--format",
                        "d",
                        "--jobs",
                        std::to_string(jobs),
                        "--compress",
                        std::to_string(compression),
                        "--no-owner",
                        "--file",
                        dir.string(),
                        connection.dbname_option},
                       opts,
                       err,
                       static_cast<bool>(progress) || announce);
  if (!r.ok()) {
    // The message matches the cause: a full disk, a server that went away, rights, versions.
    auto d = diagnose_pg_tool_failure(r.err, dir.parent_path());
    if (d.no_space) {
      // The partial dump goes at once: the full filesystem may be one production needs.
      remove_tree(dir);
      throw core::FilesystemError("pg_dump of the production database stopped: no space left on '" +
                                      dir.parent_path().string() +
                                      "' (the partial dump was "
                                      "removed; " +
                                      free_text(dir.parent_path()) + " free)",
                                  d.hint);
    }
    std::string what = d.lines.empty() ? r.last_error_line() : d.lines.front();
    throw core::DatabaseError("pg_dump of the production database failed (" + r.describe() +
                                  "): " + what,
                              d.hint.empty() ? "re-run; if it fails again, run pg_dump by hand "
                                               "to see its whole output"
                                             : d.hint);
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
    require_readable_archive(path, given);
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
    require_readable_archive(path, given);
    return {path, "origin.dump"};
  }
  throw core::UsageError("dump '" + given.string() + "' has an unsupported type",
                         "use a .sql, .dump, .zip or .sql.gz file, or a pg_dump directory");
}

bool database_exists(const std::string& admin_conninfo, const std::string& dbname) {
  Connection c(admin_conninfo);
  return c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {dbname}) == "1";
}

void drop_created_database(const std::string& admin_conninfo, const std::string& dbname) {
  Connection c(admin_conninfo);
  std::string drop = "DROP DATABASE IF EXISTS " + quote_identifier(dbname);
  // PostgreSQL 13+ ends the database's sessions itself.
  if (c.server_version() >= 130000) {
    c.exec_no_rows(drop + " WITH (FORCE)");
    return;
  }
  // Older servers: no new session may start, then the open ones are ended.
  if (c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {dbname}) == "0") {
    return;
  }
  c.exec_no_rows("ALTER DATABASE " + quote_identifier(dbname) + " ALLOW_CONNECTIONS false");
  c.for_each_row("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND "
                 "pid <> pg_backend_pid()",
                 {dbname},
                 [](const Result&) {});
  c.exec_no_rows(drop);
}

namespace {

[[noreturn]] void throw_restore_failed(const ProcessResult& r,
                                       const std::string& admin_conninfo,
                                       const std::string& dbname,
                                       const std::optional<stdfs::path>& output_log) {
  auto d = diagnose_pg_tool_failure(r.err, output_log ? output_log->parent_path() : stdfs::path());
  std::string lines;
  for (std::size_t i = 0; i < d.lines.size() && i < 3; ++i) {
    lines += (i == 0 ? "" : " | ") + d.lines[i];
  }
  if (lines.empty()) {
    lines = r.last_error_line();
  }
  std::string where = output_log ? " (full output: '" + output_log->string() + "')" : "";
  std::string hint =
      !d.hint.empty() ? d.hint
                      : "read pg_restore's output" + where + "; a re-run starts the restore over";
  if (d.no_space) {
    // The half-restored database goes at once: the full disk is the cluster's, production's too.
    drop_created_database(admin_conninfo, dbname);
    throw core::FilesystemError(
        "pg_restore into '" + dbname +
            "' stopped: no space left on the database server's disk (the "
            "partly restored database was dropped)" +
            where,
        "free space on the PostgreSQL server's data directory, then re-run");
  }
  throw core::DatabaseError(
      "pg_restore into '" + dbname + "' failed (" + r.describe() + "): " + lines + where, hint);
}

} // namespace

void restore_database(const std::string& admin_conninfo,
                      const std::string& db_conninfo,
                      const std::string& dbname,
                      const stdfs::path& dump_dir,
                      int jobs,
                      const core::DatabaseShape& like,
                      const std::optional<stdfs::path>& output_log,
                      const TableProgressFn& progress) {
  // Like production, never like the cluster's template1 (issue 11, case 3).
  std::optional<std::string> owner;
  {
    Connection c(admin_conninfo);
    create_database_like(c, dbname, like);
    if (!like.owner.empty() && like.owner != c.user()) {
      owner = like.owner;
    }
  }
  std::size_t total = progress ? count_archive_tables(dump_dir) : 0;
  // The whole conninfo (for `dbname`) in --dbname, the password in the environment.
  ToolConnection connection = tool_connection(conninfo_with_dbname(db_conninfo, dbname));
  ProcessOptions opts;
  opts.env = connection.env;
  std::vector<std::string> argv{"pg_restore",
                                "--no-owner",
                                "--format",
                                "d",
                                "--jobs",
                                std::to_string(jobs),
                                connection.dbname_option};
  if (owner) {
    argv.push_back("--role=" + *owner);
  }
  argv.push_back(dump_dir.string());
  // The whole output is kept (errors can be many); the message shows the first ones.
  std::ofstream log;
  if (output_log) {
    log.open(*output_log, std::ios::trunc);
  }
  ToolStderr err(PgTool::pg_restore, total, progress, output_log ? &log : nullptr);
  auto r = run_pg_tool(argv, opts, err, static_cast<bool>(progress));
  log.close();
  if (!r.ok()) {
    throw_restore_failed(r, admin_conninfo, dbname, output_log);
  }
}

} // namespace odoo_upgrade::adapters::pg
