// The shared integration fixture (support/production_fixture.hpp) does what integration tests rely
// on: a production copy with its filestore, an Odoo role owning it, an initiated project, and
// cleanup of every database derived from the production name.
#include "../support/production_fixture.hpp"

#include <catch2/catch.hpp>

using namespace odoo_upgrade;

TEST_CASE("test::Production", "[integration]") {
  std::string name;
  std::string role;
  {
    test::ProductionOptions options;
    options.prefix = "fx";
    options.odoo_role = true;
    test::Production prod(options);
    name = prod.db;
    role = prod.role;
    CHECK(test::pg_database_exists(prod.db));
    CHECK(test::pg_query_value("postgres",
                               "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" +
                                   prod.db + "'") == role);
    CHECK(test::pg_query_value(
              prod.db, "SELECT tableowner FROM pg_tables WHERE tablename = 'res_partner'") == role);
    CHECK(std::filesystem::exists(prod.filestore(prod.db)));
    CHECK(prod.project()["phase"] == "initiated");
    CHECK(prod.project()["source"]["dbname"] == prod.db);
    // A database derived from the production name goes with it.
    test::pg_create_from_fixture(prod.db + "_test_18.0_r1", "odoo17");
  }
  CHECK_FALSE(test::pg_database_exists(name));
  CHECK_FALSE(test::pg_database_exists(name + "_test_18.0_r1"));
  CHECK(test::pg_query_value(
            "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'") == "0");
}
