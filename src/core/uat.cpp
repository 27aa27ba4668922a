#include <odoo_upgrade/core/uat.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

namespace odoo_upgrade::core::uat {

namespace {

constexpr std::array<std::pair<Severity, std::string_view>, 3> k_severity_names{{
    {Severity::info, "info"},
    {Severity::warning, "warning"},
    {Severity::blocking, "blocking"},
}};

constexpr std::array<std::pair<CheckStatus, std::string_view>, 4> k_status_names{{
    {CheckStatus::passed, "passed"},
    {CheckStatus::warning, "warning"},
    {CheckStatus::failed, "failed"},
    {CheckStatus::error, "error"},
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

std::string shorten(const std::string& text) {
  constexpr std::size_t k_max = 80;
  if (text.size() <= k_max) {
    return text;
  }
  return text.substr(0, k_max) + "…";
}

} // namespace

std::string_view to_string(Severity s) {
  return name_of(k_severity_names, s);
}
std::optional<Severity> parse_severity(std::string_view text) {
  return parse_name(k_severity_names, text);
}
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

const std::vector<CheckInfo>& check_catalogue() {
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
       "companies…"},
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
       "Scheduled actions and outgoing mail servers disabled in test. Expected differences are "
       "info."},
  };
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

void CheckResult::add(Finding finding) {
  ++finding_counts[finding.severity];
  if (findings.size() < k_max_findings_per_check) {
    findings.push_back(std::move(finding));
  } else {
    truncated = true;
  }
}

long long CheckResult::count(Severity s) const {
  auto it = finding_counts.find(s);
  return it == finding_counts.end() ? 0 : it->second;
}

void CheckResult::finish() {
  if (status == CheckStatus::error) {
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
  return {{"severity", to_string(f.severity)},
          {"kind", f.kind},
          {"model", f.model},
          {"key", f.key},
          {"name", f.name},
          {"message", f.message},
          {"changes", changes}};
}

Finding finding_from_json(const nlohmann::json& j) {
  Finding f;
  f.severity = parse_severity(j.value("severity", "info")).value_or(Severity::info);
  f.kind = j.value("kind", "");
  f.model = j.value("model", "");
  f.key = j.value("key", "");
  f.name = j.value("name", "");
  f.message = j.value("message", "");
  if (j.contains("changes") && j["changes"].is_array()) {
    for (const auto& c : j["changes"]) {
      f.changes.push_back({c.value("field", ""), c.value("before", ""), c.value("after", "")});
    }
  }
  return f;
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

CheckResult check_result_from_json(const nlohmann::json& j) {
  CheckResult r;
  r.id = j.value("id", "");
  r.title = j.value("title", "");
  r.severity = parse_severity(j.value("severity", "info")).value_or(Severity::info);
  r.status = parse_check_status(j.value("status", "passed")).value_or(CheckStatus::error);
  r.compared = j.value("compared", 0LL);
  r.seconds = j.value("seconds", 0.0);
  r.error = j.value("error", "");
  r.truncated = j.value("truncated", false);
  if (j.contains("counts") && j["counts"].is_object()) {
    for (auto s : {Severity::blocking, Severity::warning, Severity::info}) {
      long long n = j["counts"].value(std::string(to_string(s)), 0LL);
      if (n > 0) {
        r.finding_counts[s] = n;
      }
    }
  }
  if (j.contains("findings") && j["findings"].is_array()) {
    for (const auto& f : j["findings"]) {
      r.findings.push_back(finding_from_json(f));
    }
  }
  return r;
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

std::optional<Finding>
classify(const KeyedRow* production, const KeyedRow* test, const DiffRules& rules) {
  Finding f;
  f.model = rules.model;
  const KeyedRow* any = production != nullptr ? production : test;
  f.key = any->key;
  f.name = any->name;
  if (production != nullptr && test == nullptr) {
    auto sev = production->standard ? rules.missing_standard : rules.missing_custom;
    if (rules.missing_only_if) {
      auto it = production->values.find(rules.missing_only_if->first);
      if (it == production->values.end() || it->second != rules.missing_only_if->second) {
        return std::nullopt;
      }
    }
    if (!sev) {
      return std::nullopt;
    }
    f.severity = *sev;
    f.kind = "missing";
    f.message =
        rules.what + " '" + (f.name.empty() ? f.key : f.name) + "' (" + f.key +
        ") is missing in test" +
        (production->standard ? " (standard record: removed or renamed by the new version?)" : "");
    return f;
  }
  if (production == nullptr) {
    if (!rules.added) {
      return std::nullopt;
    }
    f.severity = *rules.added;
    f.kind = "added";
    f.message = rules.what + " '" + (f.name.empty() ? f.key : f.name) + "' (" + f.key +
                ") exists only in test";
    return f;
  }
  // Both sides: compare field by field over the union of fields (a field absent on one side is a
  // change: the queries produce the same fields for every series, so absence means no value).
  std::set<std::string> fields;
  for (const auto& [k, v] : production->values) {
    fields.insert(k);
  }
  for (const auto& [k, v] : test->values) {
    fields.insert(k);
  }
  std::optional<Severity> worst;
  for (const auto& field : fields) {
    auto pa = production->values.find(field);
    auto tb = test->values.find(field);
    std::string before = pa == production->values.end() ? "" : pa->second;
    std::string after = tb == test->values.end() ? "" : tb->second;
    if (before == after) {
      continue;
    }
    std::optional<Severity> sev = rules.changed;
    for (const auto& rule : rules.fields) {
      if (rule.field == field) {
        sev = (!rule.only_if_before || *rule.only_if_before == before)
                  ? std::optional<Severity>(rule.severity)
                  : std::nullopt;
        break;
      }
    }
    if (!sev) {
      continue;
    }
    f.changes.push_back({field, before, after});
    if (!worst || *sev > *worst) {
      worst = sev;
    }
  }
  if (!worst) {
    return std::nullopt;
  }
  f.severity = *worst;
  f.kind = "changed";
  std::string detail;
  for (const auto& c : f.changes) {
    detail +=
        (detail.empty() ? "" : ", ") + c.field + " " + shorten(c.before) + " → " + shorten(c.after);
  }
  f.message = rules.what + " '" + (f.name.empty() ? f.key : f.name) + "' (" + f.key +
              ") changed: " + detail;
  return f;
}

std::optional<Finding> classify_count(const KeyedRow* production, const KeyedRow* test) {
  auto count_of = [](const KeyedRow* row) -> long long {
    if (row == nullptr) {
      return 0;
    }
    auto it = row->values.find("count");
    try {
      return it == row->values.end() ? 0 : std::stoll(it->second);
    } catch (const std::exception&) {
      return 0;
    }
  };
  long long before = count_of(production);
  long long after = count_of(test);
  const KeyedRow* any = production != nullptr ? production : test;
  if (production != nullptr && test != nullptr && before == after) {
    return std::nullopt;
  }
  Finding f;
  f.model = any->key;
  f.key = any->key;
  f.name = any->name;
  f.kind = "count";
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

RunSummary summarize(const std::vector<CheckResult>& results) {
  RunSummary s;
  for (const auto& r : results) {
    s.blocking += r.count(Severity::blocking);
    s.warning += r.count(Severity::warning);
    s.info += r.count(Severity::info);
    if (r.status == CheckStatus::error) {
      ++s.errors;
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
    reasons.push_back("no automated run for " + round + " (run 'odoo-upgrade uat run')");
  } else {
    if (facts.latest_run.blocking > 0) {
      reasons.push_back(std::to_string(facts.latest_run.blocking) +
                        " blocking finding(s) in the latest run of " + round);
    }
    if (facts.latest_run.errors > 0) {
      reasons.push_back(std::to_string(facts.latest_run.errors) +
                        " check(s) could not run in the latest run of " + round);
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
