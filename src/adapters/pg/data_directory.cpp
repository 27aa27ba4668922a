#include <odoo_upgrade/adapters/pg/data_directory.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <filesystem>
#include <fstream>

namespace odoo_upgrade::adapters::pg {

namespace {

bool local_host(const std::string& conninfo) {
  auto info = parse_conninfo(conninfo);
  std::string host = info.get("hostaddr").value_or(info.get("host").value_or(""));
  return host.empty() || host.front() == '/' || host == "localhost" || host == "127.0.0.1" ||
         host == "::1";
}

} // namespace

std::string local_data_directory(Connection& c, const std::string& conninfo) {
  if (!local_host(conninfo)) {
    return "";
  }
  auto allowed = c.query_value("SELECT rolsuper OR pg_has_role(current_user, "
                               "'pg_read_all_settings', 'MEMBER') FROM pg_roles "
                               "WHERE rolname = current_user");
  if (allowed.value_or("f") != "t") {
    return "";
  }
  std::string dir = c.query_value("SELECT current_setting('data_directory')").value_or("");
  // The server's directory as this machine sees it: a tunnel or a container maps a port, not a
  // disk. PG_VERSION there must hold the server's major version, else the place is unknown.
  std::ifstream version(std::filesystem::path(dir) / "PG_VERSION");
  std::string major;
  int server = c.server_version();
  std::string expected = std::to_string(server >= 100000 ? server / 10000 : server / 100);
  if (!(version >> major) || (server >= 100000 && major != expected)) {
    return "";
  }
  return dir;
}

namespace {

std::uint64_t number(const std::optional<std::string>& v) {
  return v && !v->empty() ? static_cast<std::uint64_t>(std::stoull(*v)) : std::uint64_t{0};
}

} // namespace

std::uint64_t database_size(Connection& c) {
  return number(c.query_value("SELECT pg_database_size(current_database())"));
}

DatabaseBytes database_bytes(Connection& c) {
  DatabaseBytes b;
  b.database = database_size(c);
  b.tables = number(c.query_value(
      "SELECT coalesce(sum(pg_table_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid "
      "= c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"));
  return b;
}

} // namespace odoo_upgrade::adapters::pg
