// The libpq functions odoo-upgrade calls, defined here as forwarders to libpq.so.5 opened on first
// use (see <odoo_upgrade/adapters/shared_library.hpp>: commands that never reach PostgreSQL do not
// load libpq and its dependency tree). Each definition is checked against <libpq-fe.h>'s
// declaration by the compiler; a function the code starts to call must be added here, or the link
// fails.
#include <odoo_upgrade/adapters/shared_library.hpp>

#include <libpq-fe.h>

namespace {

const odoo_upgrade::adapters::SharedLibrary& libpq() {
  static const odoo_upgrade::adapters::SharedLibrary k_library(
      "libpq.so.5", "the PostgreSQL client library", "libpq5");
  return k_library;
}

} // namespace

#define OU_FORWARD(ret, name, params, args) OU_FORWARD_TO(libpq, ret, name, params, args)

extern "C" {

OU_FORWARD(PGconn*, PQconnectdb, (const char* conninfo), (conninfo))
OU_FORWARD(void, PQfinish, (PGconn * conn), (conn))
OU_FORWARD(ConnStatusType, PQstatus, (const PGconn* conn), (conn))
OU_FORWARD(char*, PQerrorMessage, (const PGconn* conn), (conn))
OU_FORWARD(char*, PQdb, (const PGconn* conn), (conn))
OU_FORWARD(char*, PQuser, (const PGconn* conn), (conn))
OU_FORWARD(char*, PQhost, (const PGconn* conn), (conn))
OU_FORWARD(char*, PQport, (const PGconn* conn), (conn))
OU_FORWARD(int, PQserverVersion, (const PGconn* conn), (conn))
OU_FORWARD(PQnoticeProcessor,
           PQsetNoticeProcessor,
           (PGconn * conn, PQnoticeProcessor proc, void* arg),
           (conn, proc, arg))
OU_FORWARD(PQconninfoOption*,
           PQconninfoParse,
           (const char* conninfo, char** errmsg),
           (conninfo, errmsg))
OU_FORWARD(void, PQconninfoFree, (PQconninfoOption * options), (options))
OU_FORWARD(PGresult*, PQexec, (PGconn * conn, const char* query), (conn, query))
OU_FORWARD(char*, PQcmdStatus, (PGresult * res), (res))
OU_FORWARD(char*, PQcmdTuples, (PGresult * res), (res))
OU_FORWARD(PGTransactionStatusType, PQtransactionStatus, (const PGconn* conn), (conn))
OU_FORWARD(PGresult*,
           PQexecParams,
           (PGconn * conn,
            const char* command,
            int n_params,
            const Oid* param_types,
            const char* const* param_values,
            const int* param_lengths,
            const int* param_formats,
            int result_format),
           (conn,
            command,
            n_params,
            param_types,
            param_values,
            param_lengths,
            param_formats,
            result_format))
OU_FORWARD(int,
           PQsendQueryParams,
           (PGconn * conn,
            const char* command,
            int n_params,
            const Oid* param_types,
            const char* const* param_values,
            const int* param_lengths,
            const int* param_formats,
            int result_format),
           (conn,
            command,
            n_params,
            param_types,
            param_values,
            param_lengths,
            param_formats,
            result_format))
OU_FORWARD(int, PQsetSingleRowMode, (PGconn * conn), (conn))
OU_FORWARD(PGresult*, PQgetResult, (PGconn * conn), (conn))
OU_FORWARD(void, PQclear, (PGresult * res), (res))
OU_FORWARD(ExecStatusType, PQresultStatus, (const PGresult* res), (res))
OU_FORWARD(char*, PQresultErrorMessage, (const PGresult* res), (res))
OU_FORWARD(int, PQntuples, (const PGresult* res), (res))
OU_FORWARD(int, PQnfields, (const PGresult* res), (res))
OU_FORWARD(int, PQfnumber, (const PGresult* res, const char* name), (res, name))
OU_FORWARD(char*, PQgetvalue, (const PGresult* res, int row, int field), (res, row, field))
OU_FORWARD(int, PQgetlength, (const PGresult* res, int row, int field), (res, row, field))
OU_FORWARD(int, PQgetisnull, (const PGresult* res, int row, int field), (res, row, field))
OU_FORWARD(char*, PQescapeLiteral, (PGconn * conn, const char* str, size_t len), (conn, str, len))
OU_FORWARD(void, PQfreemem, (void* ptr), (ptr))
OU_FORWARD(PGcancel*, PQgetCancel, (PGconn * conn), (conn))
OU_FORWARD(void, PQfreeCancel, (PGcancel * cancel), (cancel))
OU_FORWARD(int, PQcancel, (PGcancel * cancel, char* errbuf, int size), (cancel, errbuf, size))

} // extern "C"
