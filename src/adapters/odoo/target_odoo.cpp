#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/odoo_scripts.hpp>

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace odoo_upgrade::adapters::odoo {

namespace stdfs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string read_text(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const stdfs::path& path, std::string_view text) {
  std::error_code ec;
  stdfs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw core::FilesystemError("cannot write '" + path.string() + "'");
  }
}

// An empty log file for a run: Odoo appends to an existing --logfile.
void fresh_log(const stdfs::path& path) {
  write_text(path, "");
}

OdooRun run(const Invocation& inv,
            const stdfs::path& log,
            milliseconds timeout,
            std::optional<stdfs::path> stdin_file = std::nullopt) {
  ProcessOptions opts;
  opts.env = inv.env;
  opts.unset_env = inv.unset_env;
  opts.timeout = timeout;
  opts.stdin_file = std::move(stdin_file);
  opts.keep_bytes = 16 << 20;
  spdlog::debug("running the target Odoo: {}", inv.argv.size() > 2 ? inv.argv[2] : "");
  auto start = Clock::now();
  OdooRun r;
  r.process = run_process(inv.argv, opts);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.log = log;
  r.out = r.process.out;
  return r;
}

// The login page of `db`: status, final path, redirects.
void check_login(HttpServer& server, const std::string& db, core::OpenFacts& facts) {
  PageAnswer login = server.get(core::login_target(db), milliseconds(180'000));
  facts.login_status = login.status;
  facts.login_path = login.path;
  facts.redirects = login.redirects;
  facts.login_error = login.error;
  facts.seconds_to_login = server.elapsed();
}

// The series from /web/webclient/version_info.
void check_version(HttpServer& server, core::OpenFacts& facts) {
  PageAnswer v = server.call("/web/webclient/version_info", milliseconds(60'000));
  if (v.status != 200) {
    facts.version_error = v.status == 0 ? v.error : "HTTP " + std::to_string(v.status);
    return;
  }
  auto body = nlohmann::json::parse(v.body, nullptr, false);
  if (body.is_object() && body.contains("result") && body["result"].is_object() &&
      body["result"].contains("server_serie") && body["result"]["server_serie"].is_string()) {
    facts.series = body["result"]["server_serie"].get<std::string>();
  } else {
    facts.version_error = "no server_serie in the answer";
  }
}

// The first ERROR or CRITICAL record of a server log.
std::optional<core::odoo_log::ErrorSummary> first_log_error(const stdfs::path& log) {
  for (const auto& r : core::odoo_log::parse_records(read_text(log))) {
    if (r.level == "ERROR" || r.level == "CRITICAL") {
      return core::odoo_log::summarize_error(r);
    }
  }
  return std::nullopt;
}

} // namespace

TargetOdoo::TargetOdoo(core::OdooSettings settings, OdooConnection conn, std::string admin)
    : m_settings(std::move(settings)), m_conn(std::move(conn)), m_admin_conninfo(std::move(admin)) {
}

std::string TargetOdoo::series(const core::OdooSettings& settings) {
  Invocation inv = version_invocation(settings);
  ProcessOptions opts;
  opts.env = inv.env;
  opts.timeout = milliseconds(60'000);
  ProcessResult r;
  try {
    r = run_process(inv.argv, opts);
  } catch (const core::FilesystemError& e) {
    throw core::UsageError(std::string("the target Odoo cannot run: ") + e.what(),
                           "check --odoo-python and --odoo-bin");
  }
  auto series = series_of_version_output(r.out);
  if (!r.ok() || !series) {
    // An interpreter without Odoo's Python packages fails on the first import.
    bool lacks_packages = r.last_error_line().rfind("ModuleNotFoundError", 0) == 0;
    throw core::UsageError(
        "'" + settings.odoo_bin + " --version' with '" + settings.python_or_default() +
            "' did not report an Odoo series (" + r.describe() + "): " + r.last_error_line(),
        lacks_packages ? "that Python lacks Odoo's dependencies: give one that has them "
                         "(--odoo-python; Debian's /usr/bin/python3 with scripts/install-deps.sh "
                         "--odoo, or a virtualenv with Odoo's requirements.txt)"
                       : "check --odoo-bin, --odoo-python and --odoo-env");
  }
  return *series;
}

OdooConnection TargetOdoo::connection_for(const std::string& db) const {
  pg::Connection admin(m_admin_conninfo);
  auto owner = pg::target_db::database_owner(admin, db);
  if (!owner) {
    throw core::PreconditionError("database '" + db +
                                      "' does not exist: the target Odoo is not started on it "
                                      "(an Odoo server creates a database it does not find)",
                                  "restore it first (re-run the command)");
  }
  OdooConnection conn = m_conn;
  if (conn.user.empty()) {
    conn.user = *owner;
  }
  if (auto why = core::refuse_db_user(conn.user)) {
    throw core::PreconditionError("the target Odoo cannot connect to '" + db + "' as '" +
                                      conn.user + "': " + *why,
                                  "set its role with 'odoo-upgrade config --odoo-db-user ROLE'");
  }
  // A role that is missing or may not log in: Odoo would fail with nothing in its log.
  auto can_login = pg::target_db::role_can_login(admin, conn.user);
  if (!can_login || !*can_login) {
    throw core::PreconditionError(
        "the target Odoo cannot connect to '" + db + "' as '" + conn.user +
            "': " + (can_login ? "the role may not log in" : "no such role on the server"),
        "create the role (CREATE ROLE " + conn.user +
            " LOGIN), or set another with 'odoo-upgrade config --odoo-db-user ROLE'");
  }
  // The config file may have changed since `config` checked it.
  if (!m_settings.config_file.empty()) {
    if (auto refused = core::refuse_config(read_text(m_settings.config_file))) {
      throw core::PreconditionError(
          "the Odoo config file '" + m_settings.config_file + "' " + refused->why, refused->hint);
    }
  }
  return conn;
}

OdooRun TargetOdoo::update(const std::string& db,
                           const std::vector<std::string>& modules,
                           const stdfs::path& logfile,
                           milliseconds timeout) {
  OdooConnection conn = connection_for(db);
  fresh_log(logfile);
  OdooRun r = run(update_invocation(m_settings, conn, db, modules, logfile), logfile, timeout);
  r.log_text = read_text(logfile);
  return r;
}

OdooRun TargetOdoo::install(const std::string& db,
                            const std::vector<std::string>& modules,
                            const stdfs::path& logfile,
                            milliseconds timeout) {
  OdooConnection conn = connection_for(db);
  fresh_log(logfile);
  OdooRun r = run(install_invocation(m_settings, conn, db, modules, logfile), logfile, timeout);
  r.log_text = read_text(logfile);
  return r;
}

OdooRun TargetOdoo::shell(const std::string& db,
                          std::string_view script,
                          const stdfs::path& script_file,
                          const stdfs::path& logfile,
                          const std::vector<std::pair<std::string, std::string>>& env,
                          milliseconds timeout) {
  OdooConnection conn = connection_for(db);
  write_text(script_file, script);
  fresh_log(logfile);
  OdooRun r =
      run(shell_invocation(m_settings, conn, db, logfile, env), logfile, timeout, script_file);
  r.log_text = read_text(logfile);
  return r;
}

TargetOdoo::Served
TargetOdoo::serve(const std::string& db, const stdfs::path& logfile, milliseconds ready_timeout) {
  OdooConnection conn = connection_for(db);
  Served s;
  for (int attempt = 1;; ++attempt) {
    fresh_log(logfile);
    int port = free_loopback_port();
    s.server = std::make_unique<HttpServer>(
        server_invocation(m_settings, conn, db, port, logfile), port, logfile);
    s.ready = s.server->wait_ready(ready_timeout);
    if (s.ready || !s.server->port_taken() || attempt == 3) {
      return s;
    }
    spdlog::warn("the target Odoo's HTTP server: {}; starting it on another port",
                 s.server->why_not());
    s.server->stop();
  }
}

core::OpenFacts TargetOdoo::open_check(const std::string& db,
                                       const stdfs::path& logfile,
                                       milliseconds ready_timeout) {
  core::OpenFacts facts;
  auto [server, ready] = serve(db, logfile, ready_timeout);
  if (ready) {
    facts.ready = true;
    facts.seconds_to_ready = *ready;
    check_login(*server, db, facts);
    check_version(*server, facts);
  } else {
    facts.start_error = server->why_not();
  }
  std::string ended = server->stop();
  spdlog::debug("the target Odoo's HTTP server ended: {}", ended);
  facts.log_error = first_log_error(logfile);
  return facts;
}

nlohmann::json TargetOdoo::read_manifests(const std::vector<std::string>& modules,
                                          const std::string& series,
                                          const stdfs::path& scratch_dir) const {
  stdfs::path script = scratch_dir / "read_manifests.py";
  stdfs::path input = scratch_dir / "read_manifests.json";
  write_text(script, generated::k_read_manifests_py);
  nlohmann::json request = {{"addons_paths", m_settings.addons_paths},
                            {"modules", modules},
                            {"series", series},
                            {"odoo_bin", m_settings.odoo_bin},
                            {"data_dir", m_conn.data_dir.string()}};
  write_text(input, request.dump());
  // The Odoo environment of the settings: read_manifests.py imports odoo as the target runs it.
  Invocation inv = python_invocation(m_settings, {script.string()});
  ProcessOptions opts;
  opts.env = inv.env;
  opts.stdin_file = input;
  opts.timeout = milliseconds(120'000);
  ProcessResult r = run_process(inv.argv, opts);
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  if (!r.ok() || doc.is_discarded() || !doc.is_object()) {
    throw core::FilesystemError("reading the module manifests failed (" + r.describe() +
                                    "): " + r.last_error_line(),
                                "check --odoo-python (it runs the manifest reader)");
  }
  return doc;
}

std::optional<nlohmann::json>
marked_document(const std::string& out, std::string_view begin, std::string_view end) {
  auto b = out.find(begin);
  if (b == std::string::npos) {
    return std::nullopt;
  }
  auto from = b + begin.size();
  auto e = out.find(end, from);
  if (e == std::string::npos) {
    return std::nullopt;
  }
  auto doc = nlohmann::json::parse(out.substr(from, e - from), nullptr, false);
  if (doc.is_discarded()) {
    return std::nullopt;
  }
  return doc;
}

} // namespace odoo_upgrade::adapters::odoo
