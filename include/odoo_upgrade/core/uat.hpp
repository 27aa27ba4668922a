#pragma once

#include <odoo_upgrade/core/severity.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// User acceptance testing (UAT): the pure parts of the `uat` command. The automated checks compare
// the production database with the test database of the current round; this header holds the
// check catalogue, the datasets and rules of each check, the finding and result types, the merge of
// two ordered keyed streams, the classification rules, the manual checklist and the sign-off rules.
// SQL lives in adapters/pg/uat_queries.hpp, rendering in core/uat_report.hpp, the project section
// in core/uat_record.hpp.
namespace odoo_upgrade::core::uat {

// Findings carry a core::Severity: `blocking` findings refuse the sign-off; `warning` needs a
// person to look; `info` documents an expected difference (e.g. neutralization). The automated
// checks use only these three.

// How one automated check ran: `passed` (no finding above info), `warning`, `failed` (at least
// one blocking finding), `error` (the check could not run; counts as blocking for go/no-go),
// `skipped` (the check does not apply to this project, `error` says why and how to make it apply,
// e.g. a live check without a configured target Odoo; it counts neither as blocking nor as an
// error for go/no-go, and a skipped result is a result: the check counts as run).
enum class CheckStatus { passed, warning, failed, error, skipped };
std::string_view to_string(CheckStatus s);
std::optional<CheckStatus> parse_check_status(std::string_view text);

// One field that differs between production and test.
struct FieldChange {
  std::string field;
  std::string before; // production
  std::string after;  // test ("" when missing)
};

// One difference, naming the record so a person can find it in Odoo: `key` is the xml id or the
// natural key, `name` the display name, `model` the Odoo model.
struct Finding {
  Severity severity = Severity::info;
  std::string kind; // "missing", "added", "changed", "count", …
  std::string model;
  std::string key;
  std::string name;
  std::string message; // one line for people
  std::vector<FieldChange> changes;
  // Why the difference is expected (core/expected_changes.hpp), "" when nothing explains it.
  std::string reason;
  // For a changed text (a mail template body, a view's arch): a short unified diff from
  // production to test (core/line_diff.hpp), "" otherwise.
  std::string diff;
  // Iteration across runs and rounds (core/uat_iteration.hpp): `id` names the finding from its
  // check and record ("views-3f9a2c1b7e"), `digest` its content; "" until identified.
  std::string id;
  std::string digest;
  // Against the previous round's latest results: "new" or "still" ("" when not compared or info).
  std::string since;
  // The customer's acceptance of this finding (`uat accept`): it applies while `digest` is the
  // accepted one; a lapsed acceptance (the finding changed since) is kept to say so.
  struct Acceptance {
    std::string reason;
    std::string by;
    std::string at; // ISO 8601 UTC
    bool lapsed = false;
  };
  std::optional<Acceptance> accepted;
  // True when an acceptance applies: the finding no longer counts against GO.
  bool is_accepted() const { return accepted && !accepted->lapsed; }
};

// Static description of an automated check.
struct CheckInfo {
  std::string id; // stable, e.g. "views"
  std::string title;
  Severity severity; // the worst severity the check may report
  std::string description;
};
// The automated checks, in report order: the checks on the databases' datasets, then the live
// checks through the target Odoo (core/live_checks.hpp, core::live::is_live_check).
const std::vector<CheckInfo>& check_catalogue();
// The catalogue entry for `id`; nullptr when unknown.
const CheckInfo* find_check(std::string_view id);
// The ids of the catalogue, in report order.
std::vector<std::string> check_ids();

// The result of one check. `findings` holds every finding up to `k_max_findings_per_check`;
// `finding_counts` always counts every finding. `error` says why when `status` is `error` or
// `skipped`.
struct CheckResult {
  std::string id;
  std::string title;
  Severity severity = Severity::info;
  CheckStatus status = CheckStatus::passed;
  std::vector<Finding> findings;
  std::map<Severity, long long> finding_counts;
  long long compared = 0; // records/keys compared
  double seconds = 0;
  std::string error; // set when status is `error` or `skipped`
  bool truncated = false;

