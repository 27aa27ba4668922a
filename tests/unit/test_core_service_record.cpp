#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/service_record.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::ServiceRecord round-trips through JSON", "[core]") {
  ServiceRecord s;
  s.url = "https://upgrade.example";
  s.ca_file = "/etc/ca.pem";
  s.data_server_user = "odoo";
  s.extra["proxy"] = "none";
  auto j = to_json(s);
  auto back = service_from_json(j);
  CHECK(back.url == s.url);
  CHECK(back.ca_file == s.ca_file);
  CHECK(back.data_server_user == "odoo");
  CHECK(back.extra == json{{"proxy", "none"}});
  s.ca_file.reset();
  CHECK_FALSE(to_json(s).contains("ca_file"));
}

TEST_CASE("core::service_from_json refuses a field of the wrong type (exit 6)", "[core]") {
  try {
    service_from_json(json{{"url", 443}});
    FAIL("no error");
  } catch (const FilesystemError& e) {
    CHECK(e.code() == ExitCode::filesystem);
    CHECK(std::string(e.what()).find("'service.url'") != std::string::npos);
  }
}

TEST_CASE("core::read_service and write_service", "[core]") {
  Project p("Acme", *parse_iso8601("2026-11-21T10:00:00Z"));
  CHECK(read_service(p).url.empty());
  ServiceRecord s;
  s.url = "https://upgrade.odoo.com";
  write_service(p, s);
  CHECK(read_service(p).url == "https://upgrade.odoo.com");
}
