#pragma once

#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/severity.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Pure rules of the go-live chain (`freeze`, `prod-request`, `restore`): the freeze window, the
// downtime estimate, the comparison of record-count baselines, the step journal that makes every
// step re-runnable after a crash, and the names of the databases involved.
namespace odoo_upgrade::core::golive {

// --- freeze window -------------------------------------------------------------------------------

// Every reason the window [`at`, `go_live`] is not acceptable at `now` (empty: valid): both in the
// future, `at` before `go_live`, and `at` after the sign-off (`signed_off_at`, when known).
std::vector<std::string> window_problems(TimePoint at,
                                         TimePoint go_live,
                                         TimePoint now,
                                         std::optional<TimePoint> signed_off_at);

// One hop of the estimate scaled to production's size now (DowntimeEstimate::scaled).
struct ScaledHop {
  std::string key;             // the timing key: "dump_s", "upload_s", "processing_s"…
  double measured_s = 0;       // its seconds in the round
  std::uint64_t bytes = 0;     // the bytes it moved in the round (0: processing, which moves none)
  double bytes_per_s = 0;      // its measured rate (0: processing)
  std::uint64_t bytes_now = 0; // `bytes` scaled to production's size now (0: processing)
  double seconds = 0; // the estimate: bytes_now / bytes_per_s; processing: measured_s × ratio
};

// The downtime of a go-live estimated from a test round's measured `timings`: dump, upload,
// processing, download, restore. Missing parts count as 0 and are listed in `missing`.
// A production bigger (or smaller) than at the round moves more (or fewer) bytes: when the round
// recorded production's size (`timings.database_bytes`) and `database_bytes_now` is known, each hop
// with a measured rate counts bytes_now / bytes_per_s, bytes_now being its bytes × the ratio of
// the sizes (one decimal); processing, which moves no bytes of ours, counts its seconds × that
// ratio. Those hops are listed in `scaled`; the others (older rounds, a dump given with --dump)
// count their measured seconds. When the round ran the target Odoo (update_s, open_s), their sum
// is the part "target_odoo_s" (measured, not scaled): `restore` runs the same on the staging
// database.
struct DowntimeEstimate {
  std::vector<std::pair<std::string, double>> parts; // (timing key, seconds), in chain order
  std::vector<std::string> missing;
  double total_s = 0;
  // The sizes the hops were scaled between (production's pg_database_size at the round and now,
  // bytes); both null when nothing was scaled.
  std::optional<std::uint64_t> database_bytes_then;
  std::optional<std::uint64_t> database_bytes_now;
  std::vector<ScaledHop> scaled; // in chain order
};
DowntimeEstimate estimate_downtime(const Timings& timings,
                                   std::optional<std::uint64_t> database_bytes_now);

// --- baselines -----------------------------------------------------------------------------------

// How two baselines are expected to relate.
enum class BaselineMode {
  identical, // the same database at two moments (production after the freeze): any change blocks
  upgraded,  // production's freeze baseline against its upgraded copy: losses and total changes
             // block, additions are reported
};

// One difference between two baselines: info (expected in an upgrade), warning or blocking
// (core/severity.hpp).
struct Difference {
  std::string key; // "counts.res.partner", "totals.account_move_line_debit"…
  std::string before;
  std::string after;
  Severity severity = Severity::info;
  std::string message;
};

// Compares two baselines (the documents adapters::pg::capture_baseline produces: `counts`,
// `totals`, `max_ids`, `digests`, `writes`). Models absent from `before` are ignored. Numeric texts
// are compared as decimals (core::same_decimal: "10.50" equals "10.5"). In `identical` mode, also
// any write since `before` by any role: a business table whose row digest changed, or (PostgreSQL
// 15+) any table of schema public whose statistics count more rows inserted, updated or deleted,
// blocks naming the table; when the statistics were reset in between (`writes.stats_reset`
// changed, or a counter went down) only the digests are compared and a warning says so. Sections
// missing from either baseline (an older build's) are not compared.
std::vector<Difference>
compare_baselines(const nlohmann::json& before, const nlohmann::json& after, BaselineMode mode);
bool has_blocking(const std::vector<Difference>& diffs);
// [{key, before, after, severity (core::to_string), message}].
nlohmann::json to_json(const std::vector<Difference>& diffs);
// Reads what to_json wrote. Throws FilesystemError (exit 6) naming `<where>[i].<field>` for a field
// of the wrong type or an unknown severity.
std::vector<Difference> differences_from_json(const nlohmann::json& j, std::string_view where);

// --- step journal --------------------------------------------------------------------------------

// A journal is a JSON array of steps {"step", "status", "started_at", "done_at", ...data}. A step
// is recorded `started` (with what is needed to undo it) before it is performed and `done` right
// after, so that after a crash a re-run knows exactly what may have happened.
enum class StepStatus { absent, started, done, undone };
std::string_view to_string(StepStatus s);

class Journal {
public:
  // `entries` must be an array (or null, made an empty array); the Journal edits it in place.
  explicit Journal(nlohmann::json& entries);

  StepStatus status(std::string_view step) const;
  // The entry of `step`; nullptr when absent.
  nlohmann::json* find(std::string_view step);
  const nlohmann::json* find(std::string_view step) const;
  // Records `step` as started with `data` merged in (an existing entry is updated, keeping its
  // data unless `data` overrides it). Returns the entry.
  nlohmann::json& start(std::string_view step, const nlohmann::json& data, const std::string& at);
  // Records `step` as done (an absent step is added), merging `data`.
  nlohmann::json& finish(std::string_view step,
                         const std::string& at,
                         const nlohmann::json& data = nlohmann::json::object());
  // Records that `step` was undone.
  void mark_undone(std::string_view step, const std::string& at);
  // Steps recorded started or done (in recorded order).
  std::vector<std::string> applied_steps() const;

private:
  nlohmann::json& m_entries;
};

// --- names ---------------------------------------------------------------------------------------

// "20261121_173000" (UTC), used in database and folder names.
std::string name_timestamp(TimePoint t);
// The derived database names are core/naming.hpp's.

// --- restore plan --------------------------------------------------------------------------------

// The steps of `restore`, in order. Each is journaled in `golive.journal` (the names are also what
// the test hook OU_TEST_CRASH_AFTER_STEP=restore.<step> takes).
const std::vector<std::string>& restore_steps();
// The steps of `restore --rollback`, in order (journaled in `golive.rollback.journal`;
// OU_TEST_CRASH_AFTER_STEP=rollback.<step>). `lift_old` is skipped with --keep-frozen.
const std::vector<std::string>& rollback_steps();

} // namespace odoo_upgrade::core::golive
