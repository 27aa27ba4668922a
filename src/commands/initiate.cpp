#include <odoo_upgrade/adapters/fs/disk.hpp>
#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/filestore.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/adapters/pg/data_directory.hpp>
#include <odoo_upgrade/adapters/pg/database_shape.hpp>
#include <odoo_upgrade/adapters/pg/golive_ops.hpp>
#include <odoo_upgrade/adapters/pg/odoo_inspector.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/preflight.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/disk_space.hpp>
#include <odoo_upgrade/commands/initiate.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/target_odoo.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/checklist_template.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/odoo_manifest.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>
#include <odoo_upgrade/core/preflight.hpp>
#include <odoo_upgrade/core/preflight_disk.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/service_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iomanip>
#include <memory>
#include <ostream>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;
using core::CheckResult;

namespace {

struct Settings {
  stdfs::path project_path;
  stdfs::path data_dir;
  stdfs::path work_dir;
  core::ServiceRecord service;
  std::optional<OdooChange> odoo; // the --odoo-* flags, validated
  // The consultant's checklist template (the user's config file), read and checked.
  std::optional<ChecklistTemplate> checklist_template;
};

// The service settings as every later command resolves them (https only, the CA a file), the CA
// made absolute so that the project works from any directory.
core::ServiceRecord validate_service(const InitiateOptions& o) {
  auto settings = resolve_service_settings(core::ServiceRecord{},
                                           {o.service_url, o.ca_file, o.data_server_user});
  core::ServiceRecord service;
  service.url = settings.url;
  if (settings.ca_file) {
    service.ca_file = stdfs::absolute(*settings.ca_file).string();
  }
  service.data_server_user = settings.data_server_user;
  return service;
}

// Everything that can be checked without touching the database or the disk, so that bad input
// changes nothing and fails fast.
Settings validate_options(const InitiateOptions& o, const Context& ctx) {
  if (o.customer.empty() || o.customer.find_first_of("\n\r\t") != std::string::npos) {
    throw core::UsageError("customer name must be a non-empty single line");
  }
  adapters::pg::parse_conninfo(o.db); // throws UsageError when malformed
  if (!core::parse_series(o.target)) {
    throw core::UsageError("target '" + o.target +
                           "' is not an Odoo series (expected e.g. '18.0')");
  }
  Settings s;
  s.project_path = stdfs::absolute(ctx.project_path()).lexically_normal();
  s.data_dir = o.data_dir ? stdfs::absolute(*o.data_dir).lexically_normal()
                          : adapters::fs::home_dir() / ".local" / "share" / "Odoo";
  s.work_dir = o.work_dir
                   ? stdfs::absolute(*o.work_dir).lexically_normal()
                   : s.project_path.parent_path() / (s.project_path.stem().string() + "-work");
  s.service = validate_service(o);
  if (o.odoo.any()) {
    // The target Odoo's settings are checked (odoo-bin run once) before anything is touched.
    s.odoo = apply_odoo_flags(core::OdooSettings{}, o.odoo, o.target);
  }
  s.checklist_template = load_checklist_template();
  if (!stdfs::is_directory(s.project_path.parent_path())) {
    throw core::FilesystemError("directory '" + s.project_path.parent_path().string() +
                                "' of the project file does not exist");
  }
  return s;
}

// Takes the project lock (not for a dry run) and refuses an existing project without --force.
std::unique_ptr<adapters::fs::ProjectLock>
lock_new_project(const Settings& s, bool force, const Context& ctx) {
  std::unique_ptr<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock = std::make_unique<adapters::fs::ProjectLock>(s.project_path);
  }
  if (stdfs::exists(s.project_path) && !force) {
    throw core::PreconditionError("project file '" + s.project_path.string() + "' already exists",
                                  "use 'odoo-upgrade status' to see it, or --force to replace it "
                                  "(the old file is kept as a backup)");
  }
  return lock;
}

// The UAT checklist of the project that --force replaces, so that a re-run keeps the project's own
// items; std::nullopt when there is none (or the old file cannot be read: it is kept as a backup).
std::optional<std::vector<core::uat::ChecklistItem>> replaced_checklist(const Settings& s) {
  if (!stdfs::exists(s.project_path)) {
    return std::nullopt;
  }
  try {
    auto uat = core::uat::find_uat(adapters::fs::load_project(s.project_path));
    return uat ? uat->checklist : std::nullopt;
  } catch (const core::Error& e) {
    spdlog::warn("the UAT checklist of the replaced project is not kept: {}", e.what());
    return std::nullopt;
  }
}

