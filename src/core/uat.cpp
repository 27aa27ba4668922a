#include <odoo_upgrade/core/expected_changes.hpp>
#include <odoo_upgrade/core/live_checks.hpp>
#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/uat.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <set>
#include <stdexcept>

namespace odoo_upgrade::core::uat {

namespace {

constexpr std::array<std::pair<CheckStatus, std::string_view>, 5> k_status_names{{
    {CheckStatus::passed, "passed"},
    {CheckStatus::warning, "warning"},
    {CheckStatus::failed, "failed"},
    {CheckStatus::error, "error"},
    {CheckStatus::skipped, "skipped"},
}};

constexpr std::array<std::pair<MarkStatus, std::string_view>, 4> k_mark_names{{
    {MarkStatus::unmarked, "unmarked"},
    {MarkStatus::pass, "pass"},
    {MarkStatus::fail, "fail"},
    {MarkStatus::skip, "skip"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, n] : names) {
    if (v == value) {
      return n;
    }
  }
  return names[0].second;
}

template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::pair<E, std::string_view>, N>& names,
                            std::string_view text) {
  for (const auto& [v, n] : names) {
    if (n == text) {
      return v;
    }
  }
  return std::nullopt;
}

// A severity field of a finding or check (one of the names of core::Severity).
Severity take_severity(FieldReader& r, std::string_view key) {
  std::string text = "info";
  r.take(key, text);
  auto s = parse_severity(text);
  if (!s) {
    invalid_field(r.path(key), "has an unknown value '" + text + "'");
  }
  return *s;
}

Finding finding_from_json(const nlohmann::json& j, const std::string& where) {
  FieldReader r(j, where);
  Finding f;
  f.severity = take_severity(r, "severity");
  r.take("kind", f.kind);
  r.take("model", f.model);
  r.take("key", f.key);
  r.take("name", f.name);
  r.take("message", f.message);
  r.take("reason", f.reason);
  r.take("diff", f.diff);
  r.take("id", f.id);
  r.take("digest", f.digest);
  r.take("since", f.since);
  nlohmann::json accepted;
  r.take_json("accepted", accepted);
  if (accepted.is_object()) {
    FieldReader ar(accepted, r.path("accepted"));
    Finding::Acceptance a;
    ar.take("reason", a.reason);
    ar.take("by", a.by);
    ar.take("at", a.at);
    ar.take("lapsed", a.lapsed);
    f.accepted = a;
  }
  nlohmann::json changes;
  r.take_json("changes", changes);
  if (changes.is_array()) {
    for (std::size_t i = 0; i < changes.size(); ++i) {
      FieldReader cr(changes[i], r.path("changes") + "[" + std::to_string(i) + "]");
      FieldChange c;
      cr.take("field", c.field);
      cr.take("before", c.before);
      cr.take("after", c.after);
      f.changes.push_back(std::move(c));
    }
  }
  return f;
}

// The longest a value may be in a message.
constexpr std::size_t k_max_shown = 80;

// `text` from byte `start` (a character boundary) cut to k_max_shown bytes on a UTF-8 character
// boundary, with "…" where something was left out.
std::string excerpt(const std::string& text, std::size_t start) {
  std::string out = start > 0 ? "…" : "";
  std::string rest = text.substr(start);
  if (rest.size() <= k_max_shown) {
    return out + rest;
  }
  std::size_t end = k_max_shown;
  while (end > 0 && (static_cast<unsigned char>(rest[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return out + rest.substr(0, end) + "…";
}

// Both values of a change as a message shows them: whole when short, else both cut around their
// first difference, so that two long texts that differ near the end do not look the same.
std::pair<std::string, std::string> shown_pair(const std::string& before,
                                               const std::string& after) {
  if (before.size() <= k_max_shown && after.size() <= k_max_shown) {
    return {before, after};
  }
  std::size_t common = 0;
  while (common < before.size() && common < after.size() && before[common] == after[common]) {
    ++common;
  }
  // Some context before the first difference, starting on a character boundary (the common prefix
  // is the same bytes on both sides).
  constexpr std::size_t k_context = 20;
  std::size_t start = common > k_context ? common - k_context : 0;
  while (start > 0 && (static_cast<unsigned char>(before[start]) & 0xC0U) == 0x80U) {
    --start;
  }
  return {excerpt(before, start), excerpt(after, start)};
}

// "a, b, c and 4 more" (at most k_listed items), "none" for an empty list.
std::string listed(const std::vector<std::string>& items) {
  constexpr std::size_t k_listed = 10;
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < k_listed; ++i) {
    s += (s.empty() ? "" : ", ") + items[i];
  }
  if (items.size() > k_listed) {
    s += " and " + std::to_string(items.size() - k_listed) + " more";
  }
  return s.empty() ? std::string("none") : s;
}

} // namespace

std::string_view to_string(CheckStatus s) {
  return name_of(k_status_names, s);
}
std::optional<CheckStatus> parse_check_status(std::string_view text) {
  return parse_name(k_status_names, text);
}
std::string_view to_string(MarkStatus s) {
  return name_of(k_mark_names, s);
}
std::optional<MarkStatus> parse_mark_status(std::string_view text) {
  return parse_name(k_mark_names, text);
}

namespace {

// The checks on the databases' datasets (commands/uat/engine.cpp), in report order.
const std::vector<CheckInfo>& dataset_checks() {
  static const std::vector<CheckInfo> k_checks = {
      {"views",
       "Views active in production but inactive or missing in test",
       Severity::blocking,
       "The upgrade deactivates custom views it cannot validate. Views are matched by xml id, "
       "website key or name."},
      {"reports",
       "Reports missing or changed in test",
       Severity::blocking,
       "Report actions (ir.actions.report) matched by xml id or technical name."},
      {"website",
       "Website pages and menus missing or unpublished",
       Severity::blocking,
       "Pages matched by website and URL, menus by website, parent and name."},
      {"mail-templates",
       "Mail templates missing or changed",
       Severity::blocking,
       "Subject, body and recipients of every mail template."},
      {"translations",
       "Saved translations lost",
       Severity::warning,
       "Translated terms present in production but not in test (jsonb from 16.0, ir_translation "
       "before)."},
      {"filters",
       "Search filters missing",
       Severity::blocking,
       "Saved search filters (ir.filters)."},
      {"modules",
       "Modules installed in production but not in test",
       Severity::blocking,
       "Lost or uninstallable modules. Standard modules merged or removed by the new version are "
       "warnings."},
      {"record-counts",
       "Record counts per business model",
       Severity::blocking,
       "Partners, products, sales, purchases, pickings, invoices, journal entries, users, "
       "companies…, and the chatter (messages, activities, followers) per model."},
      {"products",
       "Product data",
       Severity::blocking,
       "For every product: category, sale price, cost, vendors, income/expense accounts and "
       "routes."},
      {"accounting",
       "Accounting",
       Severity::blocking,
       "Trial balance per account and period, unbalanced entries, taxes, currencies and rates, "
       "journals and bank accounts, fiscal year and lock dates."},
      {"users",
       "Users, companies and access groups",
       Severity::blocking,
       "Users (login, active, company, groups), companies and access groups."},
      {"neutralization",
       "Test database neutralized",
       Severity::warning,
       "Scheduled actions, outgoing mail servers and payment providers disabled in test. Odoo's "
       "own dummy relay (smtp_host 'invalid') sends nothing. Expected differences are info."},
      {"business-data",
       "Customer business data",
       Severity::blocking,
       "Partner tag links (named by partner and tag), working schedules and their attendances, "
       "each company's chart of accounts identity, payment terms (by the due dates they give), "
       "pricelists and their rules, stock on hand per product and location, payment providers "
       "in use and the payment methods they offer, product attributes and their values per "
       "product, analytic plans and accounts."},
      {"modules-transient",
       "Modules in a transient state in test",
       Severity::blocking,
       "Modules left 'to upgrade', 'to install' or 'to remove' in the test database. Odoo skips "
       "every scheduled action while any module is in such a state."},
  };
  return k_checks;
}

} // namespace

const std::vector<CheckInfo>& check_catalogue() {
  static const std::vector<CheckInfo> k_checks = [] {
    std::vector<CheckInfo> all = dataset_checks();
    const auto& live = live::live_check_catalogue();
    all.insert(all.end(), live.begin(), live.end());
    return all;
  }();
  return k_checks;
}

const CheckInfo* find_check(std::string_view id) {
  for (const auto& c : check_catalogue()) {
    if (c.id == id) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<std::string> check_ids() {
  std::vector<std::string> ids;
  for (const auto& c : check_catalogue()) {
    ids.push_back(c.id);
  }
  return ids;
}

void CheckResult::add(Finding finding) {
  ++finding_counts[finding.severity];
  if (findings.size() < k_max_findings_per_check) {
    findings.push_back(std::move(finding));
    return;
  }
  truncated = true;
  // Full: a more serious finding takes the place of the latest info one, so that the kept
  // findings never drop a blocking finding or a warning for the sake of infos.
  if (finding.severity == Severity::info) {
    return;
  }
  for (auto it = findings.rbegin(); it != findings.rend(); ++it) {
    if (it->severity == Severity::info) {
      *it = std::move(finding);
      return;
    }
  }
}

long long CheckResult::count(Severity s) const {
  auto it = finding_counts.find(s);
  return it == finding_counts.end() ? 0 : it->second;
}

void CheckResult::finish() {
  if (status == CheckStatus::error || status == CheckStatus::skipped) {
    return;
  }
  if (count(Severity::blocking) > 0) {
    status = CheckStatus::failed;
  } else if (count(Severity::warning) > 0) {
    status = CheckStatus::warning;
  } else {
    status = CheckStatus::passed;
  }
}

nlohmann::json to_json(const Finding& f) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : f.changes) {
    changes.push_back({{"field", c.field}, {"before", c.before}, {"after", c.after}});
  }
  nlohmann::json doc = {{"severity", to_string(f.severity)},
                        {"kind", f.kind},
                        {"model", f.model},
                        {"key", f.key},
                        {"name", f.name},
                        {"message", f.message},
                        {"changes", changes}};
  if (!f.reason.empty()) {
    doc["reason"] = f.reason;
  }
  if (!f.diff.empty()) {
    doc["diff"] = f.diff;
  }
  for (const auto& [key, value] :
       {std::pair{"id", &f.id}, {"digest", &f.digest}, {"since", &f.since}}) {
    if (!value->empty()) {
      doc[key] = *value;
    }
  }
  if (f.accepted) {
    doc["accepted"] = {{"reason", f.accepted->reason},
                       {"by", f.accepted->by},
                       {"at", f.accepted->at},
                       {"lapsed", f.accepted->lapsed}};
  }
  return doc;
}

nlohmann::json to_json(const CheckResult& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) {
    findings.push_back(to_json(f));
  }
  nlohmann::json doc = {{"id", r.id},
                        {"title", r.title},
                        {"severity", to_string(r.severity)},
                        {"status", to_string(r.status)},
                        {"compared", r.compared},
                        {"seconds", r.seconds},
                        {"counts",
                         {{"blocking", r.count(Severity::blocking)},
                          {"warning", r.count(Severity::warning)},
                          {"info", r.count(Severity::info)}}},
                        {"truncated", r.truncated},
                        {"findings", findings}};
  if (!r.error.empty()) {
    doc["error"] = r.error;
  }
  return doc;
}

CheckResult check_result_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  CheckResult c;
  r.take("id", c.id);
  r.take("title", c.title);
  c.severity = take_severity(r, "severity");
  std::string status = "passed";
  r.take("status", status);
  auto parsed = parse_check_status(status);
  if (!parsed) {
    invalid_field(r.path("status"), "has an unknown value '" + status + "'");
  }
  c.status = *parsed;
  r.take("compared", c.compared);
  r.take("seconds", c.seconds);
  r.take("error", c.error);
  r.take("truncated", c.truncated);
  nlohmann::json counts;
  r.take_json("counts", counts);
  FieldReader cr(counts, r.path("counts"));
  for (auto sev : {Severity::blocking, Severity::warning, Severity::info}) {
    long long n = 0;
    cr.take(to_string(sev), n);
    if (n > 0) {
      c.finding_counts[sev] = n;
    }
  }
  nlohmann::json findings;
  r.take_json("findings", findings);
  if (findings.is_array()) {
    for (std::size_t i = 0; i < findings.size(); ++i) {
      c.findings.push_back(
          finding_from_json(findings[i], r.path("findings") + "[" + std::to_string(i) + "]"));
    }
  }
  return c;
}

long long merge_keyed(const RowSource& production,
                      const RowSource& test,
                      const std::function<void(const KeyedRow*, const KeyedRow*)>& on_pair) {
  long long keys = 0;
  std::optional<KeyedRow> a = production();
  std::optional<KeyedRow> b = test();
  std::string last;
  // Ordering is what keeps memory bounded; a stream out of order would silently pair the wrong
  // records, so it is a bug worth stopping for.
  auto advance = [&last](const RowSource& src, std::optional<KeyedRow>& row) {
    last = row->key;
    row = src();
    if (row && row->key <= last) {
      throw std::logic_error("keyed stream not strictly ordered at key '" + row->key + "'");
    }
  };
  while (a || b) {
    ++keys;
    if (a && (!b || a->key < b->key)) {
      on_pair(&*a, nullptr);
      advance(production, a);
    } else if (b && (!a || b->key < a->key)) {
      on_pair(nullptr, &*b);
      advance(test, b);
    } else {
      on_pair(&*a, &*b);
      advance(production, a);
      advance(test, b);
    }
  }
  return keys;
}

ListDiff
list_diff(const std::string& before, const std::string& after, const std::string& separator) {
  auto split = [&separator](const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find(separator, start);
      out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? text.size() : end + separator.size();
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto a = split(before);
  auto b = split(after);
  ListDiff d;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d.removed));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(d.added));
  return d;
}

