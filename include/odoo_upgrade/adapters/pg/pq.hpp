#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace odoo_upgrade::adapters::pg {

using Param = std::optional<std::string>; // std::nullopt is SQL NULL
using Params = std::vector<Param>;

// A query result. Values are text (libpq's text format); NULL is reported by `is_null`/`value`.
class Result {
public:
  explicit Result(pg_result* res);
  ~Result();
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  // Index of column `name`; throws DatabaseError when there is no such column.
  int column(std::string_view name) const;
  bool is_null(int row, int col) const;
  // Value of a cell; empty string for NULL.
  std::string_view get(int row, int col) const;
  std::string_view get(int row, std::string_view col) const { return get(row, column(col)); }
  // Value of a cell; std::nullopt for NULL.
  std::optional<std::string> value(int row, int col) const;
  long long get_int(int row, int col) const;
  bool get_bool(int row, int col) const;

private:
  pg_result* m_res;
};

// One connection to PostgreSQL. The constructor connects and throws DatabaseError on failure; the
// destructor closes. Every query goes through PQexecParams: SQL is never built by concatenating
// values.
class Connection {
public:
  // `conninfo` is anything libpq accepts (keyword/value string or URI); PG* environment variables
  // and service files apply. Error messages never contain the conninfo or its password.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a statement; throws DatabaseError (with the server's message) on failure.
  Result exec(std::string_view sql, const Params& params = {});
  // Runs a statement that returns no rows; throws DatabaseError when it fails or returns rows.
  void exec_no_rows(std::string_view sql, const Params& params = {});
  // First column of the only row; std::nullopt when there is no row or the value is NULL. Throws
  // when the query returns more than one row.
  std::optional<std::string> query_value(std::string_view sql, const Params& params = {});
  // Streams the rows of a query one at a time (libpq single-row mode): never holds the whole
  // result. The callback receives a one-row Result.
  void for_each_row(std::string_view sql,
                    const Params& params,
                    const std::function<void(const Result&)>& on_row);

  // Makes every later transaction of this session read-only (the server refuses writes).
  void set_read_only();

  std::string dbname() const;
  std::string user() const;
  std::string host() const;
  std::string port() const;
  int server_version() const; // e.g. 150018
  // True when `relation` (e.g. "public.ir_module_module") exists.
  bool relation_exists(const std::string& relation);
  bool column_exists(const std::string& table, const std::string& column);
  pg_conn* raw() { return m_conn; }

private:
  pg_conn* m_conn = nullptr;
};

// A libpq error message on one line, without its trailing newline (libpq messages span lines:
// "DETAIL:", "connection to server … failed: …").
std::string one_line_message(const char* msg);

// Quotes an SQL identifier (for CREATE DATABASE and similar statements that take no parameters).
std::string quote_identifier(std::string_view name);

// A parsed conninfo: only the keywords given, in libpq's order.
struct ConnInfo {
  std::vector<std::pair<std::string, std::string>> keywords;
  // Sets `keyword` (replacing any earlier value) / removes it / reads it.
  void set(const std::string& keyword, const std::string& value);
  void erase(const std::string& keyword);
  std::optional<std::string> get(const std::string& keyword) const;
};
// Parses a conninfo string/URI; throws UsageError with libpq's message when it is malformed.
ConnInfo parse_conninfo(const std::string& conninfo);
// The one conninfo builder: a keyword/value string of `info`, values quoted as libpq requires.
std::string to_conninfo(const ConnInfo& info);
// `conninfo` with `keywords` set (each replaces an earlier value), e.g. {{"password", p}}.
std::string conninfo_with(const std::string& conninfo,
                          const std::vector<std::pair<std::string, std::string>>& keywords);
// The conninfo as a keyword/value string without the password, safe to store and show. Throws
// UsageError when it holds sslpassword (no environment variable can carry it: a connection service
// file must).
std::string redact_conninfo(const std::string& conninfo);
// The password given inside the conninfo, if any.
std::optional<std::string> conninfo_password(const std::string& conninfo);
// The conninfo with `dbname` replaced (used to reach another database on the same server).
std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname);
// How a PostgreSQL client tool (pg_dump, pg_restore) connects as `conninfo` says. The tools take a
// whole conninfo string as their --dbname (PostgreSQL documentation, pg_dump and pg_restore:
// "dbname … can be a connection string"), so every libpq keyword reaches them (channel_binding,
// gssencmode, sslcrl, keepalives*, tcp_user_timeout…), not a hand-picked list. The password is
// taken out of it and given in the environment (PGPASSWORD): never in argv, where `ps` shows it.
// fallback_application_name=odoo-upgrade is added so that a DBA sees who connects in
// pg_stat_activity (an application_name of the conninfo still wins). Throws UsageError when
// `conninfo` is malformed or holds sslpassword (see redact_conninfo).
struct ToolConnection {
  std::string dbname_option;                            // "--dbname=host=… dbname=…"
  std::vector<std::pair<std::string, std::string>> env; // PGPASSWORD when the conninfo has one
};
ToolConnection tool_connection(const std::string& conninfo);
// Environment for the sandbox's PostgreSQL tools equivalent to `conninfo` (PGHOST, PGPORT, PGUSER,
// PGDATABASE, PGPASSWORD, PGSSLMODE… for the keywords that have a variable); odoo-upgrade's own
// tools use tool_connection, which passes every keyword.
std::vector<std::pair<std::string, std::string>> libpq_environment(const std::string& conninfo);

} // namespace odoo_upgrade::adapters::pg
