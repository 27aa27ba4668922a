#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <algorithm>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using P = Phase;

// action → phases it may start from. A new test round may start until the production freeze;
// it invalidates an earlier sign-off (the sign-off belongs to one round).
const std::vector<std::pair<std::string_view, std::vector<Phase>>>& table() {
  static const std::vector<std::pair<std::string_view, std::vector<Phase>>> k_table = {
      {"test-request", {P::initiated, P::testing, P::tested, P::signed_off}},
      {"uat run", {P::tested, P::signed_off}},
      {"uat mark", {P::tested, P::signed_off}},
      {"uat signoff", {P::tested, P::signed_off}},
      {"uat accept", {P::tested, P::signed_off}},
      {"freeze plan", {P::tested, P::signed_off}},  // tested: with --force --reason
      {"freeze apply", {P::tested, P::signed_off}}, // tested: with --force --reason
      {"freeze lift", {P::frozen, P::production_request, P::signed_off, P::tested}},
      {"prod-request", {P::frozen, P::production_request}},
      {"restore", {P::production_request}},
      {"restore rollback", {P::live, P::production_request}}, // also a half-done restore
      {"monitor", {P::live}},
      // The runbook is edited while rounds test it; after the freeze an edit is a change since the
      // sign-off (prod-request refuses it unless accepted); once production is sent, it is history.
      {"runbook edit", {P::initiated, P::testing, P::tested, P::signed_off, P::frozen}},
  };
  return k_table;
}

} // namespace

std::vector<Phase> allowed_phases(std::string_view action) {
  for (const auto& [name, phases] : table()) {
    if (name == action) {
      return phases;
    }
  }
  return {};
}

void require_phase(const Project& project, std::string_view action) {
  auto phases = allowed_phases(action);
  if (std::find(phases.begin(), phases.end(), project.phase()) != phases.end()) {
    return;
  }
  std::string allowed;
  for (auto p : phases) {
    allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(p));
  }
  throw PreconditionError("'" + std::string(action) + "' cannot run in phase '" +
                              std::string(to_string(project.phase())) + "' (allowed: " + allowed +
                              ")",
                          "next: " + next_step(project));
}

namespace {

// Before the freeze is applied, the go-live window decides the step: plan it, apply the plan, or
// finish an apply that stopped half-way. `plan_step` is the step when no plan waits to be applied.
std::string freeze_step(const Project& project, std::string plan_step) {
  FreezeRecord freeze = read_freeze(project);
  if (freeze.state == FreezeState::applying) {
    return "odoo-upgrade freeze apply (finishes the interrupted apply; or freeze lift)";
  }
  bool waiting_plan = freeze.plan && (freeze.state == FreezeState::none ||
                                      freeze.state == FreezeState::not_applied);
  if (!waiting_plan) {
    return plan_step;
  }
  std::string step = "odoo-upgrade freeze apply";
  if (freeze.plan->forced) {
    step += " --force --reason TEXT";
  }
  return step + " (planned for " + freeze.plan->at + ")";
}

} // namespace

std::string next_step(const Project& project) {
  switch (project.phase()) {
  case P::initiated:
    return "odoo-upgrade test-request";
  case P::testing:
    return "odoo-upgrade test-request (resumes the running round)";
  case P::tested:
    return freeze_step(project, "odoo-upgrade uat run");
  case P::signed_off:
    return freeze_step(project, "odoo-upgrade freeze plan --at DATETIME --go-live DATETIME");
  case P::frozen:
    return "odoo-upgrade prod-request";
  case P::production_request: {
    // An unfinished production request (interrupted, a database error while dumping…) resumes
    // first: there is nothing to restore yet.
    auto prod = read_production(project);
    if (prod && prod->request.state != RequestState::downloaded) {
      return "odoo-upgrade prod-request (resumes production request " +
             std::to_string(prod->request.number) + ", state " +
             std::string(to_string(prod->request.state)) + ")";
    }
    return "odoo-upgrade restore";
  }
  case P::live:
    return "odoo-upgrade monitor";
  }
  return "odoo-upgrade status";
}

Phase phase_after_freeze(Project& project) {
  project.set_phase(P::frozen);
  return P::frozen;
}

Phase phase_after_lift(Project& project, const FreezeRecord& freeze) {
  Phase p = freeze.phase_before.value_or(P::signed_off);
  project.set_phase(p);
  return p;
}

Phase phase_after_rollback(Project& project, const FreezeRecord& freeze, KeepFrozen keep) {
  if (keep == KeepFrozen::yes) {
    project.set_phase(P::production_request);
    return P::production_request;
  }
  return phase_after_lift(project, freeze);
}

Phase phase_after_golive(Project& project) {
  project.set_phase(P::live);
  return P::live;
}

Phase phase_after_round_started(Project& project) {
  project.set_phase(P::testing);
  return P::testing;
}

Phase phase_after_round_tested(Project& project) {
  project.set_phase(P::tested);
  return P::tested;
}

Phase phase_after_failed_round(Project& project) {
  auto rounds = read_rounds(project);
  bool earlier_tested = std::any_of(
      rounds.begin(), rounds.end(), [](const auto& r) { return r.state == RequestState::tested; });
  Phase p = earlier_tested ? P::tested : P::initiated;
  project.set_phase(p);
  return p;
}

Phase phase_after_production_request_started(Project& project) {
  project.set_phase(P::production_request);
  return P::production_request;
}

Phase phase_after_failed_production_request(Project& project) {
  project.set_phase(P::frozen);
  return P::frozen;
}

Phase phase_after_signoff(Project& project) {
  project.set_phase(P::signed_off);
  return P::signed_off;
}

} // namespace odoo_upgrade::core
