#pragma once

#include <odoo_upgrade/adapters/process.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Shared helpers for tests: temporary folders, the throwaway PostgreSQL server named by
// OU_TEST_PG_URI, fixture databases and running the built binaries.
namespace odoo_upgrade::test {

// A fresh directory under the build tree, removed on destruction unless the test failed or
// OU_KEEP_TEST_DIRS is set (so a failing test leaves its files to look at).
class TempDir {
public:
  explicit TempDir(const std::string& prefix = "t");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

// Admin conninfo of the test server (OU_TEST_PG_URI). Fails the test with a hint when unset.
std::string pg_admin_conninfo();
// Conninfo for database `dbname` on the test server.
std::string pg_conninfo(const std::string& dbname);
// A unique database name with the given prefix (lower case, safe for SQL identifiers).
std::string unique_db_name(const std::string& prefix);
bool pg_database_exists(const std::string& dbname);
void pg_drop_database(const std::string& dbname);
// Creates `dbname` as a copy of a loaded fixture ("odoo17" or "odoo16"; see
// support/load-fixtures.sh).
void pg_create_from_fixture(const std::string& dbname, const std::string& fixture = "odoo17");
// Runs one SQL statement in `dbname` (no parameters) and returns the first value of the first row.
std::string pg_query_value(const std::string& dbname, const std::string& sql);
// The number of TABLE DATA entries of the pg_dump archive `dump`, as `pg_restore --list` shows them
// (read here with a regular expression, independently of adapters/pg's reader).
std::size_t pg_toc_table_data(const std::filesystem::path& dump);
// Checks the table progress `label` ("dump", "restore") logged on `err` (stderr, or a terminal's
// screen with --no-color) without a bar: lines
// "<label>: <done>/<total> tables", fewer than one per ten tables, every total `tables`, done
// growing, the last one "<tables>/<tables>".
void require_table_progress_lines(const std::string& err,
                                  const std::string& label,
                                  std::size_t tables);

// The unpacked fixture folder (dump.sql, filestore/, manifest.json) for "odoo17" or "odoo16".
std::filesystem::path fixture_dir(const std::string& fixture = "odoo17");

// Drops the listed databases when the scope ends.
class DatabaseGuard {
public:
  DatabaseGuard() = default;
  explicit DatabaseGuard(std::vector<std::string> names) : m_names(std::move(names)) {}
  ~DatabaseGuard();
  void add(const std::string& name) { m_names.push_back(name); }

private:
  std::vector<std::string> m_names;
};

// A production and a test database, fresh copies of fixtures (`prod_fixture`, `test_fixture`),
// dropped when the scope ends.
struct FixturePair {
  FixturePair(const std::string& prefix,
              const std::string& prod_fixture,
              const std::string& test_fixture);
  std::string prod;
  std::string test;
  DatabaseGuard guard;
};

std::filesystem::path binary_path(const std::string& name = "odoo-upgrade");

// The target Odoo 17.0 runtime named by OU_TEST_ODOO17 (scripts/odoo-runtime.sh prepares it; the
// README's test command sets it when ../shared has the runtime).
struct OdooRuntime {
  std::filesystem::path root;
  std::filesystem::path odoo_bin() const { return root / "odoo17-runtime" / "odoo-bin"; }
  // Odoo's own addons folder and the folder holding the OCA auditlog 17.0 module.
  std::filesystem::path odoo_addons() const { return root / "odoo17-runtime" / "odoo" / "addons"; }
  std::filesystem::path auditlog_addons() const { return root / "auditlog-17.0"; }
  // Type 1 fonts for reportlab's barcodes (RL_T1SearchPath); may be absent.
  std::filesystem::path t1fonts() const { return root / "t1fonts"; }
};
// The runtime, or std::nullopt after printing the marker that makes ctest report the test as
// skipped (tests/CMakeLists.txt: tests named test_odoo_*), never as passed.
std::optional<OdooRuntime> odoo17_runtime();

// Runs the built `odoo-upgrade` with `args` in `cwd`, with extra environment variables. A --json
// run's stdout is checked against the schema it names, and after a run that exited 0 the project
// file it used (project_of) is checked against docs/schemas/project.schema.json; each mismatch is
// a FAIL_CHECK, and with OU_TEST_KEEP_JSON both documents are kept (keep_json_document).
adapters::ProcessResult run_cli(const std::vector<std::string>& args,
                                const std::filesystem::path& cwd,
                                std::vector<std::pair<std::string, std::string>> env = {});

// The project file a run of `odoo-upgrade args` in `cwd` uses, as the CLI resolves it: the value of
// --project (before or after the command, "--project FILE" or "--project=FILE"), else
// ODOO_UPGRADE_PROJECT of `env`, else ./odoo-upgrade.json; relative to `cwd`.
std::filesystem::path project_of(const std::vector<std::string>& args,
                                 const std::filesystem::path& cwd,
                                 const std::vector<std::pair<std::string, std::string>>& env = {});

// What a run on a terminal showed: stdout and stderr together, as the terminal got them.
struct TtyResult {
  int exit_code = -1;
  std::string screen;
};
// Runs the built `odoo-upgrade` with `args` in `cwd` on a pseudo-terminal (stdin, stdout and stderr
// are the terminal, as for a consultant typing), typing `input` (e.g. "n\n" to answer a prompt).
// NO_COLOR and the ODOO_UPGRADE_* settings of the developer's environment are removed.
TtyResult run_cli_on_tty(const std::vector<std::string>& args,
                         const std::filesystem::path& cwd,
                         const std::string& input,
                         const std::vector<std::pair<std::string, std::string>>& env = {});
// With OU_TEST_KEEP_JSON=<folder>, keeps the --json document `text` there as
// "odoo-upgrade_<name>_<version>.<pid>.<n>.json", for whoever updates a schema of docs/schemas/
// (every --json run of run_cli is kept this way); else does nothing.
void keep_json_document(const std::string& text);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

} // namespace odoo_upgrade::test
