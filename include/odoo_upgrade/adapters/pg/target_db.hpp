#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/inspection.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// The SQL side of running the target Odoo on a restored database: whether the database is there
// (an Odoo server started on a missing database creates it), who owns it, and its modules' states.
// Every function throws DatabaseError when a query fails.
namespace odoo_upgrade::adapters::pg::target_db {

// The owner (role name) of database `dbname`, or std::nullopt when there is no such database.
// `admin` is a connection to any database of the server.
std::optional<std::string> database_owner(Connection& admin, const std::string& dbname);

// Whether `role` exists on the server and may log in: std::nullopt when there is no such role,
// else its rolcanlogin. Read from pg_roles.
std::optional<bool> role_can_login(Connection& admin, const std::string& role);

// The modules in state 'installed', by name, with their origin (core::classify_module on their
// author and license, as initiate classifies production's).
std::vector<core::ModuleInfo> installed_modules(Connection& conn);

// Modules in state 'to install', 'to upgrade' or 'to remove': (name, state), by name. A module left
// so by a failed or partial update is updated by the next Odoo process on the database.
std::vector<std::pair<std::string, std::string>> transient_modules(Connection& conn);

// The distinct URLs of the published website pages (`website_page.is_published`), by URL; empty
// when the website module was never installed (no `website_page` table). Read-only.
std::vector<std::string> published_page_urls(Connection& conn);

} // namespace odoo_upgrade::adapters::pg::target_db
