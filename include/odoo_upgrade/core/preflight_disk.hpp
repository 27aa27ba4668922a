#pragma once

#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/request_record.hpp>

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

// The gzip level of a dump whose round recorded none: pg_dump's own default, what every round sent
// before `--compress` existed.
inline constexpr int k_unrecorded_dump_compression = 6;

// The size a new dump of production made at gzip level `compression` is estimated at from the
// earlier rounds: the largest of their pg_dump (or runbook scratch) dumps made at that level or a
// lower one (a lower level makes a larger dump of the same data), plus 10 %; 0 when none was
// (the caller then estimates from the tables' size).
std::uint64_t earlier_dump_estimate(const std::vector<RequestRecord>& rounds, int compression);

// Whether the size of the dump sent estimates the upgraded dump the service returns: not when it
// was sent uncompressed (the service's dump is compressed: three times smaller on the data of
// docs/benchmarks.md), nor when nothing was recorded.
bool sent_dump_estimates_download(const SentDump& sent);

// Sums the needs of the steps that share a filesystem (same device, else same path) and compares
// each sum with its free space: blocking when one does not fit, ok otherwise; a step whose space
// cannot be known is shown as such. The message lists every step ("dump 60 MB in /w, …").
CheckResult check_disk_per_step(const std::vector<DiskStep>& steps);

} // namespace odoo_upgrade::core
