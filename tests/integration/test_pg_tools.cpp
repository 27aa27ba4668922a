// pg_dump and pg_restore connect with the whole conninfo (issue 14): every libpq keyword reaches
// them through --dbname, the password only through their environment.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

#include <functional>

using namespace odoo_upgrade;
namespace pg = odoo_upgrade::adapters::pg;

namespace {

std::string database_error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const core::DatabaseError& e) {
    return e.what();
  }
  return "no error";
}

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
  CHECK(database_error_of([&] { pg::dump_database(gss, dump, 1); }).find("GSSAPI") !=
        std::string::npos);

  // A password in the conninfo goes to the environment; the dump and the restore work.
  std::string with_password = pg::conninfo_with(prod.conninfo(), {{"password", "not-checked"}});
  pg::dump_database(with_password, dump, 2);
  std::string copy = prod.db + "_copy";
  prod.drop_later(copy);
  auto shape = pg::database_shape(prod.conninfo(), prod.db);
  CHECK(database_error_of([&] {
          pg::restore_database(test::pg_admin_conninfo(),
                               pg::conninfo_with(prod.conninfo(), {{"gssencmode", "require"}}),
                               copy,
                               dump,
                               2,
                               shape);
        }).find("GSSAPI") != std::string::npos);
  pg::drop_created_database(test::pg_admin_conninfo(), copy);
  pg::restore_database(test::pg_admin_conninfo(), with_password, copy, dump, 2, shape);
  CHECK(test::pg_query_value(copy, "SELECT count(*) FROM res_partner") ==
        test::pg_query_value(prod.db, "SELECT count(*) FROM res_partner"));
}
