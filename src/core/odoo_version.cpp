#include <odoo_upgrade/core/odoo_version.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace odoo_upgrade::core {

namespace {

bool read_int(std::string_view& s, int& out) {
  auto* begin = s.data();
  auto* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc() || ptr == begin) {
    return false;
  }
  s.remove_prefix(static_cast<std::size_t>(ptr - begin));
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

} // namespace

std::string Series::str() const {
  std::string base = std::to_string(major) + "." + std::to_string(minor);
  return saas ? "saas~" + base : base;
}

std::optional<Series> parse_series(std::string_view text) {
  Series s;
  if (text.substr(0, 5) == "saas~" || text.substr(0, 5) == "saas-") {
    s.saas = true;
    text.remove_prefix(5);
  }
  if (!read_int(text, s.major) || text.empty() || text[0] != '.') {
    return std::nullopt;
  }
  text.remove_prefix(1);
  if (!read_int(text, s.minor)) {
    return std::nullopt;
  }
  // What may follow a series: nothing, ".x.y" (module version), "-date" or "+e" (release string).
  if (!text.empty() && text[0] != '.' && text[0] != '-' && text[0] != '+' && text[0] != 'a' &&
      text[0] != 'r' && text[0] != 'b' && text[0] != 'c') {
    return std::nullopt;
  }
  if (s.major < 6 || s.major > 99 || s.minor < 0 || s.minor > 9) {
    return std::nullopt;
  }
  // A minor other than 0 only exists as a saas series (and the historical 6.1).
  if (s.minor != 0 && !(s.major == 6 && s.minor == 1)) {
    s.saas = true;
  }
  return s;
}

const std::vector<Series>& known_target_series() {
  static const std::vector<Series> k_targets = [] {
    std::vector<Series> v;
    for (int major = 8; major <= 20; ++major) {
      v.push_back(Series{major, 0, false});
    }
    return v;
  }();
  return k_targets;
}

std::optional<std::string> target_refusal(const Series& source, std::string_view target) {
  auto parsed = parse_series(target);
  const auto& known = known_target_series();
  std::string known_list = known.front().str() + " to " + known.back().str();
  if (!parsed || parsed->str() != target) {
    if (parsed && !parsed->saas && target.find('.') != std::string_view::npos) {
      return "target '" + std::string(target) + "' is not a series; use '" + parsed->str() + "'";
    }
    return "target '" + std::string(target) + "' is not an Odoo series (expected e.g. '18.0'; " +
           "known targets: " + known_list + ")";
  }
  if (parsed->saas) {
    return "target '" + std::string(target) +
           "' is an Odoo Online (saas) series; on-premise upgrades target a major series such as "
           "'" +
           std::to_string(parsed->major + 1) + ".0'";
  }
  if (std::find(known.begin(), known.end(), *parsed) == known.end()) {
    return "target '" + std::string(target) +
           "' is not a known Odoo series (known targets: " + known_list + ")";
  }
  if (!(source < *parsed)) {
    return "target '" + std::string(target) + "' is not above the database's series '" +
           source.str() + "'";
  }
  return std::nullopt;
}

std::string_view to_string(ModuleOrigin origin) {
  switch (origin) {
  case ModuleOrigin::odoo:
    return "odoo";
  case ModuleOrigin::enterprise:
    return "enterprise";
  case ModuleOrigin::third_party:
    return "third_party";
  }
  return "third_party";
}

ModuleOrigin classify_module(std::string_view author, std::string_view license) {
  std::string a = lower(author);
  std::string l = lower(license);
  // The author must be Odoo alone: "Odoo S.A., Acme" or "Odoo Community Association (OCA)" is
  // third-party code.
  auto trimmed = a;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
    trimmed.pop_back();
  }
  bool odoo_author = trimmed == "odoo s.a." || trimmed == "odoo sa" || trimmed == "openerp sa" ||
                     trimmed == "openerp s.a." || trimmed == "odoo";
  if (!odoo_author) {
    return ModuleOrigin::third_party;
  }
  if (l.rfind("oeel", 0) == 0) {
    return ModuleOrigin::enterprise;
  }
  if (l.find("lgpl") != std::string::npos) {
    return ModuleOrigin::odoo;
  }
  return ModuleOrigin::third_party;
}

} // namespace odoo_upgrade::core
