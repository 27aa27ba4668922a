// `uat accept`: the customer accepts a known difference, so that it no longer blocks the verdict
// while it stays the same; `--list` shows the acceptances, `--revoke` withdraws one.
#include "state.hpp"

#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <algorithm>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

// Where an acceptance stands against the current round's latest results.
std::string standing(const core::uat::Acceptance& a,
                     const std::vector<core::uat::LatestResult>& latest) {
  for (const auto& l : latest) {
    for (const auto& f : l.result.findings) {
      if (f.id == a.id) {
        return f.digest == a.digest ? "in force" : "lapsed (the finding changed)";
      }
    }
  }
  return "not among the current findings";
}

int list_acceptances(Context& ctx) {
  // Read-only: no lock, the project file is only read.
  auto session = open_project(ctx, "", Lock::none);
  auto round = uat_state::current_round(session.project());
  auto uat = core::uat::read_uat(session.project());
  auto latest = uat_state::latest_results(uat, round);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : uat.acceptances) {
    auto doc = core::uat::to_json(a);
    doc["standing"] = standing(a, latest);
    list.push_back(doc);
  }
  ctx.out.result({{"round", round.number}, {"acceptances", list}}, [&](std::ostream& os) {
    if (uat.acceptances.empty()) {
      os << "no accepted finding\n";
    }
    for (const auto& a : uat.acceptances) {
      os << a.id << "  " << core::to_string(a.severity) << "  " << standing(a, latest) << "\n"
         << "    " << a.message << "\n"
         << "    accepted by " << a.by << " on " << a.at << " (round " << a.round
         << "): " << a.reason << "\n";
    }
  });
  return 0;
}

int revoke_acceptance(const std::string& id, Context& ctx) {
  auto session = open_project(ctx, "uat accept", Lock::take);
  auto uat = core::uat::read_uat(session.project());
  const auto* a = uat.acceptance(id);
  if (a == nullptr) {
    throw core::UsageError("finding '" + id + "' is not accepted",
                           "see 'odoo-upgrade uat accept --list'");
  }
  auto revoked = *a;
  if (ctx.options.dry_run) {
    return print_plan(ctx,
                      "uat accept would:",
                      {"revoke the acceptance of '" + id + "': it blocks again if blocking"});
  }
  // Withdrawn: the finding counts again from now on.
  session.edit([&](core::Project& project) {
    std::erase_if(uat.acceptances, [&](const auto& x) { return x.id == id; });
    core::uat::write_uat(project, uat);
    ctx.record(project,
               "uat accept",
               "revoked",
               {{"id", id}, {"check", revoked.check}, {"reason", revoked.reason}});
  });
  ctx.out.result({{"revoked", core::uat::to_json(revoked)}}, [&](std::ostream& os) {
    os << "acceptance of '" << id << "' revoked: the finding counts again\n";
  });
  return 0;
}

// The finding `id` among the current round's latest results; UsageError when there is none or it
// is only info.
core::uat::Acceptance acceptance_for(const std::vector<core::uat::LatestResult>& latest,
                                     const std::string& id,
                                     int round) {
  for (const auto& l : latest) {
    for (const auto& f : l.result.findings) {
      if (f.id != id) {
        continue;
      }
      if (!core::uat::is_problem(f)) {
        throw core::UsageError("finding '" + id + "' is info: nothing to accept",
                               "only warnings and blocking findings are accepted");
      }
      core::uat::Acceptance a;
      a.id = id;
      a.check = l.result.id;
      a.digest = f.digest;
      a.round = round;
      a.severity = f.severity;
      a.message = f.message;
      return a;
    }
  }
  throw core::UsageError("unknown finding '" + id + "' in round " + std::to_string(round),
                         "the ids are shown by 'odoo-upgrade uat run' and 'uat report'");
}

} // namespace

int run_uat_accept(const UatAcceptOptions& options, Context& ctx) {
  if (options.list) {
    return list_acceptances(ctx);
  }
  if (!options.revoke.empty()) {
    return revoke_acceptance(options.revoke, ctx);
  }
  // Bad input changes nothing.
  if (options.id.empty()) {
    throw core::UsageError("which finding?", "uat accept FINDING_ID --reason TEXT --by NAME");
  }
  if (uat_state::blank(options.reason) || uat_state::blank(options.by)) {
    throw core::UsageError("an acceptance needs --reason and --by",
                           "say why the difference is accepted and who accepts it");
  }
  auto session = open_project(ctx, "uat accept", Lock::take);
  auto round = uat_state::current_round(session.project());
  auto uat = core::uat::read_uat(session.project());
  auto a = acceptance_for(uat_state::latest_results(uat, round), options.id, round.number);
  a.reason = options.reason;
  a.by = options.by;
  a.at = core::iso8601_utc(ctx.clock.now());
  if (ctx.options.dry_run) {
    return print_plan(ctx,
                      "uat accept would:",
                      {"accept '" + a.id + "' (" + a.message + ") for " + a.by + ": " + a.reason});
  }
  // Recorded with its digest: it applies while the finding stays as it is now.
  session.edit([&](core::Project& project) {
    std::erase_if(uat.acceptances, [&](const auto& x) { return x.id == a.id; });
    uat.acceptances.push_back(a);
    core::uat::write_uat(project, uat);
    ctx.record(project,
               "uat accept",
               "accepted",
               {{"id", a.id},
                {"check", a.check},
                {"digest", a.digest},
                {"round", a.round},
                {"by", a.by},
                {"reason", a.reason}});
  });
  ctx.out.result({{"accepted", core::uat::to_json(a)}}, [&](std::ostream& os) {
    os << "accepted '" << a.id << "' (" << a.message << ") by " << a.by
       << ": it no longer blocks while it stays the same\n";
  });
  return 0;
}

} // namespace odoo_upgrade::commands
