#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/preflight.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The facts `initiate`'s pre-flight checks (core/preflight.hpp) read from production and the
// machine. Every query here only reads: initiate's session is read-only.
namespace odoo_upgrade::adapters::pg {

// The first line of `<tool> --version` ("pg_dump (PostgreSQL) 15.18 (Debian …)"); std::nullopt
// when the tool is not in PATH or fails. The diagnosis is core::check_pg_tool.
std::optional<std::string> client_tool_version(const std::string& tool);

// The rights of the role `c` connects as (pg_roles, pg_has_role), with `owner` as the owner of
// the databases it will create. Throws DatabaseError.
core::RoleRights role_rights(Connection& c, const std::string& owner);

// The extensions installed in `c`'s database (pg_extension) but plpgsql, with whether their
// installed version is trusted (pg_available_extension_versions.trusted; false before PostgreSQL
// 13, which has no trusted extensions). Throws DatabaseError.
std::vector<core::ExtensionNeed> installed_extensions(Connection& c);

// Streams the distinct ir_attachment.store_fname values of `c`'s database and compares each with
// the files under `filestore` (one row and one stat at a time: never a whole list in memory).
// Throws DatabaseError.
core::AttachmentFiles attachment_files(Connection& c, const std::filesystem::path& filestore);

// The database `c` is connected to: current_database() and Odoo's `database.uuid` parameter (""
// when there is none). Throws DatabaseError.
core::DatabaseIdentity database_identity(Connection& c);
// The same through a connection of its own to `conninfo`.
core::DatabaseIdentity database_identity(const std::string& conninfo);

} // namespace odoo_upgrade::adapters::pg
