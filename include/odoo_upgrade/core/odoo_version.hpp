#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odoo_upgrade::core {

// An Odoo release series: a major ("17.0") or an Odoo Online intermediate ("saas~17.2", also
// written "saas-17.2").
struct Series {
  int major = 0;
  int minor = 0;
  bool saas = false;

  // "17.0" or "saas~17.2".
  std::string str() const;
  friend bool operator==(const Series&, const Series&) = default;
  // Ordered by (major, minor): 16.0 < saas~16.3 < 17.0.
  friend bool operator<(const Series& a, const Series& b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  }
};

// Parses a series ("17.0", "saas~17.2", "saas-17.2"), a release string ("17.0-20240709",
// "17.0+e", "17.0.1.3") or a module version whose leading part is a series ("17.0.1.3",
// "saas~17.2.1.0"). std::nullopt when no series can be read.
std::optional<Series> parse_series(std::string_view text);

// Majors Odoo's upgrade service knows as targets, oldest first.
const std::vector<Series>& known_target_series();

// Why `target` is not a valid upgrade target from `source`; std::nullopt when it is valid. The
// target must be a known major series strictly above the source.
std::optional<std::string> target_refusal(const Series& source, std::string_view target);

// Where an installed module comes from.
enum class ModuleOrigin { odoo, enterprise, third_party };
std::string_view to_string(ModuleOrigin origin);

// Classifies a module from its manifest author and licence: author Odoo S.A. / OpenERP SA with an
// LGPL licence is standard `odoo`, with an OEEL (Odoo Enterprise Edition) licence `enterprise`;
// anything else (OCA, partners, custom code, Odoo-authored modules under other licences) is
// `third_party`.
ModuleOrigin classify_module(std::string_view author, std::string_view license);

} // namespace odoo_upgrade::core
