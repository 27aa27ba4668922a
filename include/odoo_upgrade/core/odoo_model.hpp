#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::core {

// The table of an Odoo model, as Odoo derives it for a model without `_table`: dots become
// underscores ("sale.order" → "sale_order"; Odoo's `models.py`, `BaseModel._table`). std::nullopt
// when `model` is not a plausible model name (lower-case letters, digits, '.', '_'; at most 63
// bytes once derived, PostgreSQL's identifier limit), so that the result is safe to quote into SQL.
std::optional<std::string> odoo_table(std::string_view model);

} // namespace odoo_upgrade::core
