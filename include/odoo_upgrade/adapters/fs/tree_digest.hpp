#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

// The SHA-256 of a directory tree (a pg_dump -Fd dump) computed while the tree is still being
// written: each file known complete is hashed on a background thread as soon as it is announced,
// so that hashing overlaps the writer instead of re-reading the whole tree after it (a 1.5 GB dump
// took 4.7 s to hash after pg_dump; docs/benchmarks.md).
namespace odoo_upgrade::adapters::fs {

// What TreeDigest::finish measured of the tree.
struct TreeDigestResult {
  std::string sha256;      // as sha256_tree(dir) (files.hpp): the same bytes give the same digest
  std::uint64_t bytes = 0; // the regular files' sizes summed
  std::uint64_t files = 0; // regular files below the folder
  std::uint64_t hashed_early = 0; // files whose hash finish() took from the background thread
};

class TreeDigest {
public:
  // `dir` need not exist yet; nothing is read before add() or finish().
  explicit TreeDigest(std::filesystem::path dir);
  // Stops the background thread, dropping what it had not hashed; never throws.
  ~TreeDigest();
  TreeDigest(const TreeDigest&) = delete;
  TreeDigest& operator=(const TreeDigest&) = delete;

  // Announces `file` (below dir) as written and closed: it is queued for hashing. Thread-safe and
  // never blocks on I/O (callable from the thread that reads a child's stderr). A file that cannot
  // be read, or that changes after it was hashed (its size or modification time differ at finish),
  // is hashed again by finish().
  void add(const std::filesystem::path& file);

  // Waits for the queued files, then walks `dir`: every regular file not hashed early (or changed
  // since) is hashed now, and the digest is composed as sha256_tree's. Call once, after the writer
  // finished. Throws FilesystemError when a file cannot be read.
  TreeDigestResult finish();

private:
  struct Shared;
  std::filesystem::path m_dir;
  std::unique_ptr<Shared> m_shared;
};

} // namespace odoo_upgrade::adapters::fs
