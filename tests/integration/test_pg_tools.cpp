// pg_dump and pg_restore connect with the whole conninfo (issue 14): every libpq keyword reaches
// them through --dbname, the password only through their environment. They report their progress
// in tables (issue 14), read from their --verbose stderr, which never reaches an error message.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/tree_digest.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <vector>

using namespace odoo_upgrade;
namespace pg = odoo_upgrade::adapters::pg;
namespace stdfs = std::filesystem;

namespace {

std::string database_error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const core::DatabaseError& e) {
    return e.what();
  }
  return "no error";
}

// Every report of a run, and a check of their order: done only grows, never above total.
struct Reports {
  std::vector<pg::TableProgress> seen;
  pg::TableProgressFn fn() {
    return [this](const pg::TableProgress& p) { seen.push_back(p); };
  }
  void require_sane() const {
    REQUIRE(seen.size() >= 2);
    CHECK(seen.front().done == 0);
    for (std::size_t i = 1; i < seen.size(); ++i) {
      CHECK(seen[i].done >= seen[i - 1].done);
      CHECK(seen[i].done <= seen[i].total);
    }
  }
};

} // namespace

TEST_CASE("pg_dump and pg_restore get every keyword of the conninfo", "[integration][pg]") {
  test::ProductionOptions o;
  o.with_filestore = false;
  o.initiate = false;
  test::Production prod(o);
  auto dump = prod.dir / "dump";
  // A keyword the tools used to lose (no environment variable was set for it) now decides: the
  // server offers no GSSAPI encryption, so requiring it must fail the dump and the restore.
  std::string gss = prod.conninfo() + " gssencmode=require";
  Reports failed;
  std::string dump_error =
      database_error_of([&] { pg::dump_database(gss, dump, 1, 1, failed.fn()); });
  CHECK(dump_error.find("GSSAPI") != std::string::npos);

  // A password in the conninfo goes to the environment; the dump and the restore work.
  std::string with_password = pg::conninfo_with(prod.conninfo(), {{"password", "not-checked"}});
  Reports dumped;
  // Each table's data file is announced once pg_dump closed it: hashed then, the digest is the
  // whole dump's.
  adapters::fs::TreeDigest digest(dump);
  std::set<stdfs::path> announced;
  pg::dump_database(with_password, dump, 2, 1, dumped.fn(), [&](const stdfs::path& file) {
    announced.insert(file);
    digest.add(file);
  });
  auto hashed = digest.finish();
  CHECK(hashed.sha256 == adapters::fs::sha256_tree(dump));
  std::set<stdfs::path> data_files;
  for (const auto& entry : stdfs::directory_iterator(dump)) {
    if (entry.path().filename() != "toc.dat") {
      data_files.insert(entry.path());
    }
  }
  CHECK(announced == data_files);
  CHECK(hashed.hashed_early == data_files.size());
  CHECK(hashed.files == data_files.size() + 1);
  // Tables done of total, the total from the catalogue: what the dump's table of contents holds.
  std::size_t tables = test::pg_toc_table_data(dump);
  CHECK(tables > 100);
  dumped.require_sane();
  CHECK(dumped.seen.front().total == tables);
  CHECK(dumped.seen.back().done == tables);
  CHECK(dumped.seen.back().total == tables);
  CHECK(pg::count_archive_tables(dump) == tables);
  std::string copy = prod.db + "_copy";
  prod.drop_later(copy);
  auto shape = pg::database_shape(prod.conninfo(), prod.db);
  // pg_restore says "connecting to database for restore" (--verbose) before failing: the error
  // names the cause, never that chatter; the log keeps everything.
  std::string restore_error = database_error_of([&] {
    pg::restore_database(test::pg_admin_conninfo(),
                         pg::conninfo_with(prod.conninfo(), {{"gssencmode", "require"}}),
                         copy,
                         dump,
                         2,
                         shape,
                         prod.dir / "pg_restore.log",
                         failed.fn());
  });
  INFO(dump_error << "\n" << restore_error);
  CHECK(restore_error.find("GSSAPI") != std::string::npos);
  for (const std::string& e : {dump_error, restore_error}) {
    CHECK(e.find("connecting to database") == std::string::npos);
    CHECK(e.find("reading") == std::string::npos);
  }
  CHECK(test::read_file(prod.dir / "pg_restore.log").find("connecting to database for restore") !=
        std::string::npos);
  pg::drop_created_database(test::pg_admin_conninfo(), copy);
  Reports restored;
  pg::restore_database(
      test::pg_admin_conninfo(), with_password, copy, dump, 2, shape, std::nullopt, restored.fn());
  restored.require_sane();
  CHECK(restored.seen.front().total == tables);
  CHECK(restored.seen.back().done == tables);
  CHECK(restored.seen.back().total == tables);
  CHECK(test::pg_query_value(copy, "SELECT count(*) FROM res_partner") ==
        test::pg_query_value(prod.db, "SELECT count(*) FROM res_partner"));
}