namespace {

// "view 'Sale order' (sale.view_order_form)": how a message names a record.
std::string record_label(const DiffRules& rules, const Finding& f) {
  return rules.what + " '" + (f.name.empty() ? f.key : f.name) + "' (" + f.key + ")";
}

// Whether production's row is one the rules look at (`missing_only_if`).
bool in_scope(const KeyedRow& production, const DiffRules& rules) {
  if (!rules.missing_only_if) {
    return true;
  }
  auto it = production.values.find(rules.missing_only_if->first);
  return it != production.values.end() && it->second == rules.missing_only_if->second;
}

// A record in production only.
std::optional<Finding>
classify_missing(const KeyedRow& production, const DiffRules& rules, Finding f) {
  auto sev = production.standard ? rules.missing_standard : rules.missing_custom;
  if (!sev || !in_scope(production, rules)) {
    return std::nullopt;
  }
  f.severity = *sev;
  f.kind = "missing";
  f.message =
      record_label(rules, f) + " is missing in test" +
      (production.standard ? " (standard record: removed or renamed by the new version?)" : "");
  return f;
}

// A record in test only.
std::optional<Finding> classify_added(const DiffRules& rules, Finding f) {
  if (!rules.added) {
    return std::nullopt;
  }
  f.severity = *rules.added;
  f.kind = "added";
  f.message = record_label(rules, f) +
              (rules.added_note.empty() ? " exists only in test" : " " + rules.added_note);
  return f;
}

// The severity of a difference in `field` (std::nullopt: ignored), by the field's own rule or the
// dataset's `changed`.
// "field before → after", or for a list (DiffRules::lists) the items removed and added: two
// long lists cut for the message would look the same.
std::string change_detail(const FieldChange& c, const DiffRules& rules) {
  auto list = rules.lists.find(c.field);
  if (list == rules.lists.end()) {
    auto [before, after] = shown_pair(c.before, c.after);
    return c.field + " " + before + " → " + after;
  }
  auto d = list_diff(c.before, c.after, list->second);
  if (d.removed.empty() && d.added.empty()) {
    return c.field + " reordered";
  }
  return c.field + " removed: " + listed(d.removed) + " / added: " + listed(d.added);
}

// The note of `field`'s own rule ("" when none).
std::string field_note(const DiffRules& rules, const std::string& field) {
  for (const auto& rule : rules.fields) {
    if (rule.field == field) {
      return rule.note;
    }
  }
  return "";
}

std::optional<Severity> field_severity(const DiffRules& rules,
                                       const std::string& field,
                                       const std::string& before,
                                       bool standard) {
  for (const auto& rule : rules.fields) {
    if (rule.field == field) {
      return !rule.only_if_before || *rule.only_if_before == before
                 ? std::optional<Severity>(rule.severity)
                 : std::nullopt;
    }
  }
  return !standard && rules.changed_custom ? rules.changed_custom : rules.changed;
}

// A record in both: compared field by field over the union of fields (a field absent on one side
// is a change: the queries produce the same fields for every series, so absence means no value).
std::optional<Finding> classify_changed(const KeyedRow& production,
                                        const KeyedRow& test,
                                        const DiffRules& rules,
                                        Finding f) {
  if (rules.only_if_gates_changes && !in_scope(production, rules)) {
    return std::nullopt;
  }
  std::set<std::string> fields;
  for (const auto* row : {&production, &test}) {
    for (const auto& [k, v] : row->values) {
      fields.insert(k);
    }
  }
  std::optional<Severity> worst_seen;
  for (const auto& field : fields) {
    auto pa = production.values.find(field);
    auto tb = test.values.find(field);
    std::string before = pa == production.values.end() ? "" : pa->second;
    std::string after = tb == test.values.end() ? "" : tb->second;
    auto sev =
        before == after ? std::nullopt : field_severity(rules, field, before, production.standard);
    if (!sev) {
      continue;
    }
    f.changes.push_back({field, before, after});
    worst_seen = worst_seen ? worst(*worst_seen, *sev) : *sev;
  }
  if (!worst_seen) {
    return std::nullopt;
  }
  f.severity = *worst_seen;
  f.kind = "changed";
  std::string detail;
  std::string notes;
  for (const auto& c : f.changes) {
    detail += (detail.empty() ? "" : ", ") + change_detail(c, rules);
    if (auto note = field_note(rules, c.field); !note.empty()) {
      notes += "; " + note;
    }
  }
  f.message = record_label(rules, f) + " changed: " + detail + notes;
  return f;
}

} // namespace

