#include <odoo_upgrade/core/time.hpp>
#include <odoo_upgrade/core/time_local.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace odoo_upgrade::core {

std::string format_utc(TimePoint t, const char* format) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string iso8601_utc(TimePoint t) {
  return format_utc(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  // The date library's parser (core/time_local.hpp): real calendar dates only, fractions of a
  // second and every ISO 8601 offset; a machine-written time without an offset is UTC.
  auto written = parse_written_time(text);
  if (!written) {
    return std::nullopt;
  }
  auto utc = written->wall - written->offset.value_or(std::chrono::minutes(0));
  return std::chrono::time_point_cast<TimePoint::duration>(utc);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  double total_ms = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
      ++i;
    }
    if (i == start) {
      return std::nullopt;
    }
    double value = std::stod(std::string(text.substr(start, i - start)));
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double factor = 0;
    if (unit.empty() || unit == "s") {
      factor = 1000;
    } else if (unit == "ms") {
      factor = 1;
    } else if (unit == "m" || unit == "min") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else if (unit == "d") {
      factor = 86'400'000;
    } else {
      return std::nullopt;
    }
    if (unit.empty() && any) {
      return std::nullopt; // "1h30" is ambiguous
    }
    total_ms += value * factor;
    any = true;
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms));
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = d.count();
  char buf[64];
  if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
    return buf;
  }
  long long s = ms / 1000;
  long long h = s / 3600;
  long long m = (s % 3600) / 60;
  long long sec = s % 60;
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm %02llds", h, m, sec);
  } else {
    std::snprintf(buf, sizeof buf, "%lldm %02llds", m, sec);
  }
  return buf;
}

std::string format_bytes(long long bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%lld B", bytes);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  }
  return buf;
}

} // namespace odoo_upgrade::core
