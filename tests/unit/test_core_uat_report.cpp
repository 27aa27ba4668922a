#include <odoo_upgrade/core/uat_report.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core::uat;
using odoo_upgrade::core::Severity;

namespace {

Report sample(bool blocking) {
  Report r;
  r.customer = "Acme <&> \"Co\"";
  r.round = 3;
  r.production_db = "acme";
  r.test_db = "acme_test_3";
  r.production_version = "16.0";
  r.test_version = "17.0";
  r.generated_at = "2026-11-21T10:00:00Z";
  r.has_run = true;
  r.run_at = "2026-11-21T09:00:00Z";
  r.run_seconds = 1.5;
  CheckResult views;
  views.id = "views";
  views.title = "Views";
  Finding f;
  f.severity = blocking ? Severity::blocking : Severity::warning;
  f.kind = "changed";
  f.model = "ir.ui.view";
  f.key = "x_custom.view_<script>";
  f.name = "Partner <form>";
  f.message = "view 'Partner <form>' changed: active true → false";
  f.changes.push_back({"active", "true", "false"});
  views.add(f);
  views.finish();
  r.checks.push_back(views);
  CheckResult ok;
  ok.id = "filters";
  ok.title = "Filters";
  ok.finish();
  r.checks.push_back(ok);
  Mark pass;
  pass.status = MarkStatus::pass;
  pass.note = "fine | ok";
  r.items.push_back({{"buy-product", "Buy a product", "scenario"}, pass});
  return r;
}

} // namespace

TEST_CASE("core::uat::report_go", "[core]") {
  CHECK_FALSE(report_go(sample(true)));
  CHECK(report_go(sample(false)));
  auto r = sample(false);
  r.items.push_back({{"x", "X", "custom"}, Mark{}});
  CHECK_FALSE(report_go(r));
  r = sample(false);
  r.has_run = false;
  CHECK_FALSE(report_go(r));
}

TEST_CASE("core::uat::render_report html", "[core]") {
  auto html = render_report(sample(true), ReportFormat::html);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("NO-GO") != std::string::npos);
  CHECK(html.find("<style>") != std::string::npos);
  // Self-contained: no scripts, no links to anything outside.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("x_custom.view_&lt;script&gt;") != std::string::npos);
  CHECK(html.find("Acme &lt;&amp;&gt; &quot;Co&quot;") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  auto go = render_report(sample(false), ReportFormat::html);
  CHECK(go.find("banner go") != std::string::npos);
}

TEST_CASE("core::uat::render_report html: versions in the title, expected differences grouped",
          "[core]") {
  auto r = sample(true);
  CheckResult modules;
  modules.id = "modules";
  modules.title = "Modules";
  for (const char* name : {"web_kanban_gauge", "account_edi_facturx", "note"}) {
    Finding f;
    f.severity = Severity::info;
    f.kind = "missing";
    f.model = "ir.module.module";
    f.key = name;
    f.name = name;
    f.message = std::string("module '") + name + "' installed in production, not in test";
    f.reason = "merged into another module by 17.0";
    modules.add(f);
  }
  Finding third_party;
  third_party.severity = Severity::blocking;
  third_party.kind = "missing";
  third_party.model = "ir.module.module";
  third_party.key = "acme_delivery";
  third_party.name = "acme_delivery";
  third_party.message = "third-party module 'acme_delivery' is not installed in test";
  modules.add(third_party);
  modules.finish();
  r.checks.push_back(modules);
  r.upgrade_report = "/srv/acme/work/rounds/3/upgrade-report.html";
  auto html = render_report(r, ReportFormat::html);
  CHECK(html.find("<a href=\"file:///srv/acme/work/rounds/3/upgrade-report.html\">") !=
        std::string::npos);
  CHECK(render_report(sample(true), ReportFormat::html).find("upgrade report") ==
        std::string::npos);
  CHECK(html.find("<title>UAT report: Acme &lt;&amp;&gt; &quot;Co&quot;, Odoo 16.0 &rarr; 17.0, "
                  "round 3</title>") != std::string::npos);
  CHECK(html.find("<h1>Upgrade acceptance test: Acme &lt;&amp;&gt; &quot;Co&quot;, Odoo 16.0 "
                  "&rarr; 17.0</h1>") != std::string::npos);
  // One row for the three explained modules, after the blocking one's own row.
  CHECK(html.find("<tr><td>merged into another module by 17.0</td><td><b>3</b>: "
                  "web_kanban_gauge, account_edi_facturx, note</td></tr>") != std::string::npos);
  auto blocking_row = html.find("third-party module &#39;acme_delivery&#39;");
  if (blocking_row == std::string::npos) {
    blocking_row = html.find("acme_delivery");
  }
  CHECK(blocking_row < html.find("class=\"expected\""));
  CHECK(html.find("module &#39;note&#39; installed in production") == std::string::npos);
  CHECK(html.find("module 'note' installed in production") == std::string::npos);
}

