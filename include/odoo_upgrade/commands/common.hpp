#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <filesystem>
#include <string>

namespace odoo_upgrade::commands {

// The production database's full conninfo: the stored one (no password) plus the password kept in
// the secrets file, if any. Without one, libpq's PGPASSWORD/.pgpass apply as usual.
std::string source_conninfo(const core::Project& project, const adapters::fs::SecretStore& secrets);

// Conninfo of another database (`dbname`) on the production server, e.g. a restored test database.
std::string server_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets,
                            const std::string& dbname);

// The project's work dir (absolute), created on first use with mode 0700.
std::filesystem::path work_dir(const core::Project& project);

// Odoo's data dir recorded by initiate, and the filestore of database `dbname` in it.
std::filesystem::path data_dir(const core::Project& project);
std::filesystem::path filestore_path(const core::Project& project, const std::string& dbname);

} // namespace odoo_upgrade::commands
