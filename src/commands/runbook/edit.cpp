#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/runbook.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/checklist_template.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The text of a step's file: refused in one line when it is missing, too large, empty or not
// UTF-8, so that what a round runs is what the consultant meant.
std::string step_file(const std::string& file, const std::string& option) {
  std::error_code ec;
  if (!stdfs::is_regular_file(file, ec)) {
    throw core::UsageError("--" + option + " file '" + file + "' is not a readable file",
                           "name the file that holds the step's text");
  }
  if (stdfs::file_size(file, ec) > core::k_runbook_file_max_bytes) {
    throw core::UsageError("--" + option + " file '" + file + "' is larger than 1 MiB",
                           "a runbook step is a fix, not a data load: keep it under 1 MiB");
  }
  auto text = adapters::fs::read_file(file);
  if (blank(text)) {
    throw core::UsageError("--" + option + " file '" + file + "' is empty",
                           "write the step's text into it first");
  }
  if (auto line = core::uat::bad_utf8_line(text)) {
    throw core::UsageError("--" + option + " file '" + file + "' is not UTF-8 text (line " +
                               std::to_string(line) + ")",
                           "save it as UTF-8");
  }
  // libpq and Python stop at a NUL byte, and a byte-order mark is sent to them as text (a syntax
  // error at the first statement): neither runs what the hash covers.
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    throw core::UsageError("--" + option + " file '" + file + "' holds a NUL byte (line " +
                               std::to_string(line) + "): it is not text",
                           "save the step's text without binary data");
  }
  if (text.starts_with("\xEF\xBB\xBF")) {
    throw core::UsageError("--" + option + " file '" + file + "' starts with a byte-order mark",
                           "save it as UTF-8 without a BOM");
  }
  return text;
}

// The one content option given: its kind and the content it stores.
std::pair<core::RunbookKind, core::RunbookStep> step_content(const RunbookAddOptions& o) {
  using K = core::RunbookKind;
  std::vector<std::pair<K, const std::optional<std::string>*>> given;
  for (auto [kind, value] : {std::pair{K::sql, &o.sql},
                             std::pair{K::odoo_shell, &o.odoo_shell},
                             std::pair{K::update, &o.update},
                             std::pair{K::install, &o.install},
                             std::pair{K::uninstall, &o.uninstall},
                             std::pair{K::shell, &o.shell}}) {
    if (value->has_value()) {
      given.emplace_back(kind, value);
    }
  }
  if (given.size() != 1) {
    throw core::UsageError(std::string(given.empty() ? "no" : "more than one") +
                               " step content given",
                           "pass exactly one of --sql FILE, --odoo-shell FILE, --update MODULES, "
                           "--install MODULES, --uninstall MODULES, --shell COMMAND");
  }
  auto [kind, value] = given.front();
  auto option = std::string(core::to_string(kind));
  core::RunbookStep step;
  step.kind = kind;
  if (kind == K::sql || kind == K::odoo_shell) {
    step.content = step_file(**value, option);
    step.source_file = stdfs::path(**value).filename().string();
  } else if (kind == K::shell) {
    if (blank(**value)) {
      throw core::UsageError("--shell names no command", "pass the command line to run");
    }
    step.content = **value;
  } else {
    step.content = core::module_list(**value, option);
  }
  return {kind, step};
}

// The step `runbook add` describes, checked, without its id, round and hash.
core::RunbookStep new_step(const RunbookAddOptions& o) {
  auto when = core::parse_runbook_when(o.when);
  if (!when) {
    throw core::UsageError("unknown --when '" + o.when + "'",
                           "use --when before-upload or --when after-restore");
  }
  if (blank(o.title) || o.title.find('\n') != std::string::npos) {
    throw core::UsageError("the step needs a title of one line", "pass --title TEXT");
  }
  if (blank(o.why)) {
    throw core::UsageError("the step needs a reason", "pass --why TEXT (a finding id, a ticket)");
  }
  auto [kind, step] = step_content(o);
  core::check_step_time(kind, *when);
  step.when = *when;
  step.title = o.title;
  step.why = o.why;
  step.continue_on_error = o.continue_on_error;
  return step;
}

std::string describe(const core::RunbookStep& s) {
  return s.id + " '" + s.title + "' (" + std::string(core::to_string(s.when)) + ", " +
         std::string(core::to_string(s.kind)) + ")";
}

// The step `id` of the project's runbook; UsageError (2) when there is none.
core::RunbookStep existing_step(const core::Project& project, const std::string& id) {
  auto runbook = core::read_runbook(project);
  const auto* step = runbook.find(id);
  if (step == nullptr) {
    throw core::UsageError("no runbook step '" + id + "'",
                           "see the step ids with 'odoo-upgrade runbook list'");
  }
  return *step;
}

// Prints the result of an edit: the step as it is now, and what was done.
// `action` is the --json document's fixed word ("added", "moved", "enabled", "disabled",
// "removed", "unchanged"); `said` what the text line starts with.
void print_edit(Context& ctx,
                const std::string& action,
                const std::string& said,
                const core::RunbookStep& step) {
  ctx.out.result({{"action", action}, {"step", core::to_json(step)}},
                 [&](std::ostream& os) { os << said << " " << describe(step) << "\n"; });
}

} // namespace

