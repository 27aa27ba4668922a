#pragma once

#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/naming.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The pre-flight checks `initiate` adds to the inspection's (core/inspection.hpp): everything that
// would otherwise stop a later step, ideally the go-live inside its freeze window. Each check is a
// pure decision over facts the command gathered; checks never throw. docs/commands/initiate.md
// lists them with what each protects against.
namespace odoo_upgrade::core {

// How a database was created: what every copy of production must repeat so that text sorts,
// matches (ILIKE, lower()) and is stored the same, and so that Odoo (which lists only the databases
// its role owns) sees it. Values as pg_database shows them (`pg_encoding_to_char(encoding)`,
// `datcollate`, `datctype`, the owner's role name).
struct DatabaseShape {
  std::string encoding; // e.g. "UTF8", "SQL_ASCII"
  std::string collate;  // LC_COLLATE, e.g. "en_US.UTF-8"
  std::string ctype;    // LC_CTYPE
  std::string owner;    // the owning role; "" when not known
};
// What differs between `want` (production) and `got` (a copy), one line per property, e.g.
// "encoding SQL_ASCII instead of UTF8"; empty when they match. An empty `want.owner` is not
// compared.
std::vector<std::string> shape_differences(const DatabaseShape& want, const DatabaseShape& got);
// Production's shape and the cluster's template1: copies are created from template0 with
// production's encoding and locale, so a different template1 is only reported (ok); a production
// in SQL_ASCII is a warning (no encoding checks at all: Odoo expects UTF8).
CheckResult check_database_shape(const DatabaseShape& production, const DatabaseShape& template1);

// Modules stuck in a transient state ('to install', 'to upgrade', 'to remove'; each given as
// "name (state)"): while one is, Odoo runs no cron at all, and the go-live verification refuses
// the upgraded database. Blocking, with the fix.
CheckResult check_transient_modules(const std::vector<std::string>& modules);

// What the role odoo-upgrade connects as (`role`) may do, and who will own the databases it creates
// (`owner`, production's owner; a restore runs as it when it is another role).
struct RoleRights {
  std::string role;
  std::string owner;
  bool superuser = false;
  bool createdb = false;
  bool member_of_owner = false; // may create a database OWNER `owner` and SET ROLE to it
  bool owner_superuser = false;
};
// Every round and the go-live create a database: the role needs CREATEDB (or superuser), and
// membership in production's owner when it is another role. Blocking otherwise, naming the grant.
CheckResult check_create_rights(const RoleRights& rights);

// An extension installed in production (plpgsql aside), which every copy must create again.
struct ExtensionNeed {
  std::string name;
  bool trusted = false; // pg_available_extension_versions.trusted (PostgreSQL 13+)
};
// The role that restores (the owner when it differs, else `rights.role`) must be allowed to create
// each extension in a new database: superuser, or the extension is trusted. Blocking otherwise,
// listing the extensions (the restore would end with "errors ignored on restore").
CheckResult check_extensions(const RoleRights& rights, const std::vector<ExtensionNeed>& needs);

// Above this share of missing attachment files (in percent of the files the database refers to)
// the filestore check is blocking; below it (and above zero) a warning.
inline constexpr double k_missing_attachments_blocking_percent = 5.0;
// The comparison of ir_attachment.store_fname with the files of the filestore.
struct AttachmentFiles {
  std::uint64_t referenced = 0;           // distinct store_fname values
  std::uint64_t missing = 0;              // of them, not a regular file in the filestore
  std::vector<std::string> first_missing; // at most k_first_missing_shown, in query order
};
inline constexpr std::size_t k_first_missing_shown = 5;
// Files the database refers to but the filestore lacks: attachments that open as errors after the
// upgrade, and an upgrade service that reports them as its own fault.
CheckResult check_attachment_files(const std::string& filestore, const AttachmentFiles& files);

// pg_dump and pg_restore against the server (core::check_pg_tool) for a later step: `server` is the
// version initiate recorded ("15.18"); a tool given as std::nullopt is not needed and not checked.
// Empty when the server version is unreadable.
std::vector<CheckResult> check_pg_tools(const std::string& server,
                                        const std::optional<std::string>& pg_dump_version,
                                        const std::optional<std::string>& pg_restore_version);
// The first blocking check of `checks`, if any.
std::optional<CheckResult> first_blocking(const std::vector<CheckResult>& checks);

// Which database a conninfo reaches: its name and Odoo's `database.uuid` ("" when it has none).
struct DatabaseIdentity {
  std::string dbname;
  std::string uuid;
};
// A command that changes a database first checks that the project's conninfo still reaches the
// database `initiate` recorded (`source.dbname`, `source.database_uuid`): an edited conninfo must
// never freeze, dump or replace another database. Throws PreconditionError (exit 3) naming both
// when the name or the uuid differs (a uuid recorded empty is not compared).
void require_recorded_database(const std::string& recorded_dbname,
                               const std::string& recorded_uuid,
                               const DatabaseIdentity& found);

// Every database name the tool will derive from production's fits PostgreSQL's 63 bytes (always
// true by construction: the check shows the proof, and says when the names are shortened).
CheckResult check_database_names(const NamesRecord& names);

} // namespace odoo_upgrade::core
