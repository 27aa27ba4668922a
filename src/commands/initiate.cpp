#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/adapters/pg/odoo_inspector.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/initiate.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/secrets.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;
using core::CheckResult;

namespace {

constexpr const char* k_default_service_url = "https://upgrade.odoo.com";

struct Settings {
  stdfs::path project_path;
  stdfs::path data_dir;
  stdfs::path work_dir;
  std::string service_url;
  std::optional<std::string> ca_file;
  std::string data_server_user;
};

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
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
  s.service_url = o.service_url.value_or(env_or("ODOO_UPGRADE_SERVICE_URL", k_default_service_url));
  while (!s.service_url.empty() && s.service_url.back() == '/') {
    s.service_url.pop_back();
  }
  if (s.service_url.rfind("https://", 0) != 0 || s.service_url.size() <= 8) {
    throw core::UsageError("service URL '" + s.service_url + "' must start with https://",
                           "TLS is always on; trust a private CA with --ca-file");
  }
  std::string ca = o.ca_file.value_or(env_or("ODOO_UPGRADE_CA_FILE", ""));
  if (!ca.empty()) {
    if (!stdfs::is_regular_file(ca)) {
      throw core::UsageError("CA file '" + ca + "' does not exist");
    }
    s.ca_file = stdfs::absolute(ca).string();
  }
  s.data_server_user = o.data_server_user.value_or(env_or("ODOO_UPGRADE_DATA_SERVER_USER", "odoo"));
  if (!stdfs::is_directory(s.project_path.parent_path())) {
    throw core::FilesystemError("directory '" + s.project_path.parent_path().string() +
                                "' of the project file does not exist");
  }
  return s;
}

std::optional<std::string> tool_version(const std::string& tool) {
  if (!adapters::find_executable(tool)) {
    return std::nullopt;
  }
  auto r = adapters::run_process({tool, "--version"});
  if (!r.ok()) {
    return std::nullopt;
  }
  return r.out.substr(0, r.out.find('\n'));
}

std::vector<CheckResult> preflight(const core::DatabaseFacts& facts,
                                   const Settings& s,
                                   const stdfs::path& filestore,
                                   const adapters::fs::TreeSize& filestore_size,
                                   bool filestore_exists) {
  std::vector<CheckResult> checks;
  checks.push_back(core::check_pg_tool("pg_dump", tool_version("pg_dump"), facts.server_major()));
  checks.push_back(
      core::check_pg_tool("pg_restore", tool_version("pg_restore"), facts.server_major()));
  checks.push_back(core::check_program_present(
      "rsync", adapters::find_executable("rsync").has_value(), "transfers to the upgrade service"));
  checks.push_back(core::check_program_present(
      "ssh", adapters::find_executable("ssh").has_value(), "transfers to the upgrade service"));
  checks.push_back(core::check_program_present("ssh-keygen",
                                               adapters::find_executable("ssh-keygen").has_value(),
                                               "the project's transfer key"));
  checks.push_back(core::check_free_space(
      s.work_dir.string(), adapters::fs::free_bytes(s.work_dir), facts.size_bytes));
  checks.push_back(core::check_filestore(
      filestore.string(), filestore_exists, filestore_size.files, filestore_size.unreadable));
  return checks;
}

nlohmann::json modules_json(const core::DatabaseFacts& facts) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : facts.modules) {
    list.push_back({{"name", m.name},
                    {"version", m.version},
                    {"author", m.author},
                    {"license", m.license},
                    {"state", m.state},
                    {"origin", std::string(core::to_string(m.origin))}});
  }
  return list;
}

