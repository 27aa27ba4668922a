#include "processing.hpp"

#include "registry.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <openssl/evp.h>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;
namespace pg = adapters::pg;

namespace {

// Raised inside the pipeline to end it with a given final status.
struct Stop {
  Status status;
  std::string reason;
};

std::string pg_array(const std::vector<std::string>& names) {
  // Names were validated by the scenario parser (letters, digits, '_', '.', '-'): no quoting
  // needed inside the array literal, and the literal is still sent as a parameter.
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i > 0 ? "," : "") + names[i];
  }
  return out + "}";
}

std::string sha1_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(k_hex[md[i] >> 4]);
    out.push_back(k_hex[md[i] & 15]);
  }
  return out;
}

std::string random_uuid() {
  std::random_device rd;
  unsigned char b[16];
  for (auto& c : b) {
    c = static_cast<unsigned char>(rd() & 0xff);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    out.push_back(k_hex[b[i] >> 4]);
    out.push_back(k_hex[b[i] & 15]);
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out.push_back(c);
    }
  }
  return out;
}

// A new "standard file of the target version", as the real platform adds to the filestore.
struct NewFile {
  std::string name;
  std::string mimetype;
  std::string content;
};

std::vector<NewFile> new_standard_files(const std::string& target, long long request_id) {
  std::string tag = target + " (sandbox request " + std::to_string(request_id) + ")";
  return {
      {"odoo_logo_" + target + ".svg",
       "image/svg+xml",
       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><title>Odoo " + tag +
           "</title><circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#714B67\"/></svg>\n"},
      {"payment_provider_icon_" + target + ".svg",
       "image/svg+xml",
       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"32\" height=\"32\"><title>provider " +
           tag + "</title><rect width=\"32\" height=\"32\" fill=\"#017E84\"/></svg>\n"},
      {"release_notes_" + target + ".txt",
       "text/plain",
       "Standard data added by the upgrade to " + tag + ".\n"},
  };
}

class Pipeline {
public:
  explicit Pipeline(const ProcessingJob& job)
      : m_job(job),
        m_db("ou_sandbox_" + std::to_string(getpid()) + "_" + std::to_string(job.request_id)),
        m_log(job.data_dir / "upgrade.log", m_db) {}

  void run() {
    try {
      m_job.set_status(Status::progress, "");
      m_log.info("odoo.upgrade",
                 "upgrade request " + std::to_string(m_job.request_id) + ": target " +
                     m_job.target + ", aim " + std::string(to_string(m_job.aim)));
      auto dump = find_uploaded_dump(m_job.data_dir);
      if (!dump) {
        throw Stop{Status::failed, "no usable database dump was uploaded"};
      }
      checkpoint();
      create_database();
      restore(*dump);
      checkpoint();
      std::string source = read_source_version();
      if (auto e = check_upgrade_path(source, m_job.target)) {
        throw Stop{Status::failed, *e};
      }
      if (std::string backup = m_job.scenario().result_backup; backup.empty()) {
        upgrade_modules(source);
      } else {
        return_backup(backup);
      }
      Scenario sc = m_job.scenario();
      if (!sc.fail_reason.empty()) {
        throw Stop{Status::failed, sc.fail_reason};
      }
      apply_changes(sc);
      checkpoint();
      dump_upgraded();
      write_report(source, sc);
      m_log.info("odoo.upgrade", "upgrade to " + m_job.target + " done");
      finish(Status::done, "");
    } catch (const Stop& stop) {
      if (stop.status == Status::failed) {
        m_log.error("odoo.upgrade", "upgrade failed: " + stop.reason);
      } else {
        m_log.warning("odoo.upgrade", "upgrade request cancelled");
      }
      finish(stop.status, stop.reason);
    } catch (const std::exception& e) {
      m_log.error("odoo.upgrade", std::string("upgrade failed: ") + e.what());
      finish(Status::failed, std::string("internal error of the upgrade platform: ") + e.what());
    }
  }

private:
  void finish(Status status, const std::string& reason) {
    drop_database();
    try {
      m_job.set_status(status, reason);
    } catch (...) {
      // Nothing left to tell: the registry could not be saved.
    }
  }

  // Ends the run when the request was cancelled or the sandbox is stopping.
  void checkpoint() {
    if (m_job.stopping != nullptr && m_job.stopping->load()) {
      throw Stop{Status::failed, "the upgrade platform was stopped during processing"};
    }
    if (m_job.scenario().cancel) {
      throw Stop{Status::cancelled, "the upgrade request was cancelled"};
    }
  }

