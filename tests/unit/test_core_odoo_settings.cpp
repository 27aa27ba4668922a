// Unit tests of the target Odoo's settings (core/odoo_settings.hpp): the typed record of the
// project's `odoo` section and the validation of values given on the command line.
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::odoo_settings_from_json", "[core]") {
  json j = {{"odoo_bin", "/opt/odoo/odoo-bin"},
            {"python", "/opt/venv/bin/python"},
            {"addons_paths", {"/srv/oca", "/srv/custom"}},
            {"config_file", "/etc/odoo/odoo.conf"},
            {"db_user", "odoo"},
            {"extra_args", {"--log-handler=odoo.sql_db:WARNING"}},
            {"env", {{"RL_T1SearchPath", "/srv/fonts"}}},
            {"update", "all"},
            {"later_key", 42}};
  OdooSettings s = odoo_settings_from_json(j);
  CHECK(s.configured());
  CHECK(s.odoo_bin == "/opt/odoo/odoo-bin");
  CHECK(s.python_or_default() == "/opt/venv/bin/python");
  CHECK(s.addons_paths == std::vector<std::string>{"/srv/oca", "/srv/custom"});
  CHECK(s.config_file == "/etc/odoo/odoo.conf");
  CHECK(s.db_user == "odoo");
  CHECK(s.extra_args == std::vector<std::string>{"--log-handler=odoo.sql_db:WARNING"});
  CHECK(s.env.at("RL_T1SearchPath") == "/srv/fonts");
  CHECK(s.update == UpdateScope::all);
  // Round trip, unknown keys kept.
  CHECK(to_json(s) == j);

  OdooSettings empty = odoo_settings_from_json(json());
  CHECK_FALSE(empty.configured());
  CHECK(empty.python_or_default() == "/usr/bin/python3");
  CHECK(empty.update == UpdateScope::third_party);
  CHECK(to_json(empty) == json{{"update", "third-party"}});
}

TEST_CASE("core::odoo_settings_from_json refuses a wrong type", "[core]") {
  CHECK_THROWS_AS(odoo_settings_from_json(json::array()), FilesystemError);
  CHECK_THROWS_WITH(odoo_settings_from_json({{"odoo_bin", 5}}),
                    Catch::Contains("'odoo.odoo_bin' is not a string"));
  CHECK_THROWS_WITH(odoo_settings_from_json({{"addons_paths", "/srv"}}),
                    Catch::Contains("'odoo.addons_paths'"));
  CHECK_THROWS_WITH(odoo_settings_from_json({{"update", "some"}}),
                    Catch::Contains("'odoo.update' is not an update scope ('some')"));
  CHECK_THROWS_AS(odoo_settings_from_json({{"env", {{"A", 1}}}}), FilesystemError);
}

TEST_CASE("core::read_odoo_settings and write_odoo_settings", "[core]") {
  Project project("Acme", TimePoint{});
  CHECK_FALSE(read_odoo_settings(project).configured());
  OdooSettings s;
  s.odoo_bin = "/opt/odoo/odoo-bin";
  write_odoo_settings(project, s);
  CHECK(project.doc()["odoo"]["odoo_bin"] == "/opt/odoo/odoo-bin");
  CHECK(read_odoo_settings(project).odoo_bin == s.odoo_bin);
  // Nothing left set: the section goes.
  write_odoo_settings(project, OdooSettings{});
  CHECK_FALSE(project.doc().contains("odoo"));
}

TEST_CASE("core::parse_update_scope", "[core]") {
  CHECK(parse_update_scope("third-party") == UpdateScope::third_party);
  CHECK(parse_update_scope("all") == UpdateScope::all);
  CHECK_FALSE(parse_update_scope("third_party"));
  CHECK(to_string(UpdateScope::third_party) == "third-party");
}

TEST_CASE("core::parse_env_assignment and refuse_env_name", "[core]") {
  auto kv = parse_env_assignment("RL_T1SearchPath=/a=b");
  REQUIRE(kv);
  CHECK(kv->first == "RL_T1SearchPath");
  CHECK(kv->second == "/a=b");
  CHECK(parse_env_assignment("EMPTY=")->second.empty());
  CHECK_FALSE(parse_env_assignment("=x"));
  CHECK_FALSE(parse_env_assignment("1A=x"));
  CHECK_FALSE(parse_env_assignment("A-B=x"));
  CHECK_FALSE(parse_env_assignment("NOEQUALS"));
  CHECK(refuse_env_name("PGPASSWORD"));
  CHECK(refuse_env_name("ODOO_UPGRADE_CONTRACT"));
  CHECK(refuse_env_name("ODOO_PY_COLORS"));
  CHECK_FALSE(refuse_env_name("RL_T1SearchPath"));
}

TEST_CASE("core::refuse_db_user", "[core]") {
  CHECK(refuse_db_user("postgres")->find("security risk") != std::string::npos);
  CHECK(refuse_db_user(""));
  CHECK(refuse_db_user("odoo; DROP"));
  CHECK_FALSE(refuse_db_user("odoo"));
  CHECK_FALSE(refuse_db_user("acme_odoo-17.prod@x"));
}

TEST_CASE("core::refuse_extra_arg", "[core]") {
  for (const char* arg : {"-d",
                          "--database=x",
                          "-dprod",
                          "-u",
                          "--update=all",
                          "--db_password=secret",
                          "-w",
                          "--log-level=warn",
                          "--addons-path=/x",
                          "--save",
                          "--http-port=8069",
                          "--data-dir=/x",
                          "--db-filter=.*"}) {
    DYNAMIC_SECTION(arg) {
      CHECK(refuse_extra_arg(arg));
    }
  }
  CHECK(refuse_extra_arg("--db_password=x")->find("visible to every user") != std::string::npos);
  for (const char* arg : {"--log-handler=odoo.sql_db:WARNING", "--workers=2", "odoo:DEBUG", "-v"}) {
    DYNAMIC_SECTION(arg) {
      CHECK_FALSE(refuse_extra_arg(arg));
    }
  }
}

TEST_CASE("core::config_sets_db_password", "[core]") {
  CHECK(config_sets_db_password("[options]\ndb_user = acme\ndb_password = S3cret\n"));
  CHECK(config_sets_db_password("[options]\r\n db_password:S3cret\r\n"));
  CHECK_FALSE(config_sets_db_password("[options]\ndb_password = False\n"));
  CHECK_FALSE(config_sets_db_password("[options]\ndb_password =\n"));
  CHECK_FALSE(config_sets_db_password("[other]\ndb_password = x\n"));
  CHECK(config_option("[options]\naddons_path = /a,/b\n", "addons_path") == "/a,/b");
}

TEST_CASE("core::config_db_name", "[core]") {
  CHECK(config_db_name("[options]\ndb_name = prod\n") == "prod");
  CHECK(config_db_name("[options]\r\n  db_name=prod  \r\n") == "prod");
  CHECK_FALSE(config_db_name("[options]\ndb_name = False\n"));
  CHECK_FALSE(config_db_name("[options]\ndb_name =\n"));
  CHECK_FALSE(config_db_name("[other]\ndb_name = prod\n"));
  CHECK_FALSE(config_db_name("[options]\ndb_host = x\n"));
  CHECK_FALSE(config_db_name(""));
}
