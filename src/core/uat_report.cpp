#include <odoo_upgrade/core/uat_report.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace odoo_upgrade::core::uat {

namespace {

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

long long manual_count(const Report& r, MarkStatus s) {
  long long n = 0;
  for (const auto& [item, mark] : r.items) {
    n += mark.status == s ? 1 : 0;
  }
  return n;
}

std::string change_text(const FieldChange& c) {
  return c.field + ": " + (c.before.empty() ? "(none)" : c.before) + " → " +
         (c.after.empty() ? "(none)" : c.after);
}

// "new", "still there", or "" (not compared, or info).
std::string since_text(const Finding& f) {
  if (f.since == "new") {
    return "new";
  }
  return f.since == "still" ? "still there" : "";
}

// The acceptance of a finding for people: who, when, why; or that it lapsed. "" when none.
std::string acceptance_text(const Finding& f) {
  if (!f.accepted) {
    return "";
  }
  const auto& a = *f.accepted;
  if (a.lapsed) {
    return "acceptance lapsed: the finding changed since " + a.by + " accepted it on " + a.at +
           " (" + a.reason + ")";
  }
  return "accepted by " + a.by + " on " + a.at + ": " + a.reason;
}

// An expected difference: informational only (the new version's own change, often explained by
// the expected-changes file). The people's reports group them so that the eye lands on the rest.
bool is_expected(const Finding& f) {
  return f.severity == Severity::info;
}

// The info findings of a check grouped by why (the reason, else their kind), in order of first
// appearance.
using InfoGroups = std::vector<std::pair<std::string, std::vector<const Finding*>>>;
InfoGroups info_groups(const CheckResult& c) {
  InfoGroups groups;
  for (const auto& f : c.findings) {
    if (!is_expected(f)) {
      continue;
    }
    std::string why = f.reason.empty() ? "informational: " + f.kind : f.reason;
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == why; });
    (it == groups.end() ? groups.emplace_back(why, std::vector<const Finding*>{}) : *it)
        .second.push_back(&f);
  }
  return groups;
}

// How many records a group names; the rest are counted.
constexpr std::size_t k_named_in_group = 8;

// "Deco Addict, Gemini Furniture and 12 more": the first records of a group.
std::string first_records(const std::vector<const Finding*>& findings) {
  std::string s;
  for (std::size_t i = 0; i < findings.size() && i < k_named_in_group; ++i) {
    const Finding& f = *findings[i];
    s += (i == 0 ? "" : ", ") + (f.name.empty() ? f.key : f.name);
  }
  if (findings.size() > k_named_in_group) {
    s += " and " + std::to_string(findings.size() - k_named_in_group) + " more";
  }
  return s;
}

// Where every info finding is listed.
std::string info_list_note(const Report& r) {
  std::string json = "the JSON report (uat report --format json)";
  return "every info finding is listed in " +
         (r.info_list.empty() ? json : r.info_list + " (beside this report) and in " + json);
}

// "[views-3f9a2c1b7e, new]": the id to copy and the state against the previous round.
std::string finding_tag(const Finding& f) {
  std::string since = since_text(f);
  return "[" + f.id + (since.empty() ? "" : ", " + since) + "]";
}

// The iteration line of the summary: against the previous round, and the accepted findings.
std::string iteration_line(const Report& r) {
  long long accepted = accepted_count(r.checks);
  return changes_line(r.changes) +
         (accepted > 0 ? "; " + std::to_string(accepted) + " accepted" : "");
}

// Markdown table cells must not break the table.
std::string md_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// "Acme Consulting (jane@acme.example)": the consultant as one line; "" when none is named.
std::string consultant_line(const ReportConsultant& c) {
  if (c.name.empty()) {
    return "";
  }
  return c.name + (c.contact.empty() ? "" : " (" + c.contact + ")");
}

std::string verdict(const Report& r) {
  return report_go(r) ? "GO" : "NO-GO";
}

// One finding of the text report, with its reason, diff and acceptance.
void text_finding(std::ostringstream& o, const Finding& f) {
  o << "      " << to_string(f.severity) << " " << finding_tag(f) << ": " << f.message << "\n";
  if (!f.reason.empty()) {
    o << "        why: " << f.reason << "\n";
  }
  for (std::size_t at = 0; at < f.diff.size();) {
    auto end = f.diff.find('\n', at);
    o << "        | " << f.diff.substr(at, end - at) << "\n";
    at = end == std::string::npos ? f.diff.size() : end + 1;
  }
  if (f.accepted) {
    o << "        " << acceptance_text(f) << "\n";
  }
}

