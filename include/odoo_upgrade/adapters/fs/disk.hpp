#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace odoo_upgrade::adapters::fs {

// The filesystem holding `path` (or its nearest existing parent): its device (st_dev) and the
// bytes free for an unprivileged user; std::nullopt fields when they cannot be read.
struct DiskPlace {
  std::optional<std::uint64_t> device;
  std::optional<std::uint64_t> free;
};
DiskPlace disk_place(const std::filesystem::path& path);

} // namespace odoo_upgrade::adapters::fs
