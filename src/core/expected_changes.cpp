#include <odoo_upgrade/core/expected_changes.hpp>
#include <odoo_upgrade/core/odoo_version.hpp>
#include <odoo_upgrade/expected_changes_data.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <stdexcept>

namespace odoo_upgrade::core::uat {

namespace {

Policy policy_of(const nlohmann::json& entry) {
  std::string p = entry.value("policy", "info");
  return p == "warning" ? Policy::warning : p == "keep" ? Policy::keep : Policy::info;
}

// The series text of a step end ("16.0") as a comparable (major, minor) pair.
std::optional<std::pair<int, int>> series_of(const std::string& text) {
  auto s = parse_series(text);
  if (!s) {
    return std::nullopt;
  }
  return std::pair{s->major, s->minor};
}

bool has(const nlohmann::json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

ExpectedChanges ExpectedChanges::from_json(const nlohmann::json& doc,
                                           const std::string& from,
                                           const std::string& to) {
  ExpectedChanges out;
  auto lo = series_of(from);
  auto hi = series_of(to);
  if (!lo || !hi || !doc.contains("steps")) {
    return out;
  }
  for (const auto& step : doc["steps"]) {
    auto a = series_of(step.value("from", ""));
    auto b = series_of(step.value("to", ""));
    if (a && b && *lo <= *a && *b <= *hi) {
      out.m_steps.push_back(step);
    }
  }
  std::sort(out.m_steps.begin(), out.m_steps.end(), [](const auto& x, const auto& y) {
    return series_of(x.value("from", "")) < series_of(y.value("from", ""));
  });
  return out;
}

ExpectedChanges ExpectedChanges::between(const std::string& from, const std::string& to) {
  static const nlohmann::json k_doc = nlohmann::json::parse(generated::k_expected_changes_json);
  return from_json(k_doc, from, to);
}

std::optional<Explanation>
ExpectedChanges::find(const char* list,
                      const std::function<bool(const nlohmann::json&)>& match) const {
  // The latest step that knows the record explains it best.
  for (auto step = m_steps.rbegin(); step != m_steps.rend(); ++step) {
    if (!step->contains(list) || !(*step)[list].is_array()) {
      continue;
    }
    for (const auto& entry : (*step)[list]) {
      if (match(entry)) {
        Explanation e;
        e.step = step->value("from", "") + "→" + step->value("to", "");
        e.reason = entry.value("reason", "");
        e.policy = policy_of(entry);
        if (entry.contains("blocking_if") && entry["blocking_if"].is_array()) {
          e.blocking_if = entry["blocking_if"].get<std::vector<std::string>>();
        }
        return e;
      }
    }
  }
  return std::nullopt;
}

std::optional<Explanation> ExpectedChanges::module(const std::string& name, bool added) const {
  return find("modules", [&](const nlohmann::json& e) {
    return e.value("name", "") == name && (e.value("change", "") == "added") == added;
  });
}

std::optional<Explanation> ExpectedChanges::group(const std::string& xml_id) const {
  return find("groups", [&](const nlohmann::json& e) { return e.value("xml_id", "") == xml_id; });
}

std::optional<Explanation> ExpectedChanges::field(const std::string& model,
                                                  const std::string& field) const {
  return find("fields", [&](const nlohmann::json& e) {
    return e.value("model", "") == model && e.value("field", "") == field;
  });
}

std::optional<Explanation> ExpectedChanges::mail_template(const std::string& xml_id,
                                                          const std::string& change) const {
  return find("mail_templates", [&](const nlohmann::json& e) {
    return e.value("xml_id", "") == xml_id && e.value("change", "") == change;
  });
}

std::optional<Explanation> ExpectedChanges::report(const std::string& xml_id,
                                                   const std::string& field) const {
  return find("reports", [&](const nlohmann::json& e) {
    return e.value("xml_id", "") == xml_id && e.value("field", "") == field;
  });
}

std::optional<Explanation> ExpectedChanges::record(const std::string& model,
                                                   const std::string& xml_id) const {
  return find("records", [&](const nlohmann::json& e) {
    return e.value("model", "") == model && e.value("change", "") != "renamed" &&
           has(e.value("xml_ids", nlohmann::json()), xml_id);
  });
}

std::optional<Explanation> ExpectedChanges::renamed(const std::string& model,
                                                    const std::string& xml_id) const {
  return find("records", [&](const nlohmann::json& e) {
    return e.value("model", "") == model && e.value("change", "") == "renamed" &&
           has(e.value("xml_ids", nlohmann::json()), xml_id);
  });
}

std::optional<Explanation> ExpectedChanges::model(const std::string& model) const {
  return find("models", [&](const nlohmann::json& e) {
    std::string list = e.value("model", "");
    std::size_t start = 0;
    while (start <= list.size()) {
      auto end = list.find(" / ", start);
      if (list.substr(start, end == std::string::npos ? std::string::npos : end - start) == model) {
        return true;
      }
      if (end == std::string::npos) {
        break;
      }
      start = end + 3;
    }
    return false;
  });
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long yoe = y - era * 400;
  long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// "30%@2025-01-31; 70%@2025-03-02" → [(share, day number)]; std::nullopt when malformed.
std::optional<std::vector<std::pair<std::string, long long>>>
due_schedule(const std::string& text) {
  std::vector<std::pair<std::string, long long>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("; ", start);
    std::string item =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto at = item.rfind('@');
    int y = 0;
    int m = 0;
    int d = 0;
    if (at == std::string::npos ||
        std::sscanf(item.c_str() + at + 1, "%4d-%2d-%2d", &y, &m, &d) != 3) {
      return std::nullopt;
    }
    out.emplace_back(item.substr(0, at), days_from_civil(y, m, d));
    start = end == std::string::npos ? text.size() : end + 2;
  }
  return out;
}

} // namespace

bool due_dates_shifted_within(const std::string& before, const std::string& after, int days) {
  auto a = due_schedule(before);
  auto b = due_schedule(after);
  if (!a || !b || a->size() != b->size()) {
    return false;
  }
  for (std::size_t i = 0; i < a->size(); ++i) {
    if ((*a)[i].first != (*b)[i].first || std::llabs((*a)[i].second - (*b)[i].second) > days) {
      return false;
    }
  }
  return true;
}

GroupDiff group_diff(const std::string& before, const std::string& after) {
  auto d = list_diff(before, after, ", ");
  return {std::move(d.removed), std::move(d.added)};
}

namespace {

// A user's group change explained when every group removed or added is one the step removed or
// added.
std::optional<Explanation> explain_groups(const Finding& f, const ExpectedChanges& expected) {
  if (f.changes.size() != 1 || f.changes[0].field != "groups") {
    return std::nullopt;
  }
  auto d = group_diff(f.changes[0].before, f.changes[0].after);
  std::optional<Explanation> out;
  std::string names;
  for (const auto* list : {&d.removed, &d.added}) {
    for (const auto& g : *list) {
      auto e = expected.group(g);
      if (!e) {
        return std::nullopt;
      }
      names += (names.empty() ? "" : ", ") + g;
      out = e;
    }
  }
  if (out) {
    out->reason = "access groups removed or added by the new version (" + names + ")";
    out->policy = Policy::info;
  }
  return out;
}

// A changed report whose every changed field the step explains.
std::optional<Explanation> explain_report(const Finding& f, const ExpectedChanges& expected) {
  std::optional<Explanation> out;
  for (const auto& c : f.changes) {
    auto e = expected.report(f.key, c.field);
    if (!e) {
      return std::nullopt;
    }
    out = e;
  }
  return out;
}

// A payment term whose only change is due dates moved by at most 3 days (N months → N×30 days).
std::optional<Explanation> explain_due_shift(const Finding& f, const ExpectedChanges& expected) {
  if (f.changes.size() != 1 || f.changes[0].field != "due" ||
      !due_dates_shifted_within(f.changes[0].before, f.changes[0].after, 3)) {
    return std::nullopt;
  }
  return expected.field("account.payment.term.line", "days/months/end_month/days_after");
}

} // namespace

void explain(Finding& f, const std::string& dataset, const ExpectedChanges& expected) {
  if (expected.empty()) {
    return;
  }
  std::optional<Explanation> e;
  bool missing = f.kind == "missing";
  if (dataset == "modules" && (missing || f.kind == "added")) {
    e = expected.module(f.key, f.kind == "added");
  } else if (dataset == "groups" && missing) {
    e = expected.group(f.key);
  } else if (dataset == "users" && f.kind == "changed") {
    e = explain_groups(f, expected);
  } else if (dataset == "reports") {
    e = missing ? expected.report(f.key, "") : explain_report(f, expected);
  } else if (dataset == "mail_templates") {
    bool body_only = f.changes.size() == 1 && f.changes[0].field == "body";
    e = missing     ? expected.mail_template(f.key, "replaced")
        : body_only ? expected.mail_template(f.key, "body_replaced")
                    : std::nullopt;
  } else if (dataset == "chatter" && missing) {
    // The model itself is gone or renamed by the new version: its chatter went with it (standard
    // data, not the customer's records, which the other checks compare).
    if (auto m = expected.model(f.model)) {
      apply(f, *m, true);
      return;
    }
  } else if (dataset == "payment_terms" && f.kind == "changed") {
    e = explain_due_shift(f, expected);
  }
  bool renamed_only = f.kind == "changed" && !f.changes.empty() &&
                      std::all_of(f.changes.begin(), f.changes.end(), [](const FieldChange& c) {
                        return c.field == "name";
                      });
  if (!e && renamed_only) {
    e = expected.renamed(f.model, f.key);
  }
  if (!e && missing) {
    // Keys are an xml id, or "<kind>:<xml id>" ("calendar:resource.resource_calendar_std_35h").
    auto colon = f.key.find(':');
    e = expected.record(f.model, f.key);
    if (!e && colon != std::string::npos) {
      e = expected.record(f.model, f.key.substr(colon + 1));
    }
  }
  if (e) {
    apply(f, *e);
  }
}

namespace {

std::string value_of(const KeyedRow& row, const std::string& field) {
  auto it = row.values.find(field);
  return it == row.values.end() ? "" : it->second;
}

// "mail.template:8:subject:fr_FR" → {model, id, field, lang}.
std::vector<std::string> key_parts(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    auto end = key.find(':', start);
    if (end == std::string::npos) {
      break;
    }
    parts.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(key.substr(start));
  return parts;
}

Finding translation_finding(const KeyedRow& row, Severity severity, std::string kind) {
  auto parts = key_parts(row.key);
  Finding f;
  f.severity = severity;
  f.kind = std::move(kind);
  f.model = parts.size() == 4 ? parts[0] : "ir.translation";
  f.key = row.key;
  f.name = row.name;
  std::string what = parts.size() == 4 ? parts[3] + " " + parts[2] + " of " + parts[0] + " " +
                                             parts[1] + " '" + row.name + "'"
                                       : "translation '" + row.name + "' (" + row.key + ")";
  f.message = what;
  return f;
}

std::optional<Finding> classify_missing_translation(const KeyedRow& p,
                                                    bool edited,
                                                    bool field_in_test,
                                                    const ExpectedChanges& expected) {
  auto parts = key_parts(p.key);
  if (!field_in_test && parts.size() == 4) {
    auto f = translation_finding(p, edited ? Severity::warning : Severity::info, "missing");
    f.message += " is gone: the field is no longer a translated field in test";
    if (auto e = expected.field(parts[0], parts[2])) {
      apply(f, *e, false);
      f.severity = edited && e->policy != Policy::info ? Severity::warning : Severity::info;
    }
    return f;
  }
  auto f = translation_finding(p, edited ? Severity::blocking : Severity::info, "missing");
  f.message += edited ? " is gone in test: the record was edited in production, this wording "
                        "was the customer's"
                      : " is gone in test (standard term reloaded or removed by the new version)";
  return f;
}

} // namespace

std::optional<Finding> classify_translation(const KeyedRow* production,
                                            const KeyedRow* test,
                                            bool field_in_test,
                                            const ExpectedChanges& expected) {
  if (production == nullptr) {
    return std::nullopt;
  }
  const auto& p = *production;
  bool legacy = p.values.count("edited") == 0;
  bool edited = value_of(p, "edited") == "true";
  if (test == nullptr) {
    if (legacy) {
      auto f = translation_finding(p, Severity::warning, "missing");
      f.message += " is missing in test";
      return f;
    }
    return classify_missing_translation(p, edited, field_in_test, expected);
  }
  bool same_text = value_of(p, "md5") == value_of(*test, "md5");
  bool same_en = value_of(p, "en") == value_of(*test, "en");
  if (same_text && same_en) {
    return std::nullopt;
  }
  Finding f;
  if (!same_text) {
    bool lost = edited && same_en && !legacy;
    f = translation_finding(p, lost ? Severity::blocking : Severity::info, "changed");
    f.message += lost ? " was replaced in test although its English text is unchanged: the "
                        "customer's wording is lost"
                      : " changed with the new version's translations";
  } else if (edited) {
    f = translation_finding(p, Severity::warning, "out-of-step");
    f.message += ": the English text changed in test but this translation is still the old "
                 "one (re-translate it or check it)";
  } else {
    return std::nullopt;
  }
  f.changes.push_back(
      {"md5", value_of(p, "md5").substr(0, 12), value_of(*test, "md5").substr(0, 12)});
  return f;
}

void apply(Finding& f, const Explanation& e, bool allow_lower_blocking) {
  f.reason = e.reason + " (expected in " + e.step + ")";
  if (e.policy == Policy::keep || (f.severity == Severity::blocking && !allow_lower_blocking)) {
    return;
  }
  f.severity = e.policy == Policy::warning ? Severity::warning : Severity::info;
}

} // namespace odoo_upgrade::core::uat
