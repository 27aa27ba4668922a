#include <odoo_upgrade/adapters/pg/transaction.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

namespace odoo_upgrade::adapters::pg {

namespace {

std::string begin_statement(Isolation isolation, Access access) {
  std::string sql = "BEGIN ISOLATION LEVEL ";
  switch (isolation) {
  case Isolation::read_committed:
    sql += "READ COMMITTED";
    break;
  case Isolation::repeatable_read:
    sql += "REPEATABLE READ";
    break;
  case Isolation::serializable:
    sql += "SERIALIZABLE";
    break;
  }
  if (access == Access::read_only) {
    sql += " READ ONLY";
  } else if (access == Access::read_write) {
    sql += " READ WRITE";
  }
  return sql;
}

} // namespace

Transaction::Transaction(Connection& conn, Isolation isolation, Access access) : m_conn(conn) {
  m_conn.exec_no_rows(begin_statement(isolation, access));
}

Transaction::~Transaction() {
  if (!m_open) {
    return;
  }
  try {
    m_conn.exec_no_rows("ROLLBACK");
  } catch (const std::exception& e) {
    spdlog::debug("rollback failed: {}", e.what());
  }
}

void Transaction::commit() {
  m_open = false;
  m_conn.exec_no_rows("COMMIT");
}

Savepoint::Savepoint(Connection& conn, std::string name) : m_conn(conn), m_name(std::move(name)) {
  m_conn.exec_no_rows("SAVEPOINT " + quote_identifier(m_name));
}

Savepoint::~Savepoint() {
  if (!m_open) {
    return;
  }
  try {
    rollback();
  } catch (const std::exception& e) {
    spdlog::debug("rollback to savepoint failed: {}", e.what());
  }
}

void Savepoint::release() {
  m_open = false;
  m_conn.exec_no_rows("RELEASE SAVEPOINT " + quote_identifier(m_name));
}

void Savepoint::rollback() {
  m_open = false;
  m_conn.exec_no_rows("ROLLBACK TO SAVEPOINT " + quote_identifier(m_name));
  m_conn.exec_no_rows("RELEASE SAVEPOINT " + quote_identifier(m_name));
}

} // namespace odoo_upgrade::adapters::pg
