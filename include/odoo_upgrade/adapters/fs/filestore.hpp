#pragma once

#include <cstdint>
#include <filesystem>

// Odoo filestores (`<data_dir>/filestore/<db>`): one folder of attachment files per database.
namespace odoo_upgrade::adapters::fs {

// Copies the production filestore `production` to `dest` (removed first when it exists), then the
// filestore returned by the upgrade service (`received`; may be empty or missing) over it. A
// missing source is logged and skipped. Returns the number of files in `dest`. Throws
// FilesystemError.
std::uint64_t merge_filestore(const std::filesystem::path& production,
                              const std::filesystem::path& received,
                              const std::filesystem::path& dest);

} // namespace odoo_upgrade::adapters::fs