std::optional<Finding>
classify(const KeyedRow* production, const KeyedRow* test, const DiffRules& rules) {
  Finding f;
  f.model = rules.model;
  const KeyedRow* any = production != nullptr ? production : test;
  f.key = any->key;
  f.name = any->name;
  if (test == nullptr) {
    return classify_missing(*production, rules, std::move(f));
  }
  if (production == nullptr) {
    return classify_added(rules, std::move(f));
  }
  return classify_changed(*production, *test, rules, std::move(f));
}

NaturalPairs pair_by_natural_key(std::vector<KeyedRow> production_only,
                                 std::vector<KeyedRow> test_only) {
  NaturalPairs out;
  std::multimap<std::string, std::size_t> by_natural;
  for (std::size_t i = 0; i < test_only.size(); ++i) {
    if (!test_only[i].natural.empty()) {
      by_natural.emplace(test_only[i].natural, i);
    }
  }
  std::vector<bool> used(test_only.size(), false);
  for (auto& p : production_only) {
    auto it = p.natural.empty() ? by_natural.end() : by_natural.find(p.natural);
    if (it == by_natural.end()) {
      out.production_only.push_back(std::move(p));
      continue;
    }
    used[it->second] = true;
    out.pairs.emplace_back(std::move(p), std::move(test_only[it->second]));
    by_natural.erase(it);
  }
  for (std::size_t i = 0; i < test_only.size(); ++i) {
    if (!used[i]) {
      out.test_only.push_back(std::move(test_only[i]));
    }
  }
  return out;
}

