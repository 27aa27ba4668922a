#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>

namespace odoo_upgrade::commands::uat_state {

namespace {

const nlohmann::json* uat_section(const core::Project& project) {
  const auto* uat = project.find_section("uat");
  return uat != nullptr && uat->is_object() ? uat : nullptr;
}

const nlohmann::json* round_state_const(const core::Project& project, int round) {
  const auto* uat = uat_section(project);
  if (uat == nullptr || !uat->contains("rounds")) {
    return nullptr;
  }
  const auto& rounds = (*uat)["rounds"];
  auto it = rounds.find(std::to_string(round));
  return it == rounds.end() ? nullptr : &*it;
}

} // namespace

RoundRef current_round(const core::Project& project) {
  const auto* round = project.latest_round();
  if (round == nullptr) {
    throw core::PreconditionError("project '" + project.customer() + "' has no test round yet",
                                  "run 'odoo-upgrade test-request' first");
  }
  RoundRef ref;
  ref.number = round->value("number", 0);
  ref.state = round->value("state", "");
  auto db = round->find("test_db");
  if (db != round->end() && db->is_string()) {
    ref.test_db = db->get<std::string>();
  }
  return ref;
}

std::vector<core::uat::ChecklistItem> checklist(const core::Project& project) {
  const auto* uat = uat_section(project);
  if (uat == nullptr || !uat->contains("checklist") || !(*uat)["checklist"].is_array()) {
    return core::uat::default_checklist();
  }
  std::vector<core::uat::ChecklistItem> items;
  for (const auto& i : (*uat)["checklist"]) {
    items.push_back({i.value("id", ""), i.value("title", ""), i.value("category", "custom")});
  }
  return items;
}

std::map<std::string, core::uat::Mark> marks(const core::Project& project, int round) {
  std::map<std::string, core::uat::Mark> out;
  const auto* rs = round_state_const(project, round);
  if (rs == nullptr || !rs->contains("marks")) {
    return out;
  }
  for (const auto& [id, m] : (*rs)["marks"].items()) {
    core::uat::Mark mark;
    mark.status = core::uat::parse_mark_status(m.value("status", "unmarked"))
                      .value_or(core::uat::MarkStatus::unmarked);
    mark.note = m.value("note", "");
    mark.at = m.value("at", "");
    mark.by = m.value("by", "");
    out[id] = mark;
  }
  return out;
}

std::vector<std::pair<core::uat::ChecklistItem, core::uat::Mark>>
marked_items(const core::Project& project, int round) {
  auto m = marks(project, round);
  std::vector<std::pair<core::uat::ChecklistItem, core::uat::Mark>> out;
  for (auto& item : checklist(project)) {
    auto it = m.find(item.id);
    out.emplace_back(item, it == m.end() ? core::uat::Mark{} : it->second);
  }
  return out;
}

nlohmann::json& round_state(core::Project& project, int round) {
  auto& uat = project.section("uat");
  if (!uat.contains("rounds") || !uat["rounds"].is_object()) {
    uat["rounds"] = nlohmann::json::object();
  }
  auto& rs = uat["rounds"][std::to_string(round)];
  if (!rs.is_object()) {
    rs = nlohmann::json::object();
  }
  return rs;
}

const nlohmann::json* latest_run(const core::Project& project, int round) {
  const auto* rs = round_state_const(project, round);
  if (rs == nullptr || !rs->contains("runs") || !(*rs)["runs"].is_array() ||
      (*rs)["runs"].empty()) {
    return nullptr;
  }
  return &(*rs)["runs"].back();
}

core::uat::RunSummary run_summary(const nlohmann::json& run) {
  core::uat::RunSummary s;
  s.blocking = run.value("blocking", 0LL);
  s.warning = run.value("warning", 0LL);
  s.info = run.value("info", 0LL);
  s.errors = run.value("errors", 0LL);
  return s;
}

std::optional<core::uat::Signoff> signoff_for(const core::Project& project, int round) {
  const auto* uat = uat_section(project);
  if (uat == nullptr || !uat->contains("signoff") || !(*uat)["signoff"].is_object()) {
    return std::nullopt;
  }
  auto s = core::uat::signoff_from_json((*uat)["signoff"]);
  if (s.round != round) {
    return std::nullopt;
  }
  return s;
}

core::uat::Report build_report(const core::Project& project, const std::string& now) {
  auto round = current_round(project);
  core::uat::Report r;
  r.customer = project.customer();
  r.round = round.number;
  const auto* source = project.find_section("source");
  r.production_db = source != nullptr ? source->value("dbname", "") : "";
  r.production_version = project.source_version();
  r.test_db = round.test_db;
  r.test_version = project.target_version();
  r.generated_at = now;
  r.items = marked_items(project, round.number);
  r.signoff = signoff_for(project, round.number);
  const auto* run = latest_run(project, round.number);
  if (run == nullptr) {
    return r;
  }
  r.has_run = true;
  r.run_at = run->value("at", "");
  r.run_seconds = run->value("seconds", 0.0);
  // The full findings are in the run's report file; the project keeps per-check counts only.
  std::string file = run->value("report_file", "");
  nlohmann::json full;
  if (!file.empty()) {
    try {
      full = nlohmann::json::parse(adapters::fs::read_file(file));
    } catch (const std::exception& e) {
      spdlog::warn(
          "uat: cannot read report file '{}' ({}); showing the summary only", file, e.what());
    }
  }
  if (full.is_object() && full.contains("checks")) {
    r.production_version = full["production"].value("version", r.production_version);
    r.test_version = full["test"].value("version", r.test_version);
    for (const auto& c : full["checks"]) {
      r.checks.push_back(core::uat::check_result_from_json(c));
    }
  } else if (run->contains("checks")) {
    for (const auto& c : (*run)["checks"]) {
      r.checks.push_back(core::uat::check_result_from_json(c));
    }
  }
  return r;
}

} // namespace odoo_upgrade::commands::uat_state
