#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <map>

namespace odoo_upgrade::adapters::pg {

namespace {

std::string trim_message(const char* msg) {
  return one_line_message(msg);
}

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& p : params) {
      values.push_back(p ? p->c_str() : nullptr);
    }
  }
};

void check_result(pg_conn* conn, pg_result* res, std::string_view sql) {
  auto status = PQresultStatus(res);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE) {
    return;
  }
  std::string message = trim_message(res != nullptr ? PQresultErrorMessage(res) : nullptr);
  if (message.empty()) {
    message = trim_message(PQerrorMessage(conn));
  }
  PQclear(res);
  std::string what(sql.substr(0, sql.find_first_of(" \n")));
  throw core::DatabaseError("query failed: " + message);
}

const std::map<std::string, std::string>& env_for_keyword() {
  static const std::map<std::string, std::string> k_map = {
      {"host", "PGHOST"},
      {"hostaddr", "PGHOSTADDR"},
      {"port", "PGPORT"},
      {"dbname", "PGDATABASE"},
      {"user", "PGUSER"},
      {"password", "PGPASSWORD"},
      {"passfile", "PGPASSFILE"},
      {"service", "PGSERVICE"},
      {"sslmode", "PGSSLMODE"},
      {"sslrootcert", "PGSSLROOTCERT"},
      {"sslcert", "PGSSLCERT"},
      {"sslkey", "PGSSLKEY"},
      {"connect_timeout", "PGCONNECT_TIMEOUT"},
      {"options", "PGOPTIONS"},
      {"application_name", "PGAPPNAME"},
      {"target_session_attrs", "PGTARGETSESSIONATTRS"},
  };
  return k_map;
}

std::string quote_conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('\'');
  bool plain = !v.empty() && v.find_first_of(" '\\\t\n=") == std::string::npos;
  return plain ? v : out;
}

} // namespace

std::string to_conninfo(const ConnInfo& info) {
  std::string out;
  for (const auto& [k, v] : info.keywords) {
    if (!out.empty()) {
      out.push_back(' ');
    }
    out += k + "=" + quote_conninfo_value(v);
  }
  return out;
}

void ConnInfo::set(const std::string& keyword, const std::string& value) {
  std::erase_if(keywords, [&](const auto& kv) { return kv.first == keyword; });
  keywords.emplace_back(keyword, value);
}

void ConnInfo::erase(const std::string& keyword) {
  std::erase_if(keywords, [&](const auto& kv) { return kv.first == keyword; });
}

std::optional<std::string> ConnInfo::get(const std::string& keyword) const {
  for (const auto& [k, v] : keywords) {
    if (k == keyword) {
      return v;
    }
  }
  return std::nullopt;
}

Result::Result(pg_result* res) : m_res(res) {}
Result::~Result() {
  PQclear(m_res);
}
Result::Result(Result&& other) noexcept : m_res(other.m_res) {
  other.m_res = nullptr;
}
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(m_res);
    m_res = other.m_res;
    other.m_res = nullptr;
  }
  return *this;
}
int Result::rows() const {
  return PQntuples(m_res);
}
int Result::columns() const {
  return PQnfields(m_res);
}
int Result::column(std::string_view name) const {
  int c = PQfnumber(m_res, std::string(name).c_str());
  if (c < 0) {
    throw core::DatabaseError("result has no column '" + std::string(name) + "'");
  }
  return c;
}
bool Result::is_null(int row, int col) const {
  return PQgetisnull(m_res, row, col) != 0;
}
std::string_view Result::get(int row, int col) const {
  return {PQgetvalue(m_res, row, col), static_cast<std::size_t>(PQgetlength(m_res, row, col))};
}
std::optional<std::string> Result::value(int row, int col) const {
  if (is_null(row, col)) {
    return std::nullopt;
  }
  return std::string(get(row, col));
}
long long Result::get_int(int row, int col) const {
  if (is_null(row, col)) {
    return 0;
  }
  return std::strtoll(PQgetvalue(m_res, row, col), nullptr, 10);
}
bool Result::get_bool(int row, int col) const {
  auto v = get(row, col);
  return v == "t" || v == "true" || v == "1";
}

Connection::Connection(const std::string& conninfo) {
  // Parse first so that a malformed conninfo is a usage error, not a connection failure.
  parse_conninfo(conninfo);
  m_conn = PQconnectdb(conninfo.c_str());
  if (m_conn == nullptr) {
    throw core::DatabaseError("cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(m_conn) != CONNECTION_OK) {
    std::string msg = trim_message(PQerrorMessage(m_conn));
    PQfinish(m_conn);
    m_conn = nullptr;
    throw core::DatabaseError(
        "cannot connect to PostgreSQL: " + msg,
        "check the connection string, PG* variables and that the server runs");
  }
  // Quiet NOTICEs: they would otherwise be printed on stderr by libpq.
  PQsetNoticeProcessor(
      m_conn, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  if (m_conn != nullptr) {
    PQfinish(m_conn);
  }
}
Connection::Connection(Connection&& other) noexcept : m_conn(other.m_conn) {
  other.m_conn = nullptr;
}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (m_conn != nullptr) {
      PQfinish(m_conn);
    }
    m_conn = other.m_conn;
    other.m_conn = nullptr;
  }
  return *this;
}

Result Connection::exec(std::string_view sql, const Params& params) {
  ParamArrays arrays(params);
  std::string query(sql);
  pg_result* res = PQexecParams(m_conn,
                                query.c_str(),
                                static_cast<int>(params.size()),
                                nullptr,
                                arrays.values.data(),
                                nullptr,
                                nullptr,
                                0);
  check_result(m_conn, res, sql);
  return Result(res);
}

