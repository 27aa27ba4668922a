#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <libpq-fe.h>

#include <memory>

namespace odoo_upgrade::adapters::pg {

namespace {

// A string literal for the few statements that take no parameters (CREATE DATABASE).
std::string quote_literal(Connection& c, const std::string& value) {
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeLiteral(c.raw(), value.c_str(), value.size()), &PQfreemem);
  if (!quoted) {
    throw core::DatabaseError("cannot quote '" + value +
                              "': " + one_line_message(PQerrorMessage(c.raw())));
  }
  return quoted.get();
}

} // namespace

core::DatabaseShape database_shape(Connection& c, const std::string& dbname) {
  auto r = c.exec("SELECT pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, r.rolname "
                  "FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = $1",
                  {dbname});
  if (r.rows() != 1) {
    throw core::DatabaseError("database '" + dbname + "' does not exist");
  }
  return {std::string(r.get(0, 0)),
          std::string(r.get(0, 1)),
          std::string(r.get(0, 2)),
          std::string(r.get(0, 3))};
}

core::DatabaseShape database_shape(const std::string& conninfo, const std::string& dbname) {
  Connection c(conninfo);
  return database_shape(c, dbname);
}

void create_database_like(Connection& admin,
                          const std::string& dbname,
                          const core::DatabaseShape& shape) {
  std::string sql = "CREATE DATABASE " + quote_identifier(dbname) + " TEMPLATE template0";
  sql += " ENCODING " + quote_literal(admin, shape.encoding);
  sql += " LC_COLLATE " + quote_literal(admin, shape.collate);
  sql += " LC_CTYPE " + quote_literal(admin, shape.ctype);
  if (!shape.owner.empty() && shape.owner != admin.user()) {
    sql += " OWNER " + quote_identifier(shape.owner);
  }
  admin.exec_no_rows(sql);
}

std::vector<std::string>
shape_differences_of(Connection& admin, const std::string& copy, const core::DatabaseShape& want) {
  return core::shape_differences(want, database_shape(admin, copy));
}

} // namespace odoo_upgrade::adapters::pg
