#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::adapters::pg {

// A query whose rows are pulled one at a time (libpq single-row mode), so that two streams on two
// connections can be merge-joined without holding either result. The constructor sends the query
// and returns at once: the server starts working while the caller sends a query on another
// connection. Only one stream may be open per connection at a time.
class RowStream {
public:
  // Sends `sql` with `params` on `conn`; throws DatabaseError when it cannot be sent.
  RowStream(Connection& conn, std::string_view sql, const Params& params = {});
  // Drains what is left so that the connection stays usable.
  ~RowStream();
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;

  // The next row, valid until the next call; nullptr at the end. Throws DatabaseError with the
  // server's message when the query fails (possibly after some rows).
  const Result* next();

private:
  void drain() noexcept;
  Connection& m_conn;
  std::optional<Result> m_row;
  bool m_done = false;
};

} // namespace odoo_upgrade::adapters::pg