// The new project's UAT checklist: the replaced project's (else the default one) with the items
// of the consultant's template it does not hold yet. Returns how many items the template added.
std::size_t write_checklist(core::Project& project,
                            const Settings& s,
                            std::optional<std::vector<core::uat::ChecklistItem>> kept) {
  if (!kept && !s.checklist_template) {
    return 0; // the default checklist applies, as before any template
  }
  auto base = kept ? std::move(*kept) : core::uat::default_checklist();
  std::size_t before = base.size();
  core::uat::UatRecord uat;
  uat.checklist = s.checklist_template
                      ? core::uat::with_template(std::move(base), s.checklist_template->items)
                      : std::move(base);
  core::uat::write_uat(project, uat);
  return uat.checklist->size() - before;
}

core::DatabaseFacts inspect_production(const InitiateOptions& o) {
  spdlog::info("inspecting the production database…");
  adapters::pg::Connection conn(o.db);
  conn.set_read_only();
  core::DatabaseFacts facts = adapters::pg::inspect_odoo_database(conn);
  if (facts.enterprise_code) {
    core::register_secret(*facts.enterprise_code);
  }
  if (auto refusal = core::target_refusal(facts.series, o.target)) {
    throw core::UsageError(*refusal);
  }
  return facts;
}

// The production filestore as found on disk; unreadable entries are a pre-flight finding, not a
// recorded fact.
struct Filestore {
  core::FilestoreRecord record;
  std::uint64_t unreadable = 0;
};

Filestore measure_filestore(const Settings& s, const core::DatabaseFacts& facts) {
  Filestore f;
  stdfs::path path = s.data_dir / "filestore" / facts.dbname;
  f.record.path = path.string();
  f.record.exists = stdfs::is_directory(path);
  if (f.record.exists) {
    auto size = adapters::fs::tree_size(path);
    f.record.size_bytes = static_cast<long long>(size.bytes);
    f.record.files = static_cast<long long>(size.files);
    f.unreadable = size.unreadable;
  }
  return f;
}

// What the pre-flight checks read besides the inspection: production's shape and the role's
// rights (every later CREATE DATABASE), modules half installed, the attachment files.
struct PreflightFacts {
  std::vector<std::string> transient_modules;
  core::DatabaseShape shape;
  core::DatabaseShape template1;
  core::RoleRights rights;
  std::vector<core::ExtensionNeed> extensions;
  core::AttachmentFiles attachments;
  std::string pg_data; // the cluster's data directory, "" when it cannot be known
  adapters::pg::DatabaseBytes sizes;
};

PreflightFacts gather_preflight(const InitiateOptions& o,
                                const core::DatabaseFacts& facts,
                                const Filestore& filestore) {
  adapters::pg::Connection conn(o.db);
  conn.set_read_only();
  PreflightFacts p;
  p.transient_modules = adapters::pg::golive::modules_in_transition(conn);
  p.shape = adapters::pg::database_shape(conn, facts.dbname);
  p.template1 = adapters::pg::database_shape(conn, "template1");
  p.rights = adapters::pg::role_rights(conn, p.shape.owner);
  p.extensions = adapters::pg::installed_extensions(conn);
  p.pg_data = adapters::pg::local_data_directory(conn, o.db);
  p.sizes = adapters::pg::database_bytes(conn);
  if (filestore.record.exists) {
    p.attachments = adapters::pg::attachment_files(conn, filestore.record.path);
  }
  return p;
}

// Where each step of a round writes, with the free space there now.
std::vector<core::DiskStep>
disk_steps(const Settings& s, const Filestore& filestore, const PreflightFacts& p) {
  // On one filesystem the test filestore is made of hard links (adapters/fs merge_filestore).
  bool linked = adapters::fs::hard_links_possible(filestore.record.path, s.data_dir / "filestore");
  auto steps =
      core::round_disk_steps(s.work_dir.string(),
                             p.pg_data,
                             s.data_dir.string(),
                             p.sizes.tables,
                             p.sizes.database,
                             linked ? 0
                                    : adapters::fs::filestore_copy_bytes(
                                          static_cast<std::uint64_t>(filestore.record.files),
                                          static_cast<std::uint64_t>(filestore.record.size_bytes)));
  fill_disk_places(steps);
  return steps;
}

