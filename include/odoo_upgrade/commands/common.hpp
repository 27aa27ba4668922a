#pragma once

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/severity.hpp>

#include <filesystem>
#include <string>

namespace odoo_upgrade::commands {

// The production database's full conninfo: the stored one (no password) plus the password kept in
// the secrets file, if any. Without one, libpq's PGPASSWORD/.pgpass apply as usual. Throws
// PreconditionError when initiate recorded no production database.
std::string source_conninfo(const core::Project& project, const adapters::fs::SecretStore& secrets);

// Before a command changes (or dumps) production: the project's conninfo still reaches the
// database `initiate` recorded, by name and Odoo's `database.uuid`
// (core::require_recorded_database): an edited conninfo must never freeze, dump or replace another
// database. Throws PreconditionError (exit 3) naming both, DatabaseError when it cannot connect.
void require_recorded_production(const core::Project& project,
                                 const adapters::fs::SecretStore& secrets);

// Conninfo of another database (`dbname`) on the production server, e.g. a restored test database.
std::string server_conninfo(const core::Project& project,
                            const adapters::fs::SecretStore& secrets,
                            const std::string& dbname);

// The project's work dir (absolute), created on first use with mode 0700.
std::filesystem::path work_dir(const core::Project& project);

// Odoo's data dir recorded by initiate, and the filestore of database `dbname` in it.
std::filesystem::path data_dir(const core::Project& project);
std::filesystem::path filestore_path(const core::Project& project, const std::string& dbname);

// The label of `s` for a human table (core::label, padded to one width: "OK   ", "BLOCK"), green
// for ok, yellow for a warning, red when blocking (colours only when `out` may use them).
std::string styled_label(const Output& out, core::Severity s);

// Refuses an --output that names one of the project's own files, under any spelling: the project
// file, its secrets file (adapters/fs sibling_path "secrets.json") or its lock file (".lock"):
// writing a report there would destroy the project. Throws FilesystemError (exit 6).
void refuse_project_file_output(const Context& ctx, const std::filesystem::path& output);

} // namespace odoo_upgrade::commands
