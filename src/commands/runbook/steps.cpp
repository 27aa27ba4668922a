// The runbook's executor: each kind of step on one database, and the before-upload steps on a
// scratch copy of production (include/odoo_upgrade/commands/runbook_steps.hpp).
#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/dump_restore.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/sql_script.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/runbook_steps.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/odoo_log.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
namespace pg = adapters::pg;
using core::RunbookKind;
using core::RunbookStep;
using core::RunbookStepResult;

// Printed by the script the executor wraps around an odoo-shell step, after the commit.
constexpr const char* k_committed_marker = "odoo-upgrade: runbook step committed";

// The step's output file, written line by line as the step runs.
class StepOutput {
public:
  explicit StepOutput(const stdfs::path& path) : m_path(path), m_out(path, std::ios::trunc) {
    if (!m_out) {
      throw core::FilesystemError("cannot write '" + path.string() + "'");
    }
  }
  void line(std::string_view text) { m_out << core::redact(text) << '\n' << std::flush; }
  void text(std::string_view text) {
    m_out << core::redact(text);
    if (!text.empty() && text.back() != '\n') {
      m_out << '\n';
    }
    m_out << std::flush;
  }
  const stdfs::path& path() const { return m_path; }

private:
  stdfs::path m_path;
  std::ofstream m_out;
};

// What one step did.
struct Outcome {
  bool ok = false;
  std::string error;
  std::optional<long long> rows;
};

// The first line of `text`, redacted.
std::string one_line(std::string_view text) {
  std::string s(text.substr(0, text.find('\n')));
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return core::redact(s);
}

bool is_odoo_kind(RunbookKind kind) {
  return kind == RunbookKind::odoo_shell || kind == RunbookKind::update ||
         kind == RunbookKind::install || kind == RunbookKind::uninstall;
}

Outcome run_sql(const std::string& conninfo, const RunbookStep& step, StepOutput& out) {
  Outcome o;
  try {
    auto r = pg::run_sql_script(
        conninfo, step.content, [&](std::string_view notice) { out.line(notice); });
    out.line(r.command_tag);
    o.ok = true;
    o.rows = r.rows;
  } catch (const core::DatabaseError& e) {
    // The server's message already starts with its severity ("ERROR:  relation …"); a failure
    // of ours (a lost connection) gets one.
    std::string_view what = e.what();
    std::string line = what.starts_with("ERROR:") ? "" : "ERROR: ";
    line += what;
    out.line(line);
    o.error = one_line(e.what());
  }
  return o;
}

Outcome run_shell(const std::string& conninfo,
                  const RunbookStep& step,
                  const RunbookJob& job,
                  StepOutput& out) {
  adapters::ProcessOptions opts;
  opts.env = pg::libpq_environment(conninfo);
  opts.env.emplace_back("ODOO_UPGRADE_RUNBOOK_STEP", step.id);
  opts.cwd = job.folder / "runbook";
  opts.timeout = job.timeout;
  opts.keep_bytes = 64 * 1024;
  opts.on_stdout_line = [&](std::string_view l) { out.line(l); };
  opts.on_stderr_line = [&](std::string_view l) { out.line(l); };
  auto r = adapters::run_process({"/bin/sh", "-c", step.content}, opts);
  Outcome o;
  o.ok = r.ok();
  if (!o.ok) {
    std::string last = r.last_error_line();
    o.error = one_line(r.timed_out ? std::string("timed out") : r.describe()) +
              (last.empty() ? "" : ": " + one_line(last));
  }
  return o;
}

std::vector<std::string> module_list(const std::string& content) {
  std::vector<std::string> out;
  std::stringstream ss(content);
  std::string name;
  while (std::getline(ss, name, ',')) {
    if (!name.empty()) {
      out.push_back(name);
    }
  }
  return out;
}

// The Python fed to `odoo-bin shell`: the step's script, then the commit and the marker (reached
// only when the script raised nothing).
std::string shell_script(const RunbookStep& step) {
  std::string script = step.content;
  if (!script.empty() && script.back() != '\n') {
    script += '\n';
  }
  return script + "env.cr.commit()\nprint(" + nlohmann::json(k_committed_marker).dump() + ")\n";
}

// uninstall: the modules still installed, uninstalled at once (Odoo's own button, which commits).
std::string uninstall_script(const std::vector<std::string>& modules) {
  return "mods = env['ir.module.module'].search([('name', 'in', " + nlohmann::json(modules).dump() +
         "), ('state', 'in', ['installed', 'to upgrade', 'to remove'])])\n"
         "if mods:\n    mods.button_immediate_uninstall()\n";
}

// The first ERROR/CRITICAL record of Odoo's log, on one line; else how the process ended.
std::string odoo_error(const adapters::odoo::OdooRun& run) {
  for (const auto& rec : core::odoo_log::parse_records(run.log_text)) {
    if (rec.level == "ERROR" || rec.level == "CRITICAL") {
      return one_line(core::odoo_log::summarize_error(rec).one_line());
    }
  }
  std::string last = run.process.last_error_line();
  return one_line(run.process.describe() + (last.empty() ? "" : ": " + last));
}