std::vector<CheckResult> preflight(const core::DatabaseFacts& facts,
                                   const Settings& s,
                                   const Filestore& filestore,
                                   const core::NamesRecord& names,
                                   const PreflightFacts& p) {
  auto present = [](const char* program) { return adapters::find_executable(program).has_value(); };
  auto version = adapters::pg::client_tool_version;
  std::vector<CheckResult> checks{
      core::check_pg_tool("pg_dump", version("pg_dump"), facts.server_major()),
      core::check_pg_tool("pg_restore", version("pg_restore"), facts.server_major()),
      core::check_program_present("rsync", present("rsync"), "transfers to the upgrade service"),
      core::check_program_present("ssh", present("ssh"), "transfers to the upgrade service"),
      core::check_program_present(
          "ssh-keygen", present("ssh-keygen"), "the project's transfer key"),
      core::check_filestore(filestore.record.path,
                            filestore.record.exists,
                            static_cast<std::uint64_t>(filestore.record.files),
                            filestore.unreadable),
      core::check_database_names(names),
      core::check_transient_modules(p.transient_modules),
      core::check_database_shape(p.shape, p.template1),
      core::check_create_rights(p.rights),
      core::check_extensions(p.rights, p.extensions),
  };
  checks.push_back(core::check_disk_per_step(disk_steps(s, filestore, p)));
  if (filestore.record.exists) {
    checks.push_back(core::check_attachment_files(filestore.record.path, p.attachments));
  }
  return checks;
}

core::SourceRecord source_record(const InitiateOptions& o,
                                 const core::DatabaseFacts& facts,
                                 core::FilestoreRecord filestore) {
  core::SourceRecord src;
  src.conninfo = adapters::pg::redact_conninfo(o.db);
  src.dbname = facts.dbname;
  src.version = facts.series.str();
  src.base_version = facts.base_version;
  src.edition = facts.enterprise ? core::Edition::enterprise : core::Edition::community;
  src.database_size_bytes = facts.size_bytes;
  src.pg_server_version = facts.server_version;
  src.database_uuid = facts.database_uuid.value_or("");
  src.enterprise_code_registered = facts.enterprise_code.has_value();
  src.filestore = std::move(filestore);
  src.largest_tables = facts.largest_tables;
  src.modules = facts.modules;
  return src;
}

// The target column: every installed third-party module looked up on the target Odoo's addons
// paths (read_manifests.py in a scratch folder, removed after). std::nullopt without a target Odoo.
std::optional<core::TargetModulesRecord>
check_targets(const InitiateOptions& o, const Settings& s, const core::SourceRecord& source) {
  if (!s.odoo || !s.odoo->settings.configured()) {
    return std::nullopt;
  }
  adapters::odoo::OdooConnection conn;
  conn.data_dir = s.data_dir;
  adapters::odoo::TargetOdoo odoo(s.odoo->settings, conn, "");
  stdfs::path scratch =
      stdfs::temp_directory_path() / ("odoo-upgrade-manifests-" + std::to_string(::getpid()));
  core::TargetModulesRecord r;
  r.series = o.target;
  try {
    r.modules = check_target_modules(
        odoo, source.module_names(core::ModuleOrigin::third_party), o.target, scratch);
  } catch (...) {
    std::error_code ec;
    stdfs::remove_all(scratch, ec);
    throw;
  }
  std::error_code ec;
  stdfs::remove_all(scratch, ec);
  return r;
}

// The project as initiate creates it, with its first history event.
core::Project build_project(const InitiateOptions& o,
                            const Settings& s,
                            const core::SourceRecord& source,
                            const core::NamesRecord& names,
                            const std::vector<CheckResult>& checks,
                            const std::optional<core::TargetModulesRecord>& targets,
                            const Context& ctx) {
  core::Project project(o.customer, ctx.clock.now());
  project.set_target_version(o.target);
  project.set_data_dir(s.data_dir.string());
  project.set_work_dir(s.work_dir.string());
  core::write_service(project, s.service);
  core::write_source(project, source);
  core::write_names(project, names);
  core::write_preflight(project, checks);
  if (s.odoo) {
    core::write_odoo_settings(project, s.odoo->settings);
  }
  if (targets) {
    core::write_target_modules(project, *targets);
  }
  ctx.record(project,
             "initiate",
             core::any_blocking(checks) ? "preflight_failed" : "ok",
             {{"source_version", source.version},
              {"target_version", o.target},
              {"modules", source.modules.size()},
              {"third_party_modules", source.module_names(core::ModuleOrigin::third_party).size()},
              {"database_size_bytes", source.database_size_bytes}});
  return project;
}

