#include <odoo_upgrade/adapters/fs/disk.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/adapters/pg/data_directory.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/source_record.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;

std::vector<core::DiskStep> request_disk_steps(const core::Project& project,
                                               const adapters::fs::SecretStore& secrets,
                                               const core::RequestRecord& rec,
                                               const stdfs::path& request_dir,
                                               StepsAhead ahead,
                                               std::uint64_t* database_bytes) {
  std::string conninfo = source_conninfo(project, secrets);
  adapters::pg::Connection conn(conninfo);
  conn.set_read_only();
  auto sizes = adapters::pg::database_bytes(conn);
  if (database_bytes != nullptr) {
    *database_bytes = sizes.database;
  }
  std::uint64_t dump = core::earlier_dump_estimate(
      core::read_rounds(project),
      rec.dump.compression.value_or(core::k_unrecorded_dump_compression));
  auto source = core::read_source(project);
  stdfs::path filestores = data_dir(project) / "filestore";
  bool linked = adapters::fs::hard_links_possible(source.filestore.path, filestores);
  auto all = core::round_disk_steps(
      request_dir.string(),
      ahead.restore ? adapters::pg::local_data_directory(conn, conninfo) : std::string(),
      filestores.string(),
      dump > 0 ? dump : sizes.tables,
      sizes.database,
      linked ? 0
             : adapters::fs::filestore_copy_bytes(
                   static_cast<std::uint64_t>(source.filestore.files),
                   static_cast<std::uint64_t>(source.filestore.size_bytes)));
  bool given = rec.dump.source.value_or("") == "file";
  std::vector<core::DiskStep> steps;
  for (auto& step : all) {
    if (step.step == "download") {
      step.path = (request_dir / "received").string();
      if (core::sent_dump_estimates_download(rec.dump)) {
        step.need = *rec.dump.bytes;
      }
    }
    bool wanted = step.step == "dump"       ? ahead.dump && !given
                  : step.step == "download" ? ahead.download
                                            : ahead.restore;
    if (wanted) {
      steps.push_back(step);
    }
  }
  return steps;
}

void fill_disk_places(std::vector<core::DiskStep>& steps) {
  for (auto& step : steps) {
    if (!step.path.empty()) {
      auto place = adapters::fs::disk_place(step.path);
      step.free = place.free;
      step.device = place.device;
    }
  }
}

void require_disk_space(std::vector<core::DiskStep> steps, const std::string& before, bool skip) {
  fill_disk_places(steps);
  auto check = core::check_disk_per_step(steps);
  if (check.status != core::Severity::blocking) {
    spdlog::info("{}: disk space: {}", before, check.message);
    return;
  }
  if (skip) {
    spdlog::warn("{}: {} (going on: --skip-disk-check)", before, check.message);
    return;
  }
  throw core::FilesystemError(before + ": " + check.message,
                              "free space there, then re-run (--skip-disk-check starts anyway when "
                              "the estimate is wrong)");
}

} // namespace odoo_upgrade::commands
