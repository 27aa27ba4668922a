#include <odoo_upgrade/core/time.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace std::chrono_literals;

TEST_CASE("core::parse_duration", "[core]") {
  CHECK(parse_duration("90m") == std::chrono::milliseconds(90min));
  CHECK(parse_duration("1h30m") == std::chrono::milliseconds(90min));
  CHECK(parse_duration("45s") == std::chrono::milliseconds(45s));
  CHECK(parse_duration("45") == std::chrono::milliseconds(45s));
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2d") == std::chrono::milliseconds(48h));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("5 minutes"));
  CHECK_FALSE(parse_duration("1h30"));
}

TEST_CASE("core::iso8601_utc and parse_iso8601 round-trip", "[core]") {
  auto t = parse_iso8601("2026-11-21T16:45:03Z");
  REQUIRE(t);
  CHECK(iso8601_utc(*t) == "2026-11-21T16:45:03Z");
  CHECK(iso8601_utc(*parse_iso8601("2026-11-21 18:45")) == "2026-11-21T18:45:00Z");
  CHECK(iso8601_utc(*parse_iso8601("2026-11-21T18:45:00+02:00")) == "2026-11-21T16:45:00Z");
  CHECK(format_utc(*t, "%Y%m%d_%H%M%S") == "20261121_164503");
  CHECK_FALSE(parse_iso8601("tomorrow"));
  // Real calendar dates only, in the years the clock can hold.
  CHECK_FALSE(parse_iso8601("2027-02-30T00:00:00Z"));
  CHECK(parse_iso8601("2028-02-29T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("2027-02-29T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("0001-01-01T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("9999-12-31T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("2026-13-01T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("2026-11-21T18:45:00 CET"));
}

TEST_CASE("core::format_duration and format_bytes", "[core]") {
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(format_duration(std::chrono::milliseconds(125s)) == "2m 05s");
  CHECK(format_duration(std::chrono::milliseconds(3723s)) == "1h 02m 03s");
  CHECK(format_bytes(999) == "999 B");
  CHECK(format_bytes(59'600'000) == "59.6 MB");
}
