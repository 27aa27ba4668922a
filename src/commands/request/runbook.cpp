// The customer's runbook in a request: the before-upload steps on a scratch copy of production
// whose dump is sent, the after-restore steps on the restored test database, and the end of a
// request whose step failed (commands/runbook_steps.hpp runs the steps).
#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/commands/runbook_steps.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace odoo_upgrade::commands::request {

namespace {

namespace stdfs = std::filesystem;

// "r3" for round 3, "p1" for production request 1: the scratch database's tag.
std::string scratch_tag(const RequestRun& run) {
  return run.kind().token_prefix.substr(0, 1) + std::to_string(run.record().number);
}

// The results of `when` in `results`.
std::vector<core::RunbookStepResult> results_of(const std::vector<core::RunbookStepResult>& results,
                                                core::RunbookWhen when) {
  std::vector<core::RunbookStepResult> out;
  std::copy_if(results.begin(), results.end(), std::back_inserter(out), [&](const auto& r) {
    return r.when == when;
  });
  return out;
}

} // namespace

void run_before_upload(RequestRun& run,
                       const stdfs::path& production,
                       const stdfs::path& output,
                       const std::vector<core::RunbookStep>& steps,
                       const std::function<void(const stdfs::path&)>& on_output_file) {
  // A re-run after an interruption starts over on a fresh copy: nothing half applied is kept.
  run.record().runbook.clear();
  run.save();
  BeforeUploadJob job;
  job.production_dump = production;
  job.output_dump = output;
  job.run = scratch_tag(run);
  job.folder = run.dir();
  job.jobs = run.options().jobs;
  job.compression = run.options().compression;
  job.on_output_file = on_output_file;
  spdlog::info("{}: {} before-upload runbook step(s) on a scratch copy of production",
               run.label(),
               steps.size());
  auto save = [&](const std::vector<core::RunbookStepResult>& results) {
    run.record().runbook = results;
    run.save();
  };
  auto results = apply_before_upload(run.project(), run.session().secrets(), job, steps, save);
  save(results);
  std::error_code ec;
  stdfs::remove_all(production, ec);
  if (auto failure = runbook_failure(results)) {
    end_runbook_failed(run, *failure);
  }
}

void run_after_restore(RequestRun& run, const std::string& database) {
  auto steps = core::read_runbook(run.project()).enabled(core::RunbookWhen::after_restore);
  auto& rec = run.record();
  auto before = results_of(rec.runbook, core::RunbookWhen::before_upload);
  auto done = results_of(rec.runbook, core::RunbookWhen::after_restore);
  // What an interrupted run finished is kept: the steps from the first one not recorded ok.
  std::size_t kept = core::completed_steps(done, steps);
  done.resize(kept);
  std::vector<core::RunbookStep> todo(steps.begin() + static_cast<std::ptrdiff_t>(kept),
                                      steps.end());
  if (todo.empty()) {
    return;
  }
  spdlog::info("{}: {} after-restore runbook step(s) on '{}'", run.label(), todo.size(), database);
  auto save = [&](const std::vector<core::RunbookStepResult>& results) {
    rec.runbook = before;
    rec.runbook.insert(rec.runbook.end(), done.begin(), done.end());
    rec.runbook.insert(rec.runbook.end(), results.begin(), results.end());
    run.save();
  };
  RunbookJob job;
  job.database = database;
  job.folder = run.dir();
  auto results = run_runbook_steps(run.project(), run.session().secrets(), job, todo, save);
  save(results);
  if (auto failure = runbook_failure(results)) {
    end_runbook_failed(run, *failure);
  }
}

void drop_abandoned_scratch(RequestRun& run) {
  const auto& rec = run.record();
  if (rec.state != core::RequestState::dumping ||
      (rec.runbook.empty() &&
       core::read_runbook(run.project()).enabled(core::RunbookWhen::before_upload).empty())) {
    return;
  }
  std::string name = runbook_scratch_name(run.project(), scratch_tag(run));
  try {
    drop_scratch_database(run.project(), run.session().secrets(), name);
  } catch (const core::DatabaseError& e) {
    // The request is given up all the same; the leftover is named for the consultant.
    spdlog::warn("could not drop the scratch database '{}' ({}); drop it by hand", name, e.what());
  }
}

std::string
runbook_plan_line(const core::Project& project, core::RunbookWhen when, const std::string& where) {
  auto steps = core::read_runbook(project).enabled(when);
  if (steps.empty()) {
    return "";
  }
  std::string line = "run the runbook's " + std::string(core::to_string(when)) + " step" +
                     (steps.size() == 1 ? " " : "s ");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    line += (i == 0 ? "" : ", ") + steps[i].id + " '" + steps[i].title + "'";
  }
  return line + " " + where;
}

void end_runbook_failed(RequestRun& run, const std::string& failure) {
  auto& rec = run.record();
  rec.reason = failure;
  rec.finished_at = run.now();
  rec.state = core::RequestState::failed;
  // The phase falls back to what came before the request (the rule reads the recorded state).
  run.kind().store(run.project(), rec);
  run.kind().on_ended_without_result(run.project());
  run.ctx().record(
      run.project(), run.kind().command, "failed", {{"request", run.label()}, {"reason", failure}});
  run.save();
  notify(run, "request_failed", {{"ODOO_UPGRADE_REASON", failure}});
  std::string output;
  for (const auto& r : rec.runbook) {
    if (r.result == "failed") {
      output = r.output_file;
    }
  }
  throw core::PreconditionError(run.label() + " failed: " + failure,
                                "its output is in '" + output +
                                    "'; fix or disable the step (odoo-upgrade runbook), then run "
                                    "'odoo-upgrade " +
                                    run.kind().command + "' again");
}

} // namespace odoo_upgrade::commands::request
