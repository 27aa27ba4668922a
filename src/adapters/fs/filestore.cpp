#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <string>

namespace odoo_upgrade::adapters::fs {

namespace stdfs = std::filesystem;

std::uint64_t merge_filestore(const stdfs::path& production,
                              const stdfs::path& received,
                              const stdfs::path& dest) {
  std::error_code ec;
  stdfs::remove_all(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot remove '" + dest.string() + "': " + ec.message(),
                                "check the ownership of the project's work dir");
  }
  stdfs::create_directories(dest, ec);
  if (ec) {
    throw core::FilesystemError("cannot create filestore '" + dest.string() + "': " + ec.message());
  }
  auto copy_over = [&](const stdfs::path& from, const char* what) {
    if (!stdfs::exists(from, ec)) {
      spdlog::warn("{} filestore '{}' is missing; nothing copied from it", what, from.string());
      return;
    }
    stdfs::copy(
        from, dest, stdfs::copy_options::recursive | stdfs::copy_options::overwrite_existing, ec);
    if (ec) {
      throw core::FilesystemError("cannot copy the " + std::string(what) + " filestore '" +
                                  from.string() + "' to '" + dest.string() + "': " + ec.message());
    }
  };
  copy_over(production, "production");
  copy_over(received, "returned");
  return tree_size(dest).files;
}

} // namespace odoo_upgrade::adapters::fs
