#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/runbook.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/golive.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/runbook.hpp>
#include <odoo_upgrade/core/runbook_document.hpp>
#include <odoo_upgrade/core/runbook_edit.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;

// Refuses an --output that cannot be written before any work: its folder must exist and be
// writable, and the file, when it exists, must be a writable regular file.
void check_output(const std::string& output) {
  stdfs::path file(output);
  auto dir = file.parent_path().empty() ? stdfs::path(".") : file.parent_path();
  std::error_code ec;
  bool ok = stdfs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK) == 0;
  if (ok && stdfs::exists(file, ec)) {
    ok = stdfs::is_regular_file(file, ec) && ::access(file.c_str(), W_OK) == 0;
  }
  if (!ok) {
    throw core::FilesystemError("cannot write '" + output + "'",
                                "name a file in an existing folder you may write to");
  }
}

// How a third-party module is handled: the runbook steps that name it; else how it is upgraded.
// Odoo's upgrade service upgrades only Odoo's own modules: a third-party module needs its version
// for the target series, which the target Odoo (when configured) updates (-u) in every round and
// at go-live (commands/target_odoo.hpp).
std::string
handling(const core::Project& project, const core::Runbook& runbook, const std::string& module) {
  std::string text;
  for (const auto& s : runbook.steps) {
    bool modules = s.kind == core::RunbookKind::update || s.kind == core::RunbookKind::install ||
                   s.kind == core::RunbookKind::uninstall;
    if (!modules || ("," + s.content + ",").find("," + module + ",") == std::string::npos) {
      continue;
    }
    text += (text.empty() ? "" : "; ") + std::string(core::to_string(s.kind)) + " by step " + s.id +
            " (" + std::string(core::to_string(s.when)) + ")" + (s.enabled ? "" : ", disabled");
  }
  if (!text.empty()) {
    return text;
  }
  std::string target = project.target_version();
  return core::read_odoo_settings(project).configured()
             ? "no runbook step names it: its " + target +
                   " version is updated (-u) by the target Odoo in every round and at go-live "
                   "(the upgrade service upgrades only Odoo's own modules)"
             : "no runbook step names it: the upgrade service upgrades only Odoo's own modules; "
               "its " +
                   target +
                   " version must be deployed with the target Odoo (none configured: "
                   "odoo-upgrade config)";
}

json modules_json(const core::Project& project, const core::Runbook& runbook) {
  json modules = json::array();
  auto source = core::find_source(project);
  if (!source) {
    return modules;
  }
  for (const auto& m : source->modules) {
    if (m.origin == core::ModuleOrigin::third_party) {
      modules.push_back({{"name", m.name},
                         {"version", m.version},
                         {"author", m.author},
                         {"handling", handling(project, runbook, m.name)}});
    }
  }
  return modules;
}

// One run that ran runbook steps: its label ("round 2", "production request 1", "go-live attempt
// 1"), its round number (null for production) and its results.
struct RunbookRun {
  std::string label;
  json round;
  std::vector<core::RunbookStepResult> results;
};

// The rounds, the latest production request and the go-live attempt, in that order.
std::vector<RunbookRun> runbook_runs(const core::Project& project,
                                     const std::vector<core::RequestRecord>& rounds) {
  std::vector<RunbookRun> runs;
  for (const auto& round : rounds) {
    runs.push_back({"round " + std::to_string(round.number), round.number, round.runbook});
  }
  if (auto prod = core::read_production(project)) {
    runs.push_back({"production request " + std::to_string(prod->request.number),
                    nullptr,
                    prod->request.runbook});
  }
  auto g = core::read_golive(project);
  if (g.attempt > 0) {
    runs.push_back({"go-live attempt " + std::to_string(g.attempt), nullptr, g.runbook});
  }
  return runs;
}

// Every step with what it runs and its result in each run that ran it.
json steps_json(const core::Runbook& runbook, const std::vector<RunbookRun>& runs) {
  json steps = json::array();
  for (const auto& s : runbook.steps) {
    json step = core::to_json(s);
    step.erase("added_at");
    step["runs"] = json::array();
    for (const auto& run : runs) {
      for (const auto& r : run.results) {
        if (r.step_id == s.id) {
          step["runs"].push_back({{"run", run.label},
                                  {"round", run.round},
                                  {"result", r.result},
                                  {"seconds", r.seconds},
                                  {"rows", r.rows ? json(*r.rows) : json(nullptr)},
                                  {"error", r.error}});
        }
      }
    }
    steps.push_back(step);
  }
  return steps;
}

// The measured seconds of `key` in the latest tested round, or null.
json timing(const std::optional<core::RequestRecord>& round, const char* key) {
  if (!round) {
    return nullptr;
  }
  auto t = core::to_json(*round).value("timings", json::object());
  return t.contains(key) && t[key].is_number() ? t[key] : json(nullptr);
}

// The runbook steps of `when` as one go-live operation, timed by the latest tested round as the
// freeze plan times them (core::add_runbook_estimate): the measured steps' sum; the steps that
// round did not run as they are now are added to `unknown` ("runbook:<id>").
json steps_operation(const core::Runbook& runbook,
                     const std::optional<core::RequestRecord>& round,
                     core::RunbookWhen when,
                     json& unknown) {
  core::Runbook group = runbook;
  group.steps = runbook.enabled(when);
  core::golive::DowntimeEstimate e;
  if (round) {
    core::add_runbook_estimate(e, group, round->runbook);
  }
  std::string ids;
  for (const auto& s : group.steps) {
    ids += (ids.empty() ? "" : ", ") + s.id;
  }
  json seconds = round && !e.parts.empty() ? json(e.total_s) : json(nullptr);
  for (const auto& m : e.missing) {
    if (!seconds.is_null()) {
      unknown.push_back(m);
    }
  }
  return {{"operation", "runbook " + std::string(core::to_string(when))},
          {"what", ids.empty() ? "no step" : "steps " + ids},
          {"estimate_s", group.steps.empty() ? json(0) : seconds}};
}

