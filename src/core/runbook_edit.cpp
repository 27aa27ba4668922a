#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>

#include <algorithm>
#include <set>

namespace odoo_upgrade::core {

bool valid_module_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '_') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string module_list(std::string_view text, std::string_view option) {
  std::set<std::string> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = std::min(text.find(',', start), text.size());
    std::string name(text.substr(start, end - start));
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty() && !valid_module_name(name)) {
      throw UsageError("'" + name + "' given to --" + std::string(option) +
                           " is not an Odoo module's technical name",
                       "use the module's folder name, e.g. sale_custom (lower-case letters, "
                       "digits and '_'), comma separated");
    }
    if (!name.empty()) {
      names.insert(name);
    }
    start = end + 1;
  }
  if (names.empty()) {
    throw UsageError("--" + std::string(option) + " names no module",
                     "pass the modules' technical names, comma separated");
  }
  std::string list;
  for (const auto& n : names) {
    list += (list.empty() ? "" : ",") + n;
  }
  return list;
}

void check_step_time(RunbookKind kind, RunbookWhen when) {
  if (when == RunbookWhen::after_restore || kind == RunbookKind::sql ||
      kind == RunbookKind::shell) {
    return;
  }
  throw UsageError("a step of kind " + std::string(to_string(kind)) +
                       " cannot run before-upload (no Odoo of the production series runs "
                       "there)",
                   "use --when after-restore, or an --sql or --shell step before upload");
}

namespace {

std::vector<RunbookStep>::iterator step_at(Runbook& runbook, std::string_view id) {
  auto it = std::find_if(
      runbook.steps.begin(), runbook.steps.end(), [&](const auto& s) { return s.id == id; });
  if (it == runbook.steps.end()) {
    throw UsageError("no runbook step '" + std::string(id) + "'",
                     "see the step ids with 'odoo-upgrade runbook list'");
  }
  return it;
}

} // namespace

void move_step(Runbook& runbook, std::string_view id, Place place, std::string_view anchor) {
  if (id == anchor) {
    throw UsageError("runbook step '" + std::string(id) + "' cannot move next to itself",
                     "name another step with --before or --after");
  }
  auto moved = *step_at(runbook, id);
  auto other = *step_at(runbook, anchor);
  if (moved.when != other.when) {
    throw UsageError("step " + moved.id + " runs " + std::string(to_string(moved.when)) +
                         " and step " + other.id + " " + std::string(to_string(other.when)),
                     "a step moves among the steps of its own time");
  }
  runbook.steps.erase(step_at(runbook, id));
  auto at = step_at(runbook, anchor);
  runbook.steps.insert(place == Place::before ? at : at + 1, moved);
}

std::map<std::string, LastStepResult> last_step_results(const std::vector<RequestRecord>& rounds) {
  std::map<std::string, LastStepResult> last;
  for (const auto& round : rounds) {
    for (const auto& r : round.runbook) {
      last[r.step_id] = {round.number, r};
    }
  }
  return last;
}

void add_runbook_estimate(golive::DowntimeEstimate& estimate,
                          const Runbook& runbook,
                          const std::vector<RunbookStepResult>& ran) {
  double seconds = 0;
  double before_upload = 0;
  bool any = false;
  for (auto when : {RunbookWhen::before_upload, RunbookWhen::after_restore}) {
    for (const auto& step : runbook.enabled(when)) {
      any = true;
      auto it = std::find_if(ran.begin(), ran.end(), [&](const auto& r) {
        return r.step_id == step.id && r.sha256 == step.sha256;
      });
      if (it == ran.end()) {
        estimate.missing.push_back("runbook:" + step.id);
      } else {
        seconds += it->seconds;
        before_upload += when == RunbookWhen::before_upload ? it->seconds : 0;
      }
    }
  }
  // The round's dump_s includes its before-upload steps (they run between production's dump and
  // the dump sent): they count once, here.
  auto dump = std::find_if(estimate.parts.begin(), estimate.parts.end(), [](const auto& p) {
    return p.first == "dump_s";
  });
  if (dump != estimate.parts.end()) {
    double cut = std::min(before_upload, dump->second);
    dump->second -= cut;
    estimate.total_s -= cut;
    for (auto& hop : estimate.scaled) {
      hop.seconds -= hop.key == "dump_s" ? std::min(cut, hop.seconds) : 0;
    }
  }
  if (any) {
    estimate.parts.emplace_back("runbook_s", seconds);
    estimate.total_s += seconds;
  }
}

} // namespace odoo_upgrade::core
