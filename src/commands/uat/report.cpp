// `uat report`: the report of the current round for people and CI.
#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <ostream>

namespace odoo_upgrade::commands {

int run_uat_report(const UatReportOptions& options, Context& ctx) {
  auto format = core::uat::parse_report_format(options.format);
  if (!format) {
    throw core::UsageError("unknown report format '" + options.format + "'",
                           "use one of: text, json, junit, markdown, html");
  }
  // The consultant's name and logo from the user's config file: a bad logo stops here, before
  // anything is written.
  auto consultant = load_report_consultant();
  // Read-only: no lock, the project file is only read.
  auto session = open_project(ctx, "", Lock::none);
  auto report = uat_state::build_report(session.project(), core::iso8601_utc(ctx.clock.now()));
  report.consultant = std::move(consultant);
  std::string content = core::uat::render_report(report, *format);
  std::string verdict = core::uat::report_go(report) ? "go" : "no-go";
  // A file for people or CI, or the report itself on stdout.
  if (options.output) {
    adapters::fs::write_file_atomic(*options.output, content, 0644);
    ctx.out.result({{"output", options.output->string()},
                    {"format", options.format},
                    {"round", report.round},
                    {"verdict", verdict}},
                   [&](std::ostream& os) {
                     os << options.format << " report of round " << report.round << " ("
                        << (verdict == "go" ? "GO" : "NO-GO") << ") written to "
                        << options.output->string() << "\n";
                   });
    return 0;
  }
  // With --json and no --output, the one JSON document is the report itself.
  ctx.out.result(core::uat::report_to_json(report), [&](std::ostream& os) { os << content; });
  return 0;
}

} // namespace odoo_upgrade::commands
