#include "production_fixture.hpp"

#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/core/naming.hpp>

#include <catch2/catch.hpp>

namespace odoo_upgrade::test {

namespace stdfs = std::filesystem;
using adapters::pg::quote_identifier;

namespace {

// Hands the database and its tables to `role`, as an Odoo installation has them.
void give_to_role(const std::string& db, const std::string& role) {
  adapters::pg::Connection admin(pg_admin_conninfo());
  admin.exec_no_rows("CREATE ROLE " + quote_identifier(role) + " LOGIN");
  admin.exec_no_rows("ALTER DATABASE " + quote_identifier(db) + " OWNER TO " +
                     quote_identifier(role));
  adapters::pg::Connection c(pg_conninfo(db));
  std::vector<std::string> tables;
  c.for_each_row("SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                 {},
                 [&](const adapters::pg::Result& row) { tables.emplace_back(row.get(0, 0)); });
  for (const auto& t : tables) {
    c.exec_no_rows("ALTER TABLE public." + quote_identifier(t) + " OWNER TO " +
                   quote_identifier(role));
  }
}

} // namespace

Production::Production(ProductionOptions options)
    : dir(options.prefix), m_options(std::move(options)) {
  db = unique_db_name(m_options.prefix);
  pg_create_from_fixture(db, m_options.fixture);
  if (m_options.odoo_role) {
    role = db + "_odoo";
    give_to_role(db, role);
  }
  data_dir = dir / "odoo-data";
  stdfs::create_directories(data_dir / "filestore");
  if (m_options.with_filestore) {
    stdfs::copy(fixture_dir(m_options.fixture) / "filestore",
                filestore(db),
                stdfs::copy_options::recursive);
  } else {
    stdfs::create_directories(filestore(db));
  }
  if (m_options.initiate) {
    auto r = cli(initiate_args());
    INFO("initiate stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  }
}

Production::~Production() {
  // Best effort: a leftover in a throwaway cluster is harmless, and a destructor must not throw.
  try {
    std::vector<std::string> names = m_extra;
    adapters::pg::Connection admin(pg_admin_conninfo());
    // A long production name is shortened in the names derived from it (core/naming.hpp).
    admin.for_each_row("SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR "
                       "starts_with(datname, $2)",
                       {db, core::name_base(db, m_options.target)},
                       [&](const adapters::pg::Result& row) { names.emplace_back(row.get(0, 0)); });
    for (const auto& name : names) {
      pg_drop_database(name);
    }
    if (!role.empty()) {
      admin.exec_no_rows("DROP ROLE IF EXISTS " + quote_identifier(role));
    }
  } catch (const std::exception&) {
  }
}

std::vector<std::string> Production::initiate_args() const {
  std::vector<std::string> args{"initiate",
                                "--customer",
                                "Acme",
                                "--db",
                                conninfo(),
                                "--target",
                                m_options.target,
                                "--data-dir",
                                data_dir.string()};
  if (m_options.sandbox != nullptr) {
    args.insert(args.end(),
                {"--service-url",
                 m_options.sandbox->url(),
                 "--ca-file",
                 m_options.sandbox->ca_file().string(),
                 "--data-server-user",
                 m_options.sandbox->ssh_user()});
  }
  args.insert(args.end(), m_options.initiate_args.begin(), m_options.initiate_args.end());
  return args;
}

adapters::ProcessResult
Production::cli(const std::vector<std::string>& args,
                std::vector<std::pair<std::string, std::string>> env) const {
  return run_cli(args, dir.path(), std::move(env));
}

nlohmann::json Production::project() const {
  return nlohmann::json::parse(read_file(project_path()));
}

void Production::save_project(const nlohmann::json& doc) const {
  write_file(project_path(), doc.dump(2));
}

} // namespace odoo_upgrade::test
