// `uat list`, `uat mark`, `uat add`, `uat signoff`: the manual checklist and the sign-off.
#include "../golive/golive_common.hpp"
#include "state.hpp"

#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/transitions.hpp>
#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using core::Severity;
using core::uat::MarkStatus;

nlohmann::json mark_json(const core::uat::Mark& mark) {
  return {{"status", core::uat::to_string(mark.status)},
          {"note", mark.note},
          {"at", mark.at},
          {"by", mark.by}};
}

nlohmann::json
items_json(const std::vector<std::pair<core::uat::ChecklistItem, core::uat::Mark>>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [item, mark] : items) {
    nlohmann::json j = {{"id", item.id}, {"title", item.title}, {"category", item.category}};
    j.update(mark_json(mark));
    out.push_back(j);
  }
  return out;
}

// "new", "still there" or "" for a problem, as compared with the previous round.
std::string since_label(const core::uat::Finding& f) {
  return f.since == "still" ? "still there" : f.since;
}

// The problems (warnings and blocking findings) of the round's latest results, each with its
// iteration state and acceptance, as `uat run` and `uat report` show them.
nlohmann::json findings_json(const core::uat::Report& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : report.checks) {
    for (const auto& f : r.findings) {
      if (f.severity == Severity::info) {
        continue;
      }
      nlohmann::json j = {{"check", r.id},
                          {"id", f.id},
                          {"severity", core::to_string(f.severity)},
                          {"since", f.since.empty() ? nlohmann::json() : nlohmann::json(f.since)},
                          {"message", f.message},
                          {"accepted", f.is_accepted()},
                          {"acceptance_lapsed", f.accepted && f.accepted->lapsed}};
      if (f.accepted) {
        j["acceptance"] = {{"by", f.accepted->by}, {"reason", f.accepted->reason}};
      }
      out.push_back(std::move(j));
    }
  }
  return out;
}

nlohmann::json iteration_json(const core::uat::RoundChanges& changes) {
  nlohmann::json fixed = nlohmann::json::array();
  for (const auto& [check, f] : changes.fixed_findings) {
    fixed.push_back({{"check", check}, {"id", f.id}, {"message", f.message}});
  }
  return {{"previous_round", changes.previous_round},
          {"fixed", changes.fixed},
          {"new", changes.added},
          {"still", changes.still},
          {"line", core::uat::changes_line(changes)},
          {"fixed_findings", fixed}};
}

// The latest result of every check as the round's verdict sees it: each problem with its state
// against the previous round and its acceptance, the findings fixed since, the iteration line.
void print_findings(std::ostream& os, const Output& out, const core::uat::Report& report) {
  if (!report.has_run) {
    return;
  }
  os << "\nfindings (latest result of every check):\n";
  for (const auto& r : report.checks) {
    for (const auto& f : r.findings) {
      if (f.severity == Severity::info) {
        continue;
      }
      std::string since = since_label(f);
      os << "  " << core::to_string(f.severity) << " [" << f.id
         << (since.empty() ? "" : ", " + since) << "]: " << f.message << "\n";
      if (f.accepted) {
        os << "      "
           << (f.accepted->lapsed ? "acceptance lapsed (changed since): " : "accepted: ")
           << f.accepted->reason << " (" << f.accepted->by << ")\n";
      }
    }
  }
  for (const auto& [check, f] : report.changes.fixed_findings) {
    os << "  " << out.green("fixed") << " [" << f.id << "] " << check << ": " << f.message << "\n";
  }
  os << "iteration: " << core::uat::changes_line(report.changes) << "\n";
  os << "round " << report.round
     << " verdict: " << (core::uat::report_go(report) ? out.green("GO") : out.red("NO-GO")) << "\n";
}

void print_list(std::ostream& os, const Output& out, int round, const core::uat::UatRecord& uat) {
  os << out.bold("UAT checklist, round " + std::to_string(round)) << "\n";
  for (const auto& [item, mark] : uat.marked_items(round)) {
    std::string status(core::uat::to_string(mark.status));
    status = mark.status == MarkStatus::fail   ? out.red(status)
             : mark.status == MarkStatus::pass ? out.green(status)
                                               : status;
    os << "  " << std::left << std::setw(20) << item.id << std::right << " " << status << "  "
       << item.title << (mark.note.empty() ? "" : " — " + mark.note) << "\n";
  }
  const auto& record = uat.round(round);
  if (const auto* run = record.latest_run()) {
    os << "\nlatest automated run: " << run->at << ": " << run->summary.blocking << " blocking, "
       << run->summary.warning << " warning, " << run->summary.info << " info\n";
  } else {
    os << "\nno automated run yet for this round (odoo-upgrade uat run)\n";
  }
  if (auto signoff = uat.signoff_of(round)) {
    os << "signed off by " << signoff->by << " at " << signoff->at << "\n";
  }
}

