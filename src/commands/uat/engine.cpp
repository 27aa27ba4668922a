// The automated UAT check engine: which datasets each check compares and with which rules, the
// bucketed comparison of two databases, and the neutralization check.
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/row_stream.hpp>
#include <odoo_upgrade/adapters/pg/uat_queries.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace odoo_upgrade::commands {

namespace {

using core::uat::CheckResult;
using core::uat::DiffRules;
using core::uat::FieldRule;
using core::uat::Finding;
using core::uat::KeyedRow;
using core::uat::Severity;
namespace pg = adapters::pg;

constexpr Severity k_block = Severity::blocking;
constexpr Severity k_warn = Severity::warning;
constexpr Severity k_info = Severity::info;

// Buckets per dataset: small enough to fetch at once, large enough that a difference sends only a
// few hundred rows per million back through the wire.
constexpr int k_buckets = 4096;

struct DatasetCheck {
  std::string dataset;
  DiffRules rules;
  bool counts = false; // classified by classify_count
};

DiffRules rules(std::string model,
                std::string what,
                std::optional<Severity> missing_custom,
                std::optional<Severity> missing_standard,
                std::optional<Severity> added,
                std::vector<FieldRule> fields,
                std::optional<Severity> changed) {
  DiffRules r;
  r.model = std::move(model);
  r.what = std::move(what);
  r.missing_custom = missing_custom;
  r.missing_standard = missing_standard;
  r.added = added;
  r.fields = std::move(fields);
  r.changed = changed;
  return r;
}

const std::map<std::string, std::vector<DatasetCheck>>& check_datasets() {
  static const std::map<std::string, std::vector<DatasetCheck>> k_map = [] {
    std::map<std::string, std::vector<DatasetCheck>> m;
    auto views = rules("ir.ui.view",
                       "view",
                       k_block,
                       k_info,
                       std::nullopt,
                       {{"active", k_block, "true"}},
                       std::nullopt);
    views.missing_only_if = {{"active", "true"}};
    m["views"] = {{"views", views}};
    m["reports"] = {
        {"reports",
         rules("ir.actions.report", "report", k_block, k_warn, std::nullopt, {}, k_warn)}};
    m["website"] = {{"website_pages",
                     rules("website.page",
                           "page",
                           k_block,
                           k_block,
                           std::nullopt,
                           {{"published", k_block, "true"}, {"view_active", k_block, "true"}},
                           k_warn)},
                    {"website_menus",
                     rules("website.menu", "menu", k_block, k_block, std::nullopt, {}, k_warn)}};
    m["mail-templates"] = {
        {"mail_templates",
         rules("mail.template", "mail template", k_block, k_warn, std::nullopt, {}, k_warn)}};
    m["translations"] = {
        {"translations",
         rules("ir.translation", "translation", k_warn, k_warn, std::nullopt, {}, k_info)}};
    m["filters"] = {{"filters",
                     rules("ir.filters",
                           "filter",
                           k_block,
                           k_warn,
                           std::nullopt,
                           {{"active", k_block, "true"}},
                           k_warn)}};
    m["modules"] = {
        {"modules",
         rules("ir.module.module", "module", k_block, k_warn, k_info, {}, std::nullopt)}};
    m["record-counts"] = {{"record_counts", {}, true}};
    m["products"] = {
        {"products", rules("product.product", "product", k_block, k_block, k_warn, {}, k_block)}};
    m["accounting"] = {
        {"trial_balance",
         rules("account.move.line", "trial balance of", k_block, k_block, k_block, {}, k_block)},
        {"unbalanced_moves",
         rules("account.move", "unbalanced entry", k_info, k_info, k_block, {}, k_block)},
        {"taxes",
         rules("account.tax",
               "tax",
               k_block,
               k_warn,
               std::nullopt,
               {{"active", k_block, "true"}},
               k_block)},
        {"currencies",
         rules("res.currency",
               "currency",
               k_block,
               k_block,
               std::nullopt,
               {{"active", k_block, "true"}},
               k_block)},
        {"journals",
         rules("account.journal",
               "journal",
               k_block,
               k_block,
               std::nullopt,
               {{"active", k_block, "true"}},
               k_warn)},
        {"bank_accounts",
         rules("res.partner.bank", "bank account", k_block, k_block, std::nullopt, {}, k_warn)},
        {"fiscal_settings",
         rules("res.company",
               "fiscal year and lock dates of",
               k_block,
               k_block,
               std::nullopt,
               {},
               k_block)}};
    m["users"] = {
        {"users",
         rules("res.users",
               "user",
               k_block,
               k_block,
               k_info,
               {{"active", k_block, "true"}, {"groups", k_warn, std::nullopt}},
               k_warn)},
        {"companies", rules("res.company", "company", k_block, k_block, k_info, {}, k_warn)},
        {"groups", rules("res.groups", "access group", k_block, k_warn, std::nullopt, {}, k_warn)}};
    return m;
  }();
  return k_map;
}

struct Side {
  pg::Connection& conn;
  const pg::DbProfile& profile;
};

KeyedRow to_row(const pg::Result& r) {
  KeyedRow row;
  row.key = std::string(r.get(0, 0));
  row.name = std::string(r.get(0, 1));
  row.standard = !r.is_null(0, 2) && r.get_bool(0, 2);
  auto vals = nlohmann::json::parse(r.get(0, 3));
  for (auto it = vals.begin(); it != vals.end(); ++it) {
    row.values[it.key()] = it->is_null()     ? std::string()
                           : it->is_string() ? it->get<std::string>()
                                             : it->dump();
  }
  return row;
}

// Pulls KeyedRows from a stream; a side without the dataset is an empty stream.
core::uat::RowSource row_source(std::optional<pg::RowStream>& s) {
  return [&s]() -> std::optional<KeyedRow> {
    if (!s) {
      return std::nullopt;
    }
    const auto* r = s->next();
    if (r == nullptr) {
      return std::nullopt;
    }
    return to_row(*r);
  };
}

// Per-bucket (rows, digest) of a dataset on one side; empty when the side has no such dataset.
std::map<long long, std::pair<long long, std::string>> read_buckets(pg::RowStream& stream) {
  std::map<long long, std::pair<long long, std::string>> buckets;
  while (const auto* r = stream.next()) {
    buckets[r->get_int(0, 0)] = {r->get_int(0, 1), std::string(r->get(0, 2))};
  }
  return buckets;
}

// Compares one dataset: digests per bucket in both databases at once, then only the differing
// buckets row by row, merge-joined in key order. Returns the number of production rows.
long long compare_dataset(Side prod,
                          Side test,
                          const std::string& dataset,
                          const std::function<void(const KeyedRow*, const KeyedRow*)>& on_pair) {
  auto sql_p = pg::keyed_dataset_sql(dataset, prod.profile);
  auto sql_t = pg::keyed_dataset_sql(dataset, test.profile);
  if (!sql_p && !sql_t) {
    return 0;
  }
  const pg::Params n = {std::to_string(k_buckets)};
  std::map<long long, std::pair<long long, std::string>> bp;
  std::map<long long, std::pair<long long, std::string>> bt;
  {
    // Both queries are sent before either is read, so the two servers work in parallel.
    std::optional<pg::RowStream> sp;
    std::optional<pg::RowStream> st;
    if (sql_p) {
      sp.emplace(prod.conn, pg::bucket_digest_sql(*sql_p), n);
    }
    if (sql_t) {
      st.emplace(test.conn, pg::bucket_digest_sql(*sql_t), n);
    }
    if (sp) {
      bp = read_buckets(*sp);
    }
    if (st) {
      bt = read_buckets(*st);
    }
  }
  long long rows = 0;
  std::string differing;
  for (const auto& [b, v] : bp) {
    rows += v.first;
    auto it = bt.find(b);
    if (it == bt.end() || it->second != v) {
      differing += (differing.empty() ? "" : ",") + std::to_string(b);
    }
  }
  for (const auto& [b, v] : bt) {
    if (bp.count(b) == 0) {
      differing += (differing.empty() ? "" : ",") + std::to_string(b);
    }
  }
  if (differing.empty()) {
    return rows;
  }
  spdlog::debug("uat: dataset '{}' differs in some buckets; reading them", dataset);
  const pg::Params bucket_params = {std::to_string(k_buckets), "{" + differing + "}"};
  std::optional<pg::RowStream> sp;
  std::optional<pg::RowStream> st;
  if (sql_p) {
    sp.emplace(prod.conn, pg::bucket_rows_sql(*sql_p), bucket_params);
  }
  if (sql_t) {
    st.emplace(test.conn, pg::bucket_rows_sql(*sql_t), bucket_params);
  }
  core::uat::merge_keyed(row_source(sp), row_source(st), on_pair);
  return rows;
}

// Runs `body` inside a savepoint on both connections so that a failing query does not abort the
// snapshot transaction for the checks that follow.
template <typename F>
void in_savepoint(pg::Connection& a, pg::Connection& b, F&& body) {
  a.exec_no_rows("SAVEPOINT uat_check");
  b.exec_no_rows("SAVEPOINT uat_check");
  try {
    body();
  } catch (...) {
    a.exec_no_rows("ROLLBACK TO SAVEPOINT uat_check");
    b.exec_no_rows("ROLLBACK TO SAVEPOINT uat_check");
    throw;
  }
  a.exec_no_rows("RELEASE SAVEPOINT uat_check");
  b.exec_no_rows("RELEASE SAVEPOINT uat_check");
}

// Check 12: neutralization. Crons and mail servers active in production and inactive in test are
// the expected effect of neutralization (info); a test database that may still run crons or send
// mail without being marked neutralized is a warning.
void check_neutralization(Side prod, Side test, CheckResult& result) {
  long long crons_off = 0;
  long long crons_on_test = 0;
  long long servers_on_test = 0;
  // Small tables: read whole (in key order) from both sides and merge.
  auto collect = [&](const std::string& dataset,
                     const std::string& model,
                     long long& on_test,
                     long long* off) {
    auto sql_p = pg::keyed_dataset_sql(dataset, prod.profile);
    auto sql_t = pg::keyed_dataset_sql(dataset, test.profile);
    std::optional<pg::RowStream> sp;
    std::optional<pg::RowStream> st;
    if (sql_p) {
      sp.emplace(prod.conn, pg::ordered_rows_sql(*sql_p));
    }
    if (sql_t) {
      st.emplace(test.conn, pg::ordered_rows_sql(*sql_t));
    }
    core::uat::merge_keyed(
        row_source(sp), row_source(st), [&](const KeyedRow* p, const KeyedRow* t) {
          ++result.compared;
          bool test_active =
              t != nullptr && t->values.count("active") > 0 && t->values.at("active") == "true";
          on_test += test_active ? 1 : 0;
          if (p == nullptr || t == nullptr || test_active || p->values.count("active") == 0 ||
              p->values.at("active") != "true") {
            return;
          }
          if (off != nullptr) {
            ++*off;
          }
          Finding f;
          f.severity = k_info;
          f.kind = "neutralized";
          f.model = model;
          f.key = p->key;
          f.name = p->name;
          f.message = model + " '" + p->name + "' (" + p->key +
                      ") is active in production and inactive in test (neutralized)";
          f.changes.push_back({"active", "true", "false"});
          result.add(std::move(f));
        });
  };
  collect("crons", "ir.cron", crons_on_test, &crons_off);
  collect("mail_servers", "ir.mail_server", servers_on_test, nullptr);
  bool flagged = false;
  if (auto sql = pg::keyed_dataset_sql("neutralization_flag", test.profile)) {
    pg::RowStream s(test.conn, pg::ordered_rows_sql(*sql));
    while (const auto* r = s.next()) {
      auto v = to_row(*r).values["value"];
      flagged = flagged || v == "True" || v == "true" || v == "1";
    }
  }
  if (!flagged && (crons_on_test > 0 || servers_on_test > 0)) {
    Finding f;
    f.severity = k_warn;
    f.kind = "not-neutralized";
    f.model = "ir.config_parameter";
    f.key = "database.is_neutralized";
    f.name = "test database";
    f.message = "the test database is not marked neutralized and has " +
                std::to_string(crons_on_test) + " active scheduled action(s) and " +
                std::to_string(servers_on_test) + " active outgoing mail server(s)";
    f.changes.push_back({"database.is_neutralized", "", "(not set)"});
    result.add(std::move(f));
  } else if (flagged) {
    Finding f;
    f.severity = k_info;
    f.kind = "neutralized";
    f.model = "ir.config_parameter";
    f.key = "database.is_neutralized";
    f.name = "test database";
    f.message = "the test database is marked neutralized (" + std::to_string(crons_on_test) +
                " scheduled action(s) still active, " + std::to_string(servers_on_test) +
                " active mail server(s))";
    result.add(std::move(f));
    if (servers_on_test > 0) {
      Finding w = f;
      w.severity = k_warn;
      w.kind = "mail-server-active";
      w.message = std::to_string(servers_on_test) +
                  " outgoing mail server(s) are active in the neutralized test database";
      result.add(std::move(w));
    }
  }
}

void run_keyed_check(Side prod,
                     Side test,
                     const std::vector<DatasetCheck>& datasets,
                     CheckResult& result) {
  for (const auto& d : datasets) {
    core::throw_if_interrupted();
    result.compared +=
        compare_dataset(prod, test, d.dataset, [&](const KeyedRow* p, const KeyedRow* t) {
          auto f = d.counts ? core::uat::classify_count(p, t) : core::uat::classify(p, t, d.rules);
          if (f) {
            result.add(std::move(*f));
          }
        });
  }
}

} // namespace

