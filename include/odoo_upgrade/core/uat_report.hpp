#pragma once

#include <odoo_upgrade/core/uat.hpp>
#include <odoo_upgrade/core/uat_iteration.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reports of the UAT of one test round, for people (text, markdown, HTML for the customer) and for
// CI (JSON, JUnit XML). Pure rendering: the command gathers the facts.
namespace odoo_upgrade::core::uat {

// The consultancy that prepares the report (the user's config file, docs/user-config.md): its
// name and contact line in every format's header, its logo in the HTML one. Empty strings: none.
struct ReportConsultant {
  std::string name;
  std::string contact;
  std::string logo_uri; // the logo as a data: URI (core/embedded_image.hpp), "" without one
  bool empty() const { return name.empty() && contact.empty() && logo_uri.empty(); }
};

// Everything a report shows.
struct Report {
  std::string customer;
  int round = 0;
  std::string production_db;
  std::string test_db;
  std::string production_version;
  std::string test_version;
  std::string generated_at;
  bool has_run = false;
  std::string run_at; // when the automated run started
  double run_seconds = 0;
  // The latest result of every check, findings identified, marked against the previous round
  // (`Finding::since`) and with the acceptances applied (core/uat_iteration.hpp).
  std::vector<CheckResult> checks;
  RoundChanges changes; // against the previous round, with the findings fixed since
  std::vector<std::pair<ChecklistItem, Mark>> items;
  std::optional<Signoff> signoff; // only when it belongs to `round`
  // Odoo's own upgrade report of the round: the absolute path of the file the upgrade service sent
  // with the upgraded database (`received.report_path` of the round), "" when it sent none.
  std::string upgrade_report;
  ReportConsultant consultant;
  // The language of the record names (Odoo's code, e.g. "fr_FR"; the user's config file's
  // `report_language`), and why it is not the configured one ("" when it is, or none is set).
  std::string language = "en_US";
  std::string language_warning;
  // The side file listing every info finding (render_info_list), as the report names it (a file
  // name beside the report); "" when none was written (the report then points at the JSON report).
  std::string info_list;
};

// Every info finding of `report` as CSV (RFC 4180, UTF-8, one finding a line: line breaks inside a
// value become spaces), with a header: check, id, model, key, name, message, reason. The people's
// formats (text, Markdown, HTML) show the info findings grouped per check and reason, with their
// counts and first records; this list and the JSON report hold every one.
std::string render_info_list(const Report& report);
// How many info findings `report` lists (the findings kept, not the counts).
std::size_t info_findings(const Report& report);

// One record's name in the report language (adapters/pg/report_names.hpp): `model` and `key` (its
// xml id) name the record, `en_us` is its en_US name, `translated` its name in the language (the
// en_US one when it has none).
struct NameTranslation {
  std::string model;
  std::string key;
  std::string en_us;
  std::string translated;
};
// The records of `report`'s findings (and of the findings fixed since the previous round) that may
// have a translatable name: {model, key} of each finding keyed by an xml id ("module.name"),
// without repeats.
std::vector<std::pair<std::string, std::string>> named_records(const Report& report);
// Shows `report`'s record names in the report language: a finding about a record of `names` whose
// name is that record's en_US name gets the translated one. Composed names ("partner → tag") and
// keys, ids and digests are unchanged: only what people read.
void apply_name_translations(Report& report, const std::vector<NameTranslation>& names);
// The BCP 47 tag of an Odoo language code for HTML's `lang`: "fr_FR" → "fr-FR", "sr@latin" → "sr".
std::string html_lang(std::string_view odoo_code);

// GO when the automated run exists with no blocking finding (accepted ones do not count) and no
// error, and every manual item passed or was skipped.
bool report_go(const Report& report);

enum class ReportFormat { text, json, junit, markdown, html };
std::optional<ReportFormat> parse_report_format(std::string_view text);

// Renders `report`. Every format shows each finding's id, whether it is new or still there since
// the previous round, its acceptance (who, when, why; or that it lapsed), the findings fixed since
// the previous round and the summary line ("3 fixed, 1 new, 5 still there since round 1"). Text,
// Markdown and HTML list the blocking findings and warnings one by one and group the info findings
// per check and reason (count and first records; the HTML collapsed), naming where every one is:
// `info_list`, else the JSON report.
// JSON is the document of `report_to_json`; JUnit maps each check and each
// manual item to a testcase (blocking findings and failed items are failures, checks that could
// not run are errors, unmarked/skipped items are skipped); HTML is self-contained (inline CSS, no
// scripts, no network), printable, and escapes every value. The consultant (when named) heads the
// text, Markdown and HTML reports ("Prepared by …"; the HTML with the logo), is a JUnit property
// and the JSON's `consultant` object ({name, contact}; absent when none is named). The HTML's
// `<html lang>` is `language` (html_lang); `language_warning` is shown in every format (JSON:
// `language_warning`, and `language` when it is not en_US). Fixed headings stay English.
std::string render_report(const Report& report, ReportFormat format);
nlohmann::json report_to_json(const Report& report);

// The style sheet of the HTML reports (inline in each: no network), shared by the runbook's
// document (core/runbook_document.hpp) so that the customer's documents look alike.
std::string_view report_css();

// Escapes text for XML/HTML (&, <, >, ", ') and drops characters XML 1.0 forbids.
std::string xml_escape(std::string_view text);

} // namespace odoo_upgrade::core::uat
