#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <string>

namespace odoo_upgrade::adapters::pg {

// Isolation level of a transaction (PostgreSQL's names).
enum class Isolation { read_committed, repeatable_read, serializable };
// Access mode of a transaction. `session_default` states none, so that the session's
// default_transaction_read_only applies (e.g. to probe whether a role's sessions may write).
enum class Access { read_write, read_only, session_default };

// A transaction on `conn`: BEGIN in the constructor, ROLLBACK in the destructor unless `commit()`
// was called, so that an exception never leaves a transaction open or half applied. Throws
// DatabaseError when BEGIN or COMMIT fails; the destructor never throws (a failed ROLLBACK is
// logged at debug level: the connection is then broken anyway).
class Transaction {
public:
  explicit Transaction(Connection& conn,
                       Isolation isolation = Isolation::read_committed,
                       Access access = Access::read_write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();
  Connection& connection() { return m_conn; }

private:
  Connection& m_conn;
  bool m_open = true;
};

// A savepoint inside a transaction: rolled back to (and released) in the destructor unless
// `release()` was called. `name` must be a plain SQL identifier chosen by the caller (never user
// input). Throws DatabaseError when SAVEPOINT or RELEASE fails.
class Savepoint {
public:
  Savepoint(Connection& conn, std::string name);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  void release();
  // Undoes everything since the savepoint and ends it (what the destructor does).
  void rollback();

private:
  Connection& m_conn;
  std::string m_name;
  bool m_open = true;
};

} // namespace odoo_upgrade::adapters::pg
