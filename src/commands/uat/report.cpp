// `uat report`: the report of the current round for people and CI.
#include "state.hpp"

#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/adapters/fs/writable.hpp>
#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/report_names.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/uat.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

// The record names of `report` in `language`, read from the round's test database (read-only):
// the language must be active there, else the names stay en_US and the report says why. A test
// database that cannot be read is a warning too: the report is still written.
void apply_report_language(core::uat::Report& report,
                           const std::string& language,
                           ProjectSession& session) {
  auto fallback = [&](const std::string& why) {
    report.language_warning = "record names are shown in en_US: " + why;
    spdlog::warn("uat report: {}", report.language_warning);
  };
  if (report.test_db.empty()) {
    return fallback("round " + std::to_string(report.round) + " has no test database to read '" +
                    language + "' from");
  }
  try {
    adapters::pg::Connection test(
        server_conninfo(session.project(), session.secrets(), report.test_db));
    test.set_read_only();
    if (!adapters::pg::language_active(test, language)) {
      return fallback("the language '" + language + "' is not active in the test database '" +
                      report.test_db + "'");
    }
    core::uat::apply_name_translations(
        report, adapters::pg::translated_names(test, language, core::uat::named_records(report)));
    report.language = language;
  } catch (const core::DatabaseError& e) {
    fallback("cannot read '" + language + "' from the test database '" + report.test_db +
             "': " + e.what());
  }
}

// The side file of the info findings of report `output`: "uat.html" → "uat-info.csv" beside it.
std::filesystem::path info_list_path(const std::filesystem::path& output) {
  return output.parent_path() / (output.stem().string() + "-info.csv");
}

} // namespace

int run_uat_report(const UatReportOptions& options, Context& ctx) {
  auto format = core::uat::parse_report_format(options.format);
  if (!format) {
    throw core::UsageError("unknown report format '" + options.format + "'",
                           "use one of: text, json, junit, markdown, html");
  }
  // A file that cannot be written is said now, before anything is read or written.
  if (options.output) {
    refuse_project_file_output(ctx, *options.output);
    adapters::fs::check_writable_file(*options.output, "the report");
  }
  // The consultant's name and logo from the user's config file: a bad logo stops here, before
  // anything is written.
  core::UserConfig config = load_user_config();
  auto consultant = load_report_consultant(config);
  // Read-only: no lock, the project file is only read.
  auto session = open_project(ctx, "", Lock::none);
  auto report = uat_state::build_report(session.project(), core::iso8601_utc(ctx.clock.now()));
  report.consultant = std::move(consultant);
  // Record names in the consultant's report language (the fixed headings stay English).
  if (auto language = config.report_language; language && *language != "en_US") {
    apply_report_language(report, *language, session);
  }
  // The people's formats group the info findings: every one goes to a side file beside the report
  // (its folder was checked above), which the report names.
  std::optional<std::filesystem::path> info_list;
  bool grouped = *format == core::uat::ReportFormat::text ||
                 *format == core::uat::ReportFormat::markdown ||
                 *format == core::uat::ReportFormat::html;
  if (options.output && grouped && core::uat::info_findings(report) > 0) {
    info_list = info_list_path(*options.output);
    report.info_list = info_list->filename().string();
  }
  std::string content;
  if (*format == core::uat::ReportFormat::json) {
    // The file is the --json document, its shape named like it (docs/schemas/uat-report).
    auto doc = core::uat::report_to_json(report);
    doc["schema"] = schema_id("uat-report");
    content = doc.dump(2) + "\n";
  } else {
    content = core::uat::render_report(report, *format);
  }
  std::string verdict = core::uat::report_go(report) ? "go" : "no-go";
  // A file for people or CI, or the report itself on stdout.
  if (options.output) {
    if (info_list) {
      adapters::fs::write_file_atomic(*info_list, core::uat::render_info_list(report), 0644);
    }
    adapters::fs::write_file_atomic(*options.output, content, 0644);
    ctx.out.set_document("uat-report-written");
    ctx.out.result(
        {{"output", options.output->string()},
         {"format", options.format},
         {"round", report.round},
         {"verdict", verdict},
         {"info_list", info_list ? nlohmann::json(info_list->string()) : nlohmann::json()}},
        [&](std::ostream& os) {
          os << options.format << " report of round " << report.round << " ("
             << (verdict == "go" ? "GO" : "NO-GO") << ") written to " << options.output->string()
             << "\n";
          if (info_list) {
            os << "every info finding: " << info_list->string() << "\n";
          }
        });
    return 0;
  }
  // With --json and no --output, the one JSON document is the report itself.
  ctx.out.result(core::uat::report_to_json(report), [&](std::ostream& os) { os << content; });
  return 0;
}

} // namespace odoo_upgrade::commands