// The target Odoo's module update and open check of the staging database, as the latest tested
// round timed them; none configured: nothing to run.
json target_odoo_operation(const core::Project& project,
                           const std::optional<core::RequestRecord>& round) {
  if (!core::read_odoo_settings(project).configured()) {
    return {{"operation", "target Odoo"},
            {"what", "none configured (odoo-upgrade config)"},
            {"estimate_s", 0}};
  }
  json seconds = nullptr;
  if (round && (round->timings.update_s || round->timings.open_s)) {
    seconds = round->timings.update_s.value_or(0) + round->timings.open_s.value_or(0);
  }
  return {{"operation", "target Odoo"},
          {"what", "update the third-party modules of the staging database and open it"},
          {"estimate_s", seconds}};
}

std::optional<core::RequestRecord> latest_tested(const std::vector<core::RequestRecord>& rounds) {
  for (auto it = rounds.rbegin(); it != rounds.rend(); ++it) {
    if (it->state == core::RequestState::tested) {
      return *it;
    }
  }
  return std::nullopt;
}

json golive_json(const core::Project& project,
                 const core::Runbook& runbook,
                 const std::vector<core::RequestRecord>& rounds,
                 json& unknown) {
  auto round = latest_tested(rounds);
  using W = core::RunbookWhen;
  auto op = [](const char* name, const char* what, json seconds) {
    return json{{"operation", name}, {"what", what}, {"estimate_s", seconds}};
  };
  // The round's dump_s includes its before-upload steps: they count once, in their own row (as in
  // the freeze plan, core::add_runbook_estimate).
  json before_upload = steps_operation(runbook, round, W::before_upload, unknown);
  json dump = timing(round, "dump_s");
  if (dump.is_number() && before_upload["estimate_s"].is_number()) {
    dump = std::max(0.0, dump.get<double>() - before_upload["estimate_s"].get<double>());
  }
  return json::array(
      {op("freeze", "stop data entry in production (odoo-upgrade freeze apply)", nullptr),
       op("dump", "dump the frozen production (odoo-upgrade prod-request)", dump),
       before_upload,
       op("upload", "send the dump to the upgrade service", timing(round, "upload_s")),
       op("processing", "the upgrade service upgrades it", timing(round, "processing_s")),
       op("download", "fetch the upgraded dump", timing(round, "download_s")),
       op("restore",
          "restore it as the staging database (odoo-upgrade restore)",
          timing(round, "restore_s")),
       target_odoo_operation(project, round),
       steps_operation(runbook, round, W::after_restore, unknown),
       op("verification", "compare the staging database with the freeze baseline", nullptr),
       op("swap", "rename staging to production, keep the old one aside", nullptr),
       op("monitoring", "check the upgraded production (odoo-upgrade monitor)", nullptr)});
}

json document(const core::Project& project, const std::string& now) {
  auto runbook = core::read_runbook(project);
  auto rounds = core::read_rounds(project);
  auto source = core::find_source(project);
  json doc = {{"customer", project.customer()},
              {"database", source ? source->dbname : ""},
              {"source_version", project.source_version()},
              {"target_version", project.target_version()},
              {"generated_at", now},
              {"third_party_modules", modules_json(project, runbook)},
              {"steps", steps_json(runbook, runbook_runs(project, rounds))},
              {"golive", nullptr}};
  json unknown = json::array();
  doc["golive"] = golive_json(project, runbook, rounds, unknown);
  double total = 0;
  bool measured = false;
  for (const auto& g : doc["golive"]) {
    if (g["estimate_s"].is_number()) {
      total += g["estimate_s"].get<double>();
      measured = measured || g["estimate_s"].get<double>() > 0;
    } else {
      unknown.push_back(g["operation"]);
    }
  }
  // Nothing measured (no tested round): unknown, not 0 s.
  doc["estimate_s"] = measured ? json(total) : json(nullptr);
  doc["unknown"] = unknown;
  return doc;
}

} // namespace

int run_runbook_show(const RunbookShowOptions& options, Context& ctx) {
  // An unwritable --output, or one of the project's own files, is refused before any work.
  if (options.output) {
    refuse_project_file_output(ctx, *options.output);
    check_output(*options.output);
  }
  auto format = options.format == "md" ? std::string("markdown") : options.format;
  // Read-only: no lock, the project file is only read.
  auto session = open_project(ctx, "", Lock::none);
  auto doc = document(session.project(), core::iso8601_utc(ctx.clock.now()));
  std::string content;
  if (format == "json") {
    auto file_doc = doc;
    file_doc["schema"] = schema_id("runbook-show");
    content = file_doc.dump(2) + "\n";
  } else {
    content =
        format == "html" ? core::render_runbook_html(doc) : core::render_runbook_markdown(doc);
  }
  if (options.output) {
    ctx.out.set_document("runbook-show-written");
    json written = {
        {"output", *options.output}, {"format", format}, {"steps", doc["steps"].size()}};
    if (ctx.options.dry_run) {
      return print_plan(ctx,
                        "runbook show would:",
                        {"write the " + format + " runbook to " + *options.output},
                        written);
    }
    adapters::fs::write_file_atomic(*options.output, content, 0644);
    ctx.out.result(written, [&](std::ostream& os) {
      os << format << " runbook written to " << *options.output << "\n";
    });
    return 0;
  }
  // With --json and no --output, the one JSON document is the documentation's JSON form.
  ctx.out.result(doc, [&](std::ostream& os) { os << content; });
  return 0;
}

} // namespace odoo_upgrade::commands
