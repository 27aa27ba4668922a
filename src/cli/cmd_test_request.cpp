#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/request_flags.hpp>
#include <odoo_upgrade/commands/test_request.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_test_request(CLI::App& sub, RunFn& run) {
  auto o = std::make_shared<commands::TestRequestOptions>();
  auto apply_request_flags = add_request_flags(sub, o);
  sub.add_flag(
      "--no-wait", o->no_wait, "return once processing has started (exit 8 while pending)");
  sub.add_option("--jobs,-j", o->jobs, "parallel jobs for pg_dump and pg_restore (default 4)");
  sub.add_option("--test-db",
                 o->test_db,
                 "name of the new test database (default <db>_test_<target>_r<round>)");
  sub.add_option("--dump",
                 o->dump,
                 "send this dump (.sql, .dump, .zip, .sql.gz or a pg_dump directory) instead of "
                 "dumping production");
  sub.add_flag("--abandon",
               o->abandon,
               "give up the unfinished round (the service's request is left as is)");
  run = [o, apply_request_flags](commands::Context& ctx) {
    apply_request_flags();
    return commands::run_test_request(*o, ctx);
  };
}

} // namespace odoo_upgrade::cli
