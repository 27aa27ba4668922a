#pragma once

#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// The pure rules of editing the runbook (`odoo-upgrade runbook`, docs/commands/runbook.md): which
// module names and which kinds a step may have, moving a step, and the last result of each step.
namespace odoo_upgrade::core {

// The largest file `runbook add --sql/--odoo-shell` reads in: 1 MiB. A runbook step is a fix, not
// a data load; the project file keeps its content.
inline constexpr std::size_t k_runbook_file_max_bytes = 1024 * 1024;

// An Odoo technical module name (the name of its folder, `ir_module_module.name`): lower-case
// ASCII letters, digits and '_', starting with a letter or digit, at most 128 bytes.
bool valid_module_name(std::string_view name);

// `text` ("sale_custom, stock_x") as a step's content: the names sorted, without duplicates or
// spaces, comma separated ("sale_custom,stock_x"). Throws UsageError (2) naming `option` for an
// empty list or a name that is not a technical module name.
std::string module_list(std::string_view text, std::string_view option);

// Refuses (UsageError, 2) a step `kind` at `when` that cannot run there: before-upload steps run
// where no Odoo of the production series is configured, so only sql and shell are allowed.
void check_step_time(RunbookKind kind, RunbookWhen when);

// Where `runbook move` puts a step: before or after another step.
enum class Place { before, after };

// Moves step `id` just before or after step `anchor`. Throws UsageError (2) for an unknown id, a
// step moved next to itself, or an anchor of the other time (steps run grouped by `when`, so the
// order counts only within a group).
void move_step(Runbook& runbook, std::string_view id, Place place, std::string_view anchor);

// The last result of a step: the latest round that ran it, and what it did there.
struct LastStepResult {
  int round = 0;
  RunbookStepResult result;
};
// Step id → its last result in `rounds` (oldest first, as read_rounds gives them). A step no round
// ran has no entry.
std::map<std::string, LastStepResult> last_step_results(const std::vector<RequestRecord>& rounds);

// Adds the runbook's enabled steps to a go-live downtime estimate: the part "runbook_s" is the sum
// of their durations as `ran` (the results of the round the estimate comes from) measured them; a
// step that round did not run as it is now (another sha256, or not at all) adds nothing and is
// listed in `missing` as "runbook:<id>" (its time is unknown). A runbook without enabled steps adds
// nothing. A round's `dump_s` includes the before-upload steps it ran (between production's dump
// and the dump sent): their seconds are taken out of the `dump_s` part (and its scaled hop) so
// they count once.
void add_runbook_estimate(golive::DowntimeEstimate& estimate,
                          const Runbook& runbook,
                          const std::vector<RunbookStepResult>& ran);

} // namespace odoo_upgrade::core
