// The target Odoo 17.0 runtime the tests drive (OU_TEST_ODOO17): it is there and it runs. Reported
// as skipped by ctest without it.
#include "../support/test_env.hpp"

#include <catch2/catch.hpp>

using namespace odoo_upgrade;

TEST_CASE("the Odoo 17.0 runtime for tests runs", "[integration][odoo]") {
  auto odoo = test::odoo17_runtime();
  if (!odoo) {
    return;
  }
  auto r = adapters::run_process({"/usr/bin/python3", odoo->odoo_bin().string(), "--version"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Odoo Server 17.0") != std::string::npos);
  CHECK(std::filesystem::exists(odoo->auditlog_addons() / "auditlog" / "__manifest__.py"));
}