void begin_snapshot(pg::Connection& conn) {
  conn.exec_no_rows("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

std::vector<CheckResult> run_uat_checks(pg::Connection& production,
                                        pg::Connection& test,
                                        const std::vector<std::string>& only) {
  // JIT compiling the wide UNION queries (translations) costs seconds and gains nothing here.
  production.exec_no_rows("SET jit = off");
  test.exec_no_rows("SET jit = off");
  auto prod_profile = pg::detect_profile(production);
  auto test_profile = pg::detect_profile(test);
  Side prod{production, prod_profile};
  Side tst{test, test_profile};
  std::vector<CheckResult> results;
  for (const auto& info : core::uat::check_catalogue()) {
    if (!only.empty() && std::find(only.begin(), only.end(), info.id) == only.end()) {
      continue;
    }
    core::throw_if_interrupted();
    CheckResult result;
    result.id = info.id;
    result.title = info.title;
    result.severity = info.severity;
    auto started = std::chrono::steady_clock::now();
    try {
      in_savepoint(production, test, [&] {
        if (info.id == "neutralization") {
          check_neutralization(prod, tst, result);
        } else {
          run_keyed_check(prod, tst, check_datasets().at(info.id), result);
        }
      });
    } catch (const core::Interrupted&) {
      throw;
    } catch (const core::DatabaseError& e) {
      result.status = core::uat::CheckStatus::error;
      result.error = e.what();
    } catch (const std::exception& e) {
      result.status = core::uat::CheckStatus::error;
      result.error = e.what();
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.finish();
    spdlog::info("uat: {} {} ({} compared, {} blocking, {} warning, {} info, {:.2f} s)",
                 info.id,
                 core::uat::to_string(result.status),
                 result.compared,
                 result.count(k_block),
                 result.count(k_warn),
                 result.count(k_info),
                 result.seconds);
    results.push_back(std::move(result));
  }
  return results;
}

} // namespace odoo_upgrade::commands
