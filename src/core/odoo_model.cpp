#include <odoo_upgrade/core/odoo_model.hpp>

#include <cctype>

namespace odoo_upgrade::core {

std::optional<std::string> odoo_table(std::string_view model) {
  if (model.empty() || model.size() > 63) {
    return std::nullopt;
  }
  std::string table;
  for (char c : model) {
    if (c == '.') {
      table += '_';
    } else if (std::islower(static_cast<unsigned char>(c)) != 0 ||
               std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_') {
      table += c;
    } else {
      return std::nullopt;
    }
  }
  return table;
}

} // namespace odoo_upgrade::core
