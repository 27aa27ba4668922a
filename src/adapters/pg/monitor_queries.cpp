#include <odoo_upgrade/adapters/pg/monitor_queries.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>

#include <spdlog/spdlog.h>

namespace odoo_upgrade::adapters::pg::monitor {

namespace {

// Odoo stores naive UTC timestamps: turn an ISO 8601 parameter into one.
constexpr const char* k_utc = "($1::timestamptz AT TIME ZONE 'UTC')";

std::string column_type(Connection& conn, const std::string& table, const std::string& column) {
  return conn
      .query_value("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                   "current_schema() AND table_name = $1 AND column_name = $2",
                   {table, column})
      .value_or("");
}

long long to_ll(const std::optional<std::string>& v) {
  return v ? std::stoll(*v) : 0;
}

} // namespace

std::vector<std::pair<std::string, std::string>> pending_modules(Connection& conn) {
  std::vector<std::pair<std::string, std::string>> out;
  Result r = conn.exec("SELECT name, state FROM ir_module_module WHERE state IN ('to install', "
                       "'to upgrade', 'to remove') ORDER BY name");
  for (int i = 0; i < r.rows(); ++i) {
    out.emplace_back(std::string(r.get(i, 0)), std::string(r.get(i, 1)));
  }
  return out;
}

Crons active_crons(Connection& conn) {
  Crons crons;
  crons.has_failure_count = conn.column_exists("ir_cron", "failure_count");
  bool has_first_failure = conn.column_exists("ir_cron", "first_failure_date");
  // cron_name is jsonb (translated) in some series, plain text in others.
  std::string name = column_type(conn, "ir_cron", "cron_name") == "jsonb"
                         ? "coalesce(cron_name->>'en_US', cron_name::text)"
                         : "cron_name::text";
  const char* k_iso = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
  std::string sql = "SELECT id, " + name + ", " +
                    (crons.has_failure_count ? "failure_count" : "NULL::int") + ", " +
                    (has_first_failure ? "to_char(first_failure_date, " + std::string(k_iso) + ")"
                                       : "NULL::text") +
                    ", to_char(nextcall, " + k_iso + ") FROM ir_cron WHERE active ORDER BY id";
  Result r = conn.exec(sql);
  for (int i = 0; i < r.rows(); ++i) {
    core::monitor::CronFact f;
    f.id = r.get_int(i, 0);
    f.name = std::string(r.get(i, 1));
    if (!r.is_null(i, 2)) {
      f.failure_count = r.get_int(i, 2);
    }
    f.first_failure = r.value(i, 3);
    if (auto next = r.value(i, 4)) {
      f.nextcall = core::parse_iso8601(*next);
    }
    crons.active.push_back(std::move(f));
  }
  return crons;
}

core::monitor::MailFacts mail_facts(Connection& conn, const std::string& now) {
  core::monitor::MailFacts f;
  Result r = conn.exec(std::string("SELECT count(*) FILTER (WHERE state = 'exception'), "
                                   "count(*) FILTER (WHERE state = 'outgoing'), "
                                   "extract(epoch FROM ") +
                           k_utc +
                           " - min(coalesce(scheduled_date, create_date)) FILTER (WHERE state = "
                           "'outgoing' AND coalesce(scheduled_date, create_date) <= " +
                           k_utc + "))::bigint FROM mail_mail",
                       {now});
  f.exception = r.get_int(0, 0);
  f.queued = r.get_int(0, 1);
  if (!r.is_null(0, 2)) {
    f.oldest_queued_age_seconds = r.get_int(0, 2);
  }
  if (f.exception > 0) {
    Result s = conn.exec("SELECT DISTINCT left(coalesce(failure_reason, failure_type, 'unknown'), "
                         "80) FROM mail_mail WHERE state = 'exception' LIMIT 3");
    for (int i = 0; i < s.rows(); ++i) {
      f.exception_samples.emplace_back(s.get(i, 0));
    }
  }
  return f;
}

core::monitor::LogFacts log_facts(Connection& conn, const std::string& since) {
  core::monitor::LogFacts f;
  if (!conn.relation_exists("ir_logging")) {
    return f;
  }
  f.table_used = conn.query_value("SELECT EXISTS (SELECT 1 FROM ir_logging)").value_or("f") == "t";
  if (!f.table_used) {
    return f;
  }
  std::string where =
      std::string("WHERE level IN ('ERROR', 'CRITICAL') AND create_date >= ") + k_utc;
  f.errors = to_ll(conn.query_value("SELECT count(*) FROM ir_logging " + where, {since}));
  Result s = conn.exec("SELECT coalesce(name, '') || ': ' || left(coalesce(message, ''), 80) FROM "
                       "ir_logging " +
                           where + " ORDER BY id DESC LIMIT 3",
                       {since});
  for (int i = 0; i < s.rows(); ++i) {
    f.samples.emplace_back(s.get(i, 0));
  }
  return f;
}

std::optional<long long>
created_since(Connection& conn, const std::string& model, const std::string& since) {
  auto table = core::odoo_table(model);
  if (!table || !conn.column_exists(*table, "create_date")) {
    return std::nullopt;
  }
  return to_ll(conn.query_value("SELECT count(*) FROM " + quote_identifier(*table) +
                                    " WHERE create_date >= " + k_utc,
                                {since}));
}

std::optional<double>
daily_volume(Connection& conn, const std::string& model, const std::string& until, long long days) {
  auto table = core::odoo_table(model);
  if (!table || days <= 0 || !conn.column_exists(*table, "create_date")) {
    return std::nullopt;
  }
  long long n = to_ll(conn.query_value(
      "SELECT count(*) FROM " + quote_identifier(*table) + " WHERE create_date < " + k_utc +
          " AND create_date >= " + k_utc + " - make_interval(days => $2::int)",
      {until, std::to_string(days)}));
  return static_cast<double>(n) / static_cast<double>(days);
}

core::monitor::Amounts journal_totals_before(Connection& conn, const std::string& date) {
  core::monitor::Amounts out;
  if (!conn.relation_exists("account_move_line")) {
    return out;
  }
  Result r = conn.exec("SELECT coalesce(company_id::text, 'none'), coalesce(sum(debit), 0)::text, "
                       "coalesce(sum(credit), 0)::text FROM account_move_line WHERE date < "
                       "$1::date GROUP BY 1 ORDER BY 1",
                       {date});
  for (int i = 0; i < r.rows(); ++i) {
    std::string company = "company " + std::string(r.get(i, 0));
    out[company + " debit"] = std::string(r.get(i, 1));
    out[company + " credit"] = std::string(r.get(i, 2));
  }
  return out;
}

core::monitor::Amounts journal_totals_up_to(Connection& conn, long long max_id) {
  core::monitor::Amounts out;
  if (!conn.relation_exists("account_move_line")) {
    return out;
  }
  Result r = conn.exec("SELECT coalesce(sum(debit), 0)::text, coalesce(sum(credit), 0)::text FROM "
                       "account_move_line WHERE id <= $1::bigint",
                       {std::to_string(max_id)});
  out["account_move_line_debit"] = std::string(r.get(0, 0));
  out["account_move_line_credit"] = std::string(r.get(0, 1));
  return out;
}

long long database_size(Connection& conn) {
  return to_ll(conn.query_value("SELECT pg_database_size(current_database())"));
}

std::optional<std::string> data_directory(Connection& conn) {
  try {
    return conn.query_value("SHOW data_directory");
  } catch (const core::DatabaseError& e) {
    spdlog::debug("cannot read data_directory: {}", e.what());
    return std::nullopt;
  }
}

} // namespace odoo_upgrade::adapters::pg::monitor
