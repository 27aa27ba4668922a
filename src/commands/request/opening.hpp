#pragma once

// Internal to the request room: what a request command checks and holds before its steps run.

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/session.hpp>

#include <optional>
#include <string>

namespace odoo_upgrade::commands::request {

// What a request command holds for its whole run: the project and its secrets (the lock is held by
// the command line, none with --dry-run) and the resolved service settings.
struct RequestSession {
  ProjectSession project;
  ServiceSettings settings;
};

// Validates the shared options (UsageError before anything is touched), opens the project (any
// phase: --abandon runs in every phase; the caller checks the phase), saves a --contract (not with
// --dry-run) and resolves the service settings.
RequestSession open_request_session(const RequestOptions& options, Context& ctx);

// The subscription code: the one in the secrets file, else the options' (not saved with
// --dry-run). std::nullopt when there is none.
std::optional<std::string> contract_of(const adapters::fs::SecretStore& secrets,
                                       const RequestOptions& options);
// contract_of, or PreconditionError (exit 3) when there is none.
std::string require_contract(const adapters::fs::SecretStore& secrets,
                             const RequestOptions& options);

// Throws PreconditionError naming the programs a new request needs (rsync, ssh, ssh-keygen, and
// pg_dump / pg_restore when asked) that are missing from PATH.
enum class PgDump { needed, not_needed };
enum class PgRestore { needed, not_needed };
void check_tools(const core::Project& project, PgDump pg_dump, PgRestore pg_restore);

// The production database's name (golive::production_db: project `source.dbname`). Throws
// PreconditionError when initiate recorded none.
std::string production_db_name(const core::Project& project);

} // namespace odoo_upgrade::commands::request