void Connection::exec_no_rows(std::string_view sql, const Params& params) {
  Result r = exec(sql, params);
  if (r.rows() > 0) {
    throw core::DatabaseError("statement returned " + std::to_string(r.rows()) +
                              " rows where none were expected");
  }
}

std::optional<std::string> Connection::query_value(std::string_view sql, const Params& params) {
  Result r = exec(sql, params);
  if (r.rows() == 0) {
    return std::nullopt;
  }
  if (r.rows() > 1) {
    throw core::DatabaseError("query returned " + std::to_string(r.rows()) +
                              " rows where one was expected");
  }
  return r.value(0, 0);
}

void Connection::for_each_row(std::string_view sql,
                              const Params& params,
                              const std::function<void(const Result&)>& on_row) {
  ParamArrays arrays(params);
  std::string query(sql);
  if (PQsendQueryParams(m_conn,
                        query.c_str(),
                        static_cast<int>(params.size()),
                        nullptr,
                        arrays.values.data(),
                        nullptr,
                        nullptr,
                        0) == 0) {
    throw core::DatabaseError("query failed: " + trim_message(PQerrorMessage(m_conn)));
  }
  PQsetSingleRowMode(m_conn);
  std::optional<core::DatabaseError> failure;
  while (pg_result* res = PQgetResult(m_conn)) {
    auto status = PQresultStatus(res);
    if (status == PGRES_SINGLE_TUPLE) {
      Result row(res);
      if (!failure) {
        try {
          on_row(row);
        } catch (...) {
          // Drain the remaining results so the connection stays usable, then rethrow.
          while (pg_result* rest = PQgetResult(m_conn)) {
            PQclear(rest);
          }
          throw;
        }
      }
    } else if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      PQclear(res);
    } else {
      failure = core::DatabaseError("query failed: " + trim_message(PQresultErrorMessage(res)));
      PQclear(res);
    }
  }
  if (failure) {
    throw *failure;
  }
}

void Connection::set_read_only() {
  exec_no_rows("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
}

std::string Connection::dbname() const {
  return PQdb(m_conn);
}
std::string Connection::user() const {
  return PQuser(m_conn);
}
std::string Connection::host() const {
  const char* h = PQhost(m_conn);
  return h != nullptr ? h : "";
}
std::string Connection::port() const {
  const char* p = PQport(m_conn);
  return p != nullptr ? p : "";
}
int Connection::server_version() const {
  return PQserverVersion(m_conn);
}

bool Connection::relation_exists(const std::string& relation) {
  return query_value("SELECT to_regclass($1) IS NOT NULL", {relation}).value_or("f") == "t";
}

bool Connection::column_exists(const std::string& table, const std::string& column) {
  return query_value("SELECT count(*) FROM information_schema.columns "
                     "WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2",
                     {table, column})
             .value_or("0") != "0";
}

std::string one_line_message(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  for (auto& c : s) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return s;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

ConnInfo parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? trim_message(err) : "out of memory";
    PQfreemem(err);
    throw core::UsageError("invalid database connection string: " + msg,
                           "use key=value pairs (dbname=prod host=…) or a postgresql:// URI");
  }
  ConnInfo info;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') {
      info.keywords.emplace_back(o->keyword, o->val);
    }
  }
  PQconninfoFree(opts);
  return info;
}

namespace {

// libpq's sslpassword (the passphrase of an encrypted client key) has no environment variable: kept
// in a conninfo it would be stored in the project file and shown in a child's argv. It is refused;
// a connection service file keeps it out of both (libpq: "The Connection Service File").
void refuse_sslpassword(const ConnInfo& info) {
  if (info.get("sslpassword")) {
    throw core::UsageError("the connection string holds sslpassword, a secret that would be "
                           "stored in the project file and shown in pg_dump's command line",
                           "put it in a connection service file (~/.pg_service.conf or "
                           "PGSERVICEFILE, readable only by you) and give service=NAME instead");
  }
}

} // namespace

std::string redact_conninfo(const std::string& conninfo) {
  ConnInfo info = parse_conninfo(conninfo);
  refuse_sslpassword(info);
  info.erase("password");
  return to_conninfo(info);
}

std::optional<std::string> conninfo_password(const std::string& conninfo) {
  return parse_conninfo(conninfo).get("password");
}

std::string conninfo_with(const std::string& conninfo,
                          const std::vector<std::pair<std::string, std::string>>& keywords) {
  ConnInfo info = parse_conninfo(conninfo);
  for (const auto& [k, v] : keywords) {
    info.set(k, v);
  }
  return to_conninfo(info);
}

std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname) {
  return conninfo_with(conninfo, {{"dbname", dbname}});
}

ToolConnection tool_connection(const std::string& conninfo) {
  ConnInfo info = parse_conninfo(conninfo);
  refuse_sslpassword(info);
  ToolConnection tool;
  if (auto password = info.get("password")) {
    tool.env.emplace_back("PGPASSWORD", *password);
    info.erase("password");
  }
  info.set("fallback_application_name", "odoo-upgrade");
  tool.dbname_option = "--dbname=" + to_conninfo(info);
  return tool;
}

std::vector<std::pair<std::string, std::string>> libpq_environment(const std::string& conninfo) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& [k, v] : parse_conninfo(conninfo).keywords) {
    auto it = env_for_keyword().find(k);
    if (it != env_for_keyword().end()) {
      env.emplace_back(it->second, v);
    }
  }
  return env;
}

} // namespace odoo_upgrade::adapters::pg
