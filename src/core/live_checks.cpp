#include <odoo_upgrade/core/live_checks.hpp>

#include <algorithm>
#include <set>

namespace odoo_upgrade::core::live {

namespace {

using json = nlohmann::json;
using uat::CheckResult;
using uat::Finding;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The script's id of a live check ("pages" is listed by "pages-list").
std::string script_id(const std::string& id) {
  return id == "pages" ? "pages-list" : id;
}

const json* script_check(const json& doc, const std::string& id) {
  if (!doc.is_object() || !doc.contains("checks") || !doc["checks"].is_array()) {
    return nullptr;
  }
  for (const auto& c : doc["checks"]) {
    if (c.is_object() && text(c, "id") == script_id(id)) {
      return &c;
    }
  }
  return nullptr;
}

// What a finding of the script names: the view, report or model, with its xml id.
std::string finding_name(const json& f) {
  std::string name = text(f, "name");
  std::string xml_id = text(f, "xml_id");
  if (!xml_id.empty() && xml_id != name) {
    name += name.empty() ? xml_id : " (" + xml_id + ")";
  }
  return name;
}

Finding script_finding(const json& f, Severity severity) {
  Finding out;
  out.severity = severity;
  out.kind = text(f, "kind");
  out.model = text(f, "model");
  out.key = text(f, "xml_id").empty() ? text(f, "key") : text(f, "xml_id");
  out.name = finding_name(f);
  std::string error = text(f, "error");
  out.message = out.kind + " " + (out.name.empty() ? text(f, "key") : out.name) +
                (out.model.empty() ? "" : " [" + out.model + "]") + ": " + error;
  if (std::string detail = text(f, "detail"); !detail.empty()) {
    out.changes.push_back({"at", "", detail});
  }
  if (std::string parent = text(f, "inherit_xml_id"); !parent.empty()) {
    out.changes.push_back({"inherits", "", parent});
  }
  return out;
}

void add_list(const json& check, const char* list, Severity severity, CheckResult& result) {
  auto it = check.find(list);
  if (it == check.end() || !it->is_array()) {
    return;
  }
  for (const auto& f : *it) {
    if (!f.is_object()) {
      continue;
    }
    if (severity == Severity::info) {
      Finding skipped;
      skipped.severity = Severity::info;
      skipped.kind = "skipped";
      skipped.key = text(f, "key");
      skipped.message = "skipped " + skipped.key + ": " + text(f, "reason");
      result.add(std::move(skipped));
    } else {
      result.add(script_finding(f, severity));
    }
  }
}

void from_script(const json& check, CheckResult& result) {
  result.compared = check.value("ran", 0LL);
  result.seconds = check.value("seconds", 0.0);
  add_list(check, "failures", Severity::blocking, result);
  add_list(check, "warnings", Severity::warning, result);
  add_list(check, "skipped", Severity::info, result);
}

// Why the PDF reports were checked as HTML only, from Odoo's get_wkhtmltopdf_state().
std::string html_only_why(const std::string& state) {
  if (state == "install") {
    return "wkhtmltopdf is not installed where the target Odoo runs (Debian: apt-get install "
           "wkhtmltopdf)";
  }
  if (state == "upgrade") {
    return "the wkhtmltopdf the target Odoo finds is older than 0.12.0";
  }
  if (state == "workers") {
    return "the target Odoo runs with one worker, too few to print PDF";
  }
  return "the target Odoo reports wkhtmltopdf as '" + state + "'";
}

// reports-render's info finding on PDF: rendered as PDF too (how many), or HTML only and why.
void pdf_note(const json& check, CheckResult& result) {
  const json pdf = check.value("pdf", json::object());
  if (!pdf.is_object() || !pdf.contains("wkhtmltopdf")) {
    return;
  }
  Finding f;
  f.severity = Severity::info;
  f.kind = "pdf";
  f.key = "pdf";
  std::string state = text(pdf, "wkhtmltopdf");
  if (pdf.value("rendered", false)) {
    f.message = "PDF reports also rendered as PDF with wkhtmltopdf (" +
                std::to_string(pdf.value("count", 0)) + " rendered)";
  } else {
    f.message = "PDF reports checked as HTML only: " + html_only_why(state);
  }
  result.add(std::move(f));
}

Finding page_finding(const PageTarget& page, Severity severity, std::string message) {
  Finding f;
  f.severity = severity;
  f.kind = severity == Severity::blocking ? "page-error" : "page-missing";
  f.model = "website.page";
  f.key = page.key;
  f.name = page.name;
  f.message = std::move(message);
  return f;
}

// The fetched pages (5xx or no answer: blocking) and production's published pages that the test
// database does not list (warning).
void pages_result(const json& check,
                  const std::vector<PageFetch>& fetched,
                  const std::vector<std::string>& production_pages,
                  CheckResult& result) {
  from_script(check, result);
  result.compared = static_cast<long long>(fetched.size());
  std::set<std::string> listed;
  for (const auto& p : fetched) {
    listed.insert(p.page.url);
    if (p.status == 0) {
      result.add(page_finding(
          p.page, Severity::blocking, "page " + p.page.url + " does not answer: " + p.error));
    } else if (p.status >= 500) {
      result.add(page_finding(p.page,
                              Severity::blocking,
                              "page " + p.page.url + " answers " + std::to_string(p.status)));
    }
  }
  for (const auto& url : production_pages) {
    if (listed.count(url) == 0) {
      PageTarget missing{url, url, "page:" + url};
      result.add(page_finding(missing,
                              Severity::warning,
                              "page " + url +
                                  " is published in production, not in the test "
                                  "database"));
    }
  }
}

} // namespace

const std::vector<uat::CheckInfo>& live_check_catalogue() {
  static const std::vector<uat::CheckInfo> k_checks = {
      {"views-render",
       "Views of every window action load in the target Odoo",
       Severity::blocking,
       "get_views of every window action's views for the main user; a failure names the view, its "
       "xml id and the error."},
      {"reports-render",
       "Reports render in the target Odoo",
       Severity::blocking,
       "Every report action rendered (HTML) on one real record of its model."},
      {"pages",
       "Website pages and menus answer in the target Odoo",
       Severity::blocking,
       "Every published page and internal menu URL fetched from the target Odoo's HTTP server; "
       "compared with production's published pages."},
      {"records",
       "Records of the main models can be created, written and deleted",
       Severity::blocking,
       "Create, write and unlink one record of each installed main model with default values "
       "(rolled back)."},
      {"export",
       "Data of the main models can be exported",
       Severity::blocking,
       "export_data of the default export fields of each installed main model."},
  };
  return k_checks;
}

bool is_live_check(std::string_view id) {
  const auto& all = live_check_catalogue();
  return std::any_of(all.begin(), all.end(), [&](const auto& c) { return c.id == id; });
}

std::vector<std::string> selected_live_checks(const std::vector<std::string>& only) {
  std::vector<std::string> out;
  for (const auto& c : live_check_catalogue()) {
    if (only.empty() || std::find(only.begin(), only.end(), c.id) != only.end()) {
      out.push_back(c.id);
    }
  }
  return out;
}

std::vector<CheckResult> skipped_results(const std::vector<std::string>& ids,
                                         const std::string& why) {
  return gated_results(ids, {uat::CheckStatus::skipped, why});
}

std::optional<LiveGate>
live_gate(bool configured, const std::vector<std::pair<std::string, std::string>>& transient) {
  if (!configured) {
    return LiveGate{uat::CheckStatus::skipped,
                    "no target Odoo configured (configure one: odoo-upgrade config --odoo-bin "
                    "PATH --addons-path DIR)"};
  }
  if (transient.empty()) {
    return std::nullopt;
  }
  std::string modules;
  for (const auto& [name, state] : transient) {
    modules += (modules.empty() ? "" : ", ") + name + " (" + state + ")";
  }
  return LiveGate{uat::CheckStatus::error,
                  "the test database has modules left mid-update: " + modules +
                      "; any Odoo process would finish that update and commit it (re-run "
                      "'odoo-upgrade test-request' to update them, then uat run)"};
}

std::vector<CheckResult> gated_results(const std::vector<std::string>& ids, const LiveGate& gate) {
  std::vector<CheckResult> out;
  for (const auto& info : live_check_catalogue()) {
    if (std::find(ids.begin(), ids.end(), info.id) == ids.end()) {
      continue;
    }
    CheckResult r;
    r.id = info.id;
    r.title = info.title;
    r.severity = info.severity;
    r.status = gate.status;
    r.error = gate.why;
    out.push_back(std::move(r));
  }
  return out;
}

std::string plan_line(const std::vector<std::string>& ids,
                      const std::optional<LiveGate>& gate,
                      const std::string& how,
                      const std::string& test_db) {
  if (ids.empty()) {
    return "";
  }
  std::string list;
  for (const auto& id : ids) {
    list += (list.empty() ? "" : ", ") + id;
  }
  if (!gate) {
    return "run the live checks " + list + " through the target Odoo (" + how + ") on '" + test_db +
           "', in one transaction rolled back";
  }
  bool skipped = gate->status == uat::CheckStatus::skipped;
  return (skipped ? "skip the live checks " : "not run the live checks ") + list + ": " + gate->why;
}

json script_parameters(const std::vector<std::string>& ids, const std::string& login) {
  json checks = json::array();
  for (const auto& id : ids) {
    checks.push_back(script_id(id));
  }
  json params = {{"checks", checks}, {"pdf", true}};
  if (!login.empty()) {
    params["login"] = login;
  }
  return params;
}

std::vector<PageTarget> pages_to_fetch(const json& doc) {
  std::vector<PageTarget> out;
  const json* check = script_check(doc, "pages");
  if (check == nullptr || !check->contains("websites") || !(*check)["websites"].is_array()) {
    return out;
  }
  std::set<std::string> seen;
  auto add = [&](const json& entry) {
    std::string url = text(entry, "url");
    if (url.empty() || url.front() != '/' || url.rfind("//", 0) == 0 || !seen.insert(url).second) {
      return;
    }
    out.push_back({url, text(entry, "name"), "page:" + url});
  };
  for (const auto& w : (*check)["websites"]) {
    for (const auto& p : w.value("pages", json::array())) {
      add(p);
    }
    for (const auto& m : w.value("menus", json::array())) {
      if (!m.value("external", false)) {
        add(m);
      }
    }
  }
  return out;
}

std::vector<CheckResult> live_results(const std::vector<std::string>& ids,
                                      const json& doc,
                                      const std::string& failure,
                                      const std::vector<PageFetch>& fetched,
                                      const std::vector<std::string>& production_pages) {
  std::vector<CheckResult> out;
  std::string doc_error = doc.is_object() ? text(doc, "error") : std::string();
  for (const auto& info : live_check_catalogue()) {
    if (std::find(ids.begin(), ids.end(), info.id) == ids.end()) {
      continue;
    }
    CheckResult r;
    r.id = info.id;
    r.title = info.title;
    r.severity = info.severity;
    const json* check = script_check(doc, info.id);
    if (check == nullptr) {
      r.status = uat::CheckStatus::error;
      r.error = !failure.empty()     ? failure
                : !doc_error.empty() ? "the live checks failed: " + doc_error
                                     : "the live checks gave no result for " + info.id;
    } else if (info.id == "pages") {
      pages_result(*check, fetched, production_pages, r);
    } else {
      from_script(*check, r);
      if (info.id == "reports-render") {
        pdf_note(*check, r);
      }
    }
    r.finish();
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace odoo_upgrade::core::live
