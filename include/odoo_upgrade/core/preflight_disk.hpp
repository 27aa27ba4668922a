#pragma once

#include <odoo_upgrade/core/inspection.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The disk space each later step needs, checked by `initiate` (issue 11, case 4): a step that fills
// a filesystem fails half-way ("Input/output error", a half copy), at worst production's.
namespace odoo_upgrade::core {

// One step's need on one filesystem. `free` and `device` (st_dev) are std::nullopt when they
// cannot be known (e.g. the cluster's data directory of a remote or unprivileged connection).
struct DiskStep {
  std::string step;       // "dump", "download", "restore", "filestore copy"
  std::string path;       // where it writes
  std::uint64_t need = 0; // bytes
  std::optional<std::uint64_t> free;
  std::optional<std::uint64_t> device;
};

// The steps of a round: dump and download in `work_dir` (`dump_bytes` each: the dump's estimated
// size), the restore in the cluster's data directory (`database_bytes`; `pg_data` empty when
// unknown), the filestore copy in `data_dir` (`filestore_bytes`: 0 when it is made of hard links).
std::vector<DiskStep> round_disk_steps(const std::string& work_dir,
                                       const std::string& pg_data,
                                       const std::string& data_dir,
                                       std::uint64_t dump_bytes,
                                       std::uint64_t database_bytes,
                                       std::uint64_t filestore_bytes);

// Sums the needs of the steps that share a filesystem (same device, else same path) and compares
// each sum with its free space: blocking when one does not fit, ok otherwise; a step whose space
// cannot be known is shown as such. The message lists every step ("dump 60 MB in /w, …").
CheckResult check_disk_per_step(const std::vector<DiskStep>& steps);

} // namespace odoo_upgrade::core
