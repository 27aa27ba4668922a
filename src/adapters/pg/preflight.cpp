#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/adapters/process.hpp>

namespace odoo_upgrade::adapters::pg {

namespace stdfs = std::filesystem;

std::optional<std::string> client_tool_version(const std::string& tool) {
  if (!find_executable(tool)) {
    return std::nullopt;
  }
  auto r = run_process({tool, "--version"});
  if (!r.ok()) {
    return std::nullopt;
  }
  return r.out.substr(0, r.out.find('\n'));
}

core::RoleRights role_rights(Connection& c, const std::string& owner) {
  auto r = c.exec("SELECT current_user, r.rolsuper, r.rolcreatedb, "
                  "coalesce(pg_has_role(current_user, o.oid, 'MEMBER'), false), "
                  "coalesce(o.rolsuper, false) "
                  "FROM pg_roles r LEFT JOIN pg_roles o ON o.rolname = $1 "
                  "WHERE r.rolname = current_user",
                  {owner});
  core::RoleRights rights;
  rights.owner = owner;
  if (r.rows() != 1) {
    return rights;
  }
  rights.role = std::string(r.get(0, 0));
  rights.superuser = r.get_bool(0, 1);
  rights.createdb = r.get_bool(0, 2);
  rights.member_of_owner = r.get_bool(0, 3);
  rights.owner_superuser = r.get_bool(0, 4);
  return rights;
}

std::vector<core::ExtensionNeed> installed_extensions(Connection& c) {
  std::string trusted = c.server_version() >= 130000 ? "coalesce(v.trusted, false)" : "false";
  std::vector<core::ExtensionNeed> out;
  c.for_each_row("SELECT e.extname, " + trusted +
                     " FROM pg_extension e LEFT JOIN pg_available_extension_versions v "
                     "ON v.name = e.extname AND v.version = e.extversion "
                     "WHERE e.extname <> 'plpgsql' ORDER BY e.extname",
                 {},
                 [&](const Result& row) {
                   out.push_back({std::string(row.get(0, 0)), row.get_bool(0, 1)});
                 });
  return out;
}

core::AttachmentFiles attachment_files(Connection& c, const stdfs::path& filestore) {
  core::AttachmentFiles files;
  c.for_each_row("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL "
                 "AND store_fname <> ''",
                 {},
                 [&](const Result& row) {
                   ++files.referenced;
                   std::string name(row.get(0, 0));
                   std::error_code ec;
                   if (!stdfs::is_regular_file(filestore / name, ec)) {
                     ++files.missing;
                     if (files.first_missing.size() < core::k_first_missing_shown) {
                       files.first_missing.push_back(name);
                     }
                   }
                 });
  return files;
}

core::DatabaseIdentity database_identity(Connection& c) {
  core::DatabaseIdentity id;
  id.dbname = c.query_value("SELECT current_database()").value_or("");
  if (c.relation_exists("public.ir_config_parameter")) {
    id.uuid = c.query_value("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
                  .value_or("");
  }
  return id;
}

core::DatabaseIdentity database_identity(const std::string& conninfo) {
  Connection c(conninfo);
  return database_identity(c);
}

} // namespace odoo_upgrade::adapters::pg
