#pragma once

#include "model.hpp"
#include "scenario.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

// The simulated upgrade: restores the uploaded dump into a scratch database, makes it look
// upgraded to the target series (module versions, neutralization of test databases, new standard
// files), dumps it back as data/upgraded.dump and writes the report and the log.
namespace odoo_upgrade::sandbox {

enum class DumpFormat { directory, custom, sql, sql_gz, zip };

struct UploadedDump {
  DumpFormat format = DumpFormat::directory;
  std::filesystem::path path;
};

// The dump a client uploaded into `data_dir`, named as the official client names it:
// origin.dump (a pg_dump directory with toc.dat, or a custom-format file), origin.sql,
// origin.sql.gz or origin.zip. std::nullopt when there is none (or an incomplete directory).
std::optional<UploadedDump> find_uploaded_dump(const std::filesystem::path& data_dir);

// Major version of the pg_dump that wrote a directory or custom dump (from `pg_restore -l`);
// std::nullopt for SQL dumps or when it cannot be read.
std::optional<int> dump_pg_major(const UploadedDump& dump);
// Major version of the local pg_dump, the one that writes upgraded.dump.
std::optional<int> local_pg_dump_major();

// Appends Odoo-style lines to a request's upgrade.log (also served by the logs endpoint).
class RequestLog {
public:
  RequestLog(std::filesystem::path path, std::string dbname);
  void info(const std::string& logger, const std::string& message);
  void warning(const std::string& logger, const std::string& message);
  void error(const std::string& logger, const std::string& message);

private:
  void write(const char* level, const std::string& logger, const std::string& message);
  std::filesystem::path m_path;
  std::string m_dbname;
  std::mutex m_mutex;
};

// What a processing run needs. The callbacks are called from the processing thread.
struct ProcessingJob {
  long long request_id = 0;
  std::string target;
  Aim aim = Aim::test;
  std::string pg_conninfo;        // admin connection (CREATE/DROP DATABASE)
  std::filesystem::path data_dir; // the request's data folder (origin.*, upgraded.dump…)
  std::filesystem::path work_dir; // scratch space outside what clients can reach
  // The scenario in force, read again at each step (a test may change it mid-run).
  std::function<Scenario()> scenario;
  // Records a status change (and the reason for failed/cancelled).
  std::function<void(Status, const std::string&)> set_status;
  // Records base's version as read from the restored database.
  std::function<void(const std::string&)> set_source_version;
  // Set when the sandbox is shutting down.
  const std::atomic<bool>* stopping = nullptr;
};

// Runs the whole processing of one request; ends by calling set_status with done, failed or
// cancelled. Never throws.
void run_processing(const ProcessingJob& job);

} // namespace odoo_upgrade::sandbox