// One check of the text report: its status line, its findings, its grouped infos.
void text_check(std::ostringstream& o, const CheckResult& c) {
  o << "  [" << to_string(c.status) << "] " << c.id << ": " << c.title;
  if (!c.findings.empty() || c.status == CheckStatus::error) {
    o << " (" << c.count(Severity::blocking) << "/" << c.count(Severity::warning) << "/"
      << c.count(Severity::info) << ")";
  }
  o << "\n";
  if (!c.error.empty()) {
    o << (c.status == CheckStatus::skipped ? "      skipped: " : "      error: ") << c.error
      << "\n";
  }
  for (const auto& f : c.findings) {
    if (!is_expected(f)) {
      text_finding(o, f);
    }
  }
  for (const auto& [why, findings] : info_groups(c)) {
    o << "      info ×" << findings.size() << ": " << why << ": " << first_records(findings)
      << "\n";
  }
  if (c.truncated) {
    o << "      … more findings in the JSON report\n";
  }
}

// The automated part of the text report: the summary line, each check, the iteration.
void text_automated(std::ostringstream& o, const Report& r) {
  if (!r.has_run) {
    o << "automated checks: not run yet\n";
    return;
  }
  auto s = summarize(r.checks);
  o << "automated checks (" << r.run_at << ", " << fmt_seconds(r.run_seconds)
    << " s): " << s.blocking << " blocking, " << s.warning << " warning, " << s.info << " info"
    << (s.errors > 0 ? ", " + std::to_string(s.errors) + " error(s)" : "")
    << (s.skipped > 0 ? ", " + std::to_string(s.skipped) + " skipped" : "") << "\n";
  for (const auto& c : r.checks) {
    text_check(o, c);
  }
  if (info_findings(r) > 0) {
    o << "(" << info_list_note(r) << ")\n";
  }
  o << "iteration: " << iteration_line(r) << "\n";
  for (const auto& [check, f] : r.changes.fixed_findings) {
    o << "  fixed [" << f.id << "] " << check << ": " << f.message << "\n";
  }
}

// The manual checklist and the sign-off of the text report.
void text_manual(std::ostringstream& o, const Report& r) {
  o << "\nmanual checklist: " << manual_count(r, MarkStatus::pass) << " pass, "
    << manual_count(r, MarkStatus::fail) << " fail, " << manual_count(r, MarkStatus::skip)
    << " skip, " << manual_count(r, MarkStatus::unmarked) << " unmarked\n";
  for (const auto& [item, mark] : r.items) {
    o << "  [" << to_string(mark.status) << "] " << item.id << ": " << item.title;
    if (!mark.note.empty()) {
      o << " — " << mark.note;
    }
    o << "\n";
  }
  o << "\nsign-off: ";
  if (!r.signoff) {
    o << "not signed off\n";
    return;
  }
  o << "by " << r.signoff->by << " at " << r.signoff->at;
  if (r.signoff->forced) {
    o << " (forced: " << r.signoff->reason << ")";
  }
  if (!r.signoff->note.empty()) {
    o << " — " << r.signoff->note;
  }
  o << "\n";
}

std::string render_text(const Report& r) {
  std::ostringstream o;
  o << "UAT report: " << r.customer << ", round " << r.round << "\n";
  if (!r.consultant.name.empty()) {
    o << "prepared by: " << consultant_line(r.consultant) << "\n";
  }
  o << "production: " << r.production_db << " (" << r.production_version << ")  test: " << r.test_db
    << " (" << r.test_version << ")\n";
  o << "verdict: " << verdict(r) << "\n\n";
  if (!r.language_warning.empty()) {
    o << "warning: " << r.language_warning << "\n\n";
  }
  text_automated(o, r);
  text_manual(o, r);
  return o.str();
}

void markdown_summary(std::ostringstream& o, const Report& r) {
  auto s = summarize(r.checks);
  o << "# UAT report: " << md_cell(r.customer) << ", round " << r.round << "\n\n";
  if (!r.consultant.name.empty()) {
    o << "Prepared by **" << md_cell(r.consultant.name) << "**"
      << (r.consultant.contact.empty() ? "" : " · " + md_cell(r.consultant.contact)) << "\n\n";
  }
  o << "**Verdict: " << verdict(r) << "**\n\n";
  if (!r.language_warning.empty()) {
    o << "> Warning: " << md_cell(r.language_warning) << "\n\n";
  }
  o << "| | |\n|---|---|\n";
  o << "| Production | `" << md_cell(r.production_db) << "` (" << md_cell(r.production_version)
    << ") |\n";
  o << "| Test | `" << md_cell(r.test_db) << "` (" << md_cell(r.test_version) << ") |\n";
  o << "| Generated | " << md_cell(r.generated_at) << " |\n";
  if (r.has_run) {
    o << "| Automated run | " << md_cell(r.run_at) << " (" << fmt_seconds(r.run_seconds)
      << " s) |\n";
    o << "| Findings | " << s.blocking << " blocking, " << s.warning << " warning, " << s.info
      << " info |\n";
    o << "| Iteration | " << md_cell(iteration_line(r)) << " |\n";
  }
}

