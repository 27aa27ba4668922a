#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The user's config file: defaults of a consultant for every project, below the project's own
// settings and the command line. A JSON object; see docs/user-config.md. Typed after
// core/record.hpp: unknown keys are kept (a newer build's keys survive, and are ignored here).
namespace odoo_upgrade::core {

// The consultancy that prepares the reports: `"consultant": {"name": …, "contact": …}`, or
// `"consultant": "Name"` for the name alone.
struct Consultant {
  std::string name;    // the company's name, one line, not empty
  std::string contact; // an optional contact line (e-mail, phone, web site), one line
};

struct UserConfig {
  std::optional<std::string> service_url;      // upgrade service base URL (https://…)
  std::optional<std::string> ca_file;          // a private CA to trust for the service
  std::optional<std::string> data_server_user; // SSH user of the service's data server
  std::optional<int> jobs;                     // pg_dump / pg_restore jobs of the requests (1..64)
  std::optional<int> compress;                 // pg_dump's gzip level of the dumps sent (0..9)
  std::optional<Consultant> consultant;        // shown in the header of the UAT reports
  // The consultant's logo for the HTML UAT report: a PNG, JPEG or SVG file (absolute, or relative
  // to the config file's folder), read by commands::load_report_consultant.
  std::optional<std::string> logo;
  // The consultant's checklist template (core/checklist_template.hpp), added by `initiate` to each
  // new project's UAT checklist: a file path, absolute or relative to the config file's folder.
  std::optional<std::string> checklist_template;
  // The language of the record names in the UAT reports: an Odoo language code ("fr_FR",
  // "es_419", "sr@latin"); en_US when absent.
  std::optional<std::string> report_language;
  nlohmann::json extra = nlohmann::json::object();
};

// Reads the config object; `where` names the file in errors. Throws FilesystemError (exit 6)
// naming `<where>.<field>` for a field of the wrong type, `jobs` outside 1..64, `compress` outside
// 0..9, a consultant
// without a name or a name, contact, logo or checklist_template that is not one non-empty
// line, a service_url that does not start with https://, or a report_language that is not an Odoo
// language code (ll_CC, ll_NNN, ll@script or ll, as res_lang spells them).
UserConfig user_config_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core