  std::vector<std::pair<std::string, std::string>> tool_env() const {
    return pg::libpq_environment(pg::conninfo_with_dbname(m_job.pg_conninfo, m_db));
  }

  void run_tool(const std::vector<std::string>& argv,
                const std::string& what,
                std::optional<fs::path> stdout_file = std::nullopt) {
    adapters::ProcessOptions opts;
    opts.env = tool_env();
    opts.stdout_file = std::move(stdout_file);
    opts.timeout = std::chrono::hours(2);
    auto r = adapters::run_process(argv, opts);
    if (!r.ok()) {
      throw Stop{Status::failed, what + " failed (" + r.describe() + "): " + r.last_error_line()};
    }
  }

  void create_database() {
    pg::Connection admin(m_job.pg_conninfo);
    admin.exec_no_rows("DROP DATABASE IF EXISTS " + pg::quote_identifier(m_db) + " WITH (FORCE)");
    admin.exec_no_rows("CREATE DATABASE " + pg::quote_identifier(m_db) + " TEMPLATE template0");
    m_created = true;
  }

  void drop_database() {
    if (!m_created) {
      return;
    }
    try {
      pg::Connection admin(m_job.pg_conninfo);
      admin.exec_no_rows("DROP DATABASE IF EXISTS " + pg::quote_identifier(m_db) + " WITH (FORCE)");
      m_created = false;
    } catch (const std::exception& e) {
      m_log.warning("odoo.upgrade", std::string("cannot drop the work database: ") + e.what());
    }
  }

  void restore(const UploadedDump& dump) {
    m_log.info("odoo.service.db", "restoring the uploaded database");
    fs::path scratch = m_job.work_dir / "restore";
    fs::create_directories(scratch);
    switch (dump.format) {
    case DumpFormat::directory:
    case DumpFormat::custom:
      run_tool({"pg_restore",
                "--no-owner",
                "--no-privileges",
                "--jobs",
                dump.format == DumpFormat::directory ? "2" : "1",
                "--dbname",
                m_db,
                dump.path.string()},
               "restoring the dump");
      break;
    case DumpFormat::sql:
      run_psql_file(dump.path);
      break;
    case DumpFormat::sql_gz:
      run_tool({"gzip", "-dc", dump.path.string()}, "decompressing the dump", scratch / "dump.sql");
      run_psql_file(scratch / "dump.sql");
      break;
    case DumpFormat::zip:
      run_tool({"unzip", "-p", dump.path.string(), "dump.sql"},
               "extracting dump.sql from the zip",
               scratch / "dump.sql");
      run_psql_file(scratch / "dump.sql");
      break;
    }
    std::error_code ec;
    fs::remove_all(scratch, ec);
    m_log.info("odoo.service.db", "database restored");
  }