void markdown_findings(std::ostringstream& o, const CheckResult& c) {
  o << "\n### " << md_cell(c.title) << " (`" << md_cell(c.id) << "`)\n\n";
  if (!c.error.empty()) {
    o << (c.status == CheckStatus::skipped ? "Skipped: " : "Error: ") << md_cell(c.error) << "\n\n";
  }
  bool attention = std::any_of(
      c.findings.begin(), c.findings.end(), [](const Finding& f) { return !is_expected(f); });
  if (attention) {
    o << "| Id | Since | Severity | Model | Key | Name | Difference |\n"
         "|---|---|---|---|---|---|---|\n";
    for (const auto& f : c.findings) {
      if (is_expected(f)) {
        continue;
      }
      std::string diff = f.kind;
      for (const auto& ch : f.changes) {
        diff += "; " + change_text(ch);
      }
      if (!f.reason.empty()) {
        diff += " — why: " + f.reason;
      }
      if (f.accepted) {
        diff += " — " + acceptance_text(f);
      }
      o << "| `" << md_cell(f.id) << "` | " << since_text(f) << " | " << to_string(f.severity)
        << " | " << md_cell(f.model) << " | `" << md_cell(f.key) << "` | " << md_cell(f.name)
        << " | " << md_cell(diff) << " |\n";
    }
  }
  auto groups = info_groups(c);
  if (!groups.empty()) {
    o << (attention ? "\n" : "") << "| Expected difference (info) | Count | First records |\n"
      << "|---|---:|---|\n";
    for (const auto& [why, findings] : groups) {
      o << "| " << md_cell(why) << " | " << findings.size() << " | "
        << md_cell(first_records(findings)) << " |\n";
    }
  }
  if (c.truncated) {
    o << "\n(more findings in the JSON report)\n";
  }
}

void markdown_checks(std::ostringstream& o, const Report& r) {
  o << "\n## Automated checks\n\n";
  if (!r.has_run) {
    o << "Not run yet.\n";
    return;
  }
  o << "| Check | Status | Blocking | Warning | Info |\n|---|---|---:|---:|---:|\n";
  for (const auto& c : r.checks) {
    o << "| " << md_cell(c.id) << ": " << md_cell(c.title) << " | " << to_string(c.status) << " | "
      << c.count(Severity::blocking) << " | " << c.count(Severity::warning) << " | "
      << c.count(Severity::info) << " |\n";
  }
  if (info_findings(r) > 0) {
    o << "\nExpected differences (info) are grouped per check and reason; "
      << md_cell(info_list_note(r)) << ".\n";
  }
  for (const auto& c : r.checks) {
    if (!c.findings.empty() || !c.error.empty()) {
      markdown_findings(o, c);
    }
  }
  if (!r.changes.fixed_findings.empty()) {
    o << "\n### Fixed since round " << r.changes.previous_round << "\n\n";
    for (const auto& [check, f] : r.changes.fixed_findings) {
      o << "- `" << md_cell(f.id) << "` " << md_cell(check) << ": " << md_cell(f.message) << "\n";
    }
  }
}

void markdown_manual(std::ostringstream& o, const Report& r) {
  o << "\n## Manual checklist\n\n| Item | Title | Status | Note |\n|---|---|---|---|\n";
  for (const auto& [item, mark] : r.items) {
    o << "| `" << md_cell(item.id) << "` | " << md_cell(item.title) << " | "
      << to_string(mark.status) << " | " << md_cell(mark.note) << " |\n";
  }
  o << "\n## Sign-off\n\n";
  if (!r.signoff) {
    o << "Not signed off.\n";
    return;
  }
  o << "Signed off by **" << md_cell(r.signoff->by) << "** at " << md_cell(r.signoff->at);
  if (r.signoff->forced) {
    o << " (forced: " << md_cell(r.signoff->reason) << ")";
  }
  o << ".";
  if (!r.signoff->note.empty()) {
    o << " " << md_cell(r.signoff->note);
  }
  o << "\n";
}

std::string render_markdown(const Report& r) {
  std::ostringstream o;
  markdown_summary(o, r);
  markdown_checks(o, r);
  markdown_manual(o, r);
  return o.str();
}

