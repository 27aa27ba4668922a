#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/uat_queries.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

// Reading the keyed datasets of adapters/pg/uat_queries.hpp from two databases at once, for the
// automated UAT checks: the production and the test database are streamed side by side and
// merge-joined by key (core::uat::merge_keyed), so that memory stays bounded whatever their size.
// Every function throws DatabaseError when a query fails.
namespace odoo_upgrade::adapters::pg {

// One database of the comparison: its connection, its schema (detect_profile) and how errors name
// it (`label`, e.g. "test database 'acme_test'": every DatabaseError of the functions below that
// comes from this side starts with it, so the user knows which database to look at).
struct UatSide {
  Connection& conn;
  DbProfile profile;
  std::string label;
};
// Reads the profile of `conn` and turns JIT compilation off for the session (compiling the wide
// UNION queries costs seconds and gains nothing here). Errors start with `label`.
UatSide uat_side(Connection& conn, const std::string& label);

// Called for each key with the production row and the test row (either may be null, never both).
using PairFn = std::function<void(const core::uat::KeyedRow*, const core::uat::KeyedRow*)>;

// Compares `dataset` in both databases: digests per bucket in both at once, then only the differing
// buckets row by row, merge-joined in key order; `on_pair` sees only those rows. Returns the number
// of production rows. A side without the dataset's tables is an empty dataset.
long long compare_dataset(UatSide& production,
                          UatSide& test,
                          const std::string& dataset,
                          const PairFn& on_pair);

// Merge-joins every row of `dataset` of both databases (for small datasets read whole).
void merge_dataset(UatSide& production,
                   UatSide& test,
                   const std::string& dataset,
                   const PairFn& on_pair);

// Merge-joins the records of the model counted under `count_key` (counted_records_sql) of both
// databases by id, streamed in id order; `on_pair` sees every id.
void merge_counted_records(UatSide& production,
                           UatSide& test,
                           const std::string& count_key,
                           const PairFn& on_pair);

// Merge-joins the records of `model` that have chatter (chatter_records_sql) of both databases by
// id, streamed in id order; `on_pair` sees every id with chatter on either side.
void merge_chatter_records(UatSide& production,
                           UatSide& test,
                           const std::string& model,
                           const PairFn& on_pair);

// The row of `dataset` with key `key` in one database; std::nullopt when there is none.
std::optional<core::uat::KeyedRow>
dataset_row(UatSide& side, const std::string& dataset, const std::string& key);

// Every row of `dataset` in one database, in key order (empty without the dataset's tables).
std::vector<core::uat::KeyedRow> dataset_rows(UatSide& side, const std::string& dataset);

} // namespace odoo_upgrade::adapters::pg
