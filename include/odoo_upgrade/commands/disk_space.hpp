#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/core/preflight_disk.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>

#include <filesystem>
#include <string>
#include <vector>

// Disk space before every step that writes much (issue 11, case 4): the steps still to come are
// estimated and compared with the free space where each writes, so that no step starts that would
// fill a filesystem (at worst production's) half-way. `initiate` checks the same steps once.
namespace odoo_upgrade::commands {

// Which steps of a request are still to come.
struct StepsAhead {
  bool dump = false;     // pg_dump of production into the request's folder
  bool download = false; // the upgraded dump into `<request folder>/received`
  bool restore = false;  // pg_restore into the cluster and the filestore copy into the data dir
};

// Estimates, in bytes, of the steps ahead, from production (through the project's conninfo):
// - dump: core::earlier_dump_estimate at `rec.dump.compression` (the level about to be used;
//   unset: pg_dump's default 6), else the size of its tables without indexes (adapters/pg
//   database_bytes); 0 for a dump given with --dump (`rec.dump.source` "file");
// - download: the dump sent (its recorded size) unless it was sent uncompressed
//   (core::sent_dump_estimates_download), else the dump estimate;
// - restore: production's database size, in the cluster's data directory when it can be known
//   from here (adapters/pg local_data_directory; else shown as unknown, not checked);
// - filestore copy: 0 when production's filestore and the data dir share a filesystem (the merge
//   hard-links, adapters/fs merge_filestore), else the filestore's size from `initiate`.
// `database_bytes`, when given, receives production's pg_database_size read for the estimate (the
// size a dump records, without another connection). Throws DatabaseError when production cannot
// be read.
std::vector<core::DiskStep> request_disk_steps(const core::Project& project,
                                               const adapters::fs::SecretStore& secrets,
                                               const core::RequestRecord& rec,
                                               const std::filesystem::path& request_dir,
                                               StepsAhead ahead,
                                               std::uint64_t* database_bytes = nullptr);

// Fills each step's free space and filesystem from where it writes (adapters/fs disk_place).
void fill_disk_places(std::vector<core::DiskStep>& steps);

// Fills each step's free space and filesystem (adapters/fs disk_place) and checks them together:
// steps on one filesystem add up (core::check_disk_per_step). When they do not fit, throws
// FilesystemError (exit 6) "<before>: not enough space on '<path>': need …, have …" with the
// list; with `skip` (--skip-disk-check) logs that as a warning and returns.
void require_disk_space(std::vector<core::DiskStep> steps, const std::string& before, bool skip);

} // namespace odoo_upgrade::commands
