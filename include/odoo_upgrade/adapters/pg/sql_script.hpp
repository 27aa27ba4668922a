#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A customer's SQL script (a runbook step, core/runbook.hpp) run on one database: the text as the
// user wrote it, possibly several statements, in one transaction.
namespace odoo_upgrade::adapters::pg {

struct SqlScriptResult {
  // Rows affected (INSERT/UPDATE/DELETE/SELECT… count, PQcmdTuples) of the last statement;
  // std::nullopt when it reports none (DDL, SET).
  std::optional<long long> rows;
  std::string command_tag; // the last statement's tag, e.g. "UPDATE 3"
};

// Runs `sql` on the database `conninfo` reaches, inside BEGIN … COMMIT, as the database's owner
// (SET LOCAL ROLE, when the connected role is another role that may become it: a superuser or a
// member; the role Odoo connects as owns an Odoo database, so the tables, sequences and functions
// the script creates are Odoo's, as when Odoo creates them; the script may RESET ROLE for what
// needs more, e.g. CREATE EXTENSION of an untrusted extension), with the simple query
// protocol (PQexec: several statements separated by ';' are allowed; there are no parameters,
// the text is the user's). Every server notice (RAISE NOTICE, warnings) is passed to `on_notice`
// as one line without its trailing newline. On the first error nothing is committed (ROLLBACK)
// and DatabaseError is thrown with the server's message on one line. The conninfo never appears
// in messages (pq.hpp).
SqlScriptResult run_sql_script(const std::string& conninfo,
                               std::string_view sql,
                               const std::function<void(std::string_view)>& on_notice = {});

// The state (ir_module_module.state: "installed", "uninstalled", "to upgrade"…) of each of
// `modules` in the Odoo database `conninfo` reaches; a module the table does not list is absent.
// Read only. Throws DatabaseError.
std::map<std::string, std::string> module_states(const std::string& conninfo,
                                                 const std::vector<std::string>& modules);

} // namespace odoo_upgrade::adapters::pg
