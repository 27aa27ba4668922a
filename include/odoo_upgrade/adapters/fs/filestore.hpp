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
// one database does never changes the other's files (issue 15). Checked in 16.0 and 17.0 only (the
// test database runs the target series: a target that changed this would need checking again).
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

// True when this process can hard-link a file of `production` into `dest` (or its nearest existing
// parent), so that a merge adds next to nothing to the disk: the same filesystem, and a link the
// kernel allows (with fs.protected_hardlinks = 1, Debian's default, only to a file the user owns
// or may write). Probed with one file and a temporary link, removed at once; false when
// `production` has no file or the probe fails.
bool hard_links_possible(const std::filesystem::path& production,
                         const std::filesystem::path& dest);

// What copying a filestore of `files` files and `bytes` bytes may take on disk: every file's last
// block rounded up to 4 KiB (allocated space, not the apparent size).
std::uint64_t filestore_copy_bytes(std::uint64_t files, std::uint64_t bytes);

} // namespace odoo_upgrade::adapters::fs
