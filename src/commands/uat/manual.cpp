// `uat list`, `uat mark`, `uat add`, `uat signoff`: the manual checklist and the sign-off.
#include "state.hpp"

#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using core::uat::MarkStatus;

nlohmann::json
items_json(const std::vector<std::pair<core::uat::ChecklistItem, core::uat::Mark>>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [item, mark] : items) {
    out.push_back({{"id", item.id},
                   {"title", item.title},
                   {"category", item.category},
                   {"status", core::uat::to_string(mark.status)},
                   {"note", mark.note},
                   {"at", mark.at},
                   {"by", mark.by}});
  }
  return out;
}

nlohmann::json checklist_json(const std::vector<core::uat::ChecklistItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    out.push_back({{"id", i.id}, {"title", i.title}, {"category", i.category}});
  }
  return out;
}

} // namespace

int run_uat_list(const UatListOptions&, Context& ctx) {
  auto project = adapters::fs::load_project(ctx.project_path());
  auto round = uat_state::current_round(project);
  auto items = uat_state::marked_items(project, round.number);
  const auto* run = uat_state::latest_run(project, round.number);
  auto signoff = uat_state::signoff_for(project, round.number);
  nlohmann::json doc = {{"round", round.number},
                        {"items", items_json(items)},
                        {"latest_run", run != nullptr ? *run : nlohmann::json(nullptr)},
                        {"signoff", signoff ? core::uat::to_json(*signoff) : nlohmann::json()}};
  if (doc["latest_run"].is_object()) {
    doc["latest_run"].erase("checks");
  }
  ctx.out.result(doc, [&](std::ostream& os) {
    os << ctx.out.bold("UAT checklist, round " + std::to_string(round.number)) << "\n";
    for (const auto& [item, mark] : items) {
      std::string status(core::uat::to_string(mark.status));
      if (mark.status == MarkStatus::fail) {
        status = ctx.out.red(status);
      } else if (mark.status == MarkStatus::pass) {
        status = ctx.out.green(status);
      }
      os << "  " << std::left << std::setw(20) << item.id << std::right << " " << status << "  "
         << item.title << (mark.note.empty() ? "" : " — " + mark.note) << "\n";
    }
    if (run != nullptr) {
      auto s = uat_state::run_summary(*run);
      os << "\nlatest automated run: " << run->value("at", "") << ": " << s.blocking
         << " blocking, " << s.warning << " warning, " << s.info << " info\n";
    } else {
      os << "\nno automated run yet for this round (odoo-upgrade uat run)\n";
    }
    if (signoff) {
      os << "signed off by " << signoff->by << " at " << signoff->at << "\n";
    }
  });
  return 0;
}

int run_uat_mark(const UatMarkOptions& options, Context& ctx) {
  auto status = core::uat::parse_mark_status(options.status);
  if (!status || *status == MarkStatus::unmarked) {
    throw core::UsageError("invalid status '" + options.status + "'",
                           "use one of: pass, fail, skip");
  }
  adapters::fs::ProjectLock lock(ctx.project_path());
  auto project = adapters::fs::load_project(ctx.project_path());
  core::require_phase(project, "uat mark");
  auto round = uat_state::current_round(project);
  auto items = uat_state::checklist(project);
  auto it =
      std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.id == options.id; });
  if (it == items.end()) {
    throw core::UsageError("unknown checklist item '" + options.id + "'",
                           "see 'odoo-upgrade uat list'; add one with 'odoo-upgrade uat add'");
  }
  std::string at = core::iso8601_utc(ctx.clock.now());
  nlohmann::json mark = {{"status", core::uat::to_string(*status)},
                         {"note", options.note},
                         {"at", at},
                         {"by", options.by}};
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"round", round.number}, {"id", options.id}, {"mark", mark}},
                   [&](std::ostream& os) {
                     os << "would mark '" << options.id << "' " << options.status << " in round "
                        << round.number << "\n";
                   });
    return 0;
  }
  uat_state::round_state(project, round.number)["marks"][options.id] = mark;
  if (*status == MarkStatus::fail && project.phase() == core::Phase::signed_off) {
    // The sign-off stays on record; the report shows the failed item next to it.
    spdlog::warn("round {} is signed off; item '{}' now fails", round.number, options.id);
  }
  ctx.record(project,
             "uat mark",
             "ok",
             {{"round", round.number}, {"id", options.id}, {"status", options.status}});
  adapters::fs::save_project(ctx.project_path(), project);
  ctx.out.result({{"round", round.number}, {"id", options.id}, {"mark", mark}},
                 [&](std::ostream& os) {
                   os << "marked '" << options.id << "' (" << it->title << ") " << options.status
                      << " for round " << round.number << "\n";
                 });
  return 0;
}

