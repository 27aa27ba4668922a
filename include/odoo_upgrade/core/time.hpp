#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::core {

using TimePoint = std::chrono::system_clock::time_point;

// `t` in UTC formatted with strftime's `format` (second precision).
std::string format_utc(TimePoint t, const char* format);
// "2026-11-21T16:45:03Z" (UTC, second precision).
std::string iso8601_utc(TimePoint t);
// Parses a machine-written ISO 8601 time: "YYYY-MM-DDTHH:MM[:SS[.fff]]" ('T' or a space), with an
// offset ("Z", "+01", "+0100", "+01:00") or without (taken as UTC; a time a person typed is read by
// core::parse_typed_time instead, as local time). std::nullopt when malformed or impossible
// (2027-02-31), see core::parse_written_time.
std::optional<TimePoint> parse_iso8601(std::string_view text);
// "1h30m", "90m", "45s", "2h", "500ms", or a bare number of seconds; std::nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// "1h 02m 03s", "4m 05s", "12.3s".
std::string format_duration(std::chrono::milliseconds d);
// "59.6 MB" style sizes (powers of 1000, like Odoo's and PostgreSQL's pretty sizes).
std::string format_bytes(long long bytes);

} // namespace odoo_upgrade::core