  void run_psql_file(const fs::path& file) {
    run_tool({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", m_db, "-f", file.string()},
             "restoring the SQL dump");
  }

  std::string read_source_version() {
    std::string v = base_version("the uploaded database");
    m_job.set_source_version(v);
    m_log.info("odoo.modules.loading", "database version: base " + v);
    return v;
  }

  // base's latest_version in the work database (`what` names it in the failure).
  std::string base_version(const std::string& what) {
    pg::Connection db(pg::conninfo_with_dbname(m_job.pg_conninfo, m_db));
    if (!db.relation_exists("public.ir_module_module")) {
      throw Stop{Status::failed, what + " is not an Odoo database"};
    }
    auto v = db.query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base'");
    if (!v || v->empty()) {
      throw Stop{Status::failed, what + " has no installed base module"};
    }
    return *v;
  }

  void upgrade_modules(const std::string& source) {
    pg::Connection db(pg::conninfo_with_dbname(m_job.pg_conninfo, m_db));
    auto rows = db.exec("SELECT name, coalesce(latest_version, '') FROM ir_module_module "
                        "WHERE state IN ('installed', 'to upgrade', 'to remove') ORDER BY name");
    m_modules = rows.rows();
    m_log.info("odoo.modules.loading",
               std::to_string(m_modules) + " modules to upgrade from " + source + " to " +
                   m_job.target);
    // The processing delay is spread over the modules so that the log grows while a client
    // watches it.
    auto delay = m_job.scenario().processing_delay;
    auto step = m_modules > 0 ? delay / m_modules : delay;
    for (int i = 0; i < rows.rows(); ++i) {
      checkpoint();
      std::string name(rows.get(i, 0));
      std::string from(rows.get(i, 1));
      std::string to = upgraded_version(from, m_job.target);
      db.exec_no_rows("UPDATE ir_module_module SET latest_version = $1 WHERE name = $2",
                      {to, name});
      m_log.info("odoo.modules.migration",
                 "module " + name + ": migrating from " + from + " to " + to);
      std::this_thread::sleep_for(step);
    }
  }

  // A real upgraded database instead of the simulation: the backup's dump.sql replaces the
  // restored upload, its filestore becomes the request's filestore.
  void return_backup(const std::string& zip) {
    m_log.info("odoo.upgrade", "returning the upgraded database of " + zip);
    fs::path scratch = m_job.work_dir / "backup";
    std::error_code ec;
    fs::remove_all(scratch, ec);
    fs::create_directories(scratch);
    run_tool({"unzip", "-q", "-o", zip, "-d", scratch.string()}, "unpacking the result backup");
    if (!fs::is_regular_file(scratch / "dump.sql", ec)) {
      throw Stop{Status::failed, "the result backup has no dump.sql"};
    }
    checkpoint();
    drop_database();
    create_database();
    run_psql_file(scratch / "dump.sql");
    std::string version = base_version("the result backup");
    auto series = series_of_version(version);
    if (!series || series != parse_series(m_job.target)) {
      throw Stop{Status::failed,
                 "the result backup is not a " + m_job.target + " database (base " + version + ")"};
    }
    fs::path filestore = m_job.data_dir / "filestore";
    fs::remove_all(filestore, ec);
    if (fs::is_directory(scratch / "filestore", ec)) {
      fs::rename(scratch / "filestore", filestore);
    }
    fs::remove_all(scratch, ec);
    pg::Connection db(pg::conninfo_with_dbname(m_job.pg_conninfo, m_db));
    m_modules = std::stoi(
        db.query_value("SELECT count(*) FROM ir_module_module WHERE state = 'installed'").value());
    m_backup = zip;
    m_log.info("odoo.upgrade", "upgraded database returned: base " + version);
  }

  void apply_changes(const Scenario& sc) {
    pg::Connection db(pg::conninfo_with_dbname(m_job.pg_conninfo, m_db));
    db.exec_no_rows("BEGIN");
    if (!sc.uninstall_modules.empty()) {
      auto r = db.exec("UPDATE ir_module_module SET state = 'uninstalled', latest_version = NULL "
                       "WHERE name = ANY($1::text[]) AND state <> 'uninstalled' RETURNING name",
                       {pg_array(sc.uninstall_modules)});
      for (int i = 0; i < r.rows(); ++i) {
        m_uninstalled.emplace_back(r.get(i, 0));
        m_log.warning("odoo.upgrade",
                      "module " + std::string(r.get(i, 0)) + " is not available in version " +
                          m_job.target + ": it has been uninstalled");
      }
    }
    deactivate_views(db, sc);
    // A returned backup is the real platform's output: its files are already there, and it is
    // neutralized already when it was a test upgrade.
    if (m_backup.empty()) {
      add_standard_files(db);
    }
    if (m_job.aim == Aim::test && (m_backup.empty() || !is_neutralized(db))) {
      neutralize(db);
    }
    db.exec_no_rows("COMMIT");
  }

  void note_views(const pg::Result& r, const std::string& why) {
    for (int i = 0; i < r.rows(); ++i) {
      std::string label = std::string(r.get(i, 1)).empty() ? "id " + std::string(r.get(i, 0))
                                                           : std::string(r.get(i, 1));
      m_views.push_back(label + " (" + why + ")");
      m_log.warning("odoo.upgrade", "view " + label + " deactivated: " + why);
    }
  }

  void deactivate_views(pg::Connection& db, const Scenario& sc) {
    if (!sc.deactivate_view_modules.empty()) {
      note_views(db.exec("UPDATE ir_ui_view v SET active = false FROM ir_model_data d "
                         "WHERE d.model = 'ir.ui.view' AND d.res_id = v.id AND v.active "
                         "AND d.module = ANY($1::text[]) "
                         "RETURNING v.id, coalesce(d.module || '.' || d.name, v.key, '')",
                         {pg_array(sc.deactivate_view_modules)}),
                 "its module is not available in the target version");
    }
    if (!sc.deactivate_view_keys.empty()) {
      note_views(db.exec("UPDATE ir_ui_view SET active = false "
                         "WHERE key = ANY($1::text[]) AND active "
                         "RETURNING id, coalesce(key, '')",
                         {pg_array(sc.deactivate_view_keys)}),
                 "it is not compatible with the target version");
    }
    if (sc.deactivate_custom_views) {
      note_views(db.exec("UPDATE ir_ui_view v SET active = false WHERE v.active AND NOT EXISTS "
                         "(SELECT 1 FROM ir_model_data d WHERE d.model = 'ir.ui.view' "
                         "AND d.res_id = v.id AND d.module NOT IN "
                         "('__export__', '__custom__', 'studio_customization')) "
                         "RETURNING v.id, coalesce(v.key, v.name, '')"),
                 "custom view");
    }
  }

  void add_standard_files(pg::Connection& db) {
    for (const auto& f : new_standard_files(m_job.target, m_job.request_id)) {
      std::string sha = sha1_hex(f.content);
      std::string store_fname = sha.substr(0, 2) + "/" + sha;
      fs::path path = m_job.data_dir / "filestore" / store_fname;
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary | std::ios::trunc) << f.content;
      db.exec_no_rows(
          "INSERT INTO ir_attachment (name, type, store_fname, file_size, checksum, mimetype, "
          "public, create_date, write_date) "
          "VALUES ($1, 'binary', $2, $3::int, $4, $5, true, now() at time zone 'UTC', "
          "now() at time zone 'UTC')",
          {f.name, store_fname, std::to_string(f.content.size()), sha, f.mimetype});
      m_files.push_back(store_fname + " (" + f.name + ")");
    }
    m_log.info("odoo.upgrade",
               std::to_string(m_files.size()) + " new standard files added to the filestore");
  }

