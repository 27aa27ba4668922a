#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace odoo_upgrade::adapters::pg::golive {

namespace {

std::string id_list(const std::vector<long long>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i > 0 ? "," : "") + std::to_string(ids[i]);
  }
  return out + "}";
}

bool valid_setting_value(const std::string& v) {
  return !v.empty() && v.size() <= 16 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

} // namespace

std::string table_owner(Connection& conn) {
  auto owner = conn.query_value("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                                "GROUP BY tableowner ORDER BY count(*) DESC, tableowner LIMIT 1");
  if (!owner || owner->empty()) {
    throw core::DatabaseError("database '" + conn.dbname() + "' has no table in schema public",
                              "pass the role Odoo connects as with --odoo-role");
  }
  return *owner;
}

bool role_exists(Connection& conn, const std::string& role) {
  return conn.query_value("SELECT count(*) FROM pg_roles WHERE rolname = $1", {role})
             .value_or("0") != "0";
}

bool role_is_superuser(Connection& conn, const std::string& role) {
  return conn.query_value("SELECT rolsuper FROM pg_roles WHERE rolname = $1", {role})
             .value_or("f") == "t";
}

std::optional<std::string>
role_read_only_setting(Connection& conn, const std::string& role, const std::string& db) {
  return conn.query_value(
      "SELECT substr(c, length('default_transaction_read_only=') + 1) "
      "FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
      "JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) AS c "
      "WHERE r.rolname = $1 AND d.datname = $2 AND c LIKE 'default_transaction_read_only=%'",
      {role, db});
}

std::string read_only_setting_statement(const std::string& role,
                                        const std::string& db,
                                        const std::optional<std::string>& value) {
  std::string sql = "ALTER ROLE " + quote_identifier(role) + " IN DATABASE " + quote_identifier(db);
  if (!value) {
    return sql + " RESET default_transaction_read_only";
  }
  if (!valid_setting_value(*value)) {
    throw core::UsageError("invalid setting value '" + *value + "'");
  }
  return sql + " SET default_transaction_read_only = " + *value;
}

void set_role_read_only_setting(Connection& conn,
                                const std::string& role,
                                const std::string& db,
                                const std::optional<std::string>& value) {
  std::string sql = read_only_setting_statement(role, db, value);
  // ALTER ROLE is refused in a read-only transaction, and the session may be the frozen role's.
  conn.exec_no_rows("SET default_transaction_read_only = off");
  conn.exec_no_rows(sql);
}

int terminate_sessions(Connection& conn, const std::string& db) {
  // Since PostgreSQL 14 pg_terminate_backend can wait until the session is gone.
  std::string call = conn.server_version() >= 140000 ? "pg_terminate_backend(pid, 5000)"
                                                     : "pg_terminate_backend(pid)";
  return static_cast<int>(std::stoll(
      conn.query_value("SELECT count(*) FILTER (WHERE " + call +
                           ") FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                       {db})
          .value_or("0")));
}

int session_count(Connection& conn, const std::string& db) {
  return static_cast<int>(
      std::stoll(conn.query_value("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND "
                                  "pid <> pg_backend_pid()",
                                  {db})
                     .value_or("0")));
}

std::vector<long long> active_cron_ids(Connection& conn) {
  std::vector<long long> ids;
  conn.for_each_row("SELECT id FROM ir_cron WHERE active ORDER BY id", {}, [&](const Result& row) {
    ids.push_back(row.get_int(0, 0));
  });
  return ids;
}

long long set_crons_active(Connection& conn, const std::vector<long long>& ids, bool active) {
  if (ids.empty()) {
    return 0;
  }
  // Explicitly read-write: the session may default to read-only (the frozen role's).
  Transaction tx(conn, Isolation::read_committed, Access::read_write);
  auto r = conn.query_value("WITH u AS (UPDATE ir_cron SET active = $1 WHERE id = ANY($2::int[]) "
                            "AND active IS DISTINCT FROM $1 RETURNING 1) SELECT count(*) FROM u",
                            {active ? "true" : "false", id_list(ids)});
  tx.commit();
  return std::stoll(r.value_or("0"));
}

WriteProbe probe_write(const std::string& conninfo) {
  WriteProbe p;
  std::optional<Connection> conn;
  try {
    conn.emplace(conninfo);
  } catch (const core::Error& e) {
    p.message = e.what();
    return p;
  }
  p.connected = true;
  try {
    // The session's own read-only default decides (that is what is probed); never committed.
    Transaction tx(*conn, Isolation::read_committed, Access::session_default);
    conn->exec_no_rows("UPDATE ir_config_parameter SET value = value WHERE key = 'database.uuid'");
    p.write_ok = true;
  } catch (const core::Error& e) {
    p.message = e.what();
  }
  return p;
}

std::optional<long long> database_oid(Connection& conn, const std::string& name) {
  auto v = conn.query_value("SELECT oid::bigint FROM pg_database WHERE datname = $1", {name});
  if (!v) {
    return std::nullopt;
  }
  return std::stoll(*v);
}

std::optional<std::string> database_name(Connection& conn, long long oid) {
  return conn.query_value("SELECT datname FROM pg_database WHERE oid = $1::bigint::oid",
                          {std::to_string(oid)});
}

std::vector<std::string> database_names(Connection& conn) {
  std::vector<std::string> names;
  conn.for_each_row("SELECT datname FROM pg_database", {}, [&](const Result& row) {
    names.emplace_back(row.get(0, 0));
  });
  return names;
}

void rename_database(Connection& conn, const std::string& from, const std::string& to) {
  conn.exec_no_rows("SET default_transaction_read_only = off");
  std::string sql =
      "ALTER DATABASE " + quote_identifier(from) + " RENAME TO " + quote_identifier(to);
  for (int attempt = 1;; ++attempt) {
    terminate_sessions(conn, from);
    try {
      conn.exec_no_rows(sql);
      return;
    } catch (const core::DatabaseError& e) {
      // A client (Odoo, a pooler) may reconnect between the termination and the rename.
      if (attempt >= 10 || std::string(e.what()).find("other users") == std::string::npos) {
        throw core::DatabaseError("cannot rename database '" + from + "' to '" + to +
                                      "': " + e.what(),
                                  "stop the clients of '" + from + "' (Odoo, poolers) and re-run");
      }
      spdlog::debug("database '{}' still in use; retrying the rename", from);
      conn.exec("SELECT pg_sleep(0.2)");
    }
  }
}

std::string base_version(Connection& conn) {
  return conn
      .query_value("SELECT latest_version FROM ir_module_module WHERE name = 'base' AND state = "
                   "'installed'")
      .value_or("");
}

std::vector<std::string> modules_in_transition(Connection& conn) {
  std::vector<std::string> out;
  conn.for_each_row("SELECT name || ' (' || state || ')' FROM ir_module_module WHERE state IN "
                    "('to install', 'to upgrade', 'to remove') ORDER BY name",
                    {},
                    [&](const Result& row) { out.emplace_back(row.get(0, 0)); });
  return out;
}

} // namespace odoo_upgrade::adapters::pg::golive
