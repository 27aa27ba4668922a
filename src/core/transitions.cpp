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
      {"freeze plan", {P::tested, P::signed_off}},  // tested: with --force --reason
      {"freeze apply", {P::tested, P::signed_off}}, // tested: with --force --reason
      {"freeze lift", {P::frozen, P::production_request, P::signed_off, P::tested}},
      {"prod-request", {P::frozen, P::production_request}},
      {"restore", {P::production_request}},
      {"restore rollback", {P::live, P::production_request}}, // also a half-done restore
      {"monitor", {P::live}},
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

std::string next_step(const Project& project) {
  switch (project.phase()) {
  case P::initiated:
    return "odoo-upgrade test-request";
  case P::testing:
    return "odoo-upgrade test-request (resumes the running round)";
  case P::tested:
    return "odoo-upgrade uat run";
  case P::signed_off:
    return "odoo-upgrade freeze plan --at DATETIME --go-live DATETIME";
  case P::frozen:
    return "odoo-upgrade prod-request";
  case P::production_request:
    return "odoo-upgrade restore";
  case P::live:
    return "odoo-upgrade monitor";
  }
  return "odoo-upgrade status";
}

} // namespace odoo_upgrade::core
