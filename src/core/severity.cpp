#include <odoo_upgrade/core/severity.hpp>

#include <array>
#include <utility>

namespace odoo_upgrade::core {

namespace {

struct Names {
  Severity severity;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<Names, 5> k_names{{
    {Severity::ok, "ok", "OK"},
    {Severity::info, "info", "INFO"},
    {Severity::skipped, "skipped", "SKIP"},
    {Severity::warning, "warning", "WARN"},
    {Severity::blocking, "blocking", "BLOCK"},
}};

} // namespace

std::string_view to_string(Severity s) {
  return k_names[static_cast<std::size_t>(s)].name;
}

std::string_view label(Severity s) {
  return k_names[static_cast<std::size_t>(s)].label;
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (const auto& n : k_names) {
    if (n.name == text) {
      return n.severity;
    }
  }
  return std::nullopt;
}

Severity worst(Severity a, Severity b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

bool needs_attention(Severity s) {
  return s == Severity::warning || s == Severity::blocking;
}

} // namespace odoo_upgrade::core