void print_report(std::ostream& os,
                  const Output& out,
                  const core::Project& project,
                  const core::DatabaseFacts& facts,
                  const std::vector<CheckResult>& checks) {
  const auto& src = project.doc()["source"];
  os << out.bold("Project '" + project.customer() + "'") << " created\n";
  os << "  database     " << facts.dbname << " on PostgreSQL " << facts.server_version << "\n";
  os << "  Odoo         " << facts.series.str() << " "
     << (facts.enterprise ? "Enterprise" : "Community") << " (base " << facts.base_version
     << ") -> " << project.target_version() << "\n";
  os << "  size         " << core::format_bytes(facts.size_bytes) << " database, "
     << core::format_bytes(src["filestore"].value("size_bytes", 0LL)) << " filestore ("
     << src["filestore"].value("files", 0LL) << " files)\n";
  os << "  registered   "
     << (facts.enterprise_code ? "yes (enterprise code kept in the secrets file)" : "no") << "\n";
  auto odoo = facts.modules_of(core::ModuleOrigin::odoo).size();
  auto ent = facts.modules_of(core::ModuleOrigin::enterprise).size();
  auto third = facts.modules_of(core::ModuleOrigin::third_party);
  os << "  modules      " << facts.modules.size() << " installed: " << odoo << " odoo, " << ent
     << " enterprise, " << third.size() << " third-party\n\n";

  os << out.bold("Third-party modules (" + std::to_string(third.size()) + ")") << "\n";
  if (third.empty()) {
    os << "  none: every installed module is Odoo's own\n";
  }
  for (const auto* m : third) {
    os << "  " << out.yellow(m->name)
       << std::string(m->name.size() < 32 ? 32 - m->name.size() : 1, ' ') << m->version << "  "
       << m->author << " (" << (m->license.empty() ? "no licence" : m->license) << ")\n";
  }
  if (!third.empty()) {
    os << "  these are not upgraded by Odoo: each needs a version for " << project.target_version()
       << " before the production upgrade\n";
  }
  os << "\n" << out.bold("Largest tables") << "\n";
  for (const auto& t : facts.largest_tables) {
    os << "  " << std::left << std::setw(34) << t.name << std::right << std::setw(10)
       << core::format_bytes(t.bytes) << std::setw(12) << t.rows << " rows\n";
  }
  os << "\n" << out.bold("Pre-flight checks") << "\n";
  for (const auto& c : checks) {
    std::string tag = c.status == CheckResult::Status::pass   ? out.green("pass")
                      : c.status == CheckResult::Status::warn ? out.yellow("warn")
                                                              : out.red("FAIL");
    os << "  " << tag << "  " << c.message << "\n";
    if (!c.hint.empty() && c.status != CheckResult::Status::pass) {
      os << "        hint: " << c.hint << "\n";
    }
  }
  os << "\nnext: " << core::next_step(project) << "\n";
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
  std::optional<adapters::fs::ProjectLock> lock;
  if (!ctx.options.dry_run) {
    lock.emplace(s.project_path);
  }
  if (stdfs::exists(s.project_path) && !o.force) {
    throw core::PreconditionError("project file '" + s.project_path.string() + "' already exists",
                                  "use 'odoo-upgrade status' to see it, or --force to replace it "
                                  "(the old file is kept as a backup)");
  }

  // Inspect production through a read-only session: initiate never writes to it.
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

  stdfs::path filestore = s.data_dir / "filestore" / facts.dbname;
  bool filestore_exists = stdfs::is_directory(filestore);
  adapters::fs::TreeSize filestore_size;
  if (filestore_exists) {
    filestore_size = adapters::fs::tree_size(filestore);
  }
  std::vector<CheckResult> checks =
      preflight(facts, s, filestore, filestore_size, filestore_exists);

  // Build the project document.
  core::Project project(o.customer, ctx.clock.now());
  auto& doc = project.doc();
  doc["target_version"] = o.target;
  doc["data_dir"] = s.data_dir.string();
  doc["work_dir"] = s.work_dir.string();
  doc["service"] = {{"url", s.service_url}, {"data_server_user", s.data_server_user}};
  if (s.ca_file) {
    doc["service"]["ca_file"] = *s.ca_file;
  }
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : facts.largest_tables) {
    tables.push_back({{"name", t.name}, {"bytes", t.bytes}, {"rows", t.rows}});
  }
  doc["source"] = {
      {"conninfo", adapters::pg::redact_conninfo(o.db)},
      {"dbname", facts.dbname},
      {"version", facts.series.str()},
      {"base_version", facts.base_version},
      {"edition", facts.enterprise ? "enterprise" : "community"},
      {"database_size_bytes", facts.size_bytes},
      {"pg_server_version", facts.server_version},
      {"database_uuid", facts.database_uuid.value_or("")},
      {"enterprise_code_registered", facts.enterprise_code.has_value()},
      {"filestore",
       {{"path", filestore.string()},
        {"exists", filestore_exists},
        {"size_bytes", filestore_size.bytes},
        {"files", filestore_size.files}}},
      {"largest_tables", tables},
      {"modules", modules_json(facts)},
  };
  nlohmann::json preflight_json = nlohmann::json::array();
  for (const auto& c : checks) {
    preflight_json.push_back(core::to_json(c));
  }
  doc["preflight"] = preflight_json;
  bool preflight_failed = std::any_of(checks.begin(), checks.end(), [](const auto& c) {
    return c.status == CheckResult::Status::fail;
  });
  auto third_party = facts.modules_of(core::ModuleOrigin::third_party);
  ctx.record(project,
             "initiate",
             preflight_failed ? "preflight_failed" : "ok",
             {{"source_version", facts.series.str()},
              {"target_version", o.target},
              {"modules", facts.modules.size()},
              {"third_party_modules", third_party.size()},
              {"database_size_bytes", facts.size_bytes}});

  nlohmann::json result = {
      {"customer", project.customer()},
      {"project", s.project_path.string()},
      {"database", facts.dbname},
      {"source_version", facts.series.str()},
      {"target_version", o.target},
      {"edition", facts.enterprise ? "enterprise" : "community"},
      {"database_size_bytes", facts.size_bytes},
      {"filestore_size_bytes", filestore_size.bytes},
      {"filestore_files", filestore_size.files},
      {"enterprise_code_registered", facts.enterprise_code.has_value()},
      {"modules", modules_json(facts)},
      {"third_party_modules", nlohmann::json::array()},
      {"largest_tables", tables},
      {"preflight", preflight_json},
      {"dry_run", ctx.options.dry_run},
      {"next", core::next_step(project)},
  };
  for (const auto* m : third_party) {
    result["third_party_modules"].push_back(m->name);
  }

  if (ctx.options.dry_run) {
    ctx.out.result(result, [&](std::ostream& os) {
      os << "dry run: would write project file '" << s.project_path.string() << "'\n\n";
      print_report(os, ctx.out, project, facts, checks);
    });
    return preflight_failed ? static_cast<int>(core::ExitCode::blocking_findings) : 0;
  }

  // Keep a replaced project file: never lose one.
  if (stdfs::exists(s.project_path)) {
    stdfs::path backup = s.project_path;
    backup += "." + core::iso8601_utc(ctx.clock.now()) + ".bak";
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
  std::error_code ec;
  stdfs::create_directories(s.work_dir, ec);
  if (ec) {
    throw core::FilesystemError("cannot create work dir '" + s.work_dir.string() +
                                "': " + ec.message());
  }
  stdfs::permissions(s.work_dir, stdfs::perms::owner_all, stdfs::perm_options::replace, ec);
  adapters::fs::save_project(s.project_path, project);

  ctx.out.result(result,
                 [&](std::ostream& os) { print_report(os, ctx.out, project, facts, checks); });
  return preflight_failed ? static_cast<int>(core::ExitCode::blocking_findings) : 0;
}

} // namespace odoo_upgrade::commands
