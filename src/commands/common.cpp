#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/source_record.hpp>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;

std::string source_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets) {
  std::string conninfo = core::read_source(project).conninfo;
  if (auto password = secrets.get("db_password")) {
    return adapters::pg::conninfo_with(conninfo, {{"password", *password}});
  }
  return conninfo;
}

void require_recorded_production(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets) {
  auto source = core::read_source(project);
  core::require_recorded_database(
      source.dbname,
      source.database_uuid,
      adapters::pg::database_identity(source_conninfo(project, secrets)));
}

std::string server_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets,
                            const std::string& dbname) {
  return adapters::pg::conninfo_with_dbname(source_conninfo(project, secrets), dbname);
}

stdfs::path work_dir(const core::Project& project) {
  std::string dir = project.work_dir();
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
  return project.data_dir();
}

stdfs::path filestore_path(const core::Project& project, const std::string& dbname) {
  // Never a path outside the filestores: "..", "a/../b" (a --test-db, an edited project file).
  if (!core::valid_database_name(dbname)) {
    throw core::UsageError("database name '" + dbname + "' cannot name a filestore folder",
                           "use a name without '/', other than '.' and '..'");
  }
  return data_dir(project) / "filestore" / dbname;
}

std::string styled_label(const Output& out, core::Severity s) {
  constexpr std::size_t k_width = 5; // the longest label, "BLOCK"
  std::string text(core::label(s));
  text.resize(k_width, ' ');
  switch (s) {
  case core::Severity::ok:
    return out.green(text);
  case core::Severity::warning:
    return out.yellow(text);
  case core::Severity::blocking:
    return out.red(text);
  default:
    return text;
  }
}

void refuse_project_file_output(const Context& ctx, const std::filesystem::path& output) {
  auto same = [](const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec1;
    std::error_code ec2;
    // Absolute first: weakly_canonical leaves a relative path whose first part does not exist
    // (a secrets file not written yet) relative.
    auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a), ec1);
    auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b), ec2);
    return !ec1 && !ec2 && ca == cb;
  };
  const auto& project = ctx.project_path();
  auto lock = project;
  lock += ".lock";
  for (const auto& own : {project, adapters::fs::sibling_path(project, "secrets.json"), lock}) {
    if (same(output, own)) {
      throw core::FilesystemError("refusing to write over the project's own file '" +
                                      output.string() + "'",
                                  "name another --output file");
    }
  }
}

} // namespace odoo_upgrade::commands