TEST_CASE("core::uat::render_report junit", "[core]") {
  auto xml = render_report(sample(true), ReportFormat::junit);
  CHECK(xml.rfind("<?xml", 0) == 0);
  CHECK(xml.find("<testsuites") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"uat.automated\" name=\"views: Views\"") !=
        std::string::npos);
  CHECK(xml.find("<failure message=\"1 blocking finding(s)\" type=\"blocking\">") !=
        std::string::npos);
  CHECK(xml.find("failures=\"1\"") != std::string::npos);
  CHECK(xml.find("<script>") == std::string::npos);
  auto warn = render_report(sample(false), ReportFormat::junit);
  CHECK(warn.find("<failure") == std::string::npos);
  CHECK(warn.find("<system-out>") != std::string::npos);
}

TEST_CASE("core::uat::render_report text, markdown, json", "[core]") {
  auto text = render_report(sample(true), ReportFormat::text);
  CHECK(text.find("verdict: NO-GO") != std::string::npos);
  CHECK(text.find("[pass] buy-product") != std::string::npos);
  auto md = render_report(sample(true), ReportFormat::markdown);
  CHECK(md.find("**Verdict: NO-GO**") != std::string::npos);
  CHECK(md.find("fine \\| ok") != std::string::npos);
  auto json = nlohmann::json::parse(render_report(sample(true), ReportFormat::json));
  CHECK(json["verdict"] == "no-go");
  CHECK(json["automated"]["blocking"] == 1);
  CHECK(json["automated"]["checks"][0]["findings"][0]["key"] == "x_custom.view_<script>");
  CHECK(json["manual"][0]["status"] == "pass");
  CHECK(json["signoff"].is_null());
}

