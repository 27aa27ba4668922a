#pragma once

#include <nlohmann/json.hpp>

#include <string>

// The customer-specific upgrade documentation (`runbook show`, docs/commands/runbook.md), rendered
// from its JSON form (docs/schemas/runbook-show.schema.json): {customer, database, source_version,
// target_version, generated_at, third_party_modules [{name, version, author, handling}], steps
// [{id, when, kind, title, why, content, source_file?, enabled, continue_on_error,
// introduced_round, sha256, runs [{run ("round 2", "production request 1", "go-live attempt 1"),
// round | null, result, seconds, rows, error}]}], golive [{operation, what, estimate_s | null}],
// estimate_s, unknown [what has no estimate]}. Pure rendering: the command gathers the facts.
namespace odoo_upgrade::core {

// Markdown: headings, tables, and each step's SQL or script in a fenced block.
std::string render_runbook_markdown(const nlohmann::json& doc);
// The fence of a Markdown code block holding `content`: backticks, one more than the longest run of
// backticks in it and at least three (CommonMark: a fence closes only on a run at least as long).
std::string code_fence(const std::string& content);
// HTML in the style of the UAT report (core::uat::report_css): self-contained, printable, every
// value escaped.
std::string render_runbook_html(const nlohmann::json& doc);

} // namespace odoo_upgrade::core
