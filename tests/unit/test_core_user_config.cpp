// Unit tests of the user's config file record (core/user_config): its keys, unknown keys kept,
// wrong types and a bad jobs count or compression level refused with exit 6.
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/user_config.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::user_config_from_json", "[core]") {
  auto c = user_config_from_json(json::parse(R"({"service_url": "https://u.example",
      "ca_file": "/ca.pem", "data_server_user": "upg", "jobs": 8, "compress": 0, "future_key": "kept"})"),
                                 "/home/c/.config/odoo-upgrade/config.json");
  CHECK(c.service_url == "https://u.example");
  CHECK(c.ca_file == "/ca.pem");
  CHECK(c.data_server_user == "upg");
  CHECK(c.jobs == 8);
  CHECK(c.compress == 0);
  CHECK_FALSE(user_config_from_json(json::object(), "c").compress);
  CHECK(c.extra == json{{"future_key", "kept"}});
  CHECK_FALSE(user_config_from_json(json::object(), "c").service_url);
  for (const char* bad : {R"({"jobs": 0})",
                          R"({"jobs": "8"})",
                          R"({"jobs": 8.5})",
                          R"({"jobs": true})",
                          R"({"jobs": 1e300})",
                          R"({"compress": -1})",
                          R"({"compress": 10})",
                          R"({"compress": "6"})",
                          R"({"service_url": 3})",
                          "[]"}) {
    INFO(bad);
    try {
      user_config_from_json(json::parse(bad), "c.json");
      FAIL("accepted");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("c.json") != std::string::npos);
    }
  }
}

TEST_CASE("core::user_config_from_json: the consultant and the logo", "[core]") {
  auto c = user_config_from_json(json::parse(R"({"consultant": {"name": "Partners SA",
      "contact": "jane@partners.example"}, "logo": "logo.png"})"),
                                 "c.json");
  REQUIRE(c.consultant);
  CHECK(c.consultant->name == "Partners SA");
  CHECK(c.consultant->contact == "jane@partners.example");
  CHECK(c.logo == "logo.png");
  // The name alone.
  c = user_config_from_json(json::parse(R"({"consultant": "Partners SA"})"), "c.json");
  REQUIRE(c.consultant);
  CHECK(c.consultant->name == "Partners SA");
  CHECK(c.consultant->contact.empty());
  CHECK_FALSE(user_config_from_json(json::object(), "c").consultant);
  for (auto [bad, field] : std::vector<std::pair<const char*, const char*>>{
           {R"({"consultant": 3})", "c.json.consultant"},
           {R"({"consultant": ""})", "c.json.consultant"},
           {R"({"consultant": {"contact": "x"}})", "c.json.consultant.name"},
           {R"({"consultant": {"name": "A\nB"}})", "c.json.consultant.name"},
           {R"({"consultant": {"name": "A", "contact": 1}})", "c.json.consultant.contact"},
           {R"({"logo": ""})", "c.json.logo"},
           {R"({"logo": ["a.png"]})", "c.json.logo"}}) {
    INFO(bad);
    try {
      user_config_from_json(json::parse(bad), "c.json");
      FAIL("accepted");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("'" + std::string(field) + "'") != std::string::npos);
    }
  }
}

TEST_CASE("core::user_config_from_json: the checklist template", "[core]") {
  CHECK(user_config_from_json(json::parse(R"({"checklist_template": "uat.txt"})"), "c.json")
            .checklist_template == "uat.txt");
  for (const char* bad : {R"({"checklist_template": ""})", R"({"checklist_template": 1})"}) {
    INFO(bad);
    CHECK_THROWS_AS(user_config_from_json(json::parse(bad), "c.json"), FilesystemError);
  }
}

TEST_CASE("core::user_config_from_json: the service URL is https", "[core]") {
  for (const char* url : {"https://upgrade.odoo.com", "https://127.0.0.1:8443/"}) {
    INFO(url);
    CHECK(user_config_from_json(json{{"service_url", url}}, "c.json").service_url == url);
  }
  for (const char* bad :
       {"http://upgrade.odoo.com", "upgrade.odoo.com", "https://", "https:///", ""}) {
    INFO(bad);
    try {
      user_config_from_json(json{{"service_url", bad}}, "c.json");
      FAIL("accepted");
    } catch (const FilesystemError& e) {
      CHECK(e.code() == ExitCode::filesystem);
      CHECK(std::string(e.what()).find("'c.json.service_url' must start with https://") !=
            std::string::npos);
    }
  }
}

TEST_CASE("core::user_config_from_json: the report language", "[core]") {
  for (const char* code :
       {"fr_FR", "de_DE", "es_419", "ar_001", "sr@latin", "fil_PH", "en_US", "fr", "sw"}) {
    INFO(code);
    CHECK(user_config_from_json(json{{"report_language", code}}, "c.json").report_language == code);
  }
  // Odoo's codes (odoo/addons/base/data/res.lang.csv) spell the country in upper case.
  for (const char* bad : {"French",
                          "fr-FR",
                          "f",
                          "fr_",
                          "fr_FRANCE",
                          "sr@",
                          "fr_FR ",
                          "",
                          "en_us",
                          "fr_fr",
                          "fr_Fr",
                          "es_41",
                          "es_4190",
                          "EN_US",
                          "sr@Latin"}) {
    INFO(bad);
    try {
      user_config_from_json(json{{"report_language", bad}}, "c.json");
      FAIL("accepted");
    } catch (const FilesystemError& e) {
      CHECK(std::string(e.what()).find("'c.json.report_language'") != std::string::npos);
    }
  }
}
