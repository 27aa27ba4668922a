#pragma once

#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/target_odoo.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The project's `golive` section: one attempt of `restore` (the swap of the upgraded database into
// production) and its `--rollback`, each step journaled. Read by `monitor` and `status`. Follows
// the pattern of core/record.hpp; see docs/commands/restore.md.
namespace odoo_upgrade::core {

// Where the go-live attempt stands. `none`: no attempt (no section).
//   restoring      the upgraded dump is being restored and staged; production untouched
//   verify_failed  the staged database differs from the frozen production; nothing swapped
//   swapping       the swap started (its journal says how far)
//   live           the upgraded database serves under the production name
//   rolling_back   a rollback started (its journal says how far)
//   rolled_back    the pre-upgrade database is production again
enum class GoliveState {
  none,
  restoring,
  verify_failed,
  swapping,
  live,
  rolling_back,
  rolled_back
};
std::string_view to_string(GoliveState s); // "none", "restoring", …
std::optional<GoliveState> parse_golive_state(std::string_view text);

// The downloaded upgraded dump restored by the attempt (a copy of the production request's
// `received.dump`): its path and the sha256 recorded at the download.
struct DownloadedDump {
  std::string path;
  std::string sha256;
  nlohmann::json extra = nlohmann::json::object();
};
DownloadedDump dump_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const DownloadedDump& d);

// The checks of the staged database before the swap (`golive.verification`).
struct GoliveVerification {
  std::string base_version; // base's latest_version in the staged database
  bool series_ok = false;   // it is the target series
  std::vector<std::string> modules_in_transition;
  std::vector<std::string> problems;                  // blocking facts other than differences
  std::vector<golive::Difference> differences;        // staged against the freeze baseline
  std::vector<golive::Difference> production_changes; // production now against the baseline
  bool blocking = false;
  std::optional<Forced> forced; // went ahead despite blocking findings
  nlohmann::json extra = nlohmann::json::object();
};
GoliveVerification golive_verification_from_json(const nlohmann::json& j, std::string_view where);
nlohmann::json to_json(const GoliveVerification& v);

// A rollback of the attempt (`golive.rollback`).
struct GoliveRollback {
  std::string aside_db;     // the upgraded database's name once put aside
  bool keep_frozen = false; // the pre-upgrade database stays frozen
  std::string started_at;
  nlohmann::json journal = nlohmann::json::array(); // core::golive::Journal
  nlohmann::json extra = nlohmann::json::object();
};

// The `golive` section. Oids are PostgreSQL database oids (0: not known yet); times ISO 8601 UTC,
// empty when not (yet) known.
struct GoliveRecord {
  int attempt = 0; // 1 for the first attempt, +1 for each new one
  GoliveState state = GoliveState::none;
  std::string database;       // the production name
  std::string staging_db;     // where the upgraded dump is restored
  std::string pre_upgrade_db; // production's name once swapped out (older files: also
                              // `pre_upgrade_database`)
  long long old_oid = 0;      // production's database before the swap
  long long new_oid = 0;      // the staged (upgraded) database
  std::string odoo_role;
  std::optional<int> production_request; // number of the production request restored
  std::optional<DownloadedDump> dump;
  nlohmann::json journal = nlohmann::json::array(); // restore's steps (core::golive::Journal)
  std::optional<GoliveVerification> verification;
  // The target Odoo's module update and open check of the staging database, before the swap.
  std::optional<TargetOdooRecord> target_odoo;
  // The after-restore runbook steps run on the staging database (core/runbook.hpp).
  std::vector<RunbookStepResult> runbook;
  std::string live_at; // older files: also `at`
  std::optional<GoliveRollback> rollback;
  std::string rolled_back_at;
  nlohmann::json previous = nlohmann::json::array(); // earlier attempts, oldest first
  nlohmann::json extra = nlohmann::json::object();
};

// Reads a `golive` section (null: an empty record), also as older builds wrote it (the aliases
// above). Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type or
// an unknown state.
GoliveRecord golive_from_json(const nlohmann::json& j, std::string_view where = "golive");
// Writes the record: one name per fact (`pre_upgrade_db`, `live_at`), then `extra`.
nlohmann::json to_json(const GoliveRecord& g);
// The project's go-live (an empty record when there is none) / replaces the section.
GoliveRecord read_golive(const Project& project);
void write_golive(Project& project, const GoliveRecord& golive);

} // namespace odoo_upgrade::core
