#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/request_flags.hpp>
#include <odoo_upgrade/commands/request.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_test_request(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::TestRequestOptions>();
  // The request flags live in o->request, which the shared_ptr below keeps alive with `o`.
  std::shared_ptr<commands::RequestOptions> request(o, &o->request);
  auto apply_request_flags = add_request_flags(
      sub, request, "round", "parallel jobs for pg_dump and pg_restore (default 4)");
  sub.add_option("--test-db",
                 o->test_db,
                 "name of the new test database (default <db>_test_<target>_r<round>, the "
                 "production name shortened to fit 63 bytes)");
  sub.add_option("--dump",
                 o->dump,
                 "send this dump (.sql, .dump, .zip, .sql.gz or a pg_dump directory) instead of "
                 "dumping production; its series and database uuid must be production's");
  sub.add_flag("--force-dump",
               o->force_dump,
               "send --dump although its series or database uuid differs from production's");
  sub.add_flag("--no-restore",
               o->no_restore,
               "stop once the upgraded dump is downloaded and its checksum recorded");
  sub.add_flag("--restore-only",
               o->restore_only,
               "restore the round downloaded with --no-restore (its checksum checked first)");
  run = [o, apply_request_flags](commands::Context& ctx) {
    apply_request_flags();
    return commands::run_test_request(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