  bool is_neutralized(pg::Connection& db) {
    auto flag = db.query_value(
        "SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'");
    return flag && (*flag == "True" || *flag == "true" || *flag == "1");
  }

  // The base module's data/neutralize.sql, as Odoo runs it for a test database, plus a new
  // database.uuid so that the copy never reports as the production database.
  void neutralize(pg::Connection& db) {
    db.exec_no_rows("UPDATE ir_mail_server SET active = false");
    if (db.column_exists("ir_mail_server", "smtp_authentication")) {
      db.exec_no_rows("INSERT INTO ir_mail_server (name, smtp_port, smtp_host, smtp_encryption, "
                      "active, smtp_authentication) VALUES ('neutralization - disable emails', "
                      "1025, 'invalid', 'none', true, 'login')");
    } else {
      db.exec_no_rows("INSERT INTO ir_mail_server (name, smtp_port, smtp_host, smtp_encryption, "
                      "active) VALUES ('neutralization - disable emails', 1025, 'invalid', "
                      "'none', true)");
    }
    db.exec_no_rows("UPDATE ir_cron SET active = false WHERE id NOT IN (SELECT res_id FROM "
                    "ir_model_data WHERE model = 'ir.cron' AND module = 'base' AND name = "
                    "'autovacuum_job')");
    db.exec_no_rows("INSERT INTO ir_config_parameter (key, value) VALUES "
                    "('database.is_neutralized', true) ON CONFLICT (key) DO UPDATE SET value = "
                    "true");
    db.exec_no_rows("INSERT INTO ir_config_parameter (key, value) VALUES ('database.uuid', $1) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    {random_uuid()});
    m_log.info("odoo.modules.neutralize", "neutralization finished (test database)");
  }

  void dump_upgraded() {
    m_log.info("odoo.service.db", "dumping the upgraded database");
    fs::path out = m_job.data_dir / "upgraded.dump";
    fs::path tmp = m_job.work_dir / "upgraded.dump.tmp";
    fs::create_directories(m_job.work_dir);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    run_tool(
        {"pg_dump", "--format", "d", "--no-owner", "--jobs", "2", "--file", tmp.string(), m_db},
        "dumping the upgraded database");
    fs::remove_all(out, ec);
    fs::rename(tmp, out);
  }

  void write_report(const std::string& source, const Scenario& sc) {
    std::ostringstream h;
    auto list = [&](const std::string& title, const std::vector<std::string>& items) {
      h << "<h2>" << html_escape(title) << "</h2>\n";
      if (items.empty()) {
        h << "<p>None.</p>\n";
        return;
      }
      h << "<ul>\n";
      for (const auto& i : items) {
        h << "  <li>" << html_escape(i) << "</li>\n";
      }
      h << "</ul>\n";
    };
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Upgrade report</title>"
      << "</head><body>\n<h1>Upgrade report (odoo-upgrade sandbox)</h1>\n"
      << "<p>Request " << m_job.request_id << ": " << html_escape(source) << " to "
      << html_escape(m_job.target) << ", aim " << to_string(m_job.aim) << ".</p>\n"
      << "<p>" << m_modules << " installed modules upgraded.</p>\n";
    if (!m_backup.empty()) {
      h << "<p>Returned the upgraded database of " << html_escape(m_backup) << ".</p>\n";
    }
    list("Modules uninstalled", m_uninstalled);
    list("Views deactivated", m_views);
    list("New files in the filestore", m_files);
    h << "<h2>Neutralization</h2>\n<p>"
      << (m_job.aim == Aim::test ? "The database was neutralized (test upgrade)."
                                 : "Not neutralized (production upgrade).")
      << "</p>\n";
    if (!sc.fail_reason.empty()) {
      h << "<p>" << html_escape(sc.fail_reason) << "</p>\n";
    }
    h << "</body></html>\n";
    std::ofstream(m_job.data_dir / "upgrade-report.html", std::ios::trunc) << h.str();
  }

  const ProcessingJob& m_job;
  std::string m_db;
  RequestLog m_log;
  bool m_created = false;
  int m_modules = 0;
  std::vector<std::string> m_uninstalled;
  std::vector<std::string> m_views;
  std::vector<std::string> m_files;
  std::string m_backup; // the result backup returned, when one was
};

} // namespace