int run_uat_add(const UatAddOptions& options, Context& ctx) {
  if (options.title.empty()) {
    throw core::UsageError("the item title is empty", "pass --title TEXT");
  }
  if (!options.id.empty() && !core::uat::valid_item_id(options.id)) {
    throw core::UsageError("invalid item id '" + options.id + "'",
                           "use lower-case letters, digits, '-', '_' or '.' (at most 64)");
  }
  adapters::fs::ProjectLock lock(ctx.project_path());
  auto project = adapters::fs::load_project(ctx.project_path());
  uat_state::current_round(project); // items are added once a round exists
  auto items = uat_state::checklist(project);
  std::vector<std::string> taken;
  for (const auto& i : items) {
    taken.push_back(i.id);
  }
  std::string id =
      options.id.empty() ? core::uat::item_id_from_title(options.title, taken) : options.id;
  if (std::find(taken.begin(), taken.end(), id) != taken.end()) {
    throw core::UsageError("checklist item '" + id + "' already exists", "choose another --id");
  }
  core::uat::ChecklistItem item{id, options.title, "custom"};
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"id", id}, {"title", options.title}},
                   [&](std::ostream& os) {
                     os << "would add checklist item '" << id << "': " << options.title << "\n";
                   });
    return 0;
  }
  items.push_back(item);
  project.section("uat")["checklist"] = checklist_json(items);
  ctx.record(project, "uat add", "ok", {{"id", id}});
  adapters::fs::save_project(ctx.project_path(), project);
  ctx.out.result({{"id", id}, {"title", options.title}, {"category", "custom"}},
                 [&](std::ostream& os) {
                   os << "added checklist item '" << id << "': " << options.title << "\n";
                 });
  return 0;
}

int run_uat_signoff(const UatSignoffOptions& options, Context& ctx) {
  if (options.by.empty()) {
    throw core::UsageError("sign-off needs a name", "pass --by NAME");
  }
  if (options.force && options.reason.empty()) {
    throw core::UsageError("--force needs --reason", "say why the open items are accepted");
  }
  if (!options.force && !options.reason.empty()) {
    throw core::UsageError("--reason is only used with --force", "drop --reason or add --force");
  }
  adapters::fs::ProjectLock lock(ctx.project_path());
  auto project = adapters::fs::load_project(ctx.project_path());
  core::require_phase(project, "uat signoff");
  auto round = uat_state::current_round(project);

  // The sign-off looks at the latest automated run of this round and the marks of this round.
  core::uat::SignoffFacts facts;
  facts.round = round.number;
  const auto* run = uat_state::latest_run(project, round.number);
  facts.has_run = run != nullptr;
  if (run != nullptr) {
    facts.latest_run = uat_state::run_summary(*run);
  }
  facts.items = uat_state::marked_items(project, round.number);
  auto refusals = core::uat::signoff_refusals(facts);
  if (!refusals.empty() && !options.force) {
    std::string all;
    for (const auto& r : refusals) {
      all += (all.empty() ? "" : "; ") + r;
    }
    throw core::PreconditionError("sign-off of round " + std::to_string(round.number) +
                                      " refused: " + all,
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
  auto doc = core::uat::to_json(s);
  doc["refusals_overridden"] = s.forced ? nlohmann::json(refusals) : nlohmann::json::array();
  if (ctx.options.dry_run) {
    ctx.out.result({{"dry_run", true}, {"signoff", doc}}, [&](std::ostream& os) {
      os << "would sign off round " << round.number << " by " << s.by
         << (s.forced ? " (forced)" : "") << " and set the phase to signed_off\n";
    });
    return 0;
  }
  project.section("uat")["signoff"] = doc;
  project.set_phase(core::Phase::signed_off);
  ctx.record(project,
             "uat signoff",
             s.forced ? "forced" : "ok",
             {{"round", round.number}, {"by", s.by}, {"forced", s.forced}});
  adapters::fs::save_project(ctx.project_path(), project);
  ctx.out.result({{"signoff", doc}, {"phase", "signed_off"}}, [&](std::ostream& os) {
    os << "round " << round.number << " signed off by " << s.by << " at " << s.at;
    if (s.forced) {
      os << " (forced despite: ";
      for (std::size_t i = 0; i < refusals.size(); ++i) {
        os << (i > 0 ? "; " : "") << refusals[i];
      }
      os << ")";
    }
    os << "\nnext: " << core::next_step(project) << "\n";
  });
  return 0;
}

} // namespace odoo_upgrade::commands
