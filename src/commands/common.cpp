#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;

namespace {

const nlohmann::json& source_section(const core::Project& project) {
  const auto* source = project.find_section("source");
  if (source == nullptr || !source->contains("conninfo")) {
    throw core::PreconditionError("project has no production database recorded",
                                  "run 'odoo-upgrade initiate' first");
  }
  return *source;
}

} // namespace

std::string source_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets) {
  std::string conninfo = source_section(project).at("conninfo").get<std::string>();
  if (auto password = secrets.get("db_password")) {
    adapters::pg::ConnInfo info = adapters::pg::parse_conninfo(conninfo);
    std::string quoted = "'";
    for (char c : *password) {
      if (c == '\'' || c == '\\') {
        quoted.push_back('\\');
      }
      quoted.push_back(c);
    }
    quoted.push_back('\'');
    conninfo += " password=" + quoted;
  }
  return conninfo;
}

std::string server_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets,
                            const std::string& dbname) {
  return adapters::pg::conninfo_with_dbname(source_conninfo(project, secrets), dbname);
}

stdfs::path work_dir(const core::Project& project) {
  std::string dir = project.doc().value("work_dir", "");
  if (dir.empty()) {
    throw core::PreconditionError("project has no work_dir", "re-run 'odoo-upgrade initiate'");
  }
  std::error_code ec;
  if (!stdfs::exists(dir, ec)) {
    stdfs::create_directories(dir, ec);
    if (ec) {
      throw core::FilesystemError("cannot create work dir '" + dir + "': " + ec.message());
    }
    stdfs::permissions(dir, stdfs::perms::owner_all, stdfs::perm_options::replace, ec);
  }
  return dir;
}

stdfs::path data_dir(const core::Project& project) {
  return project.doc().value("data_dir", "");
}

stdfs::path filestore_path(const core::Project& project, const std::string& dbname) {
  return data_dir(project) / "filestore" / dbname;
}

} // namespace odoo_upgrade::commands
