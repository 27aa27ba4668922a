#include <odoo_upgrade/core/runbook_document.hpp>
#include <odoo_upgrade/core/uat_report.hpp>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;

std::string str(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

// "1 m 05 s", "12.5 s", "unknown"
std::string duration(const json& seconds) {
  if (!seconds.is_number()) {
    return "unknown";
  }
  double s = seconds.get<double>();
  std::ostringstream o;
  if (s < 60) {
    o << std::fixed << std::setprecision(1) << s << " s";
  } else {
    auto whole = static_cast<long long>(s + 0.5);
    o << whole / 60 << " min " << std::setw(2) << std::setfill('0') << whole % 60 << " s";
  }
  return o.str();
}

// "ok in 2.5 s (12 rows)"
std::string run_text(const json& run) {
  std::string t = str(run["result"]) + " in " + duration(run["seconds"]);
  if (run["rows"].is_number()) {
    t += " (" + str(run["rows"]) + " rows)";
  }
  if (!str(run["error"]).empty()) {
    t += ": " + str(run["error"]);
  }
  return t;
}

// "round 2" → "Round 2"
std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

// Prose in Markdown: HTML markup the reader's renderer would interpret is escaped (a title
// "<script>…" stays text), a line break becomes a space (it would end the list item or heading).
std::string md_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c == '<'    ? std::string("&lt;")
           : c == '>'  ? std::string("&gt;")
           : c == '&'  ? std::string("&amp;")
           : c == '\n' ? std::string(" ")
                       : std::string(1, c);
  }
  return out;
}

std::string md_text(const json& v) {
  return md_text(str(v));
}

// A table cell: prose, and its `|` escaped.
std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : md_text(text)) {
    out += c == '|' ? std::string("\\|") : std::string(1, c);
  }
  return out;
}

std::string fence_language(const json& step) {
  auto kind = str(step["kind"]);
  return kind == "sql" ? "sql" : kind == "odoo-shell" ? "python" : kind == "shell" ? "sh" : "";
}

void markdown_step(std::ostringstream& o, const json& s) {
  o << "### " << str(s["id"]) << ": " << md_text(s["title"])
    << (s["enabled"].get<bool>() ? "" : " (disabled)") << "\n\n";
  o << "- **Why:** " << md_text(s["why"]) << "\n";
  o << "- **When:** " << str(s["when"]) << "; **kind:** " << str(s["kind"])
    << (s["continue_on_error"].get<bool>() ? " (advisory: a failure does not stop the run)" : "")
    << "\n";
  o << "- **Introduced:** round " << s["introduced_round"].get<int>() << "; **sha256:** `"
    << str(s["sha256"]) << "`\n";
  for (const auto& run : s["runs"]) {
    o << "- " << capitalized(str(run["run"])) << ": " << md_text(run_text(run)) << "\n";
  }
  if (s["runs"].empty()) {
    o << "- Not run in any round yet\n";
  }
  const std::string content = str(s["content"]);
  const std::string fence = code_fence(content);
  o << "\n" << fence << fence_language(s) << "\n" << content;
  o << (content.empty() || content.back() == '\n' ? "" : "\n") << fence << "\n\n";
}

void markdown_golive(std::ostringstream& o, const json& doc) {
  o << "## Go-live order of operations\n\n| # | operation | what | estimated "
       "|\n|---|---|---|---|\n";
  int n = 1;
  for (const auto& g : doc["golive"]) {
    o << "| " << n++ << " | " << md_cell(str(g["operation"])) << " | " << md_cell(str(g["what"]))
      << " | " << duration(g["estimate_s"]) << " |\n";
  }
  o << "\nEstimated downtime: **" << duration(doc["estimate_s"]) << "**";
  if (!doc["unknown"].empty()) {
    o << " (without: ";
    for (std::size_t i = 0; i < doc["unknown"].size(); ++i) {
      o << (i ? ", " : "") << md_text(doc["unknown"][i]);
    }
    o << ")";
  }
  o << "\n";
}

std::string e(const json& v) {
  return uat::xml_escape(str(v));
}

