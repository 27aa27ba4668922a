#include "test_env.hpp"

#include "json_schema.hpp"
#include <pty.h>

#include <odoo_upgrade/adapters/pg/pq.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <sstream>

namespace odoo_upgrade::test {

namespace fs = std::filesystem;

namespace {

std::string random_suffix() {
  static std::mt19937_64 rng(static_cast<unsigned long>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ getpid()));
  static const char* k_chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 8; ++i) {
    s.push_back(k_chars[rng() % 36]);
  }
  return s;
}

} // namespace

TempDir::TempDir(const std::string& prefix) {
  fs::path root = fs::path(OU_BINARY_DIR) / "test-tmp";
  fs::create_directories(root);
  m_path = root / (prefix + "-" + std::to_string(getpid()) + "-" + random_suffix());
  fs::create_directories(m_path);
  // The PostgreSQL server runs as another user in CI: let it read what tests put here.
  fs::permissions(m_path, fs::perms::all, fs::perm_options::replace);
}

TempDir::~TempDir() {
  bool keep = std::getenv("OU_KEEP_TEST_DIRS") != nullptr;
  if (!keep) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

std::string pg_admin_conninfo() {
  const char* uri = std::getenv("OU_TEST_PG_URI");
  if (uri == nullptr || *uri == '\0') {
    FAIL("OU_TEST_PG_URI is not set: start a server with scripts/pg-cluster.sh start DIR and "
         "export OU_TEST_PG_URI (or run the README's test command, scripts/test.sh)");
  }
  return uri;
}

std::string pg_conninfo(const std::string& dbname) {
  return adapters::pg::conninfo_with_dbname(pg_admin_conninfo(), dbname);
}

std::string unique_db_name(const std::string& prefix) {
  return prefix + "_" + std::to_string(getpid()) + "_" + random_suffix();
}

bool pg_database_exists(const std::string& dbname) {
  adapters::pg::Connection c(pg_admin_conninfo());
  return c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {dbname}) == "1";
}

void pg_drop_database(const std::string& dbname) {
  adapters::pg::Connection c(pg_admin_conninfo());
  c.exec_no_rows("DROP DATABASE IF EXISTS " + adapters::pg::quote_identifier(dbname) +
                 " WITH (FORCE)");
}

void pg_create_from_fixture(const std::string& dbname, const std::string& fixture) {
  adapters::pg::Connection c(pg_admin_conninfo());
  std::string tpl = "ou_fixture_" + fixture;
  if (c.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {tpl}) != "1") {
    FAIL("fixture database '" + tpl +
         "' is missing: run tests/support/load-fixtures.sh DIR (ctest "
         "does it through the fixture test integration.setup_fixture_dbs)");
  }
  // Copying a template needs no other session on it; retry briefly when one is just closing.
  for (int attempt = 0;; ++attempt) {
    try {
      // FILE_COPY (PostgreSQL 15+) copies the files at once instead of WAL-logging every block:
      // several times faster for a 60 MB Odoo database.
      c.exec_no_rows("CREATE DATABASE " + adapters::pg::quote_identifier(dbname) + " TEMPLATE " +
                     adapters::pg::quote_identifier(tpl) +
                     (c.server_version() >= 150000 ? " STRATEGY = FILE_COPY" : ""));
      return;
    } catch (const std::exception&) {
      if (attempt >= 20) {
        throw;
      }
      usleep(250000);
    }
  }
}

std::string pg_query_value(const std::string& dbname, const std::string& sql) {
  adapters::pg::Connection c(pg_conninfo(dbname));
  return c.query_value(sql).value_or("");
}

std::size_t pg_toc_table_data(const fs::path& dump) {
  auto r = adapters::run_process({"pg_restore", "--list", dump.string()});
  INFO(r.err);
  REQUIRE(r.ok());
  static const std::regex k_entry("^[0-9]+; [0-9]+ [0-9]+ TABLE DATA .*");
  std::size_t n = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    n += std::regex_match(line, k_entry) ? 1 : 0;
  }
  return n;
}