std::optional<Finding>
classify_moved(const KeyedRow& production, const KeyedRow& test, const DiffRules& rules) {
  KeyedRow p = production;
  KeyedRow t = test;
  p.values["xml_id"] = production.key;
  t.values["xml_id"] = test.key;
  DiffRules moved = rules;
  moved.fields.push_back({"xml_id",
                          Severity::info,
                          std::nullopt,
                          "the same record (matched by its natural key '" + production.natural +
                              "'), its xml id changed"});
  return classify(&p, &t, moved);
}

namespace {

long long count_value(const KeyedRow* row, const std::string& field) {
  if (row == nullptr) {
    return 0;
  }
  auto it = row->values.find(field);
  try {
    return it == row->values.end() ? 0 : std::stoll(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

// "messages 13 → 19 (+6)".
std::string count_detail(const std::string& field, long long before, long long after) {
  return field + " " + std::to_string(before) + " → " + std::to_string(after) + " (" +
         (after < before ? "" : "+") + std::to_string(after - before) + ")";
}

// Several counts of one model (dataset "chatter": messages, activities, followers).
Finding classify_counts(const KeyedRow* production, const KeyedRow* test, Finding f) {
  std::set<std::string> fields;
  for (const auto* row : {production, test}) {
    for (const auto& [k, v] : row == nullptr ? std::map<std::string, std::string>{} : row->values) {
      fields.insert(k);
    }
  }
  bool fewer = false;
  std::string detail;
  for (const auto& field : fields) {
    long long before = count_value(production, field);
    long long after = count_value(test, field);
    if (before == after) {
      continue;
    }
    fewer = fewer || after < before;
    f.changes.push_back({field, std::to_string(before), std::to_string(after)});
    detail += (detail.empty() ? "" : ", ") + count_detail(field, before, after);
  }
  f.severity = fewer ? Severity::blocking : Severity::info;
  f.kind = test == nullptr ? "missing" : production == nullptr ? "added" : "count";
  f.message = f.name + " (" + f.key + "): " + detail +
              (test == nullptr         ? ", model missing in test"
               : production == nullptr ? ", model new in test"
                                       : "");
  return f;
}

} // namespace

std::optional<Finding> classify_count(const KeyedRow* production, const KeyedRow* test) {
  const KeyedRow* any = production != nullptr ? production : test;
  Finding f;
  f.model = any->key.rfind("chatter:", 0) == 0 ? any->key.substr(8) : any->key;
  f.key = any->key;
  f.name = any->name;
  f.kind = "count";
  if (any->values.count("count") == 0) {
    if (production != nullptr && test != nullptr && production->values == test->values) {
      return std::nullopt;
    }
    return classify_counts(production, test, std::move(f));
  }
  long long before = count_value(production, "count");
  long long after = count_value(test, "count");
  if (production != nullptr && test != nullptr && before == after) {
    return std::nullopt;
  }
  f.changes.push_back({"count",
                       production != nullptr ? std::to_string(before) : "",
                       test != nullptr ? std::to_string(after) : ""});
  if (test == nullptr) {
    f.severity = before > 0 ? Severity::blocking : Severity::info;
    f.message = any->name + " (" + any->key + "): " + std::to_string(before) +
                " in production, model missing in test";
  } else if (production == nullptr) {
    f.severity = Severity::info;
    f.message = any->name + " (" + any->key + "): model new in test, " + std::to_string(after) +
                " record(s)";
  } else {
    f.severity = after < before ? Severity::blocking : Severity::info;
    f.message = any->name + " (" + any->key + "): " + std::to_string(before) + " in production, " +
                std::to_string(after) + " in test (" + (after < before ? "" : "+") +
                std::to_string(after - before) + ")";
  }
  return f;
}

std::optional<std::pair<std::string, std::string>> text_to_diff(const Finding& f,
                                                                const std::string& dataset) {
  if (f.kind != "changed") {
    return std::nullopt;
  }
  for (const auto& c : f.changes) {
    if (dataset == "mail_templates" && c.field == "body") {
      return std::pair<std::string, std::string>{"mail_template_bodies", "body"};
    }
    if (dataset == "views" && c.field == "arch_updated" && c.before == "true") {
      return std::pair<std::string, std::string>{"view_archs", "arch"};
    }
  }
  return std::nullopt;
}

namespace {

// Appends the records a finding names: `first` joined by `separator` (how many of `total` when
// not all), after `label` in the message and as the change `field`, and the list file.
void append_named(Finding& f,
                  const std::vector<std::string>& first,
                  long long total,
                  const std::string& list_file,
                  const char* separator,
                  const std::string& label,
                  const std::string& field) {
  std::string names;
  for (const auto& n : first) {
    names += (names.empty() ? "" : separator) + n;
  }
  std::string more =
      static_cast<long long>(first.size()) < total
          ? " (the first " + std::to_string(first.size()) + " of " + std::to_string(total) + ")"
          : "";
  f.message +=
      "; " + label + ": " + names + more + (list_file.empty() ? "" : "; full list: " + list_file);
  f.changes.push_back({field, names + more, ""});
}

} // namespace

void name_missing_records(Finding& f,
                          const std::vector<std::string>& first,
                          long long total,
                          const std::string& list_file) {
  if (total == 0) {
    f.message += "; no production record is missing by id (records were replaced or merged)";
    return;
  }
  append_named(f, first, total, list_file, ", ", "missing in test", "missing records");
}

std::optional<std::string> chatter_lost(const KeyedRow* production, const KeyedRow* test) {
  if (production == nullptr) {
    return std::nullopt;
  }
  std::string detail;
  for (const auto& [field, value] : production->values) {
    long long before = count_value(production, field);
    long long after = count_value(test, field);
    if (after < before) {
      detail += (detail.empty() ? "" : ", ") + count_detail(field, before, after);
    }
  }
  return detail.empty() ? std::nullopt : std::optional<std::string>(detail);
}

void name_chatter_losses(Finding& f,
                         const std::vector<std::string>& first,
                         long long total,
                         const std::string& list_file) {
  if (total == 0) {
    f.message += "; no single record lost chatter (records were deleted or merged)";
    return;
  }
  append_named(f, first, total, list_file, "; ", "lost on", "records that lost chatter");
}

RunSummary summarize(const std::vector<CheckResult>& results) {
  RunSummary s;
  for (const auto& r : results) {
    s.blocking += r.count(Severity::blocking);
    s.warning += r.count(Severity::warning);
    s.info += r.count(Severity::info);
    if (r.status == CheckStatus::error) {
      ++s.errors;
    } else if (r.status == CheckStatus::skipped) {
      ++s.skipped;
    }
  }
  return s;
}

const std::vector<ChecklistItem>& default_checklist() {
  static const std::vector<ChecklistItem> k_items = {
      {"buy-product", "Buy a product: create and confirm a purchase order", "scenario"},
      {"receive-product", "Receive it: validate the receipt", "scenario"},
      {"check-route", "Check the route and stock moves of the received product", "scenario"},
      {"sell-product", "Sell it: create and confirm a quotation", "scenario"},
      {"ship-product", "Ship it: validate the delivery", "scenario"},
      {"invoice", "Invoice the sale and register the payment", "scenario"},
      {"credit-note", "Issue a credit note for the invoice", "scenario"},
      {"accounting-reports", "Accounting reports (balance sheet, P&L, aged balances)", "scenario"},
      {"taxes", "Taxes computed on sales and purchases as before", "scenario"},
      {"currencies", "Currencies and exchange rates", "scenario"},
      {"bank-accounts", "Bank accounts and bank journals", "scenario"},
      {"fiscal-year", "Fiscal year, periods and lock dates", "scenario"},
      {"webshop-order", "Place a web shop order as a visitor", "scenario"},
      {"exports", "Exports and imports used by the customer", "scenario"},
      {"views-display", "Views display correctly (forms, lists, kanban, custom views)", "basic"},
      {"reports-print",
       "Reports print (quotation, invoice, delivery slip, custom reports)",
       "basic"},
      {"pages-work", "Website pages and menus work", "basic"},
  };
  return k_items;
}

bool valid_item_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

std::string item_id_from_title(std::string_view title, const std::vector<std::string>& taken) {
  std::string base;
  for (char c : title) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) {
      base += l;
    } else if (!base.empty() && base.back() != '-') {
      base += '-';
    }
    if (base.size() >= 48) {
      break;
    }
  }
  while (!base.empty() && base.back() == '-') {
    base.pop_back();
  }
  if (base.empty()) {
    base = "item";
  }
  std::string id = base;
  for (int n = 2; std::find(taken.begin(), taken.end(), id) != taken.end(); ++n) {
    id = base + "-" + std::to_string(n);
  }
  return id;
}

std::vector<std::string> signoff_refusals(const SignoffFacts& facts) {
  std::vector<std::string> reasons;
  std::string round = "round " + std::to_string(facts.round);
  if (!facts.has_run) {
    reasons.push_back("no automated run for " + round +
                      " on its current test database (run 'odoo-upgrade uat run')");
  } else {
    if (facts.latest_run.blocking > 0) {
      reasons.push_back(std::to_string(facts.latest_run.blocking) +
                        " blocking finding(s) in the latest results of " + round);
    }
    if (facts.latest_run.errors > 0) {
      reasons.push_back(std::to_string(facts.latest_run.errors) +
                        " check(s) could not run in the latest results of " + round);
    }
    if (!facts.not_run.empty()) {
      std::string ids;
      for (const auto& id : facts.not_run) {
        ids += (ids.empty() ? "" : ", ") + id;
      }
      reasons.push_back(std::to_string(facts.not_run.size()) +
                        " check(s) not run on the current test database of " + round + ": " + ids);
    }
  }
  std::vector<std::string> failed;
  std::vector<std::string> unmarked;
  for (const auto& [item, mark] : facts.items) {
    if (mark.status == MarkStatus::fail) {
      failed.push_back(item.id);
    } else if (mark.status == MarkStatus::unmarked) {
      unmarked.push_back(item.id);
    }
  }
  auto join = [](const std::vector<std::string>& ids) {
    std::string s;
    for (const auto& id : ids) {
      s += (s.empty() ? "" : ", ") + id;
    }
    return s;
  };
  if (!failed.empty()) {
    reasons.push_back(std::to_string(failed.size()) + " manual item(s) failed: " + join(failed));
  }
  if (!unmarked.empty()) {
    reasons.push_back(std::to_string(unmarked.size()) +
                      " manual item(s) not marked: " + join(unmarked));
  }
  return reasons;
}

} // namespace odoo_upgrade::core::uat