// One check as a JUnit testcase: blocking findings that are not accepted are its failure; the
// others, the acceptances and the findings fixed since the previous round go to system-out.
void junit_check(std::ostringstream& o, const Report& r, const CheckResult& c) {
  o << "    <testcase classname=\"uat.automated\" name=\"" << xml_escape(c.id + ": " + c.title)
    << "\" time=\"" << fmt_seconds(c.seconds) << "\">\n";
  std::string blocking;
  std::string other;
  for (const auto& f : c.findings) {
    std::string line = std::string(to_string(f.severity)) + " " + finding_tag(f) + ": " +
                       f.message + (f.reason.empty() ? "" : " (why: " + f.reason + ")");
    for (const auto& ch : f.changes) {
      line += "\n    " + change_text(ch);
    }
    if (f.accepted) {
      line += "\n    " + acceptance_text(f);
    }
    bool blocks = f.severity == Severity::blocking && !f.is_accepted();
    (blocks ? blocking : other) += line + "\n";
  }
  for (const auto& [check, f] : r.changes.fixed_findings) {
    if (check == c.id) {
      other += "fixed since round " + std::to_string(r.changes.previous_round) + " [" + f.id +
               "]: " + f.message + "\n";
    }
  }
  if (c.status == CheckStatus::error) {
    o << "      <error message=\"" << xml_escape(c.error) << "\" type=\"error\"/>\n";
  } else if (c.status == CheckStatus::skipped) {
    o << "      <skipped message=\"" << xml_escape(c.error) << "\"/>\n";
  } else if (c.status == CheckStatus::failed) {
    o << "      <failure message=\"" << c.count(Severity::blocking)
      << " blocking finding(s)\" type=\"blocking\">" << xml_escape(blocking) << "</failure>\n";
  }
  if (!other.empty()) {
    o << "      <system-out>" << xml_escape(other) << "</system-out>\n";
  }
  o << "    </testcase>\n";
}

