#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/runbook.hpp>

#include <array>
#include <map>
#include <set>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<RunbookWhen, std::string_view>, 2> k_whens{{
    {RunbookWhen::before_upload, "before-upload"},
    {RunbookWhen::after_restore, "after-restore"},
}};

constexpr std::array<std::pair<RunbookKind, std::string_view>, 6> k_kinds{{
    {RunbookKind::sql, "sql"},
    {RunbookKind::odoo_shell, "odoo-shell"},
    {RunbookKind::update, "update"},
    {RunbookKind::install, "install"},
    {RunbookKind::uninstall, "uninstall"},
    {RunbookKind::shell, "shell"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) {
      return name;
    }
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) {
      return v;
    }
  }
  return std::nullopt;
}

RunbookStep step_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RunbookStep s;
  r.take("id", s.id);
  if (s.id.empty()) {
    invalid_field(r.path("id"), "is missing");
  }
  s.when = take_enum(r,
                     "when",
                     s.when,
                     parse_runbook_when,
                     "a runbook time (before-upload, "
                     "after-restore)");
  s.kind = take_enum(r, "kind", s.kind, parse_runbook_kind, "a runbook step kind");
  r.take("title", s.title);
  r.take("why", s.why);
  r.take("content", s.content);
  r.take("source_file", s.source_file);
  r.take("sha256", s.sha256);
  r.take("enabled", s.enabled);
  r.take("continue_on_error", s.continue_on_error);
  r.take("introduced_round", s.introduced_round);
  r.take("added_at", s.added_at);
  s.extra = r.rest();
  return s;
}

// "s2 'Reset the sequence' (after-restore)"
std::string describe(const RunbookStep& s) {
  return s.id + " '" + s.title + "' (" + std::string(to_string(s.when)) + ")";
}

// "s1, s3, s2"
std::string joined(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) {
    s += (s.empty() ? "" : ", ") + id;
  }
  return s;
}

} // namespace

std::string_view to_string(RunbookWhen when) {
  return name_of(k_whens, when);
}
std::optional<RunbookWhen> parse_runbook_when(std::string_view text) {
  return value_of(k_whens, text);
}
std::string_view to_string(RunbookKind kind) {
  return name_of(k_kinds, kind);
}
std::optional<RunbookKind> parse_runbook_kind(std::string_view text) {
  return value_of(k_kinds, text);
}

std::string canonical_text(const RunbookStep& step) {
  std::string text = "when: ";
  text += to_string(step.when);
  text += "\nkind: ";
  text += to_string(step.kind);
  text += "\ncontinue_on_error: ";
  text += step.continue_on_error ? "true" : "false";
  text += "\ncontent:\n";
  text += step.content;
  return text;
}

const RunbookStep* Runbook::find(std::string_view id) const {
  for (const auto& s : steps) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

RunbookStep* Runbook::find(std::string_view id) {
  return const_cast<RunbookStep*>(std::as_const(*this).find(id));
}

std::vector<RunbookStep> Runbook::enabled(RunbookWhen when) const {
  std::vector<RunbookStep> out;
  for (const auto& s : steps) {
    if (s.enabled && s.when == when) {
      out.push_back(s);
    }
  }
  return out;
}

Runbook runbook_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Runbook rb;
  r.take("next_id", rb.next_id);
  const json list = take_array(r, "steps");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto step = step_from_json(list[i], r.path("steps") + "[" + std::to_string(i) + "]");
    if (!ids.insert(step.id).second) {
      invalid_field(r.path("steps"), "holds step id '" + step.id + "' twice");
    }
    rb.steps.push_back(std::move(step));
  }
  rb.extra = r.rest();
  return rb;
}

json to_json(const RunbookStep& s) {
  json j = s.extra;
  j["id"] = s.id;
  j["when"] = to_string(s.when);
  j["kind"] = to_string(s.kind);
  j["title"] = s.title;
  j["why"] = s.why;
  j["content"] = s.content;
  if (s.source_file.empty()) {
    j.erase("source_file");
  } else {
    j["source_file"] = s.source_file;
  }
  j["sha256"] = s.sha256;
  j["enabled"] = s.enabled;
  j["continue_on_error"] = s.continue_on_error;
  j["introduced_round"] = s.introduced_round;
  j["added_at"] = s.added_at;
  return j;
}

json to_json(const Runbook& rb) {
  json j = rb.extra;
  j["next_id"] = rb.next_id;
  j["steps"] = json::array();
  for (const auto& s : rb.steps) {
    j["steps"].push_back(to_json(s));
  }
  return j;
}

Runbook read_runbook(const Project& project) {
  const auto it = project.doc().find("runbook");
  if (it == project.doc().end() || it->is_null()) {
    return {};
  }
  return runbook_from_json(*it);
}

void write_runbook(Project& project, const Runbook& runbook) {
  project.doc()["runbook"] = to_json(runbook);
}

json to_json(const RunbookStepResult& r) {
  json j = r.extra;
  j["step_id"] = r.step_id;
  j["sha256"] = r.sha256;
  j["title"] = r.title;
  j["when"] = to_string(r.when);
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["seconds"] = r.seconds;
  j["result"] = r.result;
  put_optional(j, "rows", r.rows);
  if (r.output_file.empty()) {
    j.erase("output_file");
  } else {
    j["output_file"] = r.output_file;
  }
  if (r.error.empty()) {
    j.erase("error");
  } else {
    j["error"] = r.error;
  }
  return j;
}

