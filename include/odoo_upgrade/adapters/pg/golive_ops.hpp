#pragma once

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <optional>
#include <string>
#include <vector>

// The PostgreSQL operations of the go-live chain (freeze, restore and their undo). Each is one
// small, idempotent statement so that a re-run after a crash can repeat it safely. Utility
// statements (ALTER ROLE, ALTER DATABASE) take no parameters: identifiers are quoted with
// quote_identifier and never come from outside the project file.
namespace odoo_upgrade::adapters::pg::golive {

// The role owning most of the database's tables in schema public (Odoo's role). Throws
// DatabaseError when there is no table.
std::string table_owner(Connection& conn);
bool role_exists(Connection& conn, const std::string& role);
bool role_is_superuser(Connection& conn, const std::string& role);

// The per-database value of `default_transaction_read_only` for `role` in database `db`
// (pg_db_role_setting), std::nullopt when none is set.
std::optional<std::string>
role_read_only_setting(Connection& conn, const std::string& role, const std::string& db);
// The statement set_role_read_only_setting runs (shown by `freeze apply --dry-run`): "ALTER ROLE
// role IN DATABASE db SET default_transaction_read_only = value", or RESET when `value` is
// std::nullopt. Throws UsageError when `value` is not a plain setting value ("on", "off").
std::string read_only_setting_statement(const std::string& role,
                                        const std::string& db,
                                        const std::optional<std::string>& value);
// Runs read_only_setting_statement with the session's own read-only default switched off.
void set_role_read_only_setting(Connection& conn,
                                const std::string& role,
                                const std::string& db,
                                const std::optional<std::string>& value);

// Terminates every other session on database `db` (pg_terminate_backend). Returns how many.
int terminate_sessions(Connection& conn, const std::string& db);
// Number of other sessions on `db`.
int session_count(Connection& conn, const std::string& db);

// Ids of the active scheduled actions (ir_cron), sorted.
std::vector<long long> active_cron_ids(Connection& conn);
// Sets `active` of the crons `ids` (missing ids are ignored). Returns the rows changed. Runs in a
// writable transaction even when the session defaults to read-only.
long long set_crons_active(Connection& conn, const std::vector<long long>& ids, bool active);

// What a write attempt as the Odoo role showed.
struct WriteProbe {
  bool connected = false;
  bool write_ok = false;
  std::string message; // the server's refusal, or why the probe could not connect
};
// Connects with `conninfo` (as the Odoo role), and in a transaction that is always rolled back
// updates one ir_config_parameter row to its own value. A frozen database refuses it.
WriteProbe probe_write(const std::string& conninfo);

// pg_database: the oid of database `name`, and the name of database `oid`.
std::optional<long long> database_oid(Connection& conn, const std::string& name);
std::optional<std::string> database_name(Connection& conn, long long oid);
std::vector<std::string> database_names(Connection& conn);
// ALTER DATABASE from RENAME TO to, after terminating the sessions on `from` (retried a few times
// when a client reconnects in between). Throws DatabaseError.
void rename_database(Connection& conn, const std::string& from, const std::string& to);

// base's latest_version and the modules stuck in 'to install', 'to upgrade' or 'to remove'.
std::string base_version(Connection& conn);
std::vector<std::string> modules_in_transition(Connection& conn);

} // namespace odoo_upgrade::adapters::pg::golive
