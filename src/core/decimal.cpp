#include <odoo_upgrade/core/decimal.hpp>

#include <algorithm>
#include <cctype>

namespace odoo_upgrade::core {

namespace {

bool is_decimal(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    s.remove_prefix(1);
  }
  if (s.empty() || std::count(s.begin(), s.end(), '.') > 1) {
    return false;
  }
  bool digit = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digit = true;
    } else if (c != '.') {
      return false;
    }
  }
  return digit;
}

} // namespace

std::string normalize_decimal(std::string_view text) {
  if (text.empty()) {
    return "0";
  }
  if (!is_decimal(text)) {
    return std::string(text);
  }
  std::string s(text);
  bool negative = s.front() == '-';
  if (negative || s.front() == '+') {
    s.erase(0, 1);
  }
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') {
      s.pop_back();
    }
    if (s.back() == '.') {
      s.pop_back();
    }
  }
  auto first = s.find_first_not_of('0');
  s = first == std::string::npos ? "0" : s.substr(first);
  if (s.empty() || s.front() == '.') {
    s = "0" + s;
  }
  return negative && s != "0" ? "-" + s : s;
}

bool same_decimal(std::string_view a, std::string_view b) {
  return normalize_decimal(a) == normalize_decimal(b);
}

} // namespace odoo_upgrade::core
