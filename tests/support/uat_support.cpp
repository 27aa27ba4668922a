#include "uat_support.hpp"

#include "test_env.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/commands/uat.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

namespace odoo_upgrade::test {

std::vector<core::uat::CheckResult> compare_databases(const std::string& prod_db,
                                                      const std::string& test_db,
                                                      const std::filesystem::path& lists_dir) {
  namespace pg = adapters::pg;
  pg::Connection prod(pg_conninfo(prod_db));
  pg::Connection tst(pg_conninfo(test_db));
  pg::Transaction prod_snapshot(prod, pg::Isolation::repeatable_read, pg::Access::read_only);
  pg::Transaction test_snapshot(tst, pg::Isolation::repeatable_read, pg::Access::read_only);
  return commands::run_uat_checks(prod, tst, {}, lists_dir);
}

const core::uat::CheckResult& check_result(const std::vector<core::uat::CheckResult>& results,
                                           const std::string& id) {
  auto it = std::find_if(results.begin(), results.end(), [&](const auto& r) { return r.id == id; });
  REQUIRE(it != results.end());
  return *it;
}

std::string describe_results(const std::vector<core::uat::CheckResult>& results,
                             core::Severity at_least) {
  std::string s;
  for (const auto& r : results) {
    s += r.id + " " + std::string(core::uat::to_string(r.status)) + " " + r.error + "\n";
    for (const auto& f : r.findings) {
      if (core::worst(f.severity, at_least) == f.severity) {
        s += "  " + std::string(core::to_string(f.severity)) + " " + f.message + "\n";
      }
    }
  }
  return s;
}

} // namespace odoo_upgrade::test
