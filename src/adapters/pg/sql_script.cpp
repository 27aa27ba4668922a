#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/sql_script.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <libpq-fe.h>

#include <cstdlib>

namespace odoo_upgrade::adapters::pg {

namespace {

struct NoticeSink {
  const std::function<void(std::string_view)>* on_notice = nullptr;
};

void receive_notice(void* arg, const char* message) {
  auto* sink = static_cast<NoticeSink*>(arg);
  if (sink->on_notice != nullptr && *sink->on_notice) {
    std::string_view text(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
      text.remove_suffix(1);
    }
    (*sink->on_notice)(text);
  }
}

// Runs the script (PQexec returns the last statement's result; an error stops at that statement).
SqlScriptResult exec_script(pg_conn* conn, const std::string& sql) {
  pg_result* res = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    std::string message =
        one_line_message(res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    PQclear(res);
    throw core::DatabaseError(message.empty() ? std::string("the SQL script failed") : message);
  }
  SqlScriptResult out;
  const char* tag = PQcmdStatus(res);
  out.command_tag = tag != nullptr ? tag : "";
  const char* tuples = PQcmdTuples(res);
  if (tuples != nullptr && *tuples != '\0') {
    out.rows = std::strtoll(tuples, nullptr, 10);
  }
  PQclear(res);
  return out;
}

// Inside the script's transaction: the role becomes the database's owner (SET LOCAL ROLE) when it
// is another role the connected one may become, so that what the script creates belongs to the
// role Odoo connects as, as when Odoo creates it.
void become_database_owner(Connection& conn) {
  auto owner = conn.query_value(
      "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database() AND "
      "datdba <> (SELECT oid FROM pg_roles WHERE rolname = current_user) AND "
      "pg_has_role(current_user, datdba, 'MEMBER')");
  if (owner) {
    conn.exec_no_rows("SET LOCAL ROLE " + quote_identifier(*owner));
  }
}

} // namespace

SqlScriptResult run_sql_script(const std::string& conninfo,
                               std::string_view sql,
                               const std::function<void(std::string_view)>& on_notice) {
  Connection conn(conninfo);
  NoticeSink sink{&on_notice};
  PQsetNoticeProcessor(conn.raw(), receive_notice, &sink);
  SqlScriptResult out;
  {
    Transaction txn(conn);
    become_database_owner(conn);
    out = exec_script(conn.raw(), std::string(sql));
    // A script that ended the transaction itself (COMMIT/ROLLBACK inside it) leaves none open.
    if (PQtransactionStatus(conn.raw()) == PQTRANS_INTRANS) {
      txn.commit();
    }
  }
  PQsetNoticeProcessor(conn.raw(), nullptr, nullptr);
  return out;
}

std::map<std::string, std::string> module_states(const std::string& conninfo,
                                                 const std::vector<std::string>& modules) {
  Connection conn(conninfo);
  conn.set_read_only();
  std::map<std::string, std::string> out;
  for (const auto& name : modules) {
    if (auto state =
            conn.query_value("SELECT state FROM ir_module_module WHERE name = $1", {name})) {
      out[name] = *state;
    }
  }
  return out;
}

} // namespace odoo_upgrade::adapters::pg
