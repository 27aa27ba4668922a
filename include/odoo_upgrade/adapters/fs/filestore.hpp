#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

// Odoo filestores (`<data_dir>/filestore/<db>`): one folder of attachment files per database.
//
// Odoo stores an attachment's file under its content's SHA-1 (`ir.attachment._file_write` in Odoo
// 16.0 and 17.0, odoo/addons/base/models/ir_attachment.py: `<sha1[:2]>/<sha1>`), writes a file only
// when no file of that name exists, and never writes into an existing file; the garbage collector
// only unlinks. Two databases' filestores may therefore share files by hard link or reflink: what
// one database does never changes the other's files (issue 15).
namespace odoo_upgrade::adapters::fs {

// How the files got into a merged filestore. `linked` files share their inode with the source
// (hard links: same filesystem), `cloned` ones share its data blocks (reflinks, FICLONE, on
// filesystems that support it: btrfs, XFS with reflink, bcachefs), `copied` ones were copied byte
// for byte (`copied_bytes` in all): what a merge adds to the disk is about `copied_bytes`.
struct FilestoreMerge {
  std::uint64_t files = 0; // regular files in the merged filestore
  std::uint64_t linked = 0;
  std::uint64_t cloned = 0;
  std::uint64_t copied = 0;
  std::uint64_t copied_bytes = 0;
  // "hard links", "reflinks", "copies", a mix ("hard links and copies"), or "empty".
  std::string mode() const;
};

// Builds `dest` (removed first when it exists) from the production filestore `production`, then
// the filestore returned by the upgrade service (`received`; may be empty or missing) over it. Each
// file is hard-linked, else reflinked, else copied (each fallback is tried once per source and
// kept); a file of `received` replaces one of the same name by unlink and link, never by writing
// into it, so no source file is ever changed. A missing source is logged and skipped.
// Throws FilesystemError; on ENOSPC the message says "no space left on '<dest>'" with the bytes
// free, and the half-built `dest` is removed.
FilestoreMerge merge_filestore(const std::filesystem::path& production,
                               const std::filesystem::path& received,
                               const std::filesystem::path& dest);

// True when `a` and `b` (or their nearest existing parents) are on one filesystem, so files can be
// hard-linked between them and a merge adds next to nothing to the disk. False when unknown.
bool same_filesystem(const std::filesystem::path& a, const std::filesystem::path& b);

} // namespace odoo_upgrade::adapters::fs