// Why the sign-off of `round` must be refused (empty: it may go ahead): the latest result of every
// check on the round's current test database, and the marks of this round.
std::vector<std::string> signoff_refusals(const core::uat::UatRecord& uat,
                                          const uat_state::RoundRef& round) {
  core::uat::SignoffFacts facts;
  facts.round = round.number;
  std::vector<core::uat::CheckResult> ran;
  for (auto& latest : uat_state::latest_results(uat, round)) {
    if (latest.ran()) {
      ran.push_back(std::move(latest.result));
    } else {
      facts.not_run.push_back(latest.result.id);
    }
  }
  facts.has_run = !ran.empty();
  facts.latest_run = core::uat::summarize(ran);
  facts.items = uat.marked_items(round.number);
  return core::uat::signoff_refusals(facts);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts) {
    all += (all.empty() ? "" : "; ") + p;
  }
  return all;
}

std::string approved_text(const core::RunbookApproval& approval) {
  auto n = approval.steps.size();
  return std::to_string(n) + (n == 1 ? " step" : " steps") + " approved";
}

} // namespace

int run_uat_list(const UatListOptions&, Context& ctx) {
  // Read-only: no lock, the project file is only read.
  auto session = open_project(ctx, "", Lock::none);
  auto round = uat_state::current_round(session.project());
  auto uat = core::uat::read_uat(session.project());
  const auto& record = uat.round(round.number);
  const auto* run = record.latest_run();
  nlohmann::json latest = run != nullptr ? core::uat::to_json(*run) : nlohmann::json(nullptr);
  if (latest.is_object()) {
    latest.erase("checks");
  }
  auto signoff = uat.signoff_of(round.number);
  // The findings as the verdict sees them: marked against the previous round, acceptances applied.
  auto report = uat_state::build_report(session.project(), core::iso8601_utc(ctx.clock.now()));
  nlohmann::json doc = {{"round", round.number},
                        {"items", items_json(uat.marked_items(round.number))},
                        {"latest_run", latest},
                        {"findings", findings_json(report)},
                        {"iteration", iteration_json(report.changes)},
                        {"verdict", core::uat::report_go(report) ? "go" : "no-go"},
                        {"signoff", signoff ? core::uat::to_json(*signoff) : nlohmann::json()}};
  ctx.out.result(doc, [&](std::ostream& os) {
    print_list(os, ctx.out, round.number, uat);
    print_findings(os, ctx.out, report);
  });
  return 0;
}

int run_uat_mark(const UatMarkOptions& options, Context& ctx) {
  // Bad input changes nothing.
  auto status = core::uat::parse_mark_status(options.status);
  if (!status || *status == MarkStatus::unmarked) {
    throw core::UsageError("invalid status '" + options.status + "'",
                           "use one of: pass, fail, skip");
  }
  auto session = open_project(ctx, "uat mark", Lock::take);
  auto round = uat_state::current_round(session.project());
  auto uat = core::uat::read_uat(session.project());
  auto items = uat.items();
  auto it =
      std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.id == options.id; });
  if (it == items.end()) {
    throw core::UsageError("unknown checklist item '" + options.id + "'",
                           "see 'odoo-upgrade uat list'; add one with 'odoo-upgrade uat add'");
  }
  std::string where =
      "'" + options.id + "' " + options.status + " in round " + std::to_string(round.number);
  if (ctx.options.dry_run) {
    return print_plan(ctx, "uat mark would:", {"mark " + where});
  }
  // The mark belongs to this round: a new round starts unmarked.
  core::uat::Mark mark{*status, options.note, core::iso8601_utc(ctx.clock.now()), options.by};
  session.edit([&](core::Project& project) {
    uat.rounds[round.number].marks[options.id] = mark;
    core::uat::write_uat(project, uat);
    ctx.record(project,
               "uat mark",
               "ok",
               {{"round", round.number}, {"id", options.id}, {"status", options.status}});
  });
  if (*status == MarkStatus::fail && session.project().phase() == core::Phase::signed_off) {
    // The sign-off stays on record; the report shows the failed item next to it.
    spdlog::warn("round {} is signed off; item '{}' now fails", round.number, options.id);
  }
  ctx.out.result({{"round", round.number}, {"id", options.id}, {"mark", mark_json(mark)}},
                 [&](std::ostream& os) {
                   os << "marked '" << options.id << "' (" << it->title << ") " << options.status
                      << " for round " << round.number << "\n";
                 });
  return 0;
}

