#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/fs/tree_digest.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;

TEST_CASE("adapters::fs::write_file_atomic writes 0600 and replaces whole", "[adapters]") {
  test::TempDir dir("atomic");
  auto path = dir / "p.json";
  adapters::fs::write_file_atomic(path, "one");
  adapters::fs::write_file_atomic(path, "two");
  CHECK(adapters::fs::read_file(path) == "two");
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // No temporary files left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(dir.path())) {
    ++entries;
  }
  CHECK(entries == 1);
  CHECK_THROWS_AS(adapters::fs::write_file_atomic(dir / "missing" / "x", "y"),
                  core::FilesystemError);
}

TEST_CASE("adapters::fs::ProjectLock is exclusive", "[adapters]") {
  test::TempDir dir("lock");
  auto path = dir / "odoo-upgrade.json";
  {
    adapters::fs::ProjectLock first(path);
    try {
      adapters::fs::ProjectLock second(path);
      FAIL("second lock acquired");
    } catch (const core::LockError& e) {
      CHECK(e.code() == core::ExitCode::locked);
    }
  }
  CHECK_NOTHROW(adapters::fs::ProjectLock(path));
}

TEST_CASE("adapters::fs::load_project names the position of a JSON error", "[adapters]") {
  test::TempDir dir("load");
  auto path = dir / "p.json";
  test::write_file(path, "{\n  \"schema_version\": 1,\n  \"customer\": \"x\"\n  oops\n}\n");
  try {
    adapters::fs::load_project(path);
    FAIL("loaded a broken file");
  } catch (const core::FilesystemError& e) {
    CHECK(std::string(e.what()).find("line 4") != std::string::npos);
  }
  CHECK(test::read_file(path).find("oops") != std::string::npos); // untouched
  CHECK_THROWS_AS(adapters::fs::load_project(dir / "none.json"), core::PreconditionError);
}

TEST_CASE("adapters::fs::SecretStore keeps secrets in a 0600 sibling file", "[adapters]") {
  test::TempDir dir("secrets");
  auto project = dir / "acme.json";
  {
    adapters::fs::SecretStore s(project);
    s.set("contract", "M1234567890abcdef");
  }
  adapters::fs::SecretStore again(project);
  CHECK(again.get("contract") == "M1234567890abcdef");
  CHECK_FALSE(again.get("token"));
  CHECK(again.path() == dir / "acme.secrets.json");
  struct stat st {};
  REQUIRE(stat(again.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("adapters::fs::tree_size and sha256", "[adapters]") {
  test::TempDir dir("tree");
  stdfs::create_directories(dir / "a" / "b");
  test::write_file(dir / "a" / "x", "hello");
  test::write_file(dir / "a" / "b" / "y", "world!");
  auto size = adapters::fs::tree_size(dir.path());
  CHECK(size.files == 2);
  CHECK(size.bytes == 11);
  CHECK(adapters::fs::sha256_file(dir / "a" / "x") ==
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  // The digest recorded for a dump: sha256 over "<relative path>\0<file's sha256 hex>\n" of every
  // file, sorted by path. Pinned, since rounds recorded earlier are compared with it.
  auto before = adapters::fs::sha256_tree(dir.path());
  CHECK(before == "413b4b65281ab5fbcf7df21b61db95121168ec37522a48f902ea5bd6d8f386cc");
  test::write_file(dir / "a" / "x", "hellO");
  CHECK(adapters::fs::sha256_tree(dir.path()) != before);
}

TEST_CASE("adapters::fs::TreeDigest hashes files as they are announced", "[adapters]") {
  test::TempDir dir("digest");
  stdfs::create_directories(dir / "a" / "b");
  test::write_file(dir / "a" / "x", "hello");
  test::write_file(dir / "a" / "b" / "y", "world!");
  test::write_file(dir / "toc.dat", "table of contents");
  std::string whole = adapters::fs::sha256_tree(dir.path());

  SECTION("files announced early give the digest of the whole tree") {
    adapters::fs::TreeDigest digest(dir.path());
    digest.add(dir / "a" / "x");
    digest.add(stdfs::path("a") / "b" / "y"); // relative to the folder
    digest.add(dir / "not-there");            // ignored: finish() walks what exists
    auto result = digest.finish();
    CHECK(result.sha256 == whole);
    CHECK(result.hashed_early == 2);
    CHECK(result.files == 3);
    CHECK(result.bytes == 5 + 6 + 17);
  }
  SECTION("a file rewritten after it was hashed is hashed again") {
    adapters::fs::TreeDigest digest(dir.path());
    digest.add(dir / "a" / "x");
    digest.add(dir / "toc.dat");
    // The queue drained, most likely (a machine under load may hash later, the new content then:
    // the digest must be right either way)...
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // ...then one file changes size, the other its modification time only.
    test::write_file(dir / "a" / "x", "hello, again");
    test::write_file(dir / "toc.dat", "TABLE OF CONTENTS");
    struct timespec times[2] = {{0, UTIME_OMIT}, {1, 0}};
    REQUIRE(utimensat(AT_FDCWD, (dir / "toc.dat").c_str(), times, 0) == 0);
    auto result = digest.finish();
    CHECK(result.sha256 == adapters::fs::sha256_tree(dir.path()));
    CHECK(result.sha256 != whole);
  }
  SECTION("a folder that is not there is a FilesystemError naming it") {
    adapters::fs::TreeDigest gone(dir / "gone");
    CHECK_THROWS_AS(gone.finish(), core::FilesystemError);
    CHECK_THROWS_WITH(adapters::fs::sha256_tree(dir / "gone"),
                      Catch::Contains("cannot read the folder '" + (dir / "gone").string()));
  }
  SECTION("nothing announced, or abandoned before finish") {
    CHECK(adapters::fs::TreeDigest(dir.path()).finish().sha256 == whole);
    // Dropped with files queued: the destructor stops the thread (a hang or a sanitizer report
    // fails the test).
    adapters::fs::TreeDigest abandoned(dir.path());
    for (int i = 0; i < 100; ++i) {
      abandoned.add(dir / "a" / "x");
    }
  }
}

TEST_CASE("adapters::run_process streams lines and reports how the child ended", "[adapters]") {
  std::vector<std::string> lines;
  adapters::ProcessOptions opts;
  opts.on_stdout_line = [&](std::string_view l) { lines.emplace_back(l); };
  opts.env = {{"OU_X", "42"}};
  auto r = adapters::run_process(
      {"sh", "-c", "printf 'a\\rb\\nc %s\\n' \"$OU_X\"; echo err >&2; exit 3"}, opts);
  CHECK(r.exit_code == 3);
  CHECK_FALSE(r.ok());
  CHECK(lines == std::vector<std::string>{"a", "b", "c 42"});
  CHECK(r.last_error_line() == "err");
  CHECK(r.describe() == "exit status 3");

  adapters::ProcessOptions slow;
  slow.timeout = std::chrono::milliseconds(300);
  auto t = adapters::run_process({"sleep", "5"}, slow);
  CHECK(t.timed_out);
  CHECK_THROWS_AS(adapters::run_process({"no-such-program-ou"}), core::FilesystemError);
}

TEST_CASE("adapters::run_process stops the child on interrupt", "[adapters]") {
  std::thread t([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    core::set_interrupted();
  });
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(adapters::run_process({"sleep", "10"}), core::Interrupted);
  t.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}
