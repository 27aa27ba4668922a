#include <odoo_upgrade/core/secrets.hpp>

#include <algorithm>
#include <mutex>
#include <vector>

namespace odoo_upgrade::core {

namespace {

std::mutex g_mutex;
std::vector<std::string> g_secrets;

} // namespace

void register_secret(std::string_view value) {
  if (value.size() < 4) {
    return;
  }
  std::lock_guard lock(g_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), value) == g_secrets.end()) {
    g_secrets.emplace_back(value);
    // Longest first, so that a secret containing another is replaced whole.
    std::sort(g_secrets.begin(), g_secrets.end(), [](const auto& a, const auto& b) {
      return a.size() > b.size();
    });
  }
}

std::string redact(std::string_view text) {
  std::string out(text);
  std::lock_guard lock(g_mutex);
  for (const auto& s : g_secrets) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return out;
}

bool contains_secret(std::string_view text) {
  std::lock_guard lock(g_mutex);
  return std::any_of(g_secrets.begin(), g_secrets.end(), [&](const std::string& s) {
    return text.find(s) != std::string_view::npos;
  });
}

std::string LineRedactor::add(std::string_view piece) {
  auto end = piece.rfind('\n');
  if (end == std::string_view::npos) {
    m_partial += piece;
    return "";
  }
  m_partial += piece.substr(0, end + 1);
  std::string out = redact(m_partial);
  m_partial.assign(piece.substr(end + 1));
  return out;
}

std::string LineRedactor::flush() {
  std::string out = redact(m_partial);
  m_partial.clear();
  return out;
}

std::string secret_preview(std::string_view value) {
  if (value.size() < 16) {
    return "***";
  }
  return std::string(value.substr(0, 4)) + "…";
}

} // namespace odoo_upgrade::core
