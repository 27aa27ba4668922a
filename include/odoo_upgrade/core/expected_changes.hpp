#pragma once

#include <odoo_upgrade/core/uat.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

// What each Odoo series step is known to change (modules merged, groups removed, templates
// replaced, fields removed, records deleted…), so that UAT reports an expected change as what it
// is, with its reason. The facts are the embedded resources/uat/expected-changes.json (shape and
// rules: docs/notes/expected-changes.md), written from OpenUpgrade's public migration data and
// Odoo's release notes, and checked on the real 16.0 → 17.0 pair. The file only ever explains: it
// never lowers a blocking finding (anything the customer created or customised stays blocking).
namespace odoo_upgrade::core::uat {

// What UAT does with a finding an entry explains.
enum class Policy {
  info,    // expected and harmless: info, with the reason
  warning, // expected, but someone should look: a warning, with the reason
  keep     // expected by the upgrade engine, but it may lose something: severity kept, reason added
};

// One entry of the file that explains a difference.
struct Explanation {
  std::string step; // "16.0→17.0"
  std::string reason;
  Policy policy = Policy::info;
  std::vector<std::string> blocking_if; // conditions (on production) under which it stays blocking
};

// The entries of the steps from series `from` to series `to` (e.g. 15.0 → 17.0 applies 15.0→16.0
// then 16.0→17.0). Empty when `from` or `to` is not a series or no step lies between them.
class ExpectedChanges {
public:
  // Reads the embedded file. Throws std::runtime_error when it is not valid JSON (a build defect).
  static ExpectedChanges between(const std::string& from, const std::string& to);
  // The same, from a document of the file's shape (tests).
  static ExpectedChanges
  from_json(const nlohmann::json& doc, const std::string& from, const std::string& to);

  bool empty() const { return m_steps.empty(); }
  // A module missing in test (`added` false: merged/renamed/removed) or new in test (`added`).
  std::optional<Explanation> module(const std::string& name, bool added) const;
  // An access group removed or added by the step (`xml_id` "account.group_…").
  std::optional<Explanation> group(const std::string& xml_id) const;
  // A field removed, no longer translatable or replaced (`model` "mail.template", `field`).
  std::optional<Explanation> field(const std::string& model, const std::string& field) const;
  // A mail template entry for `xml_id` with change `change` ("replaced", "body_replaced",
  // "translations_reset", "added").
  std::optional<Explanation> mail_template(const std::string& xml_id,
                                           const std::string& change) const;
  // A report entry for `xml_id`: with `field` "" the report itself (replaced), else one field.
  std::optional<Explanation> report(const std::string& xml_id, const std::string& field) const;
  // A model the step renamed, merged or removed (`models[]`; an entry may list several models
  // separated by " / ").
  std::optional<Explanation> model(const std::string& model) const;
  // A record the step deletes, adds or updates (`records[]`: `model`, one of its `xml_ids`).
  std::optional<Explanation> record(const std::string& model, const std::string& xml_id) const;
  // A standard record of `model` the step renames (a "records" entry of change "renamed"): explains
  // a finding whose only change is its `name`.
  std::optional<Explanation> renamed(const std::string& model, const std::string& xml_id) const;

private:
  std::vector<nlohmann::json> m_steps;
  std::optional<Explanation> find(const char* list,
                                  const std::function<bool(const nlohmann::json&)>& match) const;
};

// Explains `f`, a finding of keyed dataset `dataset` (adapters/pg/uat_queries.hpp), with the entry
// of `expected` that matches it, if any: modules merged/added, access groups removed, reports
// and mail templates replaced, users whose only group changes are groups the step removed or
// added, records the step deletes. Standard records only: a blocking finding stays blocking.
void explain(Finding& f, const std::string& dataset, const ExpectedChanges& expected);

// True when two due schedules of a payment term (dataset "payment_terms", value `due`:
// "share@YYYY-MM-DD; …") have the same shares in the same order and no due date moved by more than
// `days` days: what 17.0's conversion of N months into N×30 days does (OpenUpgrade account 17.0).
bool due_dates_shifted_within(const std::string& before, const std::string& after, int days);

// The finding for one translated term (dataset "translations": key "model:id:field:lang", values
// `md5` of the translation, `en` digest of the en_US text, `edited` "true" when a user edited the
// record in production). `field_in_test`: the field is still a stored translatable field in test.
// Rules (issue 10, measured on the real pair): on a record a user edited, a translation replaced
// or gone while the English text is unchanged is blocking (the customer's own wording is lost);
// English changed but the translation did not is a warning ("out of step"); anything else is info
// (the new version's own translations). A field the new version removed takes its entry's policy.
// Terms of databases before 16.0 (no `edited`): missing is a warning, changed info.
std::optional<Finding> classify_translation(const KeyedRow* production,
                                            const KeyedRow* test,
                                            bool field_in_test,
                                            const ExpectedChanges& expected);

// The groups removed from and added to a user, from the "groups" values (", "-separated xml ids).
struct GroupDiff {
  std::vector<std::string> removed;
  std::vector<std::string> added;
};
GroupDiff group_diff(const std::string& before, const std::string& after);

// Applies `e` to `f`: info/warning set the severity (never lowering a blocking finding unless
// `allow_lower_blocking`), keep leaves it; the reason is recorded on the finding.
void apply(Finding& f, const Explanation& e, bool allow_lower_blocking = false);

} // namespace odoo_upgrade::core::uat
