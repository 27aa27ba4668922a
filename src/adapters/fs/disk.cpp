#include <odoo_upgrade/adapters/fs/disk.hpp>
#include <odoo_upgrade/adapters/fs/files.hpp>

#include <sys/stat.h>

namespace odoo_upgrade::adapters::fs {

DiskPlace disk_place(const std::filesystem::path& path) {
  DiskPlace place;
  if (path.empty()) {
    return place;
  }
  std::filesystem::path p = path;
  std::error_code ec;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) {
    p = p.parent_path();
  }
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0) {
    place.device = static_cast<std::uint64_t>(st.st_dev);
  }
  place.free = free_bytes(p);
  return place;
}

} // namespace odoo_upgrade::adapters::fs
