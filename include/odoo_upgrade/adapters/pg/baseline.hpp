#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace odoo_upgrade::adapters::pg {

// The business models a baseline counts (Odoo model names). Models whose table does not exist in
// a database are skipped.
const std::vector<std::string>& baseline_models();

// A snapshot of the record counts and key totals of an Odoo database, taken in one read-only
// REPEATABLE READ transaction (so every figure belongs to the same moment). The format is relied
// on by `freeze` (project `freeze.baseline`), `restore`'s verification and `monitor`:
//   {"taken_at": "<ISO-8601 UTC>", "database": "<name>",
//    "counts":  {"res.partner": 42, …},           one per existing table of baseline_models()
//    "totals":  {"account_move_line_debit": "<sum as text>", "account_move_line_credit": "…",
//                "account_move_line_balance_by_company": {"<company id>": "<sum>", …},
//                "account_move_amount_total": "…", "sale_order_amount_total": "…",
//                "purchase_order_amount_total": "…", "stock_quant_quantity": "…"}  (when the
//                columns exist)
//    "max_ids": {"res.partner": 57, …},             highest id (0 for an empty table)
//    "digests": {"res.partner": "<decimal>", …},    sum of a 64-bit hash of every row's id and
//                                                   xmin: any INSERT, UPDATE or DELETE, by any
//                                                   role, changes it (comparable only between two
//                                                   baselines of the same database)
//    "writes":  {"stats_reset": "<timestamp or ''>",  PostgreSQL 15+ only: rows inserted + updated
//                "tables": {"res_partner": 1234, …}}  + deleted per table of schema public since
//                                                   the statistics were reset (pg_stat_user_tables,
//                                                   pg_stat_database.stats_reset; tables at 0 left
//                                                   out). Counts attempts, rolled back ones too.
// `taken_at` is the server's clock. This session's pending statistics are flushed first
// (pg_stat_force_next_flush). Throws DatabaseError. `conn` must not be inside a transaction.
nlohmann::json capture_baseline(Connection& conn);

} // namespace odoo_upgrade::adapters::pg
