// adapters::fs::merge_filestore: files by hard link, reflink or copy, never written through, and a
// full filesystem cleaned up (issues 11 case 4 and 15). The cross-filesystem cases mount a tmpfs
// and need root; without it they say so and do not run.
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;

namespace {

// Two files in Odoo's layout (<sha1[:2]>/<sha1>), `size` bytes each.
void make_filestore(const stdfs::path& dir, std::size_t size, char fill) {
  stdfs::create_directories(dir / "ab");
  stdfs::create_directories(dir / "cd");
  test::write_file(dir / "ab" / "ab12", std::string(size, fill));
  test::write_file(dir / "cd" / "cd34", std::string(size, fill));
}

ino_t inode(const stdfs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

// A tmpfs of `size` mounted at `path` while in scope (root only).
struct Tmpfs {
  stdfs::path path;
  bool mounted = false;
  Tmpfs(const stdfs::path& where, const std::string& size) : path(where) {
    stdfs::create_directories(path);
    std::string options = "size=" + size;
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted) {
      ::umount2(path.c_str(), MNT_DETACH);
    }
  }
};

} // namespace

TEST_CASE("merge_filestore hard-links on one filesystem and never writes into production's files",
          "[adapters]") {
  test::TempDir dir("filestore");
  make_filestore(dir / "prod", 100, 'p');
  stdfs::create_directories(dir / "returned" / "cd");
  test::write_file(dir / "returned" / "cd" / "cd34", "returned by the service");
  test::write_file(dir / "returned" / "cd" / "cd99", "new");
  CHECK(adapters::fs::hard_links_possible(dir / "prod", dir / "test"));
  auto merge = adapters::fs::merge_filestore(dir / "prod", dir / "returned", dir / "test");
  CHECK(merge.files == 3);
  CHECK(merge.copied == 0);
  CHECK(merge.copied_bytes == 0);
  CHECK(merge.mode() == "hard links");
  // Production's file and the test database's are one inode.
  CHECK(inode(dir / "prod" / "ab" / "ab12") == inode(dir / "test" / "ab" / "ab12"));
  // The returned file replaced the link: production's file is unchanged.
  CHECK(test::read_file(dir / "test" / "cd" / "cd34") == "returned by the service");
  CHECK(test::read_file(dir / "prod" / "cd" / "cd34") == std::string(100, 'p'));
  // A second merge (a re-run) starts over, production's files still intact.
  merge = adapters::fs::merge_filestore(dir / "prod", "", dir / "test");
  CHECK(merge.files == 2);
  CHECK(test::read_file(dir / "test" / "cd" / "cd34") == std::string(100, 'p'));
  CHECK_FALSE(stdfs::exists(dir / "test" / "cd" / "cd99"));
}

TEST_CASE("merge_filestore places each file under its own name however the sources are spelt",
          "[adapters]") {
  // The destination names are made lexically from the sources' paths (no canonicalization per
  // file): a trailing slash or a ".." in a source must not move a file.
  test::TempDir dir("filestore-names");
  make_filestore(dir / "prod", 10, 'p');
  stdfs::create_directories(dir / "returned" / "ef");
  test::write_file(dir / "returned" / "ef" / "ef56", "new");
  stdfs::create_directories(dir / "elsewhere");
  auto prod = (dir / "prod").string() + "/";
  auto returned = dir / "elsewhere" / ".." / "returned";
  auto merge = adapters::fs::merge_filestore(prod, returned, dir / "test");
  CHECK(merge.files == 3);
  CHECK(merge.mode() == "hard links");
  CHECK(inode(dir / "prod" / "ab" / "ab12") == inode(dir / "test" / "ab" / "ab12"));
  CHECK(inode(dir / "prod" / "cd" / "cd34") == inode(dir / "test" / "cd" / "cd34"));
  CHECK(test::read_file(dir / "test" / "ef" / "ef56") == "new");
  CHECK(adapters::fs::tree_size(dir / "test").files == 3);
}

TEST_CASE("merge_filestore copies across filesystems and cleans up a full one", "[adapters]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot mount a tmpfs; case not run");
    return;
  }
  test::TempDir dir("filestore-x");
  make_filestore(dir / "prod", 300 * 1024, 'p');
  {
    Tmpfs other(dir / "other", "4m");
    REQUIRE(other.mounted);
    CHECK_FALSE(adapters::fs::hard_links_possible(dir / "prod", other.path / "test"));
    auto merge = adapters::fs::merge_filestore(dir / "prod", "", other.path / "test");
    CHECK(merge.files == 2);
    CHECK(merge.copied + merge.cloned == 2); // tmpfs has no reflinks: copies
    CHECK(merge.mode() == "copies");
    CHECK(merge.copied_bytes == 2 * 300 * 1024);
    CHECK(test::read_file(other.path / "test" / "ab" / "ab12") == std::string(300 * 1024, 'p'));
  }
  {
    // Room for one file, not two: the half copy is removed and the message says why.
    Tmpfs small(dir / "small", "400k");
    REQUIRE(small.mounted);
    try {
      adapters::fs::merge_filestore(dir / "prod", "", small.path / "test");
      FAIL("a merge into a full filesystem succeeded");
    } catch (const core::FilesystemError& e) {
      std::string what = e.what();
      INFO(what);
      CHECK(what.find("no space left on '" + small.path.string() + "'") != std::string::npos);
      CHECK(what.find("free") != std::string::npos);
    }
    CHECK_FALSE(stdfs::exists(small.path / "test"));
    CHECK(test::read_file(dir / "prod" / "ab" / "ab12") == std::string(300 * 1024, 'p'));
  }
}

TEST_CASE("FilestoreMerge::mode names every way used", "[adapters]") {
  adapters::fs::FilestoreMerge m;
  CHECK(m.mode() == "empty");
  m.linked = 2;
  m.copied = 1;
  CHECK(m.mode() == "hard links and copies");
  m.cloned = 1;
  CHECK(m.mode() == "hard links, reflinks and copies");
}
