// `odoo-upgrade config` through the built binary: showing, changing and unsetting the target Odoo's
// settings; every refusal exits 2 and leaves the project (and the secrets file) as it was; the
// role's password lives in the secrets file only. The happy path with a real odoo-bin (its series
// checked) is in test_odoo_chain.cpp.
#include "../support/production_fixture.hpp"
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace odoo_upgrade;
namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

// A folder that Odoo would accept as an addons path: a subfolder with a manifest.
stdfs::path addons_folder(const test::Production& prod, const std::string& name) {
  stdfs::path dir = prod.dir / name;
  stdfs::create_directories(dir / "acme_custom");
  test::write_file(dir / "acme_custom" / "__manifest__.py", "{'name': 'Acme', 'version': '1.0'}\n");
  return dir;
}

stdfs::path secrets_path(const test::Production& prod) {
  return prod.dir / "odoo-upgrade.secrets.json";
}

std::string secrets_text(const test::Production& prod) {
  return stdfs::exists(secrets_path(prod)) ? test::read_file(secrets_path(prod)) : "";
}

} // namespace

TEST_CASE("config shows, sets and unsets the target Odoo's settings", "[integration][cli]") {
  // Odoo's role must exist on the server: production's own, as an Odoo installation has it.
  test::ProductionOptions options;
  options.odoo_role = true;
  test::Production prod(options);
  auto r = prod.cli({"config"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("no target Odoo configured") != std::string::npos);
  r = prod.cli({"--json", "config"});
  CHECK(json::parse(r.out)["odoo"]["configured"] == false);

  stdfs::path oca = addons_folder(prod, "oca");
  stdfs::path custom = addons_folder(prod, "custom");
  test::write_file(prod.dir / "pw.txt", "Very-Secret-Odoo-pw\n");
  r = prod.cli({"config",
                "--addons-path",
                oca.string() + "," + custom.string(),
                "--odoo-db-user",
                prod.role,
                "--odoo-env",
                "RL_T1SearchPath=/srv/fonts",
                "--odoo-arg=--log-handler=odoo.sql_db:WARNING",
                "--odoo-update",
                "all",
                "--odoo-db-password-file",
                (prod.dir / "pw.txt").string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("target Odoo settings saved (addons-path, odoo-db-user, odoo-db-password, "
                   "odoo-arg, odoo-env, odoo-update)") != std::string::npos);
  json odoo = prod.project()["odoo"];
  CHECK(odoo["addons_paths"] == json{oca.string(), custom.string()});
  CHECK(odoo["db_user"] == prod.role);
  CHECK(odoo["env"] == json{{"RL_T1SearchPath", "/srv/fonts"}});
  CHECK(odoo["extra_args"] == json{"--log-handler=odoo.sql_db:WARNING"});
  CHECK(odoo["update"] == "all");
  json event = prod.project()["history"].back();
  INFO(event.dump());
  CHECK(event["command"] == "config");
  CHECK(event["details"]["changed"].size() == 6);
  // The password: in the 0600 secrets file, never in the project file or the output.
  CHECK(test::read_file(prod.project_path()).find("Very-Secret") == std::string::npos);
  CHECK(r.out.find("Very-Secret") == std::string::npos);
  CHECK(secrets_text(prod).find("Very-Secret-Odoo-pw") != std::string::npos);
  struct stat st {};
  REQUIRE(stat(secrets_path(prod).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  r = prod.cli({"--json", "config"});
  CHECK(json::parse(r.out)["odoo"]["db_password"] == "set");
  CHECK(r.out.find("Very-Secret") == std::string::npos);

  // A relative addons path is stored absolute.
  r = prod.cli({"config", "--addons-path", "oca"});
  REQUIRE(r.exit_code == 0);
  CHECK(prod.project()["odoo"]["addons_paths"] == json{oca.string()});

  r = prod.cli({"config", "--unset", "odoo-env", "--unset", "odoo-db-password"});
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(prod.project()["odoo"].contains("env"));
  CHECK(secrets_text(prod).find("Very-Secret") == std::string::npos);

  r = prod.cli({"config", "--unset", "all"});
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(prod.project().contains("odoo"));
}

TEST_CASE("config refuses bad values and changes nothing", "[integration][cli]") {
  test::Production prod;
  stdfs::path oca = addons_folder(prod, "oca");
  REQUIRE(prod.cli({"config", "--addons-path", oca.string()}).exit_code == 0);
  test::write_file(prod.dir / "db_name.conf", "[options]\ndb_name = acme_prod\n");
  test::write_file(prod.dir / "empty_pw.txt", "\n");
  test::write_file(prod.dir / "password.conf",
                   "[options]\ndb_user = odoo\ndb_password = Pw-In-Conf\n");
  stdfs::create_directories(prod.dir / "no_modules");
  stdfs::create_directories(prod.dir / "checkout");
  stdfs::create_directories(prod.dir / "needs-deps");
  test::write_file(prod.dir / "checkout" / "odoo-bin", "print('Odoo Server 17.0')\n");
  // What an interpreter without Odoo's packages says first.
  test::write_file(prod.dir / "needs-deps" / "odoo-bin", "import ou_no_such_package\n");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases{
      {{"--odoo-db-user", "postgres"}, "--odoo-db-user 'postgres' is refused"},
      {{"--odoo-arg=--db_password=x"}, "--odoo-arg '--db_password=x' is not allowed"},
      {{"--odoo-arg=-dprod"}, "--odoo-arg '-dprod' is not allowed"},
      {{"--odoo-env", "NOT A NAME=1"}, "--odoo-env 'NOT A NAME=1' is not VAR=VALUE"},
      {{"--odoo-env", "PGPASSWORD=x"}, "--odoo-env PGPASSWORD is not allowed"},
      {{"--addons-path", (prod.dir / "missing").string()}, "is not a folder"},
      {{"--addons-path", (prod.dir / "no_modules").string()}, "holds no module"},
      {{"--odoo-config", (prod.dir / "db_name.conf").string()}, "sets db_name = acme_prod"},
      // Odoo would connect with the file's password, not the one of the secrets file.
      {{"--odoo-config", (prod.dir / "password.conf").string()}, "sets db_password"},
      // A role that does not exist: Odoo would fail to connect with nothing in its log.
      {{"--odoo-db-user", "ou_no_such_role"}, "is no role of the project's PostgreSQL server"},
      {{"--odoo-db-password-file", (prod.dir / "empty_pw.txt").string()}, "holds no password"},
      {{"--odoo-db-password-file", (prod.dir / "nope.txt").string()}, "cannot be read"},
      {{"--odoo-update", "some"}, "--odoo-update 'some' is not third-party or all"},
      {{"--unset", "everything"}, "--unset 'everything' is not a setting"},
      {{"--addons-path", oca.string(), "--unset", "addons-path"}, "is both given and unset"},
      {{"--odoo-bin", (prod.dir / "odoo-bin").string()}, "is not a file"},
      {{"--odoo-bin", (prod.dir / "checkout").string()},
       "hint: it is a folder: give '" + (prod.dir / "checkout" / "odoo-bin").string() + "'"},
      {{"--odoo-bin", (prod.dir / "needs-deps" / "odoo-bin").string()},
       "hint: that Python lacks Odoo's dependencies"},
      {{"--odoo-python", "/nonexistent/python3"}, "is not an executable"},
      // A file that is not Odoo: its --version does not report a series.
      {{"--odoo-bin", (prod.dir / "db_name.conf").string()}, "did not report an Odoo series"},
  };
  const std::string project = test::read_file(prod.project_path());
  const std::string secrets = secrets_text(prod);
  for (const auto& c : cases) {
    std::vector<std::string> args{"config"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO("config " << c.args.front() << " " << c.args.back());
    auto r = prod.cli(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find("Pw-In-Conf") == std::string::npos);
    CHECK(test::read_file(prod.project_path()) == project);
    CHECK(secrets_text(prod) == secrets);
  }
}

TEST_CASE("config --dry-run changes nothing; no project exits 3", "[integration][cli]") {
  test::Production prod;
  stdfs::path oca = addons_folder(prod, "oca");
  const std::string project = test::read_file(prod.project_path());
  auto r = prod.cli({"--dry-run", "--json", "config", "--addons-path", oca.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.out);
  CHECK(doc["dry_run"] == true);
  CHECK(doc["plan"] == json{"addons-path"});
  CHECK(test::read_file(prod.project_path()) == project);

  test::TempDir empty("noproject");
  r = test::run_cli({"config"}, empty.path());
  CHECK(r.exit_code == 3);
}
