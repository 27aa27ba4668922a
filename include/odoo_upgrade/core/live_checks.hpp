#pragma once

#include <odoo_upgrade/core/uat.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The live checks (issue 12): UAT checks run through the target Odoo itself on the test database,
// as the customer would try it: views render, reports render, website pages answer, records can be
// created/written/deleted, data can be exported. resources/odoo/live_checks.py does the work inside
// `odoo-bin shell`, in one transaction that is rolled back; its output document (between its
// markers, shape in docs/notes/target-odoo-facts.md, "live_checks.py") becomes one
// core::uat::CheckResult per check here. The website pages are fetched over HTTP by the caller
// (the script only lists them), and compared with production's published pages.
namespace odoo_upgrade::core::live {

// The live checks, in report order: views-render, reports-render, pages, records, export. Each may
// report blocking findings.
const std::vector<uat::CheckInfo>& live_check_catalogue();
bool is_live_check(std::string_view id);
// The live checks among `only` (every one when `only` is empty; none when `only` names only other
// checks).
std::vector<std::string> selected_live_checks(const std::vector<std::string>& only);

// The results of the live checks `ids` when they cannot apply: status `skipped`, `why` as their
// reason (e.g. no target Odoo configured, with the command that configures one). Neither blocking
// nor an error for the round's verdict (core::uat::RunSummary::go).
std::vector<uat::CheckResult> skipped_results(const std::vector<std::string>& ids,
                                              const std::string& why);

// Why the live checks cannot run on the test database now.
struct LiveGate {
  uat::CheckStatus status = uat::CheckStatus::skipped; // skipped, or error (they must not run)
  std::string why;
};

// The gate of the live checks, or std::nullopt when they may run. `configured`: a target Odoo is
// configured (else skipped, with the command that configures one). `transient`: the test
// database's modules in state 'to install' / 'to upgrade' / 'to remove' (name, state), left by an
// update that did not finish (Odoo killed, Ctrl-C): any Odoo process started on that database,
// `odoo-bin shell` included, finishes that update and commits it (docs/notes/target-odoo-facts.md,
// "Pitfalls seen"), so the checks would change the test database: error, naming the modules, with
// the hint to re-run the round's update.
std::optional<LiveGate>
live_gate(bool configured, const std::vector<std::pair<std::string, std::string>>& transient);

// The results of the live checks `ids` when `gate` stops them: its status, its `why` as their
// reason. Skipped ones are neither blocking nor an error for the round's verdict
// (core::uat::RunSummary::go); error ones count as not run.
std::vector<uat::CheckResult> gated_results(const std::vector<std::string>& ids,
                                            const LiveGate& gate);

// The line of `uat run --dry-run`'s plan for the live checks `ids` (empty when `ids` is empty):
// "run the live checks A, B through the target Odoo (`how`) on DB, rolled back", or "skip the live
// checks A, B: <why>" / "not run the live checks A, B: <why>".
std::string plan_line(const std::vector<std::string>& ids,
                      const std::optional<LiveGate>& gate,
                      const std::string& how,
                      const std::string& test_db);

// The script's parameters (the OU_LIVE_CHECKS environment variable) for the checks `ids`: the
// script's own ids ("pages" is its "pages-list"), the main user `login` ("" for its default), and
// `"pdf": true`: reports-render also renders each PDF report as PDF when the target Odoo finds a
// usable wkhtmltopdf (its own `get_wkhtmltopdf_state() == 'ok'`), else HTML only (live_results
// says so in an info finding).
nlohmann::json script_parameters(const std::vector<std::string>& ids, const std::string& login);

// One URL of the test database's websites to fetch: a published page or an internal menu entry.
struct PageTarget {
  std::string url;  // "/contactus" (path of the site; never an external URL)
  std::string name; // the page's or menu's name
  std::string key;  // "page:/contactus" (the finding's key)
};
// The distinct URLs of the script's pages-list check (pages, then internal menus), in order; empty
// when the check is not in `doc`.
std::vector<PageTarget> pages_to_fetch(const nlohmann::json& doc);

// What one fetch gave.
struct PageFetch {
  PageTarget page;
  int status = 0;    // the final HTTP status after redirects; 0 when no answer
  std::string error; // the transport error when no answer
};

// The check results for `ids` from the script's output document `doc` (null when the script gave
// none: then each check is an `error` with `failure`), the `fetched` pages and the URLs of
// production's published pages (`production_pages`). Script failures are blocking findings naming
// the view / report / model and its xml id, with the error; warnings are warnings; checks the
// script skipped are info findings. reports-render has an info finding `pdf` saying whether the
// PDF reports were also rendered as PDF, or HTML only and why (wkhtmltopdf missing or unusable
// where the target Odoo runs); a PDF that fails to render is a blocking `pdf-error`. A page
// answering 5xx or not at all is blocking; a published production page that is no page of the test
// database is a warning.
std::vector<uat::CheckResult> live_results(const std::vector<std::string>& ids,
                                           const nlohmann::json& doc,
                                           const std::string& failure,
                                           const std::vector<PageFetch>& fetched,
                                           const std::vector<std::string>& production_pages);

} // namespace odoo_upgrade::core::live