nlohmann::json tables_json(const core::SourceRecord& src) {
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : src.largest_tables) {
    tables.push_back({{"name", t.name}, {"bytes", t.bytes}, {"rows", t.rows}});
  }
  return tables;
}

// The target column as --json shows it: null without a target Odoo.
nlohmann::json target_modules_json(const core::Project& project) {
  auto targets = core::read_target_modules(project);
  return targets ? core::to_json(*targets) : nlohmann::json();
}

nlohmann::json result_doc(const core::Project& project, const Settings& s, const Context& ctx) {
  auto src = core::read_source(project);
  nlohmann::json source = core::to_json(src);
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : core::read_preflight(project)) {
    checks.push_back(core::to_json(c));
  }
  return {
      {"customer", project.customer()},
      {"project", s.project_path.string()},
      {"database", src.dbname},
      {"source_version", src.version},
      {"target_version", project.target_version()},
      {"edition", std::string(core::to_string(src.edition))},
      {"database_size_bytes", src.database_size_bytes},
      {"filestore_size_bytes", src.filestore.size_bytes},
      {"filestore_files", src.filestore.files},
      {"enterprise_code_registered", src.enterprise_code_registered},
      {"modules", source["modules"]},
      {"third_party_modules", src.module_names(core::ModuleOrigin::third_party)},
      {"target_modules", target_modules_json(project)},
      {"largest_tables", tables_json(src)},
      {"preflight", checks},
      {"dry_run", ctx.options.dry_run},
      {"next", core::next_step(project)},
  };
}

// The target column of one module: "target: found 17.0.1.0.1 in /srv/addons/auditlog", "missing"…
void print_target(std::ostream& os, const Output& out, const core::TargetCheck* check) {
  if (check == nullptr) {
    return;
  }
  std::string text = "target: " + check->describe();
  os << "    " << (check->ok() ? out.green(text) : out.red(text)) << "\n";
}

void print_modules(std::ostream& os, const Output& out, const core::Project& project) {
  auto src = core::read_source(project);
  std::vector<const core::ModuleInfo*> third;
  for (const auto& m : src.modules) {
    if (m.origin == core::ModuleOrigin::third_party) {
      third.push_back(&m);
    }
  }
  auto targets = core::read_target_modules(project);
  os << out.bold("Third-party modules (" + std::to_string(third.size()) + ")") << "\n";
  if (third.empty()) {
    os << "  none: every installed module is Odoo's own\n";
  }
  for (const auto* m : third) {
    os << "  " << out.yellow(m->name)
       << std::string(m->name.size() < 32 ? 32 - m->name.size() : 1, ' ') << m->version << "  "
       << m->author << " (" << (m->license.empty() ? "no licence" : m->license) << ")\n";
    print_target(os, out, targets ? targets->find(m->name) : nullptr);
  }
  if (!third.empty() && !targets) {
    os << "  no target Odoo configured: give --odoo-bin and --addons-path (or 'odoo-upgrade "
          "config') "
          "to look each one up for "
       << project.target_version() << "\n";
  }
  if (!third.empty()) {
    os << "  these are not upgraded by Odoo: each needs a version for " << project.target_version()
       << " before the production upgrade\n";
  }
}

void print_report(std::ostream& os, const Output& out, const core::Project& project) {
  auto src = core::read_source(project);
  os << out.bold("Project '" + project.customer() + "'") << " created\n";
  os << "  database     " << src.dbname << " on PostgreSQL " << src.pg_server_version << "\n";
  os << "  Odoo         " << src.version << " "
     << (src.edition == core::Edition::enterprise ? "Enterprise" : "Community") << " (base "
     << src.base_version << ") -> " << project.target_version() << "\n";
  os << "  size         " << core::format_bytes(src.database_size_bytes) << " database, "
     << core::format_bytes(src.filestore.size_bytes) << " filestore (" << src.filestore.files
     << " files)\n";
  os << "  registered   "
     << (src.enterprise_code_registered ? "yes (enterprise code kept in the secrets file)" : "no")
     << "\n";
  os << "  modules      " << src.modules.size()
     << " installed: " << src.module_names(core::ModuleOrigin::odoo).size() << " odoo, "
     << src.module_names(core::ModuleOrigin::enterprise).size() << " enterprise, "
     << src.module_names(core::ModuleOrigin::third_party).size() << " third-party\n\n";
  print_modules(os, out, project);
  os << "\n" << out.bold("Largest tables") << "\n";
  for (const auto& t : src.largest_tables) {
    os << "  " << std::left << std::setw(34) << t.name << std::right << std::setw(10)
       << core::format_bytes(t.bytes) << std::setw(12) << t.rows << " rows\n";
  }
  os << "\n" << out.bold("Pre-flight checks") << "\n";
  for (const auto& c : core::read_preflight(project)) {
    os << "  " << styled_label(out, c.status) << " " << c.message << "\n";
    if (!c.hint.empty() && c.status != core::Severity::ok) {
      os << "        hint: " << c.hint << "\n";
    }
  }
  os << "\nnext: " << core::next_step(project) << "\n";
}

