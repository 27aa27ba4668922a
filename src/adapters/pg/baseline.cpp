#include <odoo_upgrade/adapters/pg/baseline.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>

#include <spdlog/spdlog.h>

#include <optional>
#include <tuple>

namespace odoo_upgrade::adapters::pg {

namespace {

using json = nlohmann::json;

// A sum as exact text ("0" for no rows), or std::nullopt when the column does not exist.
std::optional<std::string>
sum_text(Connection& conn, const std::string& table, const std::string& column) {
  if (!conn.column_exists(table, column)) {
    return std::nullopt;
  }
  return conn
      .query_value("SELECT coalesce(sum(" + quote_identifier(column) + "), 0)::text FROM public." +
                   quote_identifier(table))
      .value_or("0");
}

} // namespace

const std::vector<std::string>& baseline_models() {
  static const std::vector<std::string> k_models = {
      "res.partner",
      "res.users",
      "res.company",
      "res.currency.rate",
      "product.template",
      "product.product",
      "sale.order",
      "sale.order.line",
      "purchase.order",
      "purchase.order.line",
      "stock.picking",
      "stock.move",
      "stock.move.line",
      "stock.quant",
      "account.move",
      "account.move.line",
      "account.account",
      "account.tax",
      "account.journal",
      "account.payment",
      "account.bank.statement.line",
      "crm.lead",
      "project.project",
      "project.task",
      "hr.employee",
      "mrp.production",
      "pos.order",
      "mail.message",
      "ir.attachment",
  };
  return k_models;
}

namespace {

// `counts`, `max_ids` and `digests`: one figure each per existing table of baseline_models(), in
// one scan. The digest sums a hash of every row's id and xmin: an INSERT adds a term, a DELETE
// removes one and an UPDATE replaces one (the new row version has a new xmin), whatever the role.
// VACUUM (FREEZE) keeps the raw xmin, so only writes change it.
void count_models(Connection& conn, json& doc) {
  for (const auto& model : baseline_models()) {
    auto table = core::odoo_table(model);
    if (!table || !conn.relation_exists("public." + *table)) {
      continue;
    }
    auto r = conn.exec("SELECT count(*), coalesce(max(id), 0), coalesce(sum(hashtextextended(id::"
                       "text || ':' || xmin::text, 0)::numeric), 0)::text FROM public." +
                       quote_identifier(*table));
    doc["counts"][model] = r.get_int(0, 0);
    doc["max_ids"][model] = r.get_int(0, 1);
    doc["digests"][model] = std::string(r.get(0, 2));
  }
}

// `writes`: PostgreSQL's cumulative statistics of rows inserted, updated and deleted per table of
// schema public (only tables with any), and when they were last reset. Only on PostgreSQL 15+,
// whose statistics a session can flush on demand (pg_stat_force_next_flush; older servers send
// them to a collector that may lag).
void table_writes(Connection& conn, json& doc) {
  if (conn.server_version() < 150000) {
    return;
  }
  json tables = json::object();
  conn.for_each_row(
      "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
      "WHERE schemaname = 'public' AND n_tup_ins + n_tup_upd + n_tup_del > 0 "
      "ORDER BY relname",
      {},
      [&](const Result& row) { tables[std::string(row.get(0, 0))] = row.get_int(0, 1); });
  doc["writes"] = {
      {"stats_reset",
       conn.query_value(
               "SELECT coalesce(stats_reset::text, '') FROM pg_stat_database WHERE datname "
               "= current_database()")
           .value_or("")},
      {"tables", tables}};
}

// This session's own pending statistics (e.g. the freeze's UPDATE of ir_cron) are flushed first,
// so that they are counted before the baseline and not after it.
void flush_own_statistics(Connection& conn) {
  if (conn.server_version() < 150000) {
    return;
  }
  try {
    conn.query_value("SELECT pg_stat_force_next_flush()");
    conn.query_value("SELECT 1"); // the flush happens when the session is next idle
  } catch (const core::DatabaseError& e) {
    spdlog::debug("cannot flush this session's statistics: {}", e.what());
  }
}

// The journal items' debit, credit and balance per company (when the columns exist).
void journal_totals(Connection& conn, json& totals) {
  if (!conn.relation_exists("public.account_move_line")) {
    return;
  }
  if (auto v = sum_text(conn, "account_move_line", "debit")) {
    totals["account_move_line_debit"] = *v;
  }
  if (auto v = sum_text(conn, "account_move_line", "credit")) {
    totals["account_move_line_credit"] = *v;
  }
  bool has_balance = conn.column_exists("account_move_line", "balance");
  if (conn.column_exists("account_move_line", "company_id") &&
      (has_balance || conn.column_exists("account_move_line", "debit"))) {
    json by_company = json::object();
    std::string expr = has_balance ? "balance" : "debit - credit";
    conn.for_each_row("SELECT coalesce(company_id::text, 'none'), coalesce(sum(" + expr +
                          "), 0)::text FROM public.account_move_line GROUP BY 1 ORDER BY 1",
                      {},
                      [&](const Result& row) {
                        by_company[std::string(row.get(0, 0))] = std::string(row.get(0, 1));
                      });
    totals["account_move_line_balance_by_company"] = by_company;
  }
}

// The documents' amount totals and the stock quantity (when the tables exist).
void document_totals(Connection& conn, json& totals) {
  for (const auto& [key, table, column] :
       {std::tuple{"account_move_amount_total", "account_move", "amount_total"},
        std::tuple{"sale_order_amount_total", "sale_order", "amount_total"},
        std::tuple{"purchase_order_amount_total", "purchase_order", "amount_total"},
        std::tuple{"stock_quant_quantity", "stock_quant", "quantity"}}) {
    if (!conn.relation_exists(std::string("public.") + table)) {
      continue;
    }
    if (auto v = sum_text(conn, table, column)) {
      totals[key] = *v;
    }
  }
}

} // namespace

json capture_baseline(Connection& conn) {
  flush_own_statistics(conn);
  // One snapshot: every figure belongs to the same moment.
  Transaction tx(conn, Isolation::repeatable_read, Access::read_only);
  json doc = {{"taken_at",
               conn.query_value("SELECT to_char(now() AT TIME ZONE 'UTC', "
                                "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
                   .value_or("")},
              {"database", conn.dbname()},
              {"counts", json::object()},
              {"totals", json::object()},
              {"max_ids", json::object()},
              {"digests", json::object()}};
  count_models(conn, doc);
  table_writes(conn, doc);
  journal_totals(conn, doc["totals"]);
  document_totals(conn, doc["totals"]);
  tx.commit();
  return doc;
}

} // namespace odoo_upgrade::adapters::pg
