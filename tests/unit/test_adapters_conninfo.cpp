// The one conninfo builder (adapters/pg/pq.hpp): parsing, setting keywords, quoting.
#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::adapters::pg;

TEST_CASE("adapters::pg::conninfo_with", "[adapters]") {
  std::string c = conninfo_with("host=/tmp port=5432 dbname=prod", {{"password", "it's a\\ pw"}});
  CHECK(conninfo_password(c) == "it's a\\ pw");
  CHECK(parse_conninfo(c).get("dbname") == "prod");
  CHECK(conninfo_with_dbname(c, "other db").find("dbname='other db'") != std::string::npos);
  CHECK(redact_conninfo(c).find("password") == std::string::npos);
  // A URI comes back as keywords.
  auto info = parse_conninfo("postgresql://odoo@db.example:6432/acme?sslmode=require");
  CHECK(info.get("host") == "db.example");
  CHECK(info.get("sslmode") == "require");
  info.erase("sslmode");
  CHECK(!info.get("sslmode"));
  CHECK(to_conninfo(info) == "user=odoo dbname=acme host=db.example port=6432");
}