TEST_CASE("core::uat::xml_escape", "[core]") {
  CHECK(xml_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
  CHECK(xml_escape(std::string("x\x01y")) == "x y");
  CHECK(xml_escape("é\n") == "é\n");
}

TEST_CASE("core::uat::parse_report_format", "[core]") {
  CHECK(parse_report_format("html") == ReportFormat::html);
  CHECK(parse_report_format("md") == ReportFormat::markdown);
  CHECK_FALSE(parse_report_format("pdf"));
}

TEST_CASE("core::uat::render_report: the consultant's name, contact and logo", "[core]") {
  auto r = sample(false);
  // Without a consultant no format names one.
  CHECK(render_report(r, ReportFormat::html).find("class=\"consultant\"") == std::string::npos);
  CHECK_FALSE(report_to_json(r).contains("consultant"));
  CHECK(render_report(r, ReportFormat::markdown).find("Prepared by") == std::string::npos);
  r.consultant = {
      "Odoo <Partners> & Co", "jane@partners.example", "data:image/png;base64,iVBORw=="};
  auto html = render_report(r, ReportFormat::html);
  CHECK(html.find("<img src=\"data:image/png;base64,iVBORw==\" alt=\"Odoo &lt;Partners&gt; &amp; "
                  "Co logo\">") != std::string::npos);
  CHECK(html.find("<b>Odoo &lt;Partners&gt; &amp; Co</b>") != std::string::npos);
  CHECK(html.find("jane@partners.example") != std::string::npos);
  // The header comes before the title.
  CHECK(html.find("class=\"consultant\"") < html.find("<h1>"));
  CHECK(render_report(r, ReportFormat::text)
            .find("prepared by: Odoo <Partners> & Co (jane@partners.example)\n") !=
        std::string::npos);
  CHECK(render_report(r, ReportFormat::markdown)
            .find("Prepared by **Odoo &lt;Partners&gt; & Co** · jane@partners.example") !=
        std::string::npos);
  CHECK(render_report(r, ReportFormat::junit)
            .find("<property name=\"consultant\" value=\"Odoo &lt;Partners&gt; &amp; Co "
                  "(jane@partners.example)\"/>") != std::string::npos);
  auto doc = report_to_json(r);
  CHECK(doc["consultant"] ==
        nlohmann::json{{"name", "Odoo <Partners> & Co"}, {"contact", "jane@partners.example"}});
  // A logo alone: the image, no name.
  r.consultant = {"", "", "data:image/svg+xml;base64,PHN2Zz4="};
  html = render_report(r, ReportFormat::html);
  CHECK(html.find("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=\"logo\">") !=
        std::string::npos);
  CHECK(html.find("Prepared by") == std::string::npos);
  CHECK_FALSE(report_to_json(r).contains("consultant"));
}

TEST_CASE("core::uat::apply_name_translations and the report language", "[core]") {
  auto r = sample(true);
  Finding report_action;
  report_action.model = "ir.actions.report";
  report_action.key = "sale.action_report_saleorder";
  report_action.name = "Quotation / Order";
  Finding composed = report_action;
  composed.key = "res.partner:12:name:fr_FR";
  r.checks[0].add(report_action);
  r.checks[0].add(composed);
  r.changes.fixed_findings.push_back({"reports", report_action});
  // Only findings keyed by an xml id, once each.
  auto records = named_records(r);
  REQUIRE(records.size() == 2);
  CHECK(records[0] == std::pair<std::string, std::string>{"ir.ui.view", "x_custom.view_<script>"});
  CHECK(records[1] ==
        std::pair<std::string, std::string>{"ir.actions.report", "sale.action_report_saleorder"});
  apply_name_translations(
      r,
      {{"ir.actions.report",
        "sale.action_report_saleorder",
        "Quotation / Order",
        "Devis / Commande"},
       {"ir.ui.view", "x_custom.view_<script>", "another en_US name", "Formulaire"}});
  CHECK(r.checks[0].findings[1].name == "Devis / Commande");
  CHECK(r.changes.fixed_findings[0].second.name == "Devis / Commande");
  // A name that is not the record's en_US name (composed, or another key) stays.
  CHECK(r.checks[0].findings[0].name == "Partner <form>");
  CHECK(r.checks[0].findings[2].name == "Quotation / Order");

  CHECK(html_lang("fr_FR") == "fr-FR");
  CHECK(html_lang("sr@latin") == "sr");
  CHECK(html_lang("es_419") == "es-419");
  CHECK(render_report(r, ReportFormat::html).find("<html lang=\"en-US\">") != std::string::npos);
  CHECK_FALSE(report_to_json(r).contains("language"));
  r.language = "fr_FR";
  CHECK(render_report(r, ReportFormat::html).find("<html lang=\"fr-FR\">") != std::string::npos);
  CHECK(report_to_json(r)["language"] == "fr_FR");
  r.language = "en_US";
  r.language_warning = "record names are shown in en_US: the language 'es_ES' is not active";
  CHECK(render_report(r, ReportFormat::html)
            .find("<p class=\"s-warning\">record names are shown in en_US") != std::string::npos);
  CHECK(render_report(r, ReportFormat::text).find("warning: record names are shown in en_US") !=
        std::string::npos);
  CHECK(render_report(r, ReportFormat::markdown).find("> Warning: record names") !=
        std::string::npos);
  CHECK(report_to_json(r)["language_warning"] == r.language_warning);
}