void require_table_progress_lines(const std::string& err,
                                  const std::string& label,
                                  std::size_t tables) {
  INFO(label << " progress in: " << err);
  std::regex line("(^|[^a-z])" + label + ": ([0-9]+)/([0-9]+) tables(?=\\r?\\n)");
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  for (std::sregex_iterator it(err.begin(), err.end(), line), end; it != end; ++it) {
    seen.emplace_back(std::stoul((*it)[2]), std::stoul((*it)[3]));
  }
  REQUIRE(!seen.empty());
  CHECK(tables > 0);
  CHECK(seen.size() <= 1 + tables / 10);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].second == tables);
    CHECK((i == 0 || seen[i].first >= seen[i - 1].first));
  }
  CHECK(seen.back().first == tables);
}

fs::path fixture_dir(const std::string& fixture) {
  const char* dir = std::getenv("OU_FIXTURE_DIR");
  fs::path root = dir != nullptr ? fs::path(dir) : fs::path(OU_BINARY_DIR) / "test-fixtures";
  fs::path p = root / fixture;
  if (!fs::exists(p / "dump.sql")) {
    FAIL("fixture folder '" + p.string() + "' is missing: run tests/support/load-fixtures.sh");
  }
  return p;
}

DatabaseGuard::~DatabaseGuard() {
  if (std::getenv("OU_KEEP_TEST_DIRS") != nullptr) {
    return;
  }
  for (const auto& n : m_names) {
    try {
      pg_drop_database(n);
    } catch (...) {
    }
  }
}

std::optional<OdooRuntime> odoo17_runtime() {
  const char* dir = std::getenv("OU_TEST_ODOO17");
  if (dir == nullptr || *dir == '\0' ||
      !fs::exists(fs::path(dir) / "odoo17-runtime" / "odoo-bin")) {
    // ctest turns this line into "Skipped" (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    std::cout << "@@OU-TEST-SKIPPED@@ no Odoo 17.0 runtime: set OU_TEST_ODOO17 (see "
                 "scripts/odoo-runtime.sh)"
              << std::endl;
    return std::nullopt;
  }
  return OdooRuntime{fs::path(dir)};
}

fs::path binary_path(const std::string& name) {
  return fs::path(OU_BINARY_DIR) / name;
}

namespace {

// Every --json run of the binary in any test is checked against docs/schemas/: one document, valid
// against the schema its "schema" field names; each is kept (keep_json_document).
void check_json_output(const std::vector<std::string>& args, const std::string& out) {
  auto problems = json_output_errors(out);
  std::string joined;
  for (const auto& p : problems) {
    joined += "\n  " + p;
  }
  if (!problems.empty()) {
    std::string line;
    for (const auto& a : args) {
      line += " " + a;
    }
    FAIL_CHECK("the --json output of 'odoo-upgrade"
               << line << "' does not match docs/schemas/:" << joined << "\n"
               << out);
  }
  keep_json_document(out);
}

// The project file a run left behind, against docs/schemas/project.schema.json: every state a
// command can leave must be described there. Kept as {"schema": "project", "file": …}.
void check_project_file(const std::vector<std::string>& args, const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return;
  }
  std::string line;
  for (const auto& a : args) {
    line += " " + a;
  }
  auto doc = nlohmann::json::parse(read_file(file), nullptr, false);
  if (doc.is_discarded()) {
    FAIL_CHECK("after 'odoo-upgrade" << line << "' the project file " << file << " is not JSON");
    return;
  }
  auto problems = schema_errors(doc, schema_dir() / "project.schema.json");
  if (!problems.empty()) {
    std::string joined;
    for (const auto& p : problems) {
      joined += "\n  " + p;
    }
    FAIL_CHECK("after 'odoo-upgrade"
               << line << "' the project file " << file
               << " does not match docs/schemas/project.schema.json:" << joined);
  }
  keep_json_document(nlohmann::json{{"schema", "project"}, {"file", doc}}.dump());
}

} // namespace

