#pragma once

// Helpers of the tests that run the automated UAT checks on two fixture databases.

#include <odoo_upgrade/core/severity.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace odoo_upgrade::test {

// The automated checks comparing `prod_db` with `test_db` (fixture databases on the test
// cluster), each side in its own read-only repeatable-read snapshot, as `uat run` runs them; the
// lists of missing records go to `lists_dir` (none when empty).
std::vector<core::uat::CheckResult> compare_databases(const std::string& prod_db,
                                                      const std::string& test_db,
                                                      const std::filesystem::path& lists_dir = {});

// The result of check `id`; fails the test (REQUIRE) when there is none.
const core::uat::CheckResult& check_result(const std::vector<core::uat::CheckResult>& results,
                                           const std::string& id);

// Every check's status and its findings of at least `at_least`, one per line (for INFO).
std::string describe_results(const std::vector<core::uat::CheckResult>& results,
                             core::Severity at_least = core::Severity::ok);

} // namespace odoo_upgrade::test