int run_uat_add(const UatAddOptions& options, Context& ctx) {
  // Bad input changes nothing.
  if (options.title.empty()) {
    throw core::UsageError("the item title is empty", "pass --title TEXT");
  }
  if (!options.id.empty() && !core::uat::valid_item_id(options.id)) {
    throw core::UsageError("invalid item id '" + options.id + "'",
                           "use lower-case letters, digits, '-', '_' or '.' (at most 64)");
  }
  auto session = open_project(ctx, "", Lock::take);
  uat_state::current_round(session.project()); // items are added once a round exists
  auto uat = core::uat::read_uat(session.project());
  auto items = uat.items();
  std::vector<std::string> taken;
  for (const auto& i : items) {
    taken.push_back(i.id);
  }
  std::string id =
      options.id.empty() ? core::uat::item_id_from_title(options.title, taken) : options.id;
  if (std::find(taken.begin(), taken.end(), id) != taken.end()) {
    throw core::UsageError("checklist item '" + id + "' already exists", "choose another --id");
  }
  if (ctx.options.dry_run) {
    return print_plan(ctx, "uat add would:", {"add checklist item '" + id + "': " + options.title});
  }
  // The checklist is the project's from now on (the default one plus this item).
  items.push_back({id, options.title, "custom"});
  session.edit([&](core::Project& project) {
    uat.checklist = items;
    core::uat::write_uat(project, uat);
    ctx.record(project, "uat add", "ok", {{"id", id}});
  });
  ctx.out.result({{"id", id}, {"title", options.title}, {"category", "custom"}},
                 [&](std::ostream& os) {
                   os << "added checklist item '" << id << "': " << options.title << "\n";
                 });
  return 0;
}

int run_uat_signoff(const UatSignoffOptions& options, Context& ctx) {
  // Bad input changes nothing.
  if (uat_state::blank(options.by)) {
    throw core::UsageError("sign-off needs a name", "pass --by NAME");
  }
  if (options.force && uat_state::blank(options.reason)) {
    throw core::UsageError("--force needs --reason", "say why the open items are accepted");
  }
  if (!options.force && !options.reason.empty()) {
    throw core::UsageError("--reason is only used with --force", "drop --reason or add --force");
  }
  auto session = open_project(ctx, "uat signoff", Lock::take);
  auto round = uat_state::current_round(session.project());
  auto uat = core::uat::read_uat(session.project());
  // Refused while the latest run of this round blocks or items are open, unless forced.
  auto refusals = signoff_refusals(uat, round);
  if (!refusals.empty() && !options.force) {
    throw core::PreconditionError("sign-off of round " + std::to_string(round.number) +
                                      " refused: " + joined(refusals),
                                  "fix and re-run 'odoo-upgrade uat run', mark the items, or "
                                  "sign off with --force --reason TEXT");
  }
  core::uat::Signoff s;
  s.round = round.number;
  s.by = options.by;
  s.at = core::iso8601_utc(ctx.clock.now());
  s.note = options.note;
  s.forced = options.force && !refusals.empty();
  s.reason = options.force ? options.reason : "";
  s.refusals_overridden = s.forced ? refusals : std::vector<std::string>{};
  // The runbook as it stands is what production will replay.
  s.runbook = golive::runbook_approval(session.project());
  if (ctx.options.dry_run) {
    return print_plan(ctx,
                      "uat signoff would:",
                      {"sign off round " + std::to_string(round.number) + " by " + s.by +
                           (s.forced ? " (forced)" : ""),
                       "record the runbook: " + approved_text(*s.runbook),
                       "set the phase to signed_off"});
  }
  // Record the sign-off; the method moves on to the freeze.
  session.edit([&](core::Project& project) {
    uat.signoff = s;
    core::uat::write_uat(project, uat);
    core::phase_after_signoff(project);
    ctx.record(project,
               "uat signoff",
               s.forced ? "forced" : "ok",
               {{"round", round.number},
                {"by", s.by},
                {"forced", s.forced},
                {"runbook_digest", s.runbook->digest}});
  });
  ctx.out.result({{"signoff", core::uat::to_json(s)}, {"phase", "signed_off"}},
                 [&](std::ostream& os) {
                   os << "round " << round.number << " signed off by " << s.by << " at " << s.at;
                   if (s.forced) {
                     os << " (forced despite: " << joined(refusals) << ")";
                   }
                   os << "\nrunbook: " << approved_text(*s.runbook);
                   os << "\nnext: " << core::next_step(session.project()) << "\n";
                 });
  return 0;
}

} // namespace odoo_upgrade::commands
