#pragma once

#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The project's `freeze` section: the go-live window planned by `freeze plan` and the data-entry
// stop applied (and undone) by `freeze apply` / `freeze lift`, superseded by `restore`. Read by
// `prod-request`, `restore`, `status` and `monitor`. Follows the pattern of core/record.hpp; see
// docs/commands/freeze.md for the meaning of each field.
namespace odoo_upgrade::core {

// Where the freeze of production stands. `none`: never applied (no section, or only a plan).
//   applying     apply started; its journal says which steps are done (re-run apply or lift)
//   not_applied  a before_freeze hook failed: nothing was changed
//   applied      production is read-only for Odoo, crons off, baseline recorded
//   lifting      lift started (re-run lift)
//   lifted       undone: production is writable again
//   superseded   a go-live replaced production; the pre-upgrade database stays frozen
enum class FreezeState { none, applying, not_applied, applied, lifting, lifted, superseded };
std::string_view to_string(FreezeState s); // "none", "applying", "not_applied", …
std::optional<FreezeState> parse_freeze_state(std::string_view text);
// True for the states in which production is (at least partly) frozen: applying, applied, lifting.
bool is_frozen(FreezeState s);

// Why a step of the method went ahead without what it normally needs (a sign-off, a clean
// verification): {"reason": "…"}.
struct Forced {
  std::string reason;
  nlohmann::json extra = nlohmann::json::object();
};
Forced forced_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const Forced& f);

// The window recorded by `freeze plan` (`freeze.plan`).
struct FreezePlan {
  std::string at;                    // ISO 8601 UTC: data entry stops
  std::string go_live;               // ISO 8601 UTC: the upgraded database serves
  double window_s = 0;               // go_live - at, seconds
  std::optional<int> round;          // the tested round the estimate comes from (null: none)
  golive::DowntimeEstimate estimate; // `parts` is written as an object {timing key: seconds}
  bool fits = false;                 // window_s >= estimate.total_s
  std::optional<Forced> forced;      // planned without sign-off (null: signed off)
  std::string recorded_at;
  nlohmann::json extra = nlohmann::json::object();
};
FreezePlan freeze_plan_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const FreezePlan& p);

// How `freeze apply` verified the freeze (`freeze.verification`): method "write_refused" (a write
// as `role` was refused with `message`) or "catalog" (no login as `role`: the setting was checked
// in pg_db_role_setting; `message` says why the login failed).
struct FreezeVerification {
  std::string method;
  std::string role;
  std::string message;
  nlohmann::json extra = nlohmann::json::object();
};

nlohmann::json to_json(const FreezeVerification& v);

// How `freeze lift` checked that writes work again (`freeze.lift_verification`): method "write"
// with `write_ok`, or "none" with the reason in `message`.
struct LiftVerification {
  std::string method;
  std::optional<bool> write_ok;
  std::optional<std::string> message;
  nlohmann::json extra = nlohmann::json::object();
};

nlohmann::json to_json(const LiftVerification& v);

// The `freeze` section. Times are ISO 8601 UTC, empty when not (yet) known.
struct FreezeRecord {
  std::optional<FreezePlan> plan;
  FreezeState state = FreezeState::none;
  std::string database;              // the production database frozen
  std::string odoo_role;             // the role made read-only
  std::optional<Phase> phase_before; // the phase a lift returns to
  std::string started_at;            // apply started (prod-request records it, restore checks it)
  std::optional<int> signoff_round;  // the signed-off round the freeze relies on (null: forced)
  std::optional<Forced> forced;      // applied without sign-off (null: signed off)
  nlohmann::json journal = nlohmann::json::array(); // apply's steps (core::golive::Journal)
  std::optional<FreezeVerification> verification;
  nlohmann::json baseline; // adapters::pg::capture_baseline's document; null until recorded
  std::string frozen_at;   // written once; older files also wrote it as `at`
  std::string lifted_at;
  std::string superseded_at;
  std::optional<LiftVerification> lift_verification;
  std::optional<std::string> failure;                // why apply did not start (state not_applied)
  nlohmann::json previous = nlohmann::json::array(); // earlier freezes, oldest first
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a `freeze` section (null: an empty record). Throws FilesystemError (exit 6) naming
// `<where>.<field>` for a field of the wrong type or an unknown state or phase.
FreezeRecord freeze_from_json(const nlohmann::json& j, std::string_view where = "freeze");
// Writes the record: known fields under one name each (`frozen_at`, never `at`), then `extra`.
nlohmann::json to_json(const FreezeRecord& f);
// The project's freeze (an empty record when there is none) / replaces the section.
FreezeRecord read_freeze(const Project& project);
void write_freeze(Project& project, const FreezeRecord& freeze);

// The record a new `freeze apply` starts from: the plan, `previous` and unknown keys kept; a freeze
// that ended (lifted or superseded) is archived into `previous` (without its plan); every fact of
// the earlier apply cleared. The caller fills in the new apply's facts.
FreezeRecord restarted_freeze(const FreezeRecord& old);

} // namespace odoo_upgrade::core
