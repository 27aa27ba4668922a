// pg::Transaction and pg::Savepoint against a real server: roll back unless committed.
#include "../support/test_env.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade;
using namespace odoo_upgrade::adapters::pg;

TEST_CASE("pg::Transaction and pg::Savepoint", "[integration]") {
  std::string db = test::unique_db_name("tx");
  {
    Connection admin(test::pg_admin_conninfo());
    admin.exec_no_rows("CREATE DATABASE " + quote_identifier(db));
  }
  test::DatabaseGuard guard({db});
  Connection c(test::pg_conninfo(db));
  c.exec_no_rows("CREATE TABLE t (v int)");
  auto count = [&] { return c.query_value("SELECT count(*) FROM t").value_or("?"); };

  SECTION("a transaction not committed is rolled back, also on an exception") {
    {
      Transaction tx(c);
      c.exec_no_rows("INSERT INTO t VALUES (1)");
    }
    CHECK(count() == "0");
    try {
      Transaction tx(c);
      c.exec_no_rows("INSERT INTO t VALUES (1)");
      throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    CHECK(count() == "0");
    {
      Transaction tx(c);
      c.exec_no_rows("INSERT INTO t VALUES (1)");
      tx.commit();
    }
    CHECK(count() == "1");
  }
  SECTION("read-only and repeatable read") {
    Transaction tx(c, Isolation::repeatable_read, Access::read_only);
    CHECK(c.query_value("SHOW transaction_isolation") == "repeatable read");
    CHECK_THROWS_AS(c.exec_no_rows("INSERT INTO t VALUES (2)"), core::DatabaseError);
  }
  SECTION("a savepoint undoes only what came after it") {
    Transaction tx(c);
    c.exec_no_rows("INSERT INTO t VALUES (1)");
    {
      Savepoint sp(c, "check_one");
      c.exec_no_rows("INSERT INTO t VALUES (2)");
    }
    {
      Savepoint sp(c, "check_two");
      c.exec_no_rows("INSERT INTO t VALUES (3)");
      sp.release();
    }
    tx.commit();
    CHECK(c.query_value("SELECT string_agg(v::text, ',' ORDER BY v) FROM t") == "1,3");
  }
  SECTION("exec_no_rows refuses a statement that returns rows") {
    CHECK_THROWS_WITH(c.exec_no_rows("SELECT 1"), Catch::Contains("returned 1 rows"));
  }
}
