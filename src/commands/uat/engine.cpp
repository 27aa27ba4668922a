// The automated UAT check engine: runs each check of the catalogue over the datasets of both
// databases (adapters/pg/uat_compare.hpp) and classifies the differences (core/uat.hpp).
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/adapters/pg/uat_compare.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace odoo_upgrade::commands {

namespace {

using core::uat::CheckResult;
using core::uat::KeyedRow;
namespace pg = adapters::pg;

// Check 12: neutralization. Crons and mail servers active in production and inactive in test are
// the expected effect of neutralization (info); a mail server in test that can send, an enabled
// payment provider in test, or a test database that may still run crons or send mail without being
// marked neutralized is a warning.
void check_neutralization(pg::UatSide& prod, pg::UatSide& test, CheckResult& result) {
  core::uat::NeutralizationFacts facts;
  for (const auto& [dataset, model] :
       {std::pair{"crons", "ir.cron"}, std::pair{"mail_servers", "ir.mail_server"}}) {
    pg::merge_dataset(prod, test, dataset, [&](const KeyedRow* p, const KeyedRow* t) {
      ++result.compared;
      if (auto f = core::uat::classify_neutralized(model, p, t, facts)) {
        result.add(std::move(*f));
      }
    });
  }
  for (const auto& row : pg::dataset_rows(test, "enabled_payment_providers")) {
    result.add(core::uat::enabled_provider_finding(row));
  }
  for (const auto& row : pg::dataset_rows(test, "neutralization_flag")) {
    auto it = row.values.find("value");
    facts.flagged =
        facts.flagged || (it != row.values.end() && core::uat::is_true_parameter(it->second));
  }
  for (auto& f : core::uat::neutralization_verdict(facts)) {
    result.add(std::move(f));
  }
}

// Modules caught half-way in the test database (issue 11): each one is blocking.
void check_transient_modules(pg::UatSide&, pg::UatSide& test, CheckResult& result) {
  for (const auto& row : pg::dataset_rows(test, "transient_modules")) {
    ++result.compared;
    result.add(core::uat::transient_module_finding(row));
  }
}

// The other checks: each of their datasets compared and classified by its rules.
void run_keyed_check(pg::UatSide& prod, pg::UatSide& test, CheckResult& result) {
  for (const auto& d : core::uat::check_datasets(result.id)) {
    core::throw_if_interrupted();
    result.compared +=
        pg::compare_dataset(prod, test, d.dataset, [&](const KeyedRow* p, const KeyedRow* t) {
          auto f = d.counts ? core::uat::classify_count(p, t) : core::uat::classify(p, t, d.rules);
          if (f) {
            result.add(std::move(*f));
          }
        });
  }
}

// The checks with logic of their own, by catalogue id; every other check of the catalogue compares
// its keyed datasets (core::uat::check_datasets). A new check is a catalogue entry in core/uat.cpp
// plus either its datasets there or a row here.
using CheckFn = void (*)(pg::UatSide& production, pg::UatSide& test, CheckResult& result);
const std::map<std::string, CheckFn>& own_checks() {
  static const std::map<std::string, CheckFn> k_checks = {
      {"neutralization", check_neutralization},
      {"modules-transient", check_transient_modules},
  };
  return k_checks;
}

// Runs one check inside a savepoint on both connections, so that a failing query does not abort
// the snapshot transaction for the checks that follow; a check that cannot run is reported with
// status `error`.
CheckResult run_check(const core::uat::CheckInfo& info, pg::UatSide& prod, pg::UatSide& test) {
  CheckResult result;
  result.id = info.id;
  result.title = info.title;
  result.severity = info.severity;
  auto started = std::chrono::steady_clock::now();
  try {
    pg::Savepoint on_prod(prod.conn, "uat_check");
    pg::Savepoint on_test(test.conn, "uat_check");
    auto own = own_checks().find(info.id);
    if (own != own_checks().end()) {
      own->second(prod, test, result);
    } else {
      run_keyed_check(prod, test, result);
    }
    on_test.release();
    on_prod.release();
  } catch (const core::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    result.status = core::uat::CheckStatus::error;
    result.error = e.what();
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.finish();
  return result;
}

} // namespace

std::vector<CheckResult> run_uat_checks(pg::Connection& production,
                                        pg::Connection& test,
                                        const std::vector<std::string>& only) {
  auto prod = pg::uat_side(production);
  auto tst = pg::uat_side(test);
  std::vector<CheckResult> results;
  for (const auto& info : core::uat::check_catalogue()) {
    if (!only.empty() && std::find(only.begin(), only.end(), info.id) == only.end()) {
      continue;
    }
    core::throw_if_interrupted();
    auto result = run_check(info, prod, tst);
    spdlog::info("uat: {} {} ({} compared, {} blocking, {} warning, {} info, {:.2f} s)",
                 info.id,
                 core::uat::to_string(result.status),
                 result.compared,
                 result.count(core::Severity::blocking),
                 result.count(core::Severity::warning),
                 result.count(core::Severity::info),
                 result.seconds);
    results.push_back(std::move(result));
  }
  return results;
}

} // namespace odoo_upgrade::commands
