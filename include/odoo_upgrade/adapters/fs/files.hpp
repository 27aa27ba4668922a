#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::adapters::fs {

// Writes `content` to `path` atomically: a temporary file in the same directory, fsync, rename over
// `path`, fsync the directory. The file gets `mode` (default 0600). Readers see the old or the new
// file, never a mix; a crash leaves the old file intact. Throws FilesystemError.
void write_file_atomic(const std::filesystem::path& path,
                       std::string_view content,
                       unsigned mode = 0600);

// Removes the temporary files write_file_atomic left for `path` when a run was killed between
// creating and renaming them (`.<name>.tmp.XXXXXX` beside it). Call it only while no other process
// may be writing `path` (the project lock is held). Returns how many were removed; never throws.
int remove_stale_temp_files(const std::filesystem::path& path);

// Whole file as a string; throws FilesystemError when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Bytes free for an unprivileged user on the filesystem holding `path` (or its nearest existing
// parent); std::nullopt when it cannot be determined.
std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path);

struct TreeSize {
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
  std::uint64_t unreadable = 0; // entries that could not be read (permissions…)
};
// Total size of the regular files below `dir` (symlinks are not followed).
TreeSize tree_size(const std::filesystem::path& dir);

// SHA-256 of bytes in memory (hex).
std::string sha256_text(std::string_view text);
// SHA-256 of a file (hex), streamed; throws FilesystemError.
std::string sha256_file(const std::filesystem::path& path);
// SHA-256 over a directory tree: every regular file's relative path and content hash, in sorted
// order (so the same tree always gives the same digest).
std::string sha256_tree(const std::filesystem::path& dir);

// $HOME, or the passwd entry's home directory.
std::filesystem::path home_dir();

} // namespace odoo_upgrade::adapters::fs
