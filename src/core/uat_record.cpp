#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <charconv>

namespace odoo_upgrade::core::uat {

namespace {

using json = nlohmann::json;

std::string element(const std::string& list, std::size_t i) {
  return list + "[" + std::to_string(i) + "]";
}

ChecklistItem item_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  ChecklistItem item;
  r.take("id", item.id);
  r.take("title", item.title);
  item.category = "custom";
  r.take("category", item.category);
  item.extra = r.rest();
  return item;
}

json to_json(const ChecklistItem& item) {
  json j = item.extra;
  j["id"] = item.id;
  j["title"] = item.title;
  j["category"] = item.category;
  return j;
}

Mark mark_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  Mark m;
  m.status = take_enum(r, "status", m.status, parse_mark_status, "a mark status");
  r.take("note", m.note);
  r.take("at", m.at);
  r.take("by", m.by);
  m.extra = r.rest();
  return m;
}

json to_json(const Mark& m) {
  json j = m.extra;
  j["status"] = std::string(to_string(m.status));
  j["note"] = m.note;
  j["at"] = m.at;
  j["by"] = m.by;
  return j;
}

RoundRecord round_from_json(const json& j, const std::string& where) {
  FieldReader r(j, where);
  RoundRecord round;
  json runs = take_array(r, "runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    round.runs.push_back(run_from_json(runs[i], element(r.path("runs"), i)));
  }
  const json marks = take_object(r, "marks");
  for (const auto& [id, mark] : marks.items()) {
    round.marks[id] = mark_from_json(mark, r.path("marks") + "." + id);
  }
  round.extra = r.rest();
  return round;
}

json to_json(const RoundRecord& round) {
  json j = round.extra;
  json runs = json::array();
  for (const auto& run : round.runs) {
    runs.push_back(to_json(run));
  }
  j["runs"] = runs;
  json marks = json::object();
  for (const auto& [id, mark] : round.marks) {
    marks[id] = to_json(mark);
  }
  j["marks"] = marks;
  return j;
}

int round_number(const std::string& key, const std::string& where) {
  int n = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
  if (ec != std::errc() || end != key.data() + key.size() || n <= 0) {
    invalid_field(where + "." + key, "is not a round number");
  }
  return n;
}

} // namespace

json to_json(const Signoff& s) {
  json j = s.extra;
  j["round"] = s.round;
  j["by"] = s.by;
  j["at"] = s.at;
  j["note"] = s.note;
  j["forced"] = s.forced;
  j["reason"] = s.reason;
  j["refusals_overridden"] = s.refusals_overridden;
  if (s.runbook) {
    j["runbook"] = to_json(*s.runbook);
  } else {
    j.erase("runbook");
  }
  return j;
}

Signoff signoff_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Signoff s;
  r.take("round", s.round);
  r.take("by", s.by);
  r.take("at", s.at);
  r.take("note", s.note);
  r.take("forced", s.forced);
  r.take("reason", s.reason);
  r.take("refusals_overridden", s.refusals_overridden);
  json approval;
  r.take_json("runbook", approval);
  if (!approval.is_null()) {
    s.runbook = approval_from_json(approval, r.path("runbook"));
  }
  s.extra = r.rest();
  return s;
}

json to_json(const RunRecord& run) {
  json j = run.extra;
  j["blocking"] = run.summary.blocking;
  j["warning"] = run.summary.warning;
  j["info"] = run.summary.info;
  j["errors"] = run.summary.errors;
  j["skipped"] = run.summary.skipped;
  j["go"] = run.summary.go();
  j["at"] = run.at;
  j["seconds"] = run.seconds;
  j["report_file"] = run.report_file;
  j["test_db"] = run.test_db;
  json checks = json::array();
  for (const auto& c : run.checks) {
    checks.push_back(to_json(c));
  }
  j["checks"] = checks;
  return j;
}

RunRecord run_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  RunRecord run;
  r.take("blocking", run.summary.blocking);
  r.take("warning", run.summary.warning);
  r.take("info", run.summary.info);
  r.take("errors", run.summary.errors);
  r.take("skipped", run.summary.skipped);
  bool go = false; // derived from the counts: read so that it is not kept as unknown
  r.take("go", go);
  r.take("at", run.at);
  r.take("seconds", run.seconds);
  r.take("report_file", run.report_file);
  r.take("test_db", run.test_db);
  json checks = take_array(r, "checks");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    run.checks.push_back(check_result_from_json(checks[i], element(r.path("checks"), i)));
  }
  run.extra = r.rest();
  return run;
}

CheckResult brief(const CheckResult& result) {
  CheckResult b = result;
  b.findings.clear();
  for (const auto& f : result.findings) {
    if (b.findings.size() < k_findings_in_project) {
      b.findings.push_back(f);
    } else if (f.severity != Severity::info) {
      Finding light = f;
      light.changes.clear();
      b.findings.push_back(std::move(light));
    } else {
      b.truncated = true;
    }
  }
  return b;
}

json to_json(const Acceptance& a) {
  json j = a.extra;
  j["id"] = a.id;
  j["check"] = a.check;
  j["digest"] = a.digest;
  j["reason"] = a.reason;
  j["by"] = a.by;
  j["at"] = a.at;
  j["round"] = a.round;
  j["severity"] = std::string(to_string(a.severity));
  j["message"] = a.message;
  return j;
}

