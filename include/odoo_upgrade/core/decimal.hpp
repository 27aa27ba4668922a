#pragma once

#include <string>
#include <string_view>

namespace odoo_upgrade::core {

// The one decimal normaliser: PostgreSQL's numeric text in a canonical form, so that two texts of
// the same number compare equal ("12.50" and "12.5", "0012" and "12", "-0.00" and "0"). No '+', no
// leading zeros, no trailing fractional zeros, no trailing '.'; "" is "0". Text that is not a
// decimal number is returned as given.
std::string normalize_decimal(std::string_view text);
// True when `a` and `b` are the same number (after normalize_decimal).
bool same_decimal(std::string_view a, std::string_view b);

} // namespace odoo_upgrade::core
