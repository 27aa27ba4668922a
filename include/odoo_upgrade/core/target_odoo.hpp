#pragma once

#include <odoo_upgrade/core/odoo_open.hpp>
#include <odoo_upgrade/core/odoo_update.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The target-Odoo steps run on a restored upgraded database: in every test round after the restore
// and verification, and in `restore` on the staging database before the swap. First the module
// update, then "does it open" over HTTP. Their state machine and their record (a round's
// `target_odoo`, golive's `target_odoo`). A failure blocks: the round does not reach `tested`, the
// go-live does not swap. A re-run retries from the module update (a fix in the addons needs the
// update again), except after an interruption once the update passed.
namespace odoo_upgrade::core {

enum class TargetOdooState {
  none,          // not started
  skipped,       // no target Odoo configured: nothing run (final)
  updating,      // the module update is under way (or was interrupted)
  update_failed, // the update failed (blocks)
  updated,       // the update passed; the open check is next
  opening,       // the open check is under way (or was interrupted)
  open_failed,   // the database does not open (blocks)
  opened,        // both passed (final)
};
std::string_view to_string(TargetOdooState s); // "none", "skipped", "updating", …
std::optional<TargetOdooState> parse_target_odoo_state(std::string_view text);

enum class TargetOdooStep { update, open, done };
std::string_view to_string(TargetOdooStep s); // "update", "open", "done"

// The next step for a record in state `s`, `configured` saying whether a target Odoo is set now.
// Not configured: done (the steps are reported skipped). Configured: none, updating and the failed
// states → update; updated and opening → open; opened → done; skipped → update (the settings
// appeared since).
TargetOdooStep next_target_step(TargetOdooState s, bool configured);
// True for the states that stop a round or a go-live: update_failed, open_failed.
bool target_odoo_blocks(TargetOdooState s);

struct TargetOdooRecord {
  TargetOdooState state = TargetOdooState::none;
  std::string database;   // the database the steps ran on
  std::string folder;     // where the logs are kept
  int attempts = 0;       // runs of the update so far
  std::string update_log; // the latest update's whole Odoo log (in `folder`)
  std::string http_log;   // the latest open check's server log (in `folder`)
  std::optional<UpdateResult> update;
  std::optional<double> update_seconds; // wall time of the update, odoo-bin start to exit
  std::optional<OpenResult> open;
  std::optional<double> open_seconds; // wall time of the open check, start to stop of the server
  std::string message;                // one line: the outcome, or why it is skipped or blocked
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a `target_odoo` record (null: an empty record). Throws FilesystemError (exit 6) naming
// `<where>.<field>` for a field of the wrong type or an unknown state.
TargetOdooRecord target_odoo_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const TargetOdooRecord& t);

} // namespace odoo_upgrade::core