// update/install/uninstall: each module in the state the step promises. A module the database
// does not know at all (no ir_module_module row: uninstalling keeps the row) is a wrong name, also
// for an uninstall, which would otherwise pass every round while the intended module stays.
std::string module_state_problem(const std::string& conninfo,
                                 RunbookKind kind,
                                 const std::vector<std::string>& modules) {
  auto states = pg::module_states(conninfo, modules);
  for (const auto& m : modules) {
    auto it = states.find(m);
    if (it == states.end()) {
      return "module " + m + " is unknown to the database (no such module: check its name)";
    }
    const std::string& state = it->second;
    bool uninstalling = kind == RunbookKind::uninstall;
    bool ok =
        uninstalling ? (state == "uninstalled" || state == "uninstallable") : state == "installed";
    if (!ok) {
      return "module " + m + " is '" + state + "' after the step";
    }
  }
  return {};
}

Outcome run_odoo(adapters::odoo::TargetOdoo& odoo,
                 const std::string& conninfo,
                 const RunbookStep& step,
                 const RunbookJob& job,
                 StepOutput& out) {
  stdfs::path dir = job.folder / "runbook";
  stdfs::path log = dir / (step.id + ".odoo.log");
  auto modules = module_list(step.content);
  adapters::odoo::OdooRun run;
  if (step.kind == RunbookKind::update) {
    run = odoo.update(job.database, modules, log, job.timeout);
  } else if (step.kind == RunbookKind::install) {
    run = odoo.install(job.database, modules, log, job.timeout);
  } else {
    RunbookStep script_step = step;
    if (step.kind == RunbookKind::uninstall) {
      script_step.content = uninstall_script(modules);
    }
    std::string script = shell_script(script_step);
    run = odoo.shell(job.database, script, dir / (step.id + ".py"), log, {}, job.timeout);
  }
  out.text(run.out);
  out.text(run.process.err);
  out.line("(Odoo's log: " + log.string() + ")");
  Outcome o;
  bool committed = step.kind == RunbookKind::update || step.kind == RunbookKind::install ||
                   run.out.find(k_committed_marker) != std::string::npos;
  o.ok = run.process.ok() && committed;
  if (!o.ok) {
    o.error = odoo_error(run);
  } else if (step.kind != RunbookKind::odoo_shell) {
    o.error = module_state_problem(conninfo, step.kind, modules);
    o.ok = o.error.empty();
  }
  return o;
}

double tenths(double seconds) {
  return std::round(seconds * 10) / 10;
}

// Runs one step and records it.
RunbookStepResult run_one(const core::Project& project,
                          const adapters::fs::SecretStore& secrets,
                          std::optional<adapters::odoo::TargetOdoo>& odoo,
                          const RunbookJob& job,
                          const RunbookStep& step) {
  RunbookStepResult r;
  r.step_id = step.id;
  r.sha256 = step.sha256;
  r.title = step.title;
  r.when = step.when;
  auto start = std::chrono::system_clock::now();
  r.started_at = core::iso8601_utc(start);
  StepOutput out(job.folder / "runbook" / (step.id + ".log"));
  r.output_file = out.path().string();
  std::string conninfo = server_conninfo(project, secrets, job.database);
  spdlog::info("runbook step {} '{}' ({}) on '{}'",
               step.id,
               step.title,
               core::to_string(step.kind),
               job.database);
  Outcome o;
  if (step.kind == RunbookKind::sql) {
    o = run_sql(conninfo, step, out);
  } else if (step.kind == RunbookKind::shell) {
    o = run_shell(conninfo, step, job, out);
  } else {
    o = run_odoo(*odoo, conninfo, step, job, out);
  }
  core::throw_if_interrupted();
  auto end = std::chrono::system_clock::now();
  r.finished_at = core::iso8601_utc(end);
  r.seconds = tenths(std::chrono::duration<double>(end - start).count());
  r.rows = o.rows;
  r.error = o.error;
  r.result = o.ok ? "ok" : step.continue_on_error ? "failed-continued" : "failed";
  if (!o.ok) {
    out.line("FAILED: " + o.error);
  }
  return r;
}

} // namespace

std::optional<adapters::odoo::TargetOdoo>
runbook_target_odoo(const core::Project& project,
                    const adapters::fs::SecretStore& secrets,
                    const std::vector<RunbookStep>& steps) {
  auto odoo_step = std::find_if(
      steps.begin(), steps.end(), [](const RunbookStep& s) { return is_odoo_kind(s.kind); });
  if (odoo_step == steps.end()) {
    return std::nullopt;
  }
  adapters::odoo::TargetOdoo odoo = target_odoo_of(project, secrets);
  if (!odoo.settings().configured()) {
    throw core::PreconditionError(
        "runbook step " + odoo_step->id + " '" + odoo_step->title + "' (" +
            std::string(core::to_string(odoo_step->kind)) + ") needs the target Odoo",
        "configure it: odoo-upgrade config --odoo-bin PATH --addons-path DIR");
  }
  return odoo;
}