void print_checklist_note(std::ostream& os, const Settings& s, std::size_t added) {
  if (s.checklist_template) {
    os << "UAT checklist: " << added << " item(s) added from the template '"
       << s.checklist_template->file.string() << "'\n";
  }
}

// Keeps a replaced project file (never lose one), stores the secrets, creates the work dir and
// writes the project, in that order: the project file appears last.
void write_project(const core::Project& project,
                   const Settings& s,
                   const InitiateOptions& o,
                   const core::DatabaseFacts& facts,
                   const Context& ctx) {
  if (stdfs::exists(s.project_path)) {
    stdfs::path backup = s.project_path;
    backup += ".";
    backup += core::iso8601_utc(ctx.clock.now()); // not `"." + …`: GCC PR105651 (-Wrestrict)
    backup += ".bak";
    stdfs::copy_file(s.project_path, backup, stdfs::copy_options::overwrite_existing);
    spdlog::info("previous project file kept as '{}'", backup.string());
  }
  adapters::fs::SecretStore secrets(s.project_path);
  if (auto pw = adapters::pg::conninfo_password(o.db)) {
    secrets.set("db_password", *pw);
  }
  if (facts.enterprise_code) {
    secrets.set("contract", *facts.enterprise_code);
  }
  if (s.odoo && s.odoo->password) {
    secrets.set(core::k_odoo_password_secret, *s.odoo->password);
  }
  std::error_code ec;
  stdfs::create_directories(s.work_dir, ec);
  if (ec) {
    throw core::FilesystemError("cannot create work dir '" + s.work_dir.string() +
                                "': " + ec.message());
  }
  stdfs::permissions(s.work_dir, stdfs::perms::owner_all, stdfs::perm_options::replace, ec);
  adapters::fs::save_project(s.project_path, project);
}

} // namespace

int run_initiate(const InitiateOptions& o, Context& ctx) {
  // Validate everything we can before touching anything.
  Settings s = validate_options(o, ctx);
  if (auto pw = adapters::pg::conninfo_password(o.db)) {
    core::register_secret(*pw);
  }
  // Hold the project lock from the existence check to the final rename, so that two initiates
  // cannot both create the project.
  auto lock = lock_new_project(s, o.force, ctx);
  // Inspect production through a read-only session: initiate never writes to it.
  core::DatabaseFacts facts = inspect_production(o);
  // The pre-flight checks are findings of the inspection, never errors: the project is written
  // anyway and the exit code says whether one blocks.
  Filestore filestore = measure_filestore(s, facts);
  // Every name the later steps derive from production's, proven valid now and recorded.
  core::NamesRecord names = core::derive_names(facts.dbname, o.target);
  std::vector<CheckResult> checks =
      preflight(facts, s, filestore, names, gather_preflight(o, facts, filestore));
  core::SourceRecord source = source_record(o, facts, filestore.record);
  // The target Odoo's addons paths are read (never run on a database): the migration's work list.
  auto targets = check_targets(o, s, source);
  core::Project project = build_project(o, s, source, names, checks, targets, ctx);
  // The consultant's own UAT scenarios, once per project: a re-run keeps the project's items.
  std::size_t added = write_checklist(project, s, replaced_checklist(s));
  int code = core::any_blocking(checks) ? static_cast<int>(core::ExitCode::blocking_findings) : 0;
  // A dry run shows the inspection and what would be written, and writes nothing.
  if (ctx.options.dry_run) {
    ctx.out.result(result_doc(project, s, ctx), [&](std::ostream& os) {
      os << "dry run: would write project file '" << s.project_path.string() << "'\n\n";
      print_report(os, ctx.out, project);
      print_checklist_note(os, s, added);
    });
    return code;
  }
  // Write the secrets, the work dir and the project file, then show the inspection.
  write_project(project, s, o, facts, ctx);
  ctx.out.result(result_doc(project, s, ctx), [&](std::ostream& os) {
    print_report(os, ctx.out, project);
    print_checklist_note(os, s, added);
  });
  return code;
}

} // namespace odoo_upgrade::commands