namespace odoo_upgrade::core::uat {

namespace {

constexpr Severity k_block = Severity::blocking;
constexpr Severity k_warn = Severity::warning;
constexpr Severity k_info = Severity::info;
constexpr std::optional<Severity> k_none = std::nullopt;

DiffRules rules(std::string model,
                std::string what,
                std::optional<Severity> missing_custom,
                std::optional<Severity> missing_standard,
                std::optional<Severity> added,
                std::vector<FieldRule> fields,
                std::optional<Severity> changed) {
  DiffRules r;
  r.model = std::move(model);
  r.what = std::move(what);
  r.missing_custom = missing_custom;
  r.missing_standard = missing_standard;
  r.added = added;
  r.fields = std::move(fields);
  r.changed = changed;
  return r;
}

// `r` with its list-valued fields (field → separator of the dataset's string_agg).
DiffRules with_lists(DiffRules r, std::map<std::string, std::string> lists) {
  r.lists = std::move(lists);
  return r;
}

// An active record that is no longer active in test is as bad as a missing one.
const FieldRule k_active = {"active", k_block, "true", ""};

std::vector<DatasetCheck> view_datasets() {
  // A standard view the customer customised in production and the upgrade reset: Odoo replaces
  // the arch and keeps the customised one only in arch_prev.
  FieldRule reset = {"arch_updated",
                     k_block,
                     "true",
                     "the customisation made in production was replaced by the new version's "
                     "view (the old arch is kept in its arch_prev field)"};
  auto views = rules("ir.ui.view", "view", k_block, k_info, k_none, {k_active, reset}, k_none);
  // A view missing in test matters only when it was active in production.
  views.missing_only_if = {{"active", "true"}};
  // Custom or customised views that still use attrs/states: listed on 17.0+ databases only, so a
  // row only in test is a view the new version no longer evaluates correctly.
  auto legacy = rules("ir.ui.view", "view", k_none, k_none, k_block, {}, k_none);
  legacy.added_note = "uses 'attrs' or 'states', which 17.0 no longer evaluates: the fields it "
                      "hid are shown, and the view cannot be saved until it is rewritten";
  return {{"views", views}, {"views_legacy_syntax", legacy}};
}

std::vector<DatasetCheck> website_datasets() {
  return {{"website_pages",
           rules("website.page",
                 "page",
                 k_block,
                 k_block,
                 k_none,
                 {{"published", k_block, "true", ""}, {"view_active", k_block, "true", ""}},
                 k_warn)},
          {"website_menus", rules("website.menu", "menu", k_block, k_block, k_none, {}, k_warn)}};
}

std::vector<DatasetCheck> accounting_datasets() {
  return {
      {"trial_balance",
       rules("account.move.line", "trial balance of", k_block, k_block, k_block, {}, k_block)},
      {"unbalanced_moves",
       rules("account.move", "unbalanced entry", k_info, k_info, k_block, {}, k_block)},
      {"taxes",
       with_lists(
           rules("account.tax",
                 "tax",
                 k_block,
                 k_warn,
                 k_none,
                 {k_active, {"xml_id", k_info, std::nullopt, "same tax, its xml id moved module"}},
                 k_block),
           {{"accounts", "; "}})},
      {"currencies",
       with_lists(rules("res.currency", "currency", k_block, k_block, k_none, {k_active}, k_block),
                  {{"latest_rates", "; "}})},
      {"journals",
       rules("account.journal", "journal", k_block, k_block, k_none, {k_active}, k_warn)},
      {"bank_accounts",
       rules("res.partner.bank", "bank account", k_block, k_block, k_none, {}, k_warn)},
      {"fiscal_settings",
       rules(
           "res.company", "fiscal year and lock dates of", k_block, k_block, k_none, {}, k_block)},
  };
}

std::vector<DatasetCheck> user_datasets() {
  return {{"users",
           with_lists(rules("res.users",
                            "user",
                            k_block,
                            k_block,
                            k_info,
                            {k_active, {"groups", k_warn, std::nullopt, ""}},
                            k_warn),
                      {{"groups", ", "}})},
          {"companies", rules("res.company", "company", k_block, k_block, k_info, {}, k_warn)},
          {"groups", rules("res.groups", "access group", k_block, k_warn, k_none, {}, k_warn)}};
}

// `r` for records that matter only while production has `field` = "true" (active, used).
DiffRules only_while(DiffRules r, std::string field, bool gates_changes = false) {
  r.missing_only_if = {{std::move(field), "true"}};
  r.only_if_gates_changes = gates_changes;
  return r;
}

// A standard record changed is a warning (the new version may change its own data); the
// customer's own record changed is blocking.
DiffRules own_blocks(DiffRules r) {
  r.changed_custom = k_block;
  return r;
}

// The customer's business configuration (issue 10, "losses it must see"): compared only while
// production uses it (active records, providers not disabled).
std::vector<DatasetCheck> configuration_datasets() {
  // Odoo's neutralization disables enabled providers in test (payment/data/neutralize.sql).
  auto providers = only_while(rules("payment.provider",
                                    "payment provider",
                                    k_block,
                                    k_block,
                                    k_none,
                                    {{"used",
                                      k_info,
                                      "true",
                                      "disabled in test, as neutralization does: enable it again "
                                      "after go-live if it is not"}},
                                    k_warn),
                              "used",
                              true);
  // A method a used provider offered in production and no longer offers (or offers inactive).
  auto payment_methods = only_while(rules("payment.method",
                                          "payment method of provider",
                                          k_block,
                                          k_block,
                                          k_none,
                                          {{"active",
                                            k_block,
                                            "true",
                                            "customers can no longer pay with it: activate it in "
                                            "test (Payment Methods) and check the provider"}},
                                          k_none),
                                    "used",
                                    true);
  return {
      {"payment_terms",
       with_lists(
           only_while(
               own_blocks(rules(
                   "account.payment.term", "payment term", k_block, k_warn, k_none, {}, k_warn)),
               "active"),
           {{"due", "; "}, {"early_discount", "; "}})},
      {"pricelists",
       only_while(
           own_blocks(rules("product.pricelist", "pricelist", k_block, k_warn, k_none, {}, k_warn)),
           "active")},
      {"pricelist_rules",
       only_while(
           rules("product.pricelist.item", "pricelist rule", k_block, k_block, k_none, {}, k_block),
           "active")},
      {"stock_on_hand",
       rules("stock.quant", "stock on hand of", k_block, k_block, k_warn, {}, k_block)},
      {"payment_providers", providers},
      {"payment_methods", payment_methods},
      {"product_attributes",
       with_lists(
           own_blocks(rules(
               "product.attribute", "product attribute", k_block, k_warn, k_none, {}, k_warn)),
           {{"values", ", "}})},
      {"attribute_lines",
       with_lists(rules("product.template.attribute.line",
                        "attributes of product",
                        k_block,
                        k_block,
                        k_none,
                        {k_active},
                        k_block),
                  {{"values", ", "}})},
      {"analytic_plans",
       with_lists(
           rules("account.analytic.plan", "analytic plan", k_block, k_block, k_none, {}, k_block),
           {{"accounts", "; "}})},
  };
}

std::vector<DatasetCheck> business_datasets() {
  auto chart =
      rules("res.company", "chart of accounts of company", k_block, k_block, k_none, {}, k_none);
  chart.fields = {{"has_chart",
                   k_block,
                   "true",
                   "the company's chart of accounts identity is empty in test: the new version "
                   "cannot load localisation updates and shows the company without a chart"}};
  std::vector<DatasetCheck> out = {
      {"partner_tags",
       rules("res.partner.category", "tag link", k_block, k_block, k_none, {}, k_none)},
      // A standard schedule nobody edited or used may be deleted on purpose
      // (expected-changes.json).
      {"calendars",
       with_lists(rules("resource.calendar",
                        "working schedule",
                        k_block,
                        k_warn,
                        k_none,
                        {k_active},
                        k_warn),
                  {{"schedule", "; "}})},
      {"company_chart", chart},
  };
  auto more = configuration_datasets();
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

std::map<std::string, std::vector<DatasetCheck>> build_check_datasets() {
  std::map<std::string, std::vector<DatasetCheck>> m;
  m["views"] = view_datasets();
  m["reports"] = {
      {"reports", rules("ir.actions.report", "report", k_block, k_warn, k_none, {}, k_warn)}};
  m["website"] = website_datasets();
  m["mail-templates"] = {
      {"mail_templates",
       rules("mail.template", "mail template", k_block, k_warn, k_none, {}, k_warn)}};
  m["translations"] = {
      {"translations", rules("ir.translation", "translation", k_warn, k_warn, k_none, {}, k_info)}};
  m["filters"] = {
      {"filters", rules("ir.filters", "filter", k_block, k_warn, k_none, {k_active}, k_warn)}};
  m["modules"] = {
      {"modules", rules("ir.module.module", "module", k_block, k_warn, k_info, {}, k_none)}};
  m["record-counts"] = {{"record_counts", {}, true}, {"chatter", {}, true}};
  m["products"] = {
      {"products",
       with_lists(rules("product.product", "product", k_block, k_block, k_info, {}, k_block),
                  {{"cost", ";"},
                   {"income_account", ";"},
                   {"expense_account", ";"},
                   {"vendors", "; "},
                   {"routes", "; "}})}};
  m["accounting"] = accounting_datasets();
  m["business-data"] = business_datasets();
  m["users"] = user_datasets();
  return m;
}

bool is_active(const KeyedRow* row) {
  if (row == nullptr) {
    return false;
  }
  auto it = row->values.find("active");
  return it != row->values.end() && it->second == "true";
}

Finding database_finding(Severity severity, std::string kind, std::string message) {
  Finding f;
  f.severity = severity;
  f.kind = std::move(kind);
  f.model = "ir.config_parameter";
  f.key = "database.is_neutralized";
  f.name = "test database";
  f.message = std::move(message);
  return f;
}

} // namespace

const std::vector<DatasetCheck>& check_datasets(const std::string& check_id) {
  static const std::map<std::string, std::vector<DatasetCheck>> k_map = build_check_datasets();
  return k_map.at(check_id);
}

std::optional<Finding> classify_neutralized(const std::string& model,
                                            const KeyedRow* production,
                                            const KeyedRow* test,
                                            NeutralizationFacts& facts) {
  bool test_active = is_active(test);
  if (test_active && model == "ir.cron") {
    ++facts.crons_on_test;
  } else if (test_active && !is_dummy_relay(*test)) {
    ++facts.servers_on_test;
    Finding f;
    f.severity = k_warn;
    f.kind = "mail-server-active";
    f.model = model;
    f.key = test->key;
    f.name = test->name;
    f.message = "outgoing mail server '" + test->name + "' (" + test->key +
                ") is active in the test database: it can send e-mail to real customers";
    std::string before = production == nullptr ? "" : is_active(production) ? "true" : "false";
    f.changes.push_back({"active", before, "true"});
    return f;
  }
  if (production == nullptr || test == nullptr || test_active || !is_active(production)) {
    return std::nullopt;
  }
  Finding f;
  f.severity = k_info;
  f.kind = "neutralized";
  f.model = model;
  f.key = production->key;
  f.name = production->name;
  f.message = model + " '" + production->name + "' (" + production->key +
              ") is active in production and inactive in test (neutralized)";
  f.changes.push_back({"active", "true", "false"});
  return f;
}

bool is_dummy_relay(const KeyedRow& server) {
  auto it = server.values.find("smtp_host");
  return it == server.values.end() || it->second.empty() || it->second == "invalid";
}

Finding enabled_provider_finding(const KeyedRow& provider) {
  Finding f;
  f.severity = k_warn;
  f.kind = "payment-provider-enabled";
  f.model = "payment.provider";
  f.key = provider.key;
  f.name = provider.name;
  f.message = "payment provider '" + provider.name + "' (" + provider.key +
              ") is enabled in the test database: it can take real payments";
  f.changes.push_back({"state", "", "enabled"});
  return f;
}

Finding transient_module_finding(const KeyedRow& module) {
  auto it = module.values.find("state");
  std::string state = it == module.values.end() ? "" : it->second;
  Finding f;
  f.severity = k_block;
  f.kind = "transient";
  f.model = "ir.module.module";
  f.key = module.key;
  f.name = module.name;
  f.message = "module '" + module.key + "' is in state '" + state +
              "' in the test database: Odoo skips every scheduled action while a module is in "
              "such a state (finish or cancel the operation: Apps → the module, or odoo-bin -u)";
  f.changes.push_back({"state", "", state});
  return f;
}

std::vector<Finding> neutralization_verdict(const NeutralizationFacts& facts) {
  std::vector<Finding> out;
  std::string crons = std::to_string(facts.crons_on_test);
  std::string servers = std::to_string(facts.servers_on_test);
  if (!facts.flagged) {
    if (facts.crons_on_test > 0 || facts.servers_on_test > 0) {
      Finding f = database_finding(k_warn,
                                   "not-neutralized",
                                   "the test database is not marked neutralized and has " + crons +
                                       " active scheduled action(s) and " + servers +
                                       " outgoing mail server(s) that can send");
      f.changes.push_back({"database.is_neutralized", "", "(not set)"});
      out.push_back(std::move(f));
    }
    return out;
  }
  out.push_back(database_finding(k_info,
                                 "neutralized",
                                 "the test database is marked neutralized (" + crons +
                                     " scheduled action(s) still active, " + servers +
                                     " outgoing mail server(s) that can send)"));
  return out;
}

bool is_true_parameter(const std::string& value) {
  return value == "True" || value == "true" || value == "1";
}

} // namespace odoo_upgrade::core::uat
