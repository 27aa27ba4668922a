#pragma once

#include "sandbox_process.hpp"
#include "test_env.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The one integration fixture: a customer's production as the tests need it. A copy of a real Odoo
// fixture database (a template copy, well under a second), optionally owned by a plain Odoo role as
// in production, its filestore in an Odoo data dir, and a project made by `initiate` (pointed at a
// sandbox when one is given). Everything is removed at scope end: every database whose name starts
// with the production name (test copies, staging, pre-upgrade, set-aside), the role, the folder
// (kept when OU_KEEP_TEST_DIRS is set).
namespace odoo_upgrade::test {

// Set the fields by name (`ProductionOptions o; o.odoo_role = true;`): GCC 12 warns on designated
// initializers that leave members out.
struct ProductionOptions {
  std::string fixture = "odoo17"; // "odoo17" or "odoo16" (support/load-fixtures.sh)
  std::string prefix = "prod";    // database name prefix; a unique suffix is added
  bool with_filestore = true;     // copy the fixture's filestore into the data dir
  bool odoo_role = false;         // a plain LOGIN role "<db>_odoo" owns the database and tables
  std::string target = "18.0";    // --target of initiate
  const SandboxProcess* sandbox = nullptr; // --service-url, --ca-file, --data-server-user
  bool initiate = true;                    // run initiate (exit 0 or 1, else the test fails)
  std::vector<std::string> initiate_args;  // extra arguments for initiate
};

class Production {
public:
  explicit Production(ProductionOptions options = {});
  ~Production();
  Production(const Production&) = delete;
  Production& operator=(const Production&) = delete;

  TempDir dir;
  std::string db;   // the production database
  std::string role; // Odoo's role when odoo_role, else ""
  std::filesystem::path data_dir;

  // The arguments `initiate` was (or would be) run with, extra ones included.
  std::vector<std::string> initiate_args() const;
  // Runs the built odoo-upgrade in `dir`.
  adapters::ProcessResult cli(const std::vector<std::string>& args,
                              std::vector<std::pair<std::string, std::string>> env = {}) const;
  std::string conninfo() const { return pg_conninfo(db); }
  std::filesystem::path project_path() const { return dir / "odoo-upgrade.json"; }
  nlohmann::json project() const;
  void save_project(const nlohmann::json& doc) const;
  std::filesystem::path filestore(const std::string& dbname) const {
    return data_dir / "filestore" / dbname;
  }
  // Drops `name` too at scope end (a database whose name does not start with `db`).
  void drop_later(const std::string& name) { m_extra.push_back(name); }

private:
  ProductionOptions m_options;
  std::vector<std::string> m_extra;
};

} // namespace odoo_upgrade::test
