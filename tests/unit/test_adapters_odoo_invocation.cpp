// Unit tests of the target Odoo's command lines (adapters/odoo/invocation.hpp): what each process
// gets, and that the password never reaches argv.
#include <odoo_upgrade/adapters/odoo/invocation.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace odoo_upgrade;
using namespace odoo_upgrade::adapters::odoo;

namespace {

core::OdooSettings settings() {
  core::OdooSettings s;
  s.odoo_bin = "/rt/odoo-bin";
  s.addons_paths = {"/srv/oca", "/srv/custom"};
  s.extra_args = {"--log-handler=odoo.sql_db:WARNING"};
  s.env = {{"RL_T1SearchPath", "/rt/t1fonts"}};
  return s;
}

OdooConnection connection() {
  OdooConnection c;
  c.host = "/tmp/pg/run";
  c.port = "5432";
  c.user = "acme_odoo";
  c.password = "s3cret-pw";
  c.data_dir = "/var/lib/odoo";
  return c;
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

bool has_env(const Invocation& inv, const std::string& name, const std::string& value) {
  return std::find(inv.env.begin(), inv.env.end(), std::make_pair(name, value)) != inv.env.end();
}

void check_common(const Invocation& inv) {
  CHECK(inv.argv[0] == "/usr/bin/python3");
  CHECK(inv.argv[1] == "/rt/odoo-bin");
  CHECK(has(inv.argv, "--addons-path=/srv/oca,/srv/custom"));
  CHECK(has(inv.argv, "--db_host=/tmp/pg/run"));
  CHECK(has(inv.argv, "--db_port=5432"));
  CHECK(has(inv.argv, "--db_user=acme_odoo"));
  CHECK(has(inv.argv, "--data-dir=/var/lib/odoo"));
  CHECK(has(inv.argv, "--max-cron-threads=0"));
  // The extra arguments come last, after odoo-upgrade's own.
  CHECK(inv.argv.back() == "--log-handler=odoo.sql_db:WARNING");
  // The password only in the environment.
  for (const auto& a : inv.argv) {
    CHECK(a.find("s3cret-pw") == std::string::npos);
  }
  CHECK(has_env(inv, "PGPASSWORD", "s3cret-pw"));
  CHECK(has_env(inv, "RL_T1SearchPath", "/rt/t1fonts"));
  CHECK(has_env(inv, "ODOO_RC", "/dev/null"));
  CHECK(std::find(inv.unset_env.begin(), inv.unset_env.end(), "ODOO_PY_COLORS") !=
        inv.unset_env.end());
}

} // namespace

TEST_CASE("adapters::odoo::update_invocation", "[adapters]") {
  Invocation inv = update_invocation(
      settings(), connection(), "acme_test", {"auditlog", "sale_custom"}, "/w/update.log");
  check_common(inv);
  CHECK(has(inv.argv, "--database=acme_test"));
  CHECK(has(inv.argv, "--update=auditlog,sale_custom"));
  CHECK(has(inv.argv, "--stop-after-init"));
  CHECK(has(inv.argv, "--no-http"));
  CHECK(has(inv.argv, "--log-level=info"));
  CHECK(has(inv.argv, "--logfile=/w/update.log"));
}

TEST_CASE("adapters::odoo::install_invocation", "[adapters]") {
  Invocation inv =
      install_invocation(settings(), connection(), "acme_test", {"sale_custom"}, "/w/i.log");
  check_common(inv);
  CHECK(has(inv.argv, "--database=acme_test"));
  CHECK(has(inv.argv, "--init=sale_custom"));
  CHECK_FALSE(has(inv.argv, "--update=sale_custom"));
  CHECK(has(inv.argv, "--stop-after-init"));
  CHECK(has(inv.argv, "--no-http"));
  CHECK(has(inv.argv, "--logfile=/w/i.log"));
}

TEST_CASE("adapters::odoo::shell_invocation", "[adapters]") {
  Invocation inv = shell_invocation(
      settings(), connection(), "acme_test", "/w/shell.log", {{"OU_LIVE_CHECKS", "{}"}});
  check_common(inv);
  CHECK(inv.argv[2] == "shell"); // the subcommand comes first
  CHECK(has(inv.argv, "--database=acme_test"));
  CHECK(has(inv.argv, "--no-http"));
  CHECK(has_env(inv, "OU_LIVE_CHECKS", "{}"));
}

TEST_CASE("adapters::odoo::server_invocation", "[adapters]") {
  core::OdooSettings s = settings();
  s.config_file = "/etc/odoo/odoo.conf";
  s.python = "/opt/venv/bin/python";
  Invocation inv = server_invocation(s, connection(), "acme_test-r1", 45123, "/w/http.log");
  CHECK(inv.argv[0] == "/opt/venv/bin/python");
  CHECK(inv.argv[2] == "--config=/etc/odoo/odoo.conf");
  CHECK_FALSE(has_env(inv, "ODOO_RC", "/dev/null")); // the config file is the user's choice
  // No -d: with -d, Odoo answers for any database name (and creates a missing one).
  for (const auto& a : inv.argv) {
    CHECK(a.rfind("--database", 0) != 0);
    CHECK(a != "-d");
  }
  CHECK(has(inv.argv, "--db-filter=^acme_test\\-r1$"));
  CHECK(has(inv.argv, "--http-interface=127.0.0.1"));
  CHECK(has(inv.argv, "--http-port=45123"));
  CHECK(has(inv.argv, "--logfile=/w/http.log"));
}

TEST_CASE("adapters::odoo::db_filter_for", "[adapters]") {
  CHECK(db_filter_for("acme_test_17_0_r1") == "^acme_test_17_0_r1$");
  CHECK(db_filter_for("a.b-c") == "^a\\.b\\-c$");
  CHECK(db_filter_for("a%d") == "^a%%d$");
}

TEST_CASE("adapters::odoo::series_of_version_output", "[adapters]") {
  CHECK(series_of_version_output("Odoo Server 17.0\n") == "17.0");
  CHECK(series_of_version_output("Odoo Server 17.0+e\n") == "17.0");
  CHECK(series_of_version_output("Odoo Server saas~17.2\n") == "saas~17.2");
  CHECK_FALSE(series_of_version_output("Python 3.11.2\n"));
  CHECK_FALSE(series_of_version_output("Odoo Server x\n"));
}

TEST_CASE("adapters::odoo::version_invocation", "[adapters]") {
  Invocation inv = version_invocation(settings());
  CHECK(inv.argv == std::vector<std::string>{"/usr/bin/python3", "/rt/odoo-bin", "--version"});
  CHECK(has_env(inv, "RL_T1SearchPath", "/rt/t1fonts"));
}