std::optional<UploadedDump> find_uploaded_dump(const fs::path& data_dir) {
  std::error_code ec;
  fs::path dump = data_dir / "origin.dump";
  if (fs::is_directory(dump, ec)) {
    if (fs::is_regular_file(dump / "toc.dat", ec)) {
      return UploadedDump{DumpFormat::directory, dump};
    }
    return std::nullopt;
  }
  if (fs::is_regular_file(dump, ec)) {
    return UploadedDump{DumpFormat::custom, dump};
  }
  if (fs::is_regular_file(data_dir / "origin.sql", ec)) {
    return UploadedDump{DumpFormat::sql, data_dir / "origin.sql"};
  }
  if (fs::is_regular_file(data_dir / "origin.sql.gz", ec)) {
    return UploadedDump{DumpFormat::sql_gz, data_dir / "origin.sql.gz"};
  }
  if (fs::is_regular_file(data_dir / "origin.zip", ec)) {
    return UploadedDump{DumpFormat::zip, data_dir / "origin.zip"};
  }
  return std::nullopt;
}

std::optional<int> dump_pg_major(const UploadedDump& dump) {
  if (dump.format != DumpFormat::directory && dump.format != DumpFormat::custom) {
    return std::nullopt;
  }
  adapters::ProcessOptions opts;
  opts.timeout = std::chrono::seconds(60);
  auto r = adapters::run_process({"pg_restore", "-l", dump.path.string()}, opts);
  static const std::regex k_version(R"(Dumped by pg_dump version: ([0-9]+))");
  std::smatch m;
  if (!r.ok() || !std::regex_search(r.out, m, k_version)) {
    return std::nullopt;
  }
  return std::stoi(m[1].str());
}

std::optional<int> local_pg_dump_major() {
  auto r = adapters::run_process({"pg_dump", "--version"});
  static const std::regex k_version(R"(\(PostgreSQL\) ([0-9]+))");
  std::smatch m;
  if (!r.ok() || !std::regex_search(r.out, m, k_version)) {
    return std::nullopt;
  }
  return std::stoi(m[1].str());
}

RequestLog::RequestLog(fs::path path, std::string dbname)
    : m_path(std::move(path)), m_dbname(std::move(dbname)) {}

void RequestLog::info(const std::string& logger, const std::string& message) {
  write("INFO", logger, message);
}

void RequestLog::warning(const std::string& logger, const std::string& message) {
  write("WARNING", logger, message);
}

void RequestLog::error(const std::string& logger, const std::string& message) {
  write("ERROR", logger, message);
}

void RequestLog::write(const char* level, const std::string& logger, const std::string& message) {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t t = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  char msbuf[8];
  std::snprintf(msbuf, sizeof msbuf, ",%03d", static_cast<int>(ms));
  std::lock_guard lock(m_mutex);
  std::ofstream out(m_path, std::ios::app);
  out << stamp << msbuf << " " << getpid() << " " << level << " " << m_dbname << " " << logger
      << ": " << message << "\n";
}

void run_processing(const ProcessingJob& job) {
  Pipeline(job).run();
}

} // namespace odoo_upgrade::sandbox
