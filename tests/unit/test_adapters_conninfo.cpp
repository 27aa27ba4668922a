// The one conninfo builder (adapters/pg/pq.hpp): parsing, setting keywords, quoting.
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::adapters::pg;
namespace core = odoo_upgrade::core;

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

TEST_CASE("adapters::pg::tool_connection", "[adapters]") {
  SECTION("every keyword reaches the tool; the password only its environment") {
    auto tool = tool_connection(
        "postgresql://odoo:s3cret@db.example:6432/acme?sslmode=verify-full&channel_binding=require"
        "&gssencmode=disable&sslcrl=/etc/crl.pem&keepalives_idle=30&tcp_user_timeout=5000");
    REQUIRE(tool.dbname_option.starts_with("--dbname="));
    auto info = parse_conninfo(tool.dbname_option.substr(9));
    CHECK(info.get("host") == "db.example");
    CHECK(info.get("port") == "6432");
    CHECK(info.get("dbname") == "acme");
    CHECK(info.get("channel_binding") == "require");
    CHECK(info.get("gssencmode") == "disable");
    CHECK(info.get("sslcrl") == "/etc/crl.pem");
    CHECK(info.get("keepalives_idle") == "30");
    CHECK(info.get("tcp_user_timeout") == "5000");
    CHECK(info.get("fallback_application_name") == "odoo-upgrade");
    CHECK_FALSE(info.get("password"));
    CHECK(tool.dbname_option.find("s3cret") == std::string::npos);
    CHECK(tool.env == std::vector<std::pair<std::string, std::string>>{{"PGPASSWORD", "s3cret"}});
  }
  SECTION("without a password the environment is left alone; a named application stays") {
    auto tool = tool_connection("host=/tmp dbname=acme application_name=nightly");
    CHECK(tool.env.empty());
    CHECK(parse_conninfo(tool.dbname_option.substr(9)).get("application_name") == "nightly");
  }
  SECTION("sslpassword has no environment variable: refused, never put in argv or stored") {
    const std::string with_key_passphrase =
        "host=db.example dbname=acme sslkey=/k/client.key sslpassword=k3y-secret";
    CHECK_THROWS_AS(tool_connection(with_key_passphrase), core::UsageError);
    CHECK_THROWS_AS(redact_conninfo(with_key_passphrase), core::UsageError);
    try {
      tool_connection(with_key_passphrase);
    } catch (const core::UsageError& e) {
      CHECK(std::string(e.what()).find("k3y-secret") == std::string::npos);
      CHECK(e.hint().find("service=NAME") != std::string::npos);
    }
    // A service file is how it is given: the conninfo names the service only.
    auto tool = tool_connection("service=acme-prod");
    CHECK(parse_conninfo(tool.dbname_option.substr(9)).get("service") == "acme-prod");
  }
}