void html_step(std::ostringstream& o, const json& s) {
  o << "<h3>" << e(s["id"]) << ": " << e(s["title"])
    << (s["enabled"].get<bool>() ? "" : " <span class=\"tag\">disabled</span>") << "</h3>\n";
  o << "<table class=\"meta\"><tr><td>Why</td><td>" << e(s["why"]) << "</td></tr><tr><td>When"
    << "</td><td>" << e(s["when"]) << "</td></tr><tr><td>Kind</td><td>" << e(s["kind"])
    << (s["continue_on_error"].get<bool>() ? " (advisory)" : "")
    << "</td></tr><tr><td>Introduced</td><td>round " << s["introduced_round"].get<int>()
    << "</td></tr><tr><td>sha256</td><td><code>" << e(s["sha256"]) << "</code></td></tr>";
  for (const auto& run : s["runs"]) {
    auto cls = str(run["result"]) == "ok" ? "s-passed" : "s-failed";
    o << "<tr><td>" << uat::xml_escape(capitalized(str(run["run"]))) << "</td><td class=\"" << cls
      << "\">" << uat::xml_escape(run_text(run)) << "</td></tr>";
  }
  o << "</table>\n<pre><code>" << e(s["content"]) << "</code></pre>\n";
}

void html_head(std::ostringstream& o, const json& doc) {
  std::string versions = "Odoo " + e(doc["source_version"]) + " &rarr; " + e(doc["target_version"]);
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Upgrade "
    << "runbook: " << e(doc["customer"]) << ", " << versions << "</title>\n<style>"
    << uat::report_css() << "</style>\n</head>\n<body>\n";
  o << "<h1>Upgrade runbook: " << e(doc["customer"]) << ", " << versions << "</h1>\n";
  o << "<p class=\"small\">Database " << e(doc["database"]) << ", generated "
    << e(doc["generated_at"]) << "</p>\n";
}

void html_modules(std::ostringstream& o, const json& doc) {
  o << "<h2>Third-party modules</h2>\n";
  if (doc["third_party_modules"].empty()) {
    o << "<p>None installed.</p>\n";
    return;
  }
  o << "<table><tr><th>module</th><th>version</th><th>author</th><th>handling</th></tr>\n";
  for (const auto& m : doc["third_party_modules"]) {
    o << "<tr><td><code>" << e(m["name"]) << "</code></td><td>" << e(m["version"]) << "</td><td>"
      << e(m["author"]) << "</td><td>" << e(m["handling"]) << "</td></tr>\n";
  }
  o << "</table>\n";
}

void html_golive(std::ostringstream& o, const json& doc) {
  o << "<h2>Go-live order of operations</h2>\n<table><tr><th>#</th><th>operation</th>"
    << "<th>what</th><th>estimated</th></tr>\n";
  int n = 1;
  for (const auto& g : doc["golive"]) {
    o << "<tr><td class=\"n\">" << n++ << "</td><td>" << e(g["operation"]) << "</td><td>"
      << e(g["what"]) << "</td><td class=\"n\">" << duration(g["estimate_s"]) << "</td></tr>\n";
  }
  o << "</table>\n<p>Estimated downtime: <b>" << duration(doc["estimate_s"]) << "</b>";
  for (std::size_t i = 0; i < doc["unknown"].size(); ++i) {
    o << (i ? ", " : " (without: ") << e(doc["unknown"][i]);
  }
  o << (doc["unknown"].empty() ? "" : ")") << "</p>\n";
}

} // namespace

std::string render_runbook_markdown(const json& doc) {
  std::ostringstream o;
  o << "# Upgrade runbook: " << md_text(doc["customer"]) << ", Odoo " << str(doc["source_version"])
    << " → " << str(doc["target_version"]) << "\n\n";
  o << "Database `" << str(doc["database"]) << "`, generated " << str(doc["generated_at"])
    << ".\n\n## Third-party modules\n\n";
  if (doc["third_party_modules"].empty()) {
    o << "None installed.\n";
  } else {
    o << "| module | version | author | handling |\n|---|---|---|---|\n";
    for (const auto& m : doc["third_party_modules"]) {
      o << "| `" << str(m["name"]) << "` | " << md_cell(str(m["version"])) << " | "
        << md_cell(str(m["author"])) << " | " << md_cell(str(m["handling"])) << " |\n";
    }
  }
  o << "\n## Steps\n\n";
  if (doc["steps"].empty()) {
    o << "The runbook has no steps.\n\n";
  }
  for (const auto& s : doc["steps"]) {
    markdown_step(o, s);
  }
  markdown_golive(o, doc);
  return o.str();
}

std::string render_runbook_html(const json& doc) {
  std::ostringstream o;
  html_head(o, doc);
  html_modules(o, doc);
  o << "<h2>Steps</h2>\n";
  if (doc["steps"].empty()) {
    o << "<p>The runbook has no steps.</p>\n";
  }
  for (const auto& s : doc["steps"]) {
    html_step(o, s);
  }
  html_golive(o, doc);
  o << "</body>\n</html>\n";
  return o.str();
}

std::string code_fence(const std::string& content) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

} // namespace odoo_upgrade::core