std::vector<RunbookStepResult>
run_runbook_steps(const core::Project& project,
                  const adapters::fs::SecretStore& secrets,
                  const RunbookJob& job,
                  const std::vector<RunbookStep>& steps,
                  const std::function<void(const std::vector<RunbookStepResult>&)>& save) {
  std::optional<adapters::odoo::TargetOdoo> odoo = runbook_target_odoo(project, secrets, steps);
  std::error_code ec;
  stdfs::create_directories(job.folder / "runbook", ec);
  if (ec) {
    throw core::FilesystemError("cannot create '" + (job.folder / "runbook").string() +
                                "': " + ec.message());
  }
  std::vector<RunbookStepResult> results;
  for (const auto& step : steps) {
    core::throw_if_interrupted();
    results.push_back(run_one(project, secrets, odoo, job, step));
    if (save) {
      save(results);
    }
    const auto& last = results.back();
    if (last.result == "failed") {
      spdlog::error("{}", *runbook_failure(results));
      break;
    }
    if (last.result == "failed-continued") {
      spdlog::warn("runbook step {} '{}' failed (advisory, the run goes on): {}",
                   last.step_id,
                   last.title,
                   last.error);
    }
  }
  return results;
}

std::optional<std::string> runbook_failure(const std::vector<RunbookStepResult>& results) {
  for (const auto& r : results) {
    if (r.result == "failed") {
      return "runbook step " + r.step_id + " '" + r.title + "' failed: " + r.error;
    }
  }
  return std::nullopt;
}

std::string runbook_scratch_name(const core::Project& project, const std::string& run) {
  auto source = core::find_source(project);
  if (!source || source->dbname.empty()) {
    throw core::PreconditionError("project has no production database recorded",
                                  "run 'odoo-upgrade initiate' first");
  }
  std::string name =
      core::runbook_scratch_database_name(source->dbname, project.target_version(), run);
  if (!core::valid_database_name(name) || name == source->dbname) {
    throw core::UsageError("the runbook's scratch database name '" + name + "' is not usable");
  }
  return name;
}

namespace {

// The connection that creates and drops the scratch database: the server's maintenance database,
// not production's, where a freeze has made the tool's role read-only when it is also the Odoo
// role (`ALTER ROLE … IN DATABASE … SET default_transaction_read_only`), and CREATE DATABASE would
// be refused.
std::string scratch_admin_conninfo(const core::Project& project,
                                   const adapters::fs::SecretStore& secrets) {
  return server_conninfo(project, secrets, "postgres");
}

} // namespace

void drop_scratch_database(const core::Project& project,
                           const adapters::fs::SecretStore& secrets,
                           const std::string& name) {
  pg::drop_created_database(scratch_admin_conninfo(project, secrets), name);
}

namespace {

// Restores production's dump into `scratch` (dropping a leftover of an interrupted run first).
void restore_scratch(const core::Project& project,
                     const adapters::fs::SecretStore& secrets,
                     const BeforeUploadJob& job,
                     const std::string& scratch) {
  std::string admin = scratch_admin_conninfo(project, secrets);
  if (pg::database_exists(admin, scratch)) {
    spdlog::info("dropping the runbook's scratch database '{}' left by an interrupted run",
                 scratch);
    pg::drop_created_database(admin, scratch);
  }
  auto source = core::find_source(project);
  auto like = pg::database_shape(admin, source->dbname);
  spdlog::info("restoring production's dump into the runbook's scratch database '{}'", scratch);
  pg::restore_database(admin,
                       server_conninfo(project, secrets, scratch),
                       scratch,
                       job.production_dump,
                       job.jobs,
                       like,
                       job.folder / "runbook-scratch-restore.log");
}

} // namespace

std::vector<RunbookStepResult>
apply_before_upload(const core::Project& project,
                    const adapters::fs::SecretStore& secrets,
                    const BeforeUploadJob& job,
                    const std::vector<RunbookStep>& steps,
                    const std::function<void(const std::vector<RunbookStepResult>&)>& save) {
  std::string scratch = runbook_scratch_name(project, job.run);
  std::vector<RunbookStepResult> results;
  try {
    restore_scratch(project, secrets, job, scratch);
    results = run_runbook_steps(project, secrets, {scratch, job.folder}, steps, save);
    if (!runbook_failure(results)) {
      spdlog::info("dumping the runbook's scratch database '{}'", scratch);
      pg::dump_database(server_conninfo(project, secrets, scratch),
                        job.output_dump,
                        job.jobs,
                        job.compression,
                        {},
                        job.on_output_file);
    }
  } catch (...) {
    try {
      drop_scratch_database(project, secrets, scratch);
    } catch (const std::exception& e) {
      spdlog::warn("could not drop the runbook's scratch database '{}': {}", scratch, e.what());
    }
    throw;
  }
  drop_scratch_database(project, secrets, scratch);
  return results;
}

} // namespace odoo_upgrade::commands