fs::path project_of(const std::vector<std::string>& args,
                    const fs::path& cwd,
                    const std::vector<std::pair<std::string, std::string>>& env) {
  std::optional<fs::path> given;
  for (std::size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--project" && i + 1 < args.size()) {
      given = args[++i];
    } else if (args[i].starts_with("--project=")) {
      given = args[i].substr(std::string("--project=").size());
    }
  }
  for (const auto& [name, value] : env) {
    if (!given && name == "ODOO_UPGRADE_PROJECT" && !value.empty()) {
      given = value;
    }
  }
  return cwd / given.value_or("odoo-upgrade.json");
}

void keep_json_document(const std::string& out) {
  const char* keep = std::getenv("OU_TEST_KEEP_JSON");
  if (keep != nullptr && *keep != '\0') {
    static std::atomic<int> counter{0};
    auto doc = nlohmann::json::parse(out, nullptr, false);
    std::string name = doc.is_object() && doc.contains("schema") ? doc["schema"].dump() : "unnamed";
    std::erase(name, '"');
    std::replace(name.begin(), name.end(), '/', '_');
    write_file(fs::path(keep) / (name + "." + std::to_string(getpid()) + "." +
                                 std::to_string(counter++) + ".json"),
               out);
  }
}

adapters::ProcessResult run_cli(const std::vector<std::string>& args,
                                const fs::path& cwd,
                                std::vector<std::pair<std::string, std::string>> env) {
  std::vector<std::string> argv{binary_path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  adapters::ProcessOptions opts;
  opts.cwd = cwd;
  opts.env = std::move(env);
  // Tests must not pick up a developer's project or service settings.
  opts.unset_env = {"ODOO_UPGRADE_PROJECT",
                    "ODOO_UPGRADE_SERVICE_URL",
                    "ODOO_UPGRADE_CA_FILE",
                    "ODOO_UPGRADE_CONTRACT"};
  opts.timeout = std::chrono::minutes(10);
  auto project = project_of(args, cwd, opts.env);
  auto result = adapters::run_process(argv, opts);
  if (std::find(args.begin(), args.end(), "--json") != args.end()) {
    check_json_output(args, result.out);
  }
  if (result.exit_code == 0) {
    check_project_file(args, project);
  }
  return result;
}

namespace {

// The child side of run_cli_on_tty: the environment, the directory, then the binary.
[[noreturn]] void exec_on_tty(const std::vector<std::string>& argv,
                              const fs::path& cwd,
                              const std::vector<std::pair<std::string, std::string>>& env) {
  for (const char* name : {"NO_COLOR",
                           "ODOO_UPGRADE_PROJECT",
                           "ODOO_UPGRADE_SERVICE_URL",
                           "ODOO_UPGRADE_CA_FILE",
                           "ODOO_UPGRADE_CONTRACT"}) {
    unsetenv(name);
  }
  for (const auto& [name, value] : env) {
    setenv(name.c_str(), value.c_str(), 1);
  }
  if (chdir(cwd.c_str()) != 0) {
    _exit(127);
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

} // namespace

TtyResult run_cli_on_tty(const std::vector<std::string>& args,
                         const fs::path& cwd,
                         const std::string& input,
                         const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv{binary_path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    throw std::runtime_error("forkpty failed");
  }
  if (pid == 0) {
    exec_on_tty(argv, cwd, env);
  }
  // The terminal buffers what is typed until the program reads it.
  if (!input.empty()) {
    [[maybe_unused]] auto n = write(master, input.data(), input.size());
  }
  TtyResult r;
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      r.screen.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break; // EIO once the child closed the terminal
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

FixturePair::FixturePair(const std::string& prefix,
                         const std::string& prod_fixture,
                         const std::string& test_fixture)
    : prod(unique_db_name(prefix)), test(unique_db_name(prefix + "t")), guard({prod, test}) {
  pg_create_from_fixture(prod, prod_fixture);
  pg_create_from_fixture(test, test_fixture);
}

} // namespace odoo_upgrade::test
