// The automated UAT check engine: runs each check of the catalogue over the datasets of both
// databases (adapters/pg/uat_compare.hpp) and classifies the differences (core/uat.hpp).
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/adapters/pg/uat_compare.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error_context.hpp>
#include <odoo_upgrade/core/expected_changes.hpp>
#include <odoo_upgrade/core/line_diff.hpp>
#include <odoo_upgrade/core/live_checks.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;

namespace {

using core::uat::CheckResult;
using core::uat::KeyedRow;
namespace pg = adapters::pg;

// What one check works with: both databases, what the series step is known to change, and the
// result it fills.
struct CheckRun {
  pg::UatSide& prod;
  pg::UatSide& test;
  const core::uat::ExpectedChanges& expected;
  CheckResult& result;
  // Where the full lists of missing records go ("": not written).
  const stdfs::path& lists_dir;
};

// Check 12: neutralization. Crons and mail servers active in production and inactive in test are
// the expected effect of neutralization (info); a mail server in test that can send, an enabled
// payment provider in test, or a test database that may still run crons or send mail without being
// marked neutralized is a warning.
void check_neutralization(CheckRun& run) {
  auto& prod = run.prod;
  auto& test = run.test;
  auto& result = run.result;
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
void check_transient_modules(CheckRun& run) {
  for (const auto& row : pg::dataset_rows(run.test, "transient_modules")) {
    ++run.result.compared;
    run.result.add(core::uat::transient_module_finding(row));
  }
}

// Translations: what a difference means depends on who wrote the record and whether the field
// is still translated in test (core::uat::classify_translation).
void check_translations(CheckRun& run) {
  std::set<std::string> in_test;
  for (const auto& f : run.test.profile.translatable) {
    in_test.insert(f.model + ":" + f.field);
  }
  run.result.compared += pg::compare_dataset(
      run.prod, run.test, "translations", [&](const KeyedRow* p, const KeyedRow* t) {
        bool still = true;
        if (p != nullptr) {
          // key "model:id:field:lang"
          auto a = p->key.find(':');
          auto b = p->key.find(':', a + 1);
          auto c = p->key.find(':', b + 1);
          if (c != std::string::npos) {
            still = in_test.count(p->key.substr(0, a) + ":" + p->key.substr(b + 1, c - b - 1)) > 0;
          }
        }
        if (auto f = core::uat::classify_translation(p, t, still, run.expected)) {
          run.result.add(std::move(*f));
        }
      });
}

// The records a finding names: the first k_named_missing kept for the finding, every one written
// to <lists_dir>/<prefix><key>.txt, one a line (under a temporary name, then renamed, so a list is
// always whole).
class NamedList {
public:
  NamedList(const stdfs::path& lists_dir, const std::string& prefix, std::string key) {
    if (lists_dir.empty()) {
      return;
    }
    std::replace(key.begin(), key.end(), '/', '-');
    m_file = lists_dir / (prefix + key + ".txt");
    stdfs::create_directories(lists_dir);
    m_out.open(m_file.string() + ".tmp", std::ios::trunc);
  }

  void add(std::string line) {
    ++m_total;
    if (m_first.size() < core::uat::k_named_missing) {
      m_first.push_back(line);
    }
    if (m_out.is_open()) {
      // A name's own line breaks (order lines' descriptions) become spaces.
      std::replace(line.begin(), line.end(), '\n', ' ');
      std::replace(line.begin(), line.end(), '\r', ' ');
      m_out << line << '\n';
    }
  }

  // Closes the list file; its path ("" when none was written).
  std::string finish() {
    if (!m_out.is_open()) {
      return "";
    }
    m_out.close();
    if (!m_out) {
      throw core::FilesystemError("cannot write " + m_file.string(), "check the work directory");
    }
    stdfs::rename(m_file.string() + ".tmp", m_file);
    return m_file.string();
  }

  const std::vector<std::string>& first() const { return m_first; }
  long long total() const { return m_total; }

private:
  stdfs::path m_file;
  std::ofstream m_out;
  std::vector<std::string> m_first;
  long long m_total = 0;
};

// A model with fewer records in test: its records missing by id are streamed from both databases
// and named (uat-missing-<model>.txt).
void name_missing_records(CheckRun& run, core::uat::Finding& f) {
  NamedList list(run.lists_dir, "uat-missing-", f.key);
  pg::merge_counted_records(run.prod, run.test, f.key, [&](const KeyedRow* p, const KeyedRow* t) {
    if (p != nullptr && t == nullptr) {
      list.add(p->name);
    }
  });
  std::string file = list.finish();
  core::uat::name_missing_records(f, list.first(), list.total(), file);
}

// A model whose chatter fell in test: its records' chatter is streamed from both databases and
// every record that lost some is named with what it lost (uat-chatter-<model>.txt).
void name_chatter_losses(CheckRun& run, core::uat::Finding& f) {
  NamedList list(run.lists_dir, "uat-chatter-", f.model);
  pg::merge_chatter_records(run.prod, run.test, f.model, [&](const KeyedRow* p, const KeyedRow* t) {
    if (auto lost = core::uat::chatter_lost(p, t)) {
      list.add(p->name + ": " + *lost);
    }
  });
  std::string file = list.finish();
  core::uat::name_chatter_losses(f, list.first(), list.total(), file);
}

// A changed text (mail template body, reset view) gets a short diff from production to test.
void add_text_diff(CheckRun& run, core::uat::Finding& f, const std::string& dataset) {
  auto text = core::uat::text_to_diff(f, dataset);
  if (!text) {
    return;
  }
  auto before = pg::dataset_row(run.prod, text->first, f.key);
  auto after = pg::dataset_row(run.test, text->first, f.key);
  auto value = [&text](const std::optional<KeyedRow>& row) -> std::string {
    if (!row) {
      return "";
    }
    auto it = row->values.find(text->second);
    return it == row->values.end() ? "" : it->second;
  };
  f.diff = core::unified_diff(value(before), value(after), core::uat::k_diff_lines);
}

// Rows seen on one side only that carry a natural key: classified once the dataset is merged,
// paired again by natural key when their xml id moved (core::uat::pair_by_natural_key).
struct OneSided {
  std::vector<KeyedRow> production;
  std::vector<KeyedRow> test;

  // Keeps a one-sided row with a natural key; false for any other pair.
  bool keep(const KeyedRow* p, const KeyedRow* t) {
    if (p != nullptr && t == nullptr && !p->natural.empty()) {
      production.push_back(*p);
      return true;
    }
    if (p == nullptr && t != nullptr && !t->natural.empty()) {
      test.push_back(*t);
      return true;
    }
    return false;
  }

  // The findings of the kept rows: a moved record once, the others as missing or added.
  void classify(CheckRun& run, const core::uat::DatasetCheck& d) {
    auto paired = core::uat::pair_by_natural_key(std::move(production), std::move(test));
    std::vector<std::optional<core::uat::Finding>> found;
    for (const auto& [p, t] : paired.pairs) {
      found.push_back(core::uat::classify_moved(p, t, d.rules));
    }
    for (const auto& p : paired.production_only) {
      found.push_back(core::uat::classify(&p, nullptr, d.rules));
    }
    for (const auto& t : paired.test_only) {
      found.push_back(core::uat::classify(nullptr, &t, d.rules));
    }
    for (auto& f : found) {
      if (f) {
        core::uat::explain(*f, d.dataset, run.expected);
        run.result.add(std::move(*f));
      }
    }
  }
};

// The other checks: each of their datasets compared and classified by its rules.
void run_keyed_check(CheckRun& run) {
  for (const auto& d : core::uat::check_datasets(run.result.id)) {
    core::throw_if_interrupted();
    // Record counts that fell are named, changed texts get their diff, after the comparison
    // (each needs queries of its own); records on one side only may have moved xml id.
    std::vector<core::uat::Finding> pending;
    OneSided one_sided;
    run.result.compared += pg::compare_dataset(
        run.prod, run.test, d.dataset, [&](const KeyedRow* p, const KeyedRow* t) {
          if (!d.counts && one_sided.keep(p, t)) {
            return;
          }
          auto f = d.counts ? core::uat::classify_count(p, t) : core::uat::classify(p, t, d.rules);
          if (!f) {
            return;
          }
          // An expected change of the series step gets its reason (and, if harmless, info).
          core::uat::explain(*f, d.dataset, run.expected);
          bool fell = f->severity == core::Severity::blocking && p != nullptr && t != nullptr;
          if ((fell && (d.dataset == "record_counts" || d.dataset == "chatter")) ||
              core::uat::text_to_diff(*f, d.dataset)) {
            pending.push_back(std::move(*f));
          } else {
            run.result.add(std::move(*f));
          }
        });
    one_sided.classify(run, d);
    for (auto& f : pending) {
      if (d.dataset == "record_counts") {
        name_missing_records(run, f);
      } else if (d.dataset == "chatter") {
        name_chatter_losses(run, f);
      } else {
        add_text_diff(run, f, d.dataset);
      }
      run.result.add(std::move(f));
    }
  }
}

// The checks with logic of their own, by catalogue id; every other check of the catalogue compares
// its keyed datasets (core::uat::check_datasets). A new check is a catalogue entry in core/uat.cpp
// plus either its datasets there or a row here.
using CheckFn = void (*)(CheckRun& run);
const std::map<std::string, CheckFn>& own_checks() {
  static const std::map<std::string, CheckFn> k_checks = {
      {"translations", check_translations},
      {"neutralization", check_neutralization},
      {"modules-transient", check_transient_modules},
  };
  return k_checks;
}

// Runs one check inside a savepoint on both connections, so that a failing query does not abort
// the snapshot transaction for the checks that follow; a check that cannot run is reported with
// status `error`.
CheckResult run_check(const core::uat::CheckInfo& info,
                      pg::UatSide& prod,
                      pg::UatSide& test,
                      const core::uat::ExpectedChanges& expected,
                      const stdfs::path& lists_dir) {
  CheckResult result;
  result.id = info.id;
  result.title = info.title;
  result.severity = info.severity;
  auto started = std::chrono::steady_clock::now();
  try {
    pg::Savepoint on_prod =
        core::in_database(prod.label, [&] { return pg::Savepoint(prod.conn, "uat_check"); });
    pg::Savepoint on_test =
        core::in_database(test.label, [&] { return pg::Savepoint(test.conn, "uat_check"); });
    CheckRun run{prod, test, expected, result, lists_dir};
    auto own = own_checks().find(info.id);
    if (own != own_checks().end()) {
      own->second(run);
    } else {
      run_keyed_check(run);
    }
    core::in_database(test.label, [&] { on_test.release(); });
    core::in_database(prod.label, [&] { on_prod.release(); });
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
                                        const std::vector<std::string>& only,
                                        const stdfs::path& lists_dir) {
  auto prod = pg::uat_side(production, "production database '" + production.dbname() + "'");
  auto tst = pg::uat_side(test, "test database '" + test.dbname() + "'");
  auto expected = core::uat::ExpectedChanges::between(prod.profile.series, tst.profile.series);
  std::vector<CheckResult> results;
  for (const auto& info : core::uat::check_catalogue()) {
    // The live checks run through the target Odoo (commands/uat_live.hpp), not here.
    if (core::live::is_live_check(info.id) ||
        (!only.empty() && std::find(only.begin(), only.end(), info.id) == only.end())) {
      continue;
    }
    core::throw_if_interrupted();
    auto result = run_check(info, prod, tst, expected, lists_dir);
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
