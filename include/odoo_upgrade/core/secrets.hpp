#pragma once

#include <string>
#include <string_view>

namespace odoo_upgrade::core {

// Process-wide list of secret values (contract code, request tokens, passwords) that must never be
// shown. Every log sink and error printer passes text through `redact`. Thread-safe.
void register_secret(std::string_view value);
// `text` with every registered secret (of 4 characters or more) replaced by "***".
std::string redact(std::string_view text);
// True when `text` contains a registered secret.
bool contains_secret(std::string_view text);
// Redacts text that arrives in pieces (a log read as it grows): only whole lines come out, so that
// a secret split between two pieces is still found; the partial last line waits for the next piece
// or flush(). Holds at most one line.
class LineRedactor {
public:
  // The complete lines `piece` ends (with what was held before), redacted; "" when none.
  std::string add(std::string_view piece);
  // What is held (a last line without its newline), redacted; nothing is held afterwards.
  std::string flush();

private:
  std::string m_partial;
};

// "abcd…" style hint for a secret: its first 4 characters only when it is long, else "***".
std::string secret_preview(std::string_view value);

} // namespace odoo_upgrade::core
