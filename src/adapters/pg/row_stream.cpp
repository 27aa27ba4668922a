#include <odoo_upgrade/adapters/pg/row_stream.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <libpq-fe.h>

#include <vector>

namespace odoo_upgrade::adapters::pg {

namespace {

std::string one_line(const char* msg) {
  return one_line_message(msg);
}

} // namespace

RowStream::RowStream(Connection& conn, std::string_view sql, const Params& params) : m_conn(conn) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  std::string query(sql);
  if (PQsendQueryParams(m_conn.raw(),
                        query.c_str(),
                        static_cast<int>(values.size()),
                        nullptr,
                        values.data(),
                        nullptr,
                        nullptr,
                        0) == 0) {
    throw core::DatabaseError("query failed: " + one_line(PQerrorMessage(m_conn.raw())));
  }
  PQsetSingleRowMode(m_conn.raw());
}

RowStream::~RowStream() {
  drain();
}

void RowStream::drain() noexcept {
  m_row.reset();
  if (m_done) {
    return;
  }
  // Cancel a query still producing rows rather than reading (possibly millions of) rows away.
  if (PGcancel* cancel = PQgetCancel(m_conn.raw())) {
    char err[256];
    PQcancel(cancel, err, sizeof err);
    PQfreeCancel(cancel);
  }
  while (pg_result* res = PQgetResult(m_conn.raw())) {
    PQclear(res);
  }
  m_done = true;
}

const Result* RowStream::next() {
  m_row.reset();
  if (m_done) {
    return nullptr;
  }
  while (pg_result* res = PQgetResult(m_conn.raw())) {
    auto status = PQresultStatus(res);
    if (status == PGRES_SINGLE_TUPLE) {
      m_row.emplace(res);
      return &*m_row;
    }
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      PQclear(res);
      continue;
    }
    std::string message = one_line(PQresultErrorMessage(res));
    PQclear(res);
    while (pg_result* rest = PQgetResult(m_conn.raw())) {
      PQclear(rest);
    }
    m_done = true;
    throw core::DatabaseError("query failed: " + message);
  }
  m_done = true;
  return nullptr;
}

} // namespace odoo_upgrade::adapters::pg
