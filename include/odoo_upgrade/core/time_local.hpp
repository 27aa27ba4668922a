#pragma once

#include <odoo_upgrade/core/time.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

// Times as people type and read them: wall-clock times in a time zone, with the offset said. Built
// on Howard Hinnant's date library (Debian: libhowardhinnant-date-dev; the zones come from the
// system's IANA time zone database, /usr/share/zoneinfo), whose parser refuses impossible dates
// such as 31 February.
namespace odoo_upgrade::core {

// The zone a person's wall-clock times are read and shown in: a zone of the IANA database or a
// fixed offset from UTC. Cheap to copy (the database's zones live as long as the program).
class LocalZone {
public:
  // The zone named `name` ("Europe/Brussels", "UTC"). Throws UsageError (exit 2) when the database
  // has no such zone.
  static LocalZone named(std::string_view name);
  // A fixed offset east of UTC (fixed(0) is UTC). For tests and zone-less settings.
  static LocalZone fixed(std::chrono::minutes offset_east);

  // "Europe/Brussels", or "UTC+01:00" for a fixed offset.
  std::string name() const;
  // The offset east of UTC in effect at `t`.
  std::chrono::seconds offset_at(TimePoint t) const;

  // The instant of the wall-clock time `local` (seconds since 1970-01-01 as if that were UTC).
  // Throws UsageError naming `what` when `local` does not exist in the zone (the hour skipped when
  // clocks go forward) or happens twice (when they go back): the person must give the offset.
  TimePoint to_utc(std::chrono::sys_time<std::chrono::microseconds> local,
                   std::string_view what) const;

private:
  LocalZone(const date::time_zone* zone, std::chrono::minutes fixed)
      : m_zone(zone), m_fixed(fixed) {}
  const date::time_zone* m_zone; // nullptr: the fixed offset
  std::chrono::minutes m_fixed;
};

// An ISO 8601 date and time split as written: the wall-clock time and, when given, the offset.
struct WrittenTime {
  std::chrono::sys_time<std::chrono::microseconds> wall; // the digits as if they were UTC
  std::optional<std::chrono::minutes> offset;            // east of UTC; "Z" is 0
};
// Parses "2027-03-01T18:00", "2027-03-01 18:00:05", fractions of a second ("18:00:05.25") and an
// offset ("Z", "+01", "+0100", "+01:00"). std::nullopt when malformed, when the date does not exist
// (2027-02-31) or the time is out of range (24:00, 18:60), or outside the years 1900-2200.
std::optional<WrittenTime> parse_written_time(std::string_view text);

// A date and time a person typed (a command-line option `option`): without an offset it is the
// wall-clock time in `zone`. Throws UsageError naming `option` and `text` when it is malformed or
// impossible, or names an hour a daylight-saving change skips or repeats in `zone`.
TimePoint parse_typed_time(std::string_view option, std::string_view text, const LocalZone& zone);

// "2027-03-01 19:00:00 +0100": `t` as wall-clock time in `zone`, with its offset (seconds
// precision).
std::string format_local(TimePoint t, const LocalZone& zone);

} // namespace odoo_upgrade::core