int run_runbook_add(const RunbookAddOptions& options, Context& ctx) {
  // Bad input changes nothing: the step is checked before the project is opened.
  auto step = new_step(options);
  auto session = open_project(ctx, "runbook edit", Lock::take);
  // The step is new in the round after the latest one; its id is never reused.
  auto runbook = core::read_runbook(session.project());
  auto latest = core::read_latest_round(session.project());
  // Never an id in use, even when `next_id` was lowered by hand.
  for (const auto& s : runbook.steps) {
    if (s.id.size() > 1 && s.id[0] == 's' &&
        s.id.find_first_not_of("0123456789", 1) == std::string::npos && s.id.size() < 10) {
      runbook.next_id = std::max(runbook.next_id, std::stoi(s.id.substr(1)) + 1);
    }
  }
  step.id = 's';
  step.id += std::to_string(runbook.next_id); // not `"s" + …`: GCC PR105651 (-Wrestrict at -O3)
  step.introduced_round = (latest ? latest->number : 0) + 1;
  step.added_at = core::iso8601_utc(ctx.clock.now());
  step.sha256 = adapters::fs::sha256_text(core::canonical_text(step));
  if (ctx.options.dry_run) {
    return print_plan(ctx,
                      "runbook add would:",
                      {"add " + describe(step) + ", first run in round " +
                       std::to_string(step.introduced_round)});
  }
  session.edit([&](core::Project& project) {
    // The list stays in run order: a before-upload step goes after the last before-upload one.
    auto at = std::find_if(runbook.steps.begin(), runbook.steps.end(), [&](const auto& s) {
      return step.when == core::RunbookWhen::before_upload &&
             s.when == core::RunbookWhen::after_restore;
    });
    runbook.steps.insert(at, step);
    runbook.next_id += 1;
    core::write_runbook(project, runbook);
    ctx.record(project,
               "runbook add",
               "ok",
               {{"id", step.id}, {"title", step.title}, {"sha256", step.sha256}});
  });
  print_edit(ctx, "added", "added", step);
  return 0;
}

int run_runbook_move(const RunbookMoveOptions& options, Context& ctx) {
  if (options.before.empty() == options.after.empty()) {
    throw core::UsageError("runbook move needs exactly one of --before ID and --after ID",
                           "e.g. odoo-upgrade runbook move s4 --before s2");
  }
  auto session = open_project(ctx, "runbook edit", Lock::take);
  // The move is checked on a copy: a refused move changes nothing.
  auto runbook = core::read_runbook(session.project());
  auto place = options.before.empty() ? core::Place::after : core::Place::before;
  const auto& anchor = options.before.empty() ? options.after : options.before;
  core::move_step(runbook, options.id, place, anchor);
  auto where = std::string(place == core::Place::before ? "before " : "after ") + anchor;
  if (ctx.options.dry_run) {
    return print_plan(ctx, "runbook move would:", {"move " + options.id + " " + where});
  }
  session.edit([&](core::Project& project) {
    core::write_runbook(project, runbook);
    ctx.record(project, "runbook move", "ok", {{"id", options.id}, {"to", where}});
  });
  print_edit(ctx, "moved", "moved " + where + ":", *runbook.find(options.id));
  return 0;
}

int run_runbook_enable(const std::string& id, bool enabled, Context& ctx) {
  auto session = open_project(ctx, "runbook edit", Lock::take);
  auto step = existing_step(session.project(), id);
  std::string action = enabled ? "enable" : "disable";
  // Already so: nothing to write, no history event (a re-run of a script is a no-op).
  if (step.enabled == enabled) {
    print_edit(ctx, "unchanged", "already " + action + "d:", step);
    return 0;
  }
  if (ctx.options.dry_run) {
    return print_plan(ctx, "runbook " + action + " would:", {action + " " + describe(step)});
  }
  // Only the flag changes: the step keeps its place, id and hash.
  session.edit([&](core::Project& project) {
    auto runbook = core::read_runbook(project);
    runbook.find(id)->enabled = enabled;
    core::write_runbook(project, runbook);
    ctx.record(project, "runbook " + action, "ok", {{"id", id}});
  });
  step.enabled = enabled;
  print_edit(ctx, action + "d", action + "d", step);
  return 0;
}

int run_runbook_remove(const std::string& id, Context& ctx) {
  auto session = open_project(ctx, "runbook edit", Lock::take);
  auto step = existing_step(session.project(), id);
  if (ctx.options.dry_run) {
    return print_plan(ctx, "runbook remove would:", {"remove " + describe(step)});
  }
  // Removing a step loses its content (the rounds keep only its hash): asked first.
  require_confirmation(ctx, "remove runbook step " + describe(step) + "?");
  session.edit([&](core::Project& project) {
    auto runbook = core::read_runbook(project);
    std::erase_if(runbook.steps, [&](const auto& s) { return s.id == id; });
    core::write_runbook(project, runbook);
    ctx.record(project,
               "runbook remove",
               "ok",
               {{"id", id}, {"title", step.title}, {"sha256", step.sha256}});
  });
  print_edit(ctx, "removed", "removed", step);
  return 0;
}

} // namespace odoo_upgrade::commands