std::string render_junit(const Report& r) {
  std::ostringstream o;
  long long failures = 0;
  long long errors = 0;
  long long skipped = 0;
  for (const auto& c : r.checks) {
    failures += c.status == CheckStatus::failed ? 1 : 0;
    errors += c.status == CheckStatus::error ? 1 : 0;
    skipped += c.status == CheckStatus::skipped ? 1 : 0;
  }
  long long manual_failures = manual_count(r, MarkStatus::fail);
  long long manual_skipped =
      manual_count(r, MarkStatus::skip) + manual_count(r, MarkStatus::unmarked);
  double total = r.run_seconds;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"odoo-upgrade uat\" tests=\"" << r.checks.size() + r.items.size()
    << "\" failures=\"" << failures + manual_failures << "\" errors=\"" << errors << "\" time=\""
    << fmt_seconds(total) << "\">\n";
  o << "  <testsuite name=\"uat.automated\" tests=\"" << r.checks.size() << "\" failures=\""
    << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
    << fmt_seconds(total) << "\" timestamp=\"" << xml_escape(r.run_at) << "\">\n";
  o << "    <properties>\n";
  o << "      <property name=\"customer\" value=\"" << xml_escape(r.customer) << "\"/>\n";
  o << "      <property name=\"round\" value=\"" << r.round << "\"/>\n";
  o << "      <property name=\"production_db\" value=\"" << xml_escape(r.production_db) << "\"/>\n";
  o << "      <property name=\"test_db\" value=\"" << xml_escape(r.test_db) << "\"/>\n";
  o << "      <property name=\"iteration\" value=\"" << xml_escape(iteration_line(r)) << "\"/>\n";
  if (!r.consultant.name.empty()) {
    o << "      <property name=\"consultant\" value=\"" << xml_escape(consultant_line(r.consultant))
      << "\"/>\n";
  }
  o << "    </properties>\n";
  for (const auto& c : r.checks) {
    junit_check(o, r, c);
  }
  o << "  </testsuite>\n";
  o << "  <testsuite name=\"uat.manual\" tests=\"" << r.items.size() << "\" failures=\""
    << manual_failures << "\" errors=\"0\" skipped=\"" << manual_skipped << "\" time=\"0\">\n";
  for (const auto& [item, mark] : r.items) {
    o << "    <testcase classname=\"uat.manual\" name=\"" << xml_escape(item.id + ": " + item.title)
      << "\" time=\"0\">\n";
    if (mark.status == MarkStatus::fail) {
      o << "      <failure message=\"" << xml_escape(mark.note.empty() ? "failed" : mark.note)
        << "\" type=\"manual\"/>\n";
    } else if (mark.status == MarkStatus::skip || mark.status == MarkStatus::unmarked) {
      o << "      <skipped message=\""
        << xml_escape(mark.status == MarkStatus::skip ? "skipped: " + mark.note : "not marked yet")
        << "\"/>\n";
    }
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n";
  o << "</testsuites>\n";
  return o.str();
}

constexpr std::string_view k_css = R"(
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.banner{font-size:2em;font-weight:bold;text-align:center;padding:.5em;border-radius:6px;margin:1em 0;color:#fff}
.go{background:#2e7d32}.nogo{background:#c62828}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right}
.s-passed,.s-pass{color:#2e7d32;font-weight:bold}.s-failed,.s-fail,.s-error,.s-blocking{color:#c62828;font-weight:bold}
.s-warning{color:#b26a00;font-weight:bold}.s-info,.s-skip,.s-unmarked{color:#555}
code{font-family:Menlo,Consolas,monospace;font-size:.95em;word-break:break-all}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
table.expected{color:#555}table.expected td:first-child{width:45%}
details.expected{margin:.5em 0}details.expected summary{cursor:pointer;color:#555}
.meta td:first-child{width:12em;font-weight:bold}
.small{color:#666;font-size:.85em}.accepted{color:#1565c0}.lapsed{color:#b26a00}
.consultant{display:flex;align-items:center;justify-content:space-between;gap:1em;border-bottom:1px solid #ddd;padding-bottom:.5em}
.consultant img{max-height:4em;max-width:16em;object-fit:contain}.consultant .who{text-align:right}
.tag{font-size:.8em;border:1px solid #999;border-radius:3px;padding:0 .3em;margin-left:.3em}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
)";

std::string e(std::string_view text) {
  return xml_escape(text);
}

void html_summary(std::ostringstream& o, const Report& r) {
  auto s = summarize(r.checks);
  o << "<h2>Summary</h2>\n<table class=\"meta\">\n";
  o << "<tr><td>Production database</td><td><code>" << e(r.production_db) << "</code> (Odoo "
    << e(r.production_version) << ")</td></tr>\n";
  o << "<tr><td>Test database</td><td><code>" << e(r.test_db) << "</code> (Odoo "
    << e(r.test_version) << ")</td></tr>\n";
  if (!r.upgrade_report.empty()) {
    o << "<tr><td>Odoo's upgrade report</td><td><a href=\"file://" << e(r.upgrade_report) << "\">"
      << e(r.upgrade_report) << "</a></td></tr>\n";
  }
  if (r.has_run) {
    o << "<tr><td>Automated checks</td><td>" << e(r.run_at) << ": " << s.blocking << " blocking, "
      << s.warning << " warnings, " << s.info << " informational"
      << (s.errors > 0 ? ", " + std::to_string(s.errors) + " check(s) could not run" : "")
      << "</td></tr>\n";
    o << "<tr><td>Since the previous round</td><td>" << e(iteration_line(r)) << "</td></tr>\n";
  } else {
    o << "<tr><td>Automated checks</td><td>not run yet</td></tr>\n";
  }
  o << "<tr><td>Manual checklist</td><td>" << manual_count(r, MarkStatus::pass) << " passed, "
    << manual_count(r, MarkStatus::fail) << " failed, " << manual_count(r, MarkStatus::skip)
    << " skipped, " << manual_count(r, MarkStatus::unmarked) << " not tested</td></tr>\n";
  o << "<tr><td>Sign-off</td><td>";
  if (r.signoff) {
    o << "signed off by <b>" << e(r.signoff->by) << "</b> at " << e(r.signoff->at);
    if (r.signoff->forced) {
      o << " <span class=\"s-warning\">(forced: " << e(r.signoff->reason) << ")</span>";
    }
  } else {
    o << "not signed off";
  }
  o << "</td></tr>\n</table>\n";
}

void html_check_table(std::ostringstream& o, const Report& r) {
  o << "<table>\n<tr><th>Check</th><th>Status</th><th>Blocking</th><th>Warnings</th>"
       "<th>Info</th></tr>\n";
  for (const auto& c : r.checks) {
    o << "<tr><td>" << e(c.title) << " <span class=\"small\">(" << e(c.id)
      << ")</span></td><td class=\"s-" << to_string(c.status) << "\">" << to_string(c.status)
      << "</td><td class=\"n\">" << c.count(Severity::blocking) << "</td><td class=\"n\">"
      << c.count(Severity::warning) << "</td><td class=\"n\">" << c.count(Severity::info)
      << "</td></tr>\n";
  }
  o << "</table>\n";
}

// The expected differences of one check, collapsed (a click opens them; print shows the count):
// one row per reason with how many and the first records.
void html_expected(std::ostringstream& o, const CheckResult& c) {
  auto groups = info_groups(c);
  if (groups.empty()) {
    return;
  }
  std::size_t n = 0;
  for (const auto& g : groups) {
    n += g.second.size();
  }
  o << "<details class=\"expected\"><summary>" << n << " expected difference" << (n == 1 ? "" : "s")
    << " (info), " << groups.size() << " kind" << (groups.size() == 1 ? "" : "s") << "</summary>\n";
  o << "<table class=\"expected\">\n<tr><th>Expected difference</th><th>Records</th></tr>\n";
  for (const auto& [why, findings] : groups) {
    o << "<tr><td>" << e(why) << "</td><td><b>" << findings.size()
      << "</b>: " << e(first_records(findings)) << "</td></tr>\n";
  }
  o << "</table>\n</details>\n";
}

// The findings that need a look (everything but the expected differences), blocking first.
void html_attention(std::ostringstream& o, const CheckResult& c) {
  std::vector<const Finding*> rows;
  for (const auto& f : c.findings) {
    if (!is_expected(f)) {
      rows.push_back(&f);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Finding* a, const Finding* b) {
    return static_cast<int>(a->severity) > static_cast<int>(b->severity);
  });
  o << "<table>\n<tr><th>Severity</th><th>Record</th><th>Difference</th></tr>\n";
  for (const Finding* row : rows) {
    const Finding& f = *row;
    o << "<tr><td class=\"s-" << to_string(f.severity) << "\">" << to_string(f.severity)
      << "</td><td>" << e(f.name) << "<br><code>" << e(f.key) << "</code> <span class=\"small\">"
      << e(f.model) << "</span><br><code class=\"small\">" << e(f.id) << "</code>"
      << (since_text(f).empty() ? "" : "<span class=\"tag\">" + since_text(f) + "</span>")
      << "</td><td>" << e(f.message);
    if (!f.reason.empty()) {
      o << "<br><span class=\"small\">why: " << e(f.reason) << "</span>";
    }
    if (!f.diff.empty()) {
      o << "<pre class=\"small\">" << e(f.diff) << "</pre>";
    }
    if (f.accepted) {
      o << "<br><span class=\"" << (f.accepted->lapsed ? "lapsed" : "accepted") << "\">"
        << e(acceptance_text(f)) << "</span>";
    }
    if (!f.changes.empty()) {
      o << "<ul>";
      for (const auto& ch : f.changes) {
        o << "<li>" << e(change_text(ch)) << "</li>";
      }
      o << "</ul>";
    }
    o << "</td></tr>\n";
  }
  o << "</table>\n";
}

void html_findings(std::ostringstream& o, const CheckResult& c) {
  o << "<h3>" << e(c.title) << "</h3>\n";
  if (!c.error.empty()) {
    o << (c.status == CheckStatus::skipped ? "<p>Skipped: "
                                           : "<p class=\"s-error\">The check could not run: ")
      << e(c.error) << "</p>\n";
  }
  bool attention = std::any_of(
      c.findings.begin(), c.findings.end(), [](const Finding& f) { return !is_expected(f); });
  if (attention) {
    html_attention(o, c);
  }
  html_expected(o, c);
  if (c.truncated) {
    o << "<p class=\"small\">More findings are listed in the JSON report.</p>\n";
  }
}

void html_checks(std::ostringstream& o, const Report& r) {
  o << "<h2>Automated checks</h2>\n";
  if (!r.has_run) {
    o << "<p>The automated checks have not run for this round.</p>\n";
    return;
  }
  html_check_table(o, r);
  o << "<h2>Findings</h2>\n";
  if (info_findings(r) > 0) {
    std::string where = r.info_list.empty()
                            ? info_list_note(r)
                            : "every info finding is listed in <a href=\"" + e(r.info_list) +
                                  "\">" + e(r.info_list) +
                                  "</a> (beside this report) and in the JSON report (uat report "
                                  "--format json)";
    o << "<p class=\"small\">Blocking findings and warnings are listed one by one; expected "
         "differences (info) are grouped per check and reason, with their first records: "
      << (r.info_list.empty() ? e(where) : where) << ".</p>\n";
  }
  bool any = false;
  for (const auto& c : r.checks) {
    if (!c.findings.empty() || !c.error.empty()) {
      any = true;
      html_findings(o, c);
    }
  }
  if (!any) {
    o << "<p>No differences found.</p>\n";
  }
  if (!r.changes.fixed_findings.empty()) {
    o << "<h3>Fixed since round " << r.changes.previous_round << "</h3>\n<ul>\n";
    for (const auto& [check, f] : r.changes.fixed_findings) {
      o << "<li><code>" << e(f.id) << "</code> " << e(check) << ": " << e(f.message) << "</li>\n";
    }
    o << "</ul>\n";
  }
}

void html_manual(std::ostringstream& o, const Report& r) {
  o << "<h2>Manual checklist</h2>\n<table>\n<tr><th>Item</th><th>Status</th><th>Note</th>"
       "</tr>\n";
  for (const auto& [item, mark] : r.items) {
    o << "<tr><td>" << e(item.title) << " <span class=\"small\">(" << e(item.id)
      << ")</span></td><td class=\"s-" << to_string(mark.status) << "\">" << to_string(mark.status)
      << "</td><td>" << e(mark.note)
      << (mark.by.empty() ? "" : " <span class=\"small\">" + e(mark.by) + "</span>")
      << "</td></tr>\n";
  }
  o << "</table>\n";
}

void html_signoff(std::ostringstream& o, const Report& r) {
  o << "<h2>Sign-off</h2>\n";
  if (!r.signoff) {
    // A blank block for a signature on paper.
    o << "<p>Not signed off yet.</p>\n"
         "<table class=\"meta\"><tr><td>Name</td><td style=\"height:2em\"></td></tr>"
         "<tr><td>Date</td><td style=\"height:2em\"></td></tr>"
         "<tr><td>Signature</td><td style=\"height:4em\"></td></tr></table>\n";
    return;
  }
  o << "<p>Signed off by <b>" << e(r.signoff->by) << "</b> on " << e(r.signoff->at) << ".</p>\n";
  if (!r.signoff->note.empty()) {
    o << "<p>" << e(r.signoff->note) << "</p>\n";
  }
  if (r.signoff->forced) {
    o << "<p class=\"s-warning\">Signed off despite open items. Reason: " << e(r.signoff->reason)
      << "</p>\n";
  }
}

// The consultancy's header: its logo (embedded: the report is one file) and name with contact.
void html_consultant(std::ostringstream& o, const ReportConsultant& c) {
  if (c.empty()) {
    return;
  }
  o << "<header class=\"consultant\">";
  if (!c.logo_uri.empty()) {
    o << "<img src=\"" << e(c.logo_uri) << "\" alt=\""
      << e(c.name.empty() ? "logo" : c.name + " logo") << "\">";
  }
  if (!c.name.empty()) {
    o << "<div class=\"who\">Prepared by<br><b>" << e(c.name) << "</b>"
      << (c.contact.empty() ? "" : "<br><span class=\"small\">" + e(c.contact) + "</span>")
      << "</div>";
  }
  o << "</header>\n";
}

std::string render_html(const Report& r) {
  std::ostringstream o;
  bool go = report_go(r);
  o << "<!DOCTYPE html>\n<html lang=\"" << e(html_lang(r.language))
    << "\">\n<head>\n<meta charset=\"utf-8\">\n";
  std::string versions = "Odoo " + e(r.production_version) + " &rarr; " + e(r.test_version);
  o << "<title>UAT report: " << e(r.customer) << ", " << versions << ", round " << r.round
    << "</title>\n";
  o << "<style>" << k_css << "</style>\n</head>\n<body>\n";
  html_consultant(o, r.consultant);
  o << "<h1>Upgrade acceptance test: " << e(r.customer) << ", " << versions << "</h1>\n";
  o << "<p class=\"small\">Test round " << r.round << ", generated " << e(r.generated_at)
    << "</p>\n";
  o << "<div class=\"banner " << (go ? "go" : "nogo") << "\">" << (go ? "GO" : "NO-GO")
    << "</div>\n";
  if (!r.language_warning.empty()) {
    o << "<p class=\"s-warning\">" << e(r.language_warning) << "</p>\n";
  }
  html_summary(o, r);
  html_checks(o, r);
  html_manual(o, r);
  html_signoff(o, r);
  o << "</body>\n</html>\n";
  return o.str();
}

} // namespace

std::size_t info_findings(const Report& report) {
  std::size_t n = 0;
  for (const auto& c : report.checks) {
    n += static_cast<std::size_t>(std::count_if(
        c.findings.begin(), c.findings.end(), [](const Finding& f) { return is_expected(f); }));
  }
  return n;
}

namespace {

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; line breaks
// become spaces so that every finding stays on one line.
std::string csv_field(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  if (text.find_first_of(",\"") == std::string::npos) {
    return text;
  }
  std::string out = "\"";
  for (char c : text) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

} // namespace

std::string render_info_list(const Report& report) {
  std::ostringstream o;
  o << "check,id,model,key,name,message,reason\n";
  for (const auto& c : report.checks) {
    for (const auto& f : c.findings) {
      if (!is_expected(f)) {
        continue;
      }
      std::string line;
      for (const auto* field : {&c.id, &f.id, &f.model, &f.key, &f.name, &f.message, &f.reason}) {
        // Appended, not `"," + csv_field(…)`: GCC 12 -O3's bogus -Wrestrict (GCC PR105651).
        line += line.empty() ? "" : ",";
        line += csv_field(*field);
      }
      o << line << "\n";
    }
  }
  return o.str();
}

std::string_view report_css() {
  return k_css;
}

bool report_go(const Report& report) {
  if (!report.has_run || !summarize(report.checks).go()) {
    return false;
  }
  for (const auto& [item, mark] : report.items) {
    if (mark.status != MarkStatus::pass && mark.status != MarkStatus::skip) {
      return false;
    }
  }
  return true;
}

std::optional<ReportFormat> parse_report_format(std::string_view text) {
  if (text == "text") {
    return ReportFormat::text;
  }
  if (text == "json") {
    return ReportFormat::json;
  }
  if (text == "junit") {
    return ReportFormat::junit;
  }
  if (text == "markdown" || text == "md") {
    return ReportFormat::markdown;
  }
  if (text == "html") {
    return ReportFormat::html;
  }
  return std::nullopt;
}

nlohmann::json report_to_json(const Report& r) {
  auto s = summarize(r.checks);
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks) {
    checks.push_back(to_json(c));
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [item, mark] : r.items) {
    items.push_back({{"id", item.id},
                     {"title", item.title},
                     {"category", item.category},
                     {"status", to_string(mark.status)},
                     {"note", mark.note},
                     {"at", mark.at},
                     {"by", mark.by}});
  }
  nlohmann::json fixed = nlohmann::json::array();
  for (const auto& [check, f] : r.changes.fixed_findings) {
    auto doc = to_json(f);
    doc["check"] = check;
    fixed.push_back(doc);
  }
  nlohmann::json iteration = {{"previous_round", r.changes.previous_round},
                              {"fixed", r.changes.fixed},
                              {"new", r.changes.added},
                              {"still", r.changes.still},
                              {"accepted", accepted_count(r.checks)},
                              {"line", iteration_line(r)},
                              {"fixed_findings", fixed}};
  nlohmann::json doc = {
      {"customer", r.customer},
      {"round", r.round},
      {"iteration", iteration},
      {"production", {{"db", r.production_db}, {"version", r.production_version}}},
      {"test", {{"db", r.test_db}, {"version", r.test_version}}},
      {"generated_at", r.generated_at},
      {"verdict", report_go(r) ? "go" : "no-go"},
      {"automated",
       {{"run", r.has_run},
        {"at", r.run_at},
        {"seconds", r.run_seconds},
        {"blocking", s.blocking},
        {"warning", s.warning},
        {"info", s.info},
        {"errors", s.errors},
        {"skipped", s.skipped},
        {"checks", checks}}},
      {"manual", items},
      {"signoff", r.signoff ? to_json(*r.signoff) : nlohmann::json(nullptr)}};
  if (!r.consultant.name.empty()) {
    doc["consultant"] = {{"name", r.consultant.name}, {"contact", r.consultant.contact}};
  }
  if (r.language != "en_US") {
    doc["language"] = r.language;
  }
  if (!r.language_warning.empty()) {
    doc["language_warning"] = r.language_warning;
  }
  return doc;
}

namespace {

// A key that is an xml id: "module.name", no spaces nor the ':' of composed keys.
bool is_xml_id(const std::string& key) {
  auto dot = key.find('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < key.size() &&
         key.find_first_of(" :/") == std::string::npos;
}

// Every finding of `r` (a Report or a const one), the fixed ones too.
template <typename R, typename Fn>
void for_each_finding(R& r, Fn fn) {
  for (auto& c : r.checks) {
    for (auto& f : c.findings) {
      fn(f);
    }
  }
  for (auto& fixed : r.changes.fixed_findings) {
    fn(fixed.second);
  }
}

} // namespace

std::vector<std::pair<std::string, std::string>> named_records(const Report& report) {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_finding(report, [&](const Finding& f) {
    std::pair<std::string, std::string> record{f.model, f.key};
    if (!f.model.empty() && is_xml_id(f.key) &&
        std::find(out.begin(), out.end(), record) == out.end()) {
      out.push_back(std::move(record));
    }
  });
  return out;
}

void apply_name_translations(Report& report, const std::vector<NameTranslation>& names) {
  for_each_finding(report, [&](Finding& f) {
    for (const auto& n : names) {
      if (n.model == f.model && n.key == f.key && n.en_us == f.name && !n.translated.empty()) {
        f.name = n.translated;
        return;
      }
    }
  });
}

std::string html_lang(std::string_view odoo_code) {
  std::string tag(odoo_code.substr(0, odoo_code.find('@')));
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag.empty() ? "en" : tag;
}

std::string render_report(const Report& report, ReportFormat format) {
  switch (format) {
  case ReportFormat::text:
    return render_text(report);
  case ReportFormat::json:
    return report_to_json(report).dump(2) + "\n";
  case ReportFormat::junit:
    return render_junit(report);
  case ReportFormat::markdown:
    return render_markdown(report);
  case ReportFormat::html:
    return render_html(report);
  }
  return render_text(report);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      // XML 1.0 allows only tab, LF and CR below 0x20.
      if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
        out += ' ';
      } else {
        out += ch;
      }
    }
  }
  return out;
}

} // namespace odoo_upgrade::core::uat