RunbookStepResult step_result_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RunbookStepResult out;
  r.take("step_id", out.step_id);
  r.take("sha256", out.sha256);
  r.take("title", out.title);
  out.when = take_enum(r, "when", out.when, parse_runbook_when, "a runbook time");
  r.take("started_at", out.started_at);
  r.take("finished_at", out.finished_at);
  r.take("seconds", out.seconds);
  r.take("result", out.result);
  r.take("rows", out.rows);
  r.take("output_file", out.output_file);
  r.take("error", out.error);
  out.extra = r.rest();
  return out;
}

std::vector<RunbookStepResult> step_results_from_json(const json& j, std::string_view where) {
  if (j.is_null()) {
    return {};
  }
  if (!j.is_array()) {
    invalid_field(where, std::string("is not a list (") + j.type_name() + ")");
  }
  std::vector<RunbookStepResult> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(step_result_from_json(j[i], std::string(where) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

json to_json(const std::vector<RunbookStepResult>& results) {
  json j = json::array();
  for (const auto& r : results) {
    j.push_back(to_json(r));
  }
  return j;
}

RunbookApproval approval_of(const Runbook& runbook) {
  RunbookApproval a;
  for (auto when : {RunbookWhen::before_upload, RunbookWhen::after_restore}) {
    for (const auto& s : runbook.enabled(when)) {
      a.steps.push_back({s.id, s.sha256});
    }
  }
  return a;
}

std::string pins_text(const std::vector<RunbookPin>& pins) {
  std::string text;
  for (const auto& p : pins) {
    text += p.step_id + ":" + p.sha256 + "\n";
  }
  return text;
}

json to_json(const RunbookApproval& a) {
  json steps = json::array();
  for (const auto& p : a.steps) {
    steps.push_back({{"step_id", p.step_id}, {"sha256", p.sha256}});
  }
  return {{"digest", a.digest}, {"steps", steps}};
}

RunbookApproval approval_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RunbookApproval a;
  r.take("digest", a.digest);
  const json list = take_array(r, "steps");
  for (std::size_t i = 0; i < list.size(); ++i) {
    FieldReader p(list[i], r.path("steps") + "[" + std::to_string(i) + "]");
    RunbookPin pin;
    p.take("step_id", pin.step_id);
    p.take("sha256", pin.sha256);
    a.steps.push_back(std::move(pin));
  }
  return a;
}

std::size_t completed_steps(const std::vector<RunbookStepResult>& results,
                            const std::vector<RunbookStep>& steps) {
  std::size_t n = 0;
  while (n < results.size() && n < steps.size() && results[n].result != "failed" &&
         results[n].step_id == steps[n].id && results[n].sha256 == steps[n].sha256) {
    ++n;
  }
  return n;
}

std::vector<std::string> approval_changes(const RunbookApproval& approved, const Runbook& now) {
  std::vector<std::string> out;
  const RunbookApproval current = approval_of(now);
  std::map<std::string, std::size_t> was;
  for (std::size_t i = 0; i < approved.steps.size(); ++i) {
    was[approved.steps[i].step_id] = i;
  }
  std::map<std::string, std::size_t> is;
  for (std::size_t i = 0; i < current.steps.size(); ++i) {
    is[current.steps[i].step_id] = i;
  }
  for (const auto& pin : current.steps) {
    const RunbookStep& step = *now.find(pin.step_id);
    const auto it = was.find(pin.step_id);
    if (it == was.end()) {
      out.push_back("added " + describe(step));
    } else if (approved.steps[it->second].sha256 != pin.sha256) {
      out.push_back("changed " + describe(step));
    }
  }
  for (const auto& pin : approved.steps) {
    if (is.contains(pin.step_id)) {
      continue;
    }
    const RunbookStep* step = now.find(pin.step_id);
    out.push_back(step != nullptr ? "disabled " + describe(*step) : "removed " + pin.step_id);
  }
  // Order of the steps both lists hold.
  std::vector<std::string> kept_then, kept_now;
  for (const auto& p : approved.steps) {
    if (is.contains(p.step_id)) {
      kept_then.push_back(p.step_id);
    }
  }
  for (const auto& p : current.steps) {
    if (was.contains(p.step_id)) {
      kept_now.push_back(p.step_id);
    }
  }
  if (kept_then != kept_now) {
    out.push_back("order changed: was " + joined(kept_then) + ", now " + joined(kept_now));
  }
  return out;
}

json to_json(const RunbookChangeAcceptance& a) {
  json j = a.extra;
  j["reason"] = a.reason;
  j["at"] = a.at;
  j["changes"] = a.changes;
  j["previous_digest"] = a.previous_digest;
  j["digest"] = a.digest;
  return j;
}

RunbookChangeAcceptance runbook_change_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RunbookChangeAcceptance a;
  r.take("reason", a.reason);
  r.take("at", a.at);
  r.take("changes", a.changes);
  r.take("previous_digest", a.previous_digest);
  r.take("digest", a.digest);
  a.extra = r.rest();
  return a;
}

} // namespace odoo_upgrade::core
