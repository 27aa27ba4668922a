#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/monitor.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// The SQL side of `monitor`: read-only facts about a live Odoo database, in any series from 14.0.
// Times passed in are ISO 8601 UTC texts ("2026-11-21T16:45:03Z"); Odoo stores naive UTC
// timestamps. Every function throws DatabaseError when a query fails.
namespace odoo_upgrade::adapters::pg::monitor {

// Modules in state 'to install', 'to upgrade' or 'to remove': (name, state), by name.
std::vector<std::pair<std::string, std::string>> pending_modules(Connection& conn);

struct Crons {
  bool has_failure_count = false; // ir_cron.failure_count exists (recent series)
  std::vector<core::monitor::CronFact> active;
};
// Active scheduled actions, with their failure count where the series has one and their next call.
// Nothing here reads the database server's clock: the caller judges times against its own.
Crons active_crons(Connection& conn);

// mail_mail: in exception, waiting (due at `now`), age at `now` of the oldest waiting mail, a few
// failure reasons.
core::monitor::MailFacts mail_facts(Connection& conn, const std::string& now);

// ir_logging: whether it has rows at all, and ERROR/CRITICAL entries since `since`.
core::monitor::LogFacts log_facts(Connection& conn, const std::string& since);

// Records of `model` created since `since`; std::nullopt when its table (core::odoo_table) or its
// create_date is absent, or `model` is not a plausible model name.
std::optional<long long>
created_since(Connection& conn, const std::string& model, const std::string& since);
// Records of `model` created per day over the `days` days before `until`; std::nullopt when the
// table is absent.
std::optional<double>
daily_volume(Connection& conn, const std::string& model, const std::string& until, long long days);

// sum(debit), sum(credit) of account_move_line per company for lines dated before `date`
// ("YYYY-MM-DD"), keyed "company <id> debit" / "company <id> credit". Empty without accounting.
core::monitor::Amounts journal_totals_before(Connection& conn, const std::string& date);
// sum(debit), sum(credit) of the account_move_line rows with id <= `max_id`, keyed like the freeze
// baseline ("account_move_line_debit", "account_move_line_credit").
core::monitor::Amounts journal_totals_up_to(Connection& conn, long long max_id);

// pg_database_size of the connected database.
long long database_size(Connection& conn);
// SHOW data_directory; std::nullopt when the role may not read it.
std::optional<std::string> data_directory(Connection& conn);

} // namespace odoo_upgrade::adapters::pg::monitor
