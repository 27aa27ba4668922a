#pragma once

#include <optional>
#include <string_view>

namespace odoo_upgrade::core {

// How a check came out, from best to worst: the one vocabulary of initiate's pre-flight checks, UAT
// findings, the go-live verification and monitor's checks. In JSON and the project file it is the
// lower-case name; people read the label.
//   ok       nothing to say
//   info     a fact worth showing that needs nobody (an expected change of the new version)
//   skipped  could not run for a reason that is not a fault (no URL, table not used)
//   warning  someone should look; does not stop the method
//   blocking stops the method (sign-off, go-live) until fixed or explicitly accepted
enum class Severity { ok, info, skipped, warning, blocking };

std::string_view to_string(Severity s); // "ok", "info", "skipped", "warning", "blocking"
std::string_view label(Severity s);     // "OK", "INFO", "SKIP", "WARN", "BLOCK"
std::optional<Severity> parse_severity(std::string_view text); // the names of to_string
// The worse of two (ok < info < skipped < warning < blocking).
Severity worst(Severity a, Severity b);
// True for warning and blocking: the severities someone has to act on.
bool needs_attention(Severity s);

} // namespace odoo_upgrade::core