  // Adds a finding and counts it. Beyond the cap a finding is kept only when it is more serious
  // than info, in place of the latest info finding.
  void add(Finding finding);
  // Sets `status` from the counts (unless `error` or `skipped`).
  void finish();
  long long count(Severity s) const;
};
// Every finding is kept: the cap only bounds memory for two databases that have little in common.
inline constexpr std::size_t k_max_findings_per_check = 100000;

nlohmann::json to_json(const Finding& f);
nlohmann::json to_json(const CheckResult& r);
// Reads a check result (from a report file or the project's uat section). Throws FilesystemError
// (exit 6) naming `<where>.<field>` for a field of the wrong type or an unknown severity/status.
CheckResult check_result_from_json(const nlohmann::json& j, std::string_view where = "check");

// --- merging two ordered keyed streams ---------------------------------------------------------

// One record of a keyed dataset: `values` maps a field to its canonical text. `standard` is true
// when the record comes from a standard Odoo module (its loss is expected more often). `natural`
// is the record's natural key (company + name…) in a dataset keyed by xml id that can fall back
// to it (pair_by_natural_key), "" otherwise; it is not a value and is never compared.
struct KeyedRow {
  std::string key;
  std::string name;
  std::map<std::string, std::string> values;
  bool standard = false;
  std::string natural;
};

// Pulls the next row of an ordered stream; std::nullopt at the end.
using RowSource = std::function<std::optional<KeyedRow>()>;

// Merge-joins two streams ordered by `key` (byte order, i.e. COLLATE "C") and calls `on_pair` for
// every key with the production row, the test row (either may be null, never both). Memory stays
// bounded by two rows. Throws std::logic_error when a stream is not strictly ordered. Returns the
// number of distinct keys seen.
long long merge_keyed(const RowSource& production,
                      const RowSource& test,
                      const std::function<void(const KeyedRow*, const KeyedRow*)>& on_pair);

// How a keyed dataset's differences become findings.
struct FieldRule {
  std::string field;
  Severity severity = Severity::warning;
  // When set, the rule applies only when production has this value (e.g. active "true").
  std::optional<std::string> only_if_before;
  // What the change means for the customer, appended to the finding's message ("" for none).
  std::string note;
};
struct DiffRules {
  std::string model;
  std::string what; // "view", "report", … used in messages
  std::optional<Severity> missing_custom = Severity::blocking;
  std::optional<Severity> missing_standard = Severity::warning;
  std::optional<Severity> added; // std::nullopt: records only in test are not reported
  // The message of a record only in test, after its label ("" for "exists only in test").
  std::string added_note;
  // When set, a missing record matters only if production has this field value (e.g. a view
  // missing in test matters only when it was active in production).
  std::optional<std::pair<std::string, std::string>> missing_only_if;
  // With `missing_only_if`: a change, too, matters only when production has that value (a
  // disabled payment provider is not the customer's concern, whatever happens to it).
  bool only_if_gates_changes = false;
  // Fields with a rule of their own; other differing fields use `changed` (nullopt: ignored).
  std::vector<FieldRule> fields;
  std::optional<Severity> changed = Severity::warning;
  // When set, a record not from a standard module (the customer's own) uses this severity instead
  // of `changed` for the fields without a rule of their own.
  std::optional<Severity> changed_custom;
  // Fields whose value is a list, with the separator between its items (the queries' string_agg):
  // a change names the items removed and added (list_diff), not two long texts that look the same
  // once cut for the message.
  std::map<std::string, std::string> lists;
};

// The items of a list value (`separator` between items) removed from `before` and added in
// `after`, each sorted; an item repeated counts as many times as it appears. Both empty when the
// lists hold the same items (perhaps in another order).
struct ListDiff {
  std::vector<std::string> removed;
  std::vector<std::string> added;
};
ListDiff
list_diff(const std::string& before, const std::string& after, const std::string& separator);

// The finding for one pair of rows, or std::nullopt when they agree under `rules`.
std::optional<Finding>
classify(const KeyedRow* production, const KeyedRow* test, const DiffRules& rules);

// Records seen on one side only of a dataset keyed by xml id, paired again by their natural key
// when the xml id is gone on one side (issue 10: a release moves records to another module, e.g.
// 17.0 moved the generic chart's records from l10n_generic_coa to account, so the same record has
// another xml id). A production row pairs with the first test row (in the given order) of the same
// non-empty `natural`; each row pairs at most once; the rest stay one-sided, in their order.
struct NaturalPairs {
  std::vector<std::pair<KeyedRow, KeyedRow>> pairs; // production, test
  std::vector<KeyedRow> production_only;
  std::vector<KeyedRow> test_only;
};
NaturalPairs pair_by_natural_key(std::vector<KeyedRow> production_only,
                                 std::vector<KeyedRow> test_only);

// The finding for a record paired by natural key: its changes under `rules` and the moved key as
// the change "xml_id" (production's key → test's key), at info unless something else changed
// worse. Keyed by production's key, so its finding id stays that of the record. std::nullopt when
// `rules` do not look at the record (`missing_only_if` with `only_if_gates_changes`).
std::optional<Finding>
classify_moved(const KeyedRow& production, const KeyedRow& test, const DiffRules& rules);

// The finding for one model's record count (values field "count"): fewer records in test is
// blocking, more is info, a model missing on one side is blocking (production) or info (test).
std::optional<Finding> classify_count(const KeyedRow* production, const KeyedRow* test);

// Lines of a finding's diff (core::unified_diff's max_lines).
inline constexpr std::size_t k_diff_lines = 30;
// Whether finding `f` of `dataset` changed a text whose diff helps the reader, and which text:
// the field of the dataset's full-text companion ("mail_template_bodies" field "body" for a
// mail template body, "view_archs" field "arch" for a customised view reset by the upgrade).
// std::nullopt otherwise.
std::optional<std::pair<std::string, std::string>> text_to_diff(const Finding& f,
                                                                const std::string& dataset);

// How many missing records a finding names; the rest are in the list file.
inline constexpr std::size_t k_named_missing = 20;
// Names the records behind a record-count finding with fewer records in test: `first` (at most
// k_named_missing display names, in id order) of `total` production records missing in test by
// id, and `list_file`, where every one is listed ("" when no list was written). Appended to the
// message, and kept as the change "missing records" (before: the names, ", "-separated).
void name_missing_records(Finding& f,
                          const std::vector<std::string>& first,
                          long long total,
                          const std::string& list_file);

// The chatter a record lost: "messages 5 → 2 (-3), followers 3 → 1 (-2)" for the counts of
// `production` that are higher than in `test` (rows of adapters::pg::chatter_records_sql; a record
// without chatter in test counts 0); std::nullopt when none fell.
std::optional<std::string> chatter_lost(const KeyedRow* production, const KeyedRow* test);
// Names the records behind a chatter finding of a model whose counts fell: `first` (at most
// k_named_missing entries "name: messages 5 → 2 (-3)", in id order) of `total` records that lost
// chatter, and `list_file` ("" when none was written). Appended to the message, and kept as the
// change "records that lost chatter".
void name_chatter_losses(Finding& f,
                         const std::vector<std::string>& first,
                         long long total,
                         const std::string& list_file);

// One dataset an automated check compares (a keyed dataset of adapters/pg/uat_queries.hpp) and how
// its differences are classified: by `rules`, or by classify_count when `counts`.
struct DatasetCheck {
  std::string dataset;
  DiffRules rules;
  bool counts = false;
};
// The datasets of the automated check `check_id` (every catalogue id but "neutralization" and
// "modules-transient", which have logic of their own). Throws std::out_of_range for another id.
const std::vector<DatasetCheck>& check_datasets(const std::string& check_id);

// --- neutralization --------------------------------------------------------------------------

// What the neutralization check saw (check 12).
struct NeutralizationFacts {
  long long crons_on_test = 0;   // active scheduled actions in test
  long long servers_on_test = 0; // active outgoing mail servers in test that can send
  bool flagged = false;          // test has database.is_neutralized set
};
// The finding for one scheduled action (`model` "ir.cron") or mail server ("ir.mail_server", its
// values `active` and `smtp_host`) of both databases: a warning naming a mail server active in
// test that can send (not Odoo's dummy relay); info when active in production and inactive in
// test (neutralized); std::nullopt otherwise. Counts the records active in test into `facts`.
std::optional<Finding> classify_neutralized(const std::string& model,
                                            const KeyedRow* production,
                                            const KeyedRow* test,
                                            NeutralizationFacts& facts);
// True for a mail server that sends nothing: Odoo's neutralization inserts an active server with
// smtp_host 'invalid' (Odoo 16.0+ mail/data/neutralize.sql), and an empty host cannot connect.
bool is_dummy_relay(const KeyedRow& server);
// The findings about the test database as a whole: a warning when it is not marked neutralized but
// may still run crons or send mail; info when it is.
std::vector<Finding> neutralization_verdict(const NeutralizationFacts& facts);
// The warning for a payment provider enabled in the test database (a row of dataset
// "enabled_payment_providers"): it can take real payments.
Finding enabled_provider_finding(const KeyedRow& provider);
// The blocking finding for a module in state 'to upgrade', 'to install' or 'to remove' in the test
// database (a row of dataset "transient_modules", value `state`).
Finding transient_module_finding(const KeyedRow& module);
// True for the values Odoo writes for a set boolean parameter ("True", "true", "1").
bool is_true_parameter(const std::string& value);

// --- results, go/no-go ---------------------------------------------------------------------------

// Totals of a run.
struct RunSummary {
  long long blocking = 0;
  long long warning = 0;
  long long info = 0;
  long long errors = 0;  // checks that could not run
  long long skipped = 0; // checks that do not apply (status `skipped`): no effect on go()
  bool go() const { return blocking == 0 && errors == 0; }
};
RunSummary summarize(const std::vector<CheckResult>& results);

// --- manual checklist ---------------------------------------------------------------------------

enum class MarkStatus { unmarked, pass, fail, skip };
std::string_view to_string(MarkStatus s);
std::optional<MarkStatus> parse_mark_status(std::string_view text);

struct ChecklistItem {
  std::string id;
  std::string title;
  std::string category;                            // "scenario", "basic", "custom"
  nlohmann::json extra = nlohmann::json::object(); // keys of a newer file, kept
};
// The method's end-to-end scenario and the basic checks that need a person.
const std::vector<ChecklistItem>& default_checklist();
// A valid item id: lower case letters, digits, '-', '_' and '.', 1 to 64 characters.
bool valid_item_id(std::string_view id);
// An id derived from `title` ("Print the delivery slip" → "print-the-delivery-slip"), made unique
// against `taken`.
std::string item_id_from_title(std::string_view title, const std::vector<std::string>& taken);

struct Mark {
  MarkStatus status = MarkStatus::unmarked;
  std::string note;
  std::string at; // ISO 8601 UTC
  std::string by;
  nlohmann::json extra = nlohmann::json::object(); // keys of a newer file, kept
};

// --- sign-off ------------------------------------------------------------------------------------

// What sign-off looks at.
struct SignoffFacts {
  int round = 0;
  bool has_run = false;  // an automated run of `round` counts (see RoundRecord::latest_results)
  RunSummary latest_run; // of the latest result of every check that ran
  std::vector<std::string> not_run; // checks without a valid result for `round`
  std::vector<std::pair<ChecklistItem, Mark>> items;
};
// Every reason sign-off must be refused (empty: sign-off allowed).
std::vector<std::string> signoff_refusals(const SignoffFacts& facts);

} // namespace odoo_upgrade::core::uat
