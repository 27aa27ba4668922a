#include <date/date.h>
#include <date/tz.h>

#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time_local.hpp>

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace odoo_upgrade::core {

namespace {

using Micro = std::chrono::sys_time<std::chrono::microseconds>;

// Reads all of `text` with the date library's `format`; std::nullopt unless every character is
// used and the fields form a real date and time.
// date 3.0.1 (Debian 12) converts its `long double S` even when reading the seconds failed, before
// it looks at the stream's state (HowardHinnant/date#697; initialised upstream by #698, after
// 3.0.1): GCC 12 at -O3 inlines the parser here and reports -Wmaybe-uninitialized. The value is
// discarded (the stream has failed); nothing of ours is uninitialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::optional<Micro> read_all(const std::string& text, const char* format) {
  std::istringstream in(text);
  Micro value{};
  in >> date::parse(format, value);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
    return std::nullopt;
  }
  return value;
}
#pragma GCC diagnostic pop

// The wall-clock digits of `text` ("YYYY-MM-DDTHH:MM[:SS[.fff]]", 'T' or a space), as if UTC.
std::optional<Micro> read_wall(std::string text) {
  if (text.size() > 10 && text[10] == ' ') {
    text[10] = 'T';
  }
  for (const char* format : {"%FT%T", "%FT%R"}) {
    if (auto wall = read_all(text, format)) {
      return wall;
    }
  }
  return std::nullopt;
}

// Two digits at `at` of `text`, or -1.
int two_digits(std::string_view text, std::size_t at) {
  if (at + 2 > text.size() || std::isdigit(static_cast<unsigned char>(text[at])) == 0 ||
      std::isdigit(static_cast<unsigned char>(text[at + 1])) == 0) {
    return -1;
  }
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

// The offset "Z", "+HH", "+HHMM" or "+HH:MM" (ISO 8601; east of UTC, at most 18 hours).
std::optional<std::chrono::minutes> read_offset(std::string_view text) {
  if (text == "Z" || text == "z") {
    return std::chrono::minutes(0);
  }
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) {
    return std::nullopt;
  }
  int hours = two_digits(text, 1);
  int minutes = 0;
  std::string_view rest = text.substr(3);
  if (rest.starts_with(":") && rest.size() == 3) {
    minutes = two_digits(rest, 1);
  } else if (rest.size() == 2) {
    minutes = two_digits(rest, 0);
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) {
    return std::nullopt;
  }
  std::chrono::minutes offset = std::chrono::hours(hours) + std::chrono::minutes(minutes);
  return text[0] == '-' ? -offset : offset;
}

// Where the offset starts in `text` (after the time: a 'Z', '+' or '-' past the date), or npos.
std::size_t offset_start(std::string_view text) {
  if (text.size() <= 11) {
    return std::string_view::npos;
  }
  std::size_t at = text.find_first_of("Zz+-", 11);
  return at;
}

// "+0100" / "+01:00" (with `colon` ":").
std::string offset_text(std::chrono::seconds offset, const char* colon) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(std::chrono::abs(offset)).count();
  // Appended piece by piece: `"+" + std::string` makes GCC 12 at -O3 report a bogus -Wrestrict
  // (GCC PR105651).
  auto two = [](std::string& out, long long n) {
    if (n < 10) {
      out += '0';
    }
    out += std::to_string(n);
  };
  std::string text(1, offset < std::chrono::seconds(0) ? '-' : '+');
  two(text, minutes / 60);
  text += colon;
  two(text, minutes % 60);
  return text;
}

} // namespace

LocalZone LocalZone::named(std::string_view name) {
  try {
    return LocalZone(date::locate_zone(name), std::chrono::minutes(0));
  } catch (const std::exception&) {
    throw UsageError("time zone '" + std::string(name) + "' is not in the time zone database",
                     "name a zone of /usr/share/zoneinfo, e.g. Europe/Brussels");
  }
}

LocalZone LocalZone::fixed(std::chrono::minutes offset_east) {
  return LocalZone(nullptr, offset_east);
}

std::string LocalZone::name() const {
  if (m_zone != nullptr) {
    return std::string(m_zone->name());
  }
  return "UTC" + offset_text(m_fixed, ":");
}

std::chrono::seconds LocalZone::offset_at(TimePoint t) const {
  if (m_zone == nullptr) {
    return m_fixed;
  }
  return m_zone->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t)).offset;
}

TimePoint LocalZone::to_utc(Micro local, std::string_view what) const {
  if (m_zone == nullptr) {
    return std::chrono::time_point_cast<TimePoint::duration>(local - m_fixed);
  }
  date::local_time<std::chrono::microseconds> wall{local.time_since_epoch()};
  auto info = m_zone->get_info(wall);
  std::string zone(m_zone->name());
  if (info.result == date::local_info::nonexistent) {
    throw UsageError(std::string(what) + " does not exist in " + zone +
                         " (the clocks skip that hour)",
                     "give a time outside the change, or its offset, e.g. +01:00");
  }
  if (info.result == date::local_info::ambiguous) {
    throw UsageError(std::string(what) + " happens twice in " + zone +
                         " (the clocks go back over it)",
                     "add the offset that is meant, e.g. +02:00 or +01:00");
  }
  return std::chrono::time_point_cast<TimePoint::duration>(local - info.first.offset);
}

std::optional<WrittenTime> parse_written_time(std::string_view text) {
  std::size_t cut = offset_start(text);
  WrittenTime t;
  auto wall = read_wall(std::string(text.substr(0, cut)));
  if (!wall) {
    return std::nullopt;
  }
  t.wall = *wall;
  if (cut != std::string_view::npos) {
    t.offset = read_offset(text.substr(cut));
    if (!t.offset) {
      return std::nullopt;
    }
  }
  auto year = int(date::year_month_day(std::chrono::floor<date::days>(t.wall)).year());
  if (year < 1900 || year > 2200) {
    return std::nullopt;
  }
  return t;
}

TimePoint parse_typed_time(std::string_view option, std::string_view text, const LocalZone& zone) {
  auto written = parse_written_time(text);
  if (!written) {
    throw UsageError(std::string(option) + " '" + std::string(text) +
                         "' is not a date and time (or no such date)",
                     "use e.g. '2026-12-05 18:00' (local time, " + zone.name() +
                         "), 2026-12-05T18:00+01:00 or 2026-12-05T17:00:00Z");
  }
  if (written->offset) {
    return std::chrono::time_point_cast<TimePoint::duration>(written->wall - *written->offset);
  }
  return zone.to_utc(written->wall, std::string(option) + " '" + std::string(text) + "'");
}

std::string format_local(TimePoint t, const LocalZone& zone) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  auto offset = zone.offset_at(t);
  return date::format("%F %T ", seconds + offset) + offset_text(offset, "");
}

} // namespace odoo_upgrade::core
