#include <odoo_upgrade/adapters/pg/row_stream.hpp>
#include <odoo_upgrade/adapters/pg/uat_compare.hpp>
#include <odoo_upgrade/core/error_context.hpp>

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace odoo_upgrade::adapters::pg {

namespace {

using core::uat::KeyedRow;

// Buckets per dataset: small enough to fetch at once, large enough that a difference sends only a
// few hundred rows per million back through the wire.
constexpr int k_buckets = 4096;

// Rows and digest of each bucket of a dataset.
using Buckets = std::map<long long, std::pair<long long, std::string>>;

KeyedRow to_row(const Result& r) {
  KeyedRow row;
  row.key = std::string(r.get(0, 0));
  row.name = std::string(r.get(0, 1));
  row.standard = !r.is_null(0, 2) && r.get_bool(0, 2);
  auto vals = nlohmann::json::parse(r.get(0, 3));
  // A dataset keyed by xml id gives its natural key as "_natural": not a value to compare.
  if (auto natural = vals.find("_natural"); natural != vals.end()) {
    row.natural = natural->is_string() ? natural->get<std::string>() : std::string();
    vals.erase(natural);
  }
  for (auto it = vals.begin(); it != vals.end(); ++it) {
    row.values[it.key()] = it->is_null()     ? std::string()
                           : it->is_string() ? it->get<std::string>()
                                             : it->dump();
  }
  return row;
}

// Pulls KeyedRows from a stream of `side`; a side without the dataset is an empty stream.
core::uat::RowSource row_source(std::optional<RowStream>& s, const UatSide& side) {
  return [&s, &side]() -> std::optional<KeyedRow> {
    if (!s) {
      return std::nullopt;
    }
    const auto* r = core::in_database(side.label, [&s] { return s->next(); });
    if (r == nullptr) {
      return std::nullopt;
    }
    return to_row(*r);
  };
}

// The buckets of a side's digest stream (none when the side has no such dataset).
Buckets read_buckets(std::optional<RowStream>& stream, const UatSide& side) {
  Buckets buckets;
  if (!stream) {
    return buckets;
  }
  core::in_database(side.label, [&] {
    while (const auto* r = stream->next()) {
      buckets[r->get_int(0, 0)] = {r->get_int(0, 1), std::string(r->get(0, 2))};
    }
  });
  return buckets;
}

// Sends `sql` on `side` as a stream (its errors named by the side).
void open_stream(std::optional<RowStream>& stream,
                 UatSide& side,
                 const std::string& sql,
                 const Params& params = {}) {
  core::in_database(side.label, [&] { stream.emplace(side.conn, sql, params); });
}

// The query `wrap(dataset SQL)` sent on each side that has the dataset. Both are sent before
// either is read, so that the two servers work in parallel.
struct StreamPair {
  std::optional<RowStream> production;
  std::optional<RowStream> test;
};
void open_streams(StreamPair& streams,
                  UatSide& production,
                  UatSide& test,
                  const std::string& dataset,
                  const std::function<std::string(const std::string&)>& wrap,
                  const Params& params) {
  auto sql_p = keyed_dataset_sql(dataset, production.profile);
  auto sql_t = keyed_dataset_sql(dataset, test.profile);
  if (sql_p) {
    open_stream(streams.production, production, wrap(*sql_p), params);
  }
  if (sql_t) {
    open_stream(streams.test, test, wrap(*sql_t), params);
  }
}

// The buckets whose row count or digest differ, as an int[] literal ("{1,7}"); "" when none.
// Adds the production rows to `rows`.
std::string differing_buckets(const Buckets& production, const Buckets& test, long long& rows) {
  std::string differing;
  auto add = [&differing](long long b) {
    // Appended, not `"," + std::to_string(b)`: GCC 12 -O3's bogus -Wrestrict (GCC PR105651).
    differing += differing.empty() ? "" : ",";
    differing += std::to_string(b);
  };
  for (const auto& [b, v] : production) {
    rows += v.first;
    auto it = test.find(b);
    if (it == test.end() || it->second != v) {
      add(b);
    }
  }
  for (const auto& [b, v] : test) {
    if (production.count(b) == 0) {
      add(b);
    }
  }
  return differing.empty() ? differing : "{" + differing + "}";
}

} // namespace

UatSide uat_side(Connection& conn, const std::string& label) {
  return core::in_database(label, [&] {
    conn.exec_no_rows("SET jit = off");
    return UatSide{conn, detect_profile(conn), label};
  });
}

long long compare_dataset(UatSide& production,
                          UatSide& test,
                          const std::string& dataset,
                          const PairFn& on_pair) {
  Buckets bp;
  Buckets bt;
  {
    StreamPair digests;
    open_streams(
        digests, production, test, dataset, bucket_digest_sql, {std::to_string(k_buckets)});
    bp = read_buckets(digests.production, production);
    bt = read_buckets(digests.test, test);
  }
  long long rows = 0;
  std::string differing = differing_buckets(bp, bt, rows);
  if (differing.empty()) {
    return rows;
  }
  spdlog::debug("uat: dataset '{}' differs in some buckets; reading them", dataset);
  StreamPair streams;
  open_streams(
      streams, production, test, dataset, bucket_rows_sql, {std::to_string(k_buckets), differing});
  core::uat::merge_keyed(
      row_source(streams.production, production), row_source(streams.test, test), on_pair);
  return rows;
}

void merge_dataset(UatSide& production,
                   UatSide& test,
                   const std::string& dataset,
                   const PairFn& on_pair) {
  StreamPair streams;
  open_streams(streams, production, test, dataset, ordered_rows_sql, {});
  core::uat::merge_keyed(
      row_source(streams.production, production), row_source(streams.test, test), on_pair);
}

namespace {

// Merge-joins the rows `sql_of` gives for each database (std::nullopt: none), in key order.
void merge_rows(UatSide& production,
                UatSide& test,
                const std::function<std::optional<std::string>(const DbProfile&)>& sql_of,
                const PairFn& on_pair) {
  StreamPair streams;
  if (auto sql = sql_of(production.profile)) {
    open_stream(streams.production, production, ordered_rows_sql(*sql));
  }
  if (auto sql = sql_of(test.profile)) {
    open_stream(streams.test, test, ordered_rows_sql(*sql));
  }
  core::uat::merge_keyed(
      row_source(streams.production, production), row_source(streams.test, test), on_pair);
}

} // namespace

void merge_counted_records(UatSide& production,
                           UatSide& test,
                           const std::string& count_key,
                           const PairFn& on_pair) {
  merge_rows(
      production,
      test,
      [&](const DbProfile& profile) { return counted_records_sql(count_key, profile); },
      on_pair);
}

void merge_chatter_records(UatSide& production,
                           UatSide& test,
                           const std::string& model,
                           const PairFn& on_pair) {
  merge_rows(
      production,
      test,
      [&](const DbProfile& profile) { return chatter_records_sql(model, profile); },
      on_pair);
}

std::optional<KeyedRow>
dataset_row(UatSide& side, const std::string& dataset, const std::string& key) {
  auto sql = keyed_dataset_sql(dataset, side.profile);
  if (!sql) {
    return std::nullopt;
  }
  std::optional<RowStream> s;
  open_stream(s, side, keyed_row_sql(*sql), {key});
  auto next = row_source(s, side);
  std::optional<KeyedRow> row;
  // Read to the end: a stream left early is cancelled, which would abort the snapshot.
  while (auto r = next()) {
    row = std::move(r);
  }
  return row;
}

std::vector<KeyedRow> dataset_rows(UatSide& side, const std::string& dataset) {
  std::vector<KeyedRow> rows;
  if (auto sql = keyed_dataset_sql(dataset, side.profile)) {
    std::optional<RowStream> s;
    open_stream(s, side, ordered_rows_sql(*sql));
    auto next = row_source(s, side);
    while (auto r = next()) {
      rows.push_back(std::move(*r));
    }
  }
  return rows;
}

} // namespace odoo_upgrade::adapters::pg