Acceptance acceptance_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Acceptance a;
  r.take("id", a.id);
  r.take("check", a.check);
  r.take("digest", a.digest);
  r.take("reason", a.reason);
  r.take("by", a.by);
  r.take("at", a.at);
  r.take("round", a.round);
  a.severity = take_enum(r, "severity", a.severity, parse_severity, "a severity");
  r.take("message", a.message);
  a.extra = r.rest();
  return a;
}

void RoundRecord::add_run(RunRecord run) {
  runs.push_back(std::move(run));
  while (runs.size() > k_runs_kept) {
    runs.erase(runs.begin());
  }
}

std::vector<LatestResult> RoundRecord::latest_results(const std::vector<std::string>& check_ids,
                                                      const std::string& test_db,
                                                      const std::string& since) const {
  std::vector<LatestResult> out;
  for (const auto& id : check_ids) {
    LatestResult latest;
    // Newest first: the first valid run that ran the check holds its result.
    for (auto run = runs.rbegin(); run != runs.rend() && !latest.ran(); ++run) {
      if (run->test_db != test_db || (!since.empty() && run->at < since)) {
        continue;
      }
      for (const auto& c : run->checks) {
        if (c.id == id) {
          latest = {c, run->at, run->report_file};
          break;
        }
      }
    }
    if (!latest.ran()) {
      const auto* info = find_check(id);
      latest.result.id = id;
      latest.result.title = info != nullptr ? info->title : id;
      latest.result.severity = info != nullptr ? info->severity : Severity::blocking;
      latest.result.status = CheckStatus::error;
      latest.result.error = "not run on the current test database '" + test_db +
                            "' (run 'odoo-upgrade uat run --check " + id + "')";
    }
    out.push_back(std::move(latest));
  }
  return out;
}

std::vector<ChecklistItem> UatRecord::items() const {
  return checklist ? *checklist : default_checklist();
}

const RoundRecord& UatRecord::round(int number) const {
  static const RoundRecord k_untouched;
  auto it = rounds.find(number);
  return it == rounds.end() ? k_untouched : it->second;
}

std::vector<std::pair<ChecklistItem, Mark>> UatRecord::marked_items(int number) const {
  const auto& marks = round(number).marks;
  std::vector<std::pair<ChecklistItem, Mark>> out;
  for (auto& item : items()) {
    auto it = marks.find(item.id);
    out.emplace_back(item, it == marks.end() ? Mark{} : it->second);
  }
  return out;
}

const Acceptance* UatRecord::acceptance(const std::string& id) const {
  for (const auto& a : acceptances) {
    if (a.id == id) {
      return &a;
    }
  }
  return nullptr;
}

std::optional<Signoff> UatRecord::signoff_of(int number) const {
  if (!signoff || signoff->round != number) {
    return std::nullopt;
  }
  return signoff;
}

UatRecord uat_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  UatRecord u;
  json checklist;
  r.take_json("checklist", checklist);
  if (checklist.is_array()) {
    u.checklist.emplace();
    for (std::size_t i = 0; i < checklist.size(); ++i) {
      u.checklist->push_back(item_from_json(checklist[i], element(r.path("checklist"), i)));
    }
  } else if (!checklist.is_null()) {
    invalid_field(r.path("checklist"),
                  std::string("is not a list (") + checklist.type_name() + ")");
  }
  const json rounds = take_object(r, "rounds");
  for (const auto& [key, round] : rounds.items()) {
    u.rounds[round_number(key, r.path("rounds"))] =
        round_from_json(round, r.path("rounds") + "." + key);
  }
  json signoff;
  r.take_json("signoff", signoff);
  if (!signoff.is_null()) {
    u.signoff = signoff_from_json(signoff, r.path("signoff"));
  }
  json acceptances = take_array(r, "acceptances");
  for (std::size_t i = 0; i < acceptances.size(); ++i) {
    u.acceptances.push_back(
        acceptance_from_json(acceptances[i], element(r.path("acceptances"), i)));
  }
  u.extra = r.rest();
  return u;
}

json to_json(const UatRecord& u) {
  json j = u.extra;
  if (u.checklist) {
    json list = json::array();
    for (const auto& item : *u.checklist) {
      list.push_back(to_json(item));
    }
    j["checklist"] = list;
  }
  json rounds = json::object();
  for (const auto& [number, round] : u.rounds) {
    rounds[std::to_string(number)] = to_json(round);
  }
  j["rounds"] = rounds;
  if (u.signoff) {
    j["signoff"] = to_json(*u.signoff);
  }
  if (!u.acceptances.empty()) {
    json list = json::array();
    for (const auto& a : u.acceptances) {
      list.push_back(to_json(a));
    }
    j["acceptances"] = list;
  }
  return j;
}

UatRecord read_uat(const Project& project) {
  return find_uat(project).value_or(UatRecord{});
}

std::optional<UatRecord> find_uat(const Project& project) {
  const auto* section = project.find_section("uat");
  return section == nullptr ? std::nullopt : std::optional(uat_from_json(*section));
}

void write_uat(Project& project, const UatRecord& uat) {
  project.doc()["uat"] = to_json(uat);
}

} // namespace odoo_upgrade::core::uat
