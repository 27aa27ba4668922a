#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/time.hpp>
#include <odoo_upgrade/core/time_local.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace std::chrono_literals;

namespace {

std::string utc(std::string_view text, const LocalZone& zone) {
  return iso8601_utc(parse_typed_time("--at", text, zone));
}

std::string refusal(std::string_view text, const LocalZone& zone) {
  try {
    parse_typed_time("--at", text, zone);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("core::parse_written_time", "[core]") {
  SECTION("impossible dates and times are refused") {
    for (const char* text : {"2027-02-31T10:00:00Z",
                             "2027-02-29 10:00",
                             "2027-04-31 10:00",
                             "2027-13-01 10:00",
                             "2027-03-01 24:00",
                             "2027-03-01 18:60",
                             "2027-03-01",
                             "2027-03-01 18:00 CET",
                             "2027-03-01T18:00:00+25:00",
                             "1899-12-31T00:00:00Z",
                             "tomorrow"}) {
      INFO(text);
      CHECK_FALSE(parse_written_time(text));
    }
    CHECK(parse_written_time("2028-02-29 10:00"));
  }
  SECTION("offsets in every ISO 8601 spelling, fractions of a second") {
    for (const char* text : {"2027-03-01T18:00:00+0100",
                             "2027-03-01T18:00:00+01:00",
                             "2027-03-01T18:00+01",
                             "2027-03-01 18:00:00.000+0100",
                             "2027-03-01T17:00:00Z"}) {
      INFO(text);
      CHECK(parse_iso8601(text) == parse_iso8601("2027-03-01T17:00:00Z"));
    }
    auto t = parse_written_time("2027-03-01T18:00:05.25-05:30");
    REQUIRE(t);
    CHECK(*t->offset == -(5h + 30min));
    CHECK(t->wall.time_since_epoch() % 1s == 250ms);
  }
}

TEST_CASE("core::parse_typed_time reads times without an offset as local time", "[core]") {
  LocalZone brussels = LocalZone::named("Europe/Brussels");
  CHECK(utc("2027-03-01 18:00", brussels) == "2027-03-01T17:00:00Z");    // winter, +01:00
  CHECK(utc("2027-07-01T18:00:00", brussels) == "2027-07-01T16:00:00Z"); // summer, +02:00
  CHECK(utc("2027-07-01T18:00:00Z", brussels) == "2027-07-01T18:00:00Z");
  CHECK(utc("2027-07-01T18:00:00+0100", brussels) == "2027-07-01T17:00:00Z");
  CHECK(utc("2027-03-01 18:00", LocalZone::fixed(-300min)) == "2027-03-01T23:00:00Z");
  SECTION("an impossible date names the option and the text") {
    CHECK(refusal("2027-02-31 18:00", brussels) ==
          "--at '2027-02-31 18:00' is not a date and time (or no such date)");
  }
  SECTION("a wall time a daylight-saving change skips or repeats needs its offset") {
    CHECK(refusal("2027-03-28 02:30", brussels).find("does not exist in Europe/Brussels") !=
          std::string::npos);
    CHECK(refusal("2027-10-31 02:30", brussels).find("happens twice in Europe/Brussels") !=
          std::string::npos);
    CHECK(utc("2027-10-31 02:30+02:00", brussels) == "2027-10-31T00:30:00Z");
  }
  CHECK_THROWS_AS(LocalZone::named("Mars/Olympus_Mons"), UsageError);
}

TEST_CASE("core::format_local prints the wall time with its offset", "[core]") {
  LocalZone brussels = LocalZone::named("Europe/Brussels");
  CHECK(format_local(*parse_iso8601("2027-03-01T17:00:00Z"), brussels) ==
        "2027-03-01 18:00:00 +0100");
  CHECK(format_local(*parse_iso8601("2027-07-01T16:00:00Z"), brussels) ==
        "2027-07-01 18:00:00 +0200");
  CHECK(format_local(*parse_iso8601("2027-03-01T17:00:00Z"), LocalZone::fixed(-330min)) ==
        "2027-03-01 11:30:00 -0530");
  CHECK(LocalZone::fixed(-330min).name() == "UTC-05:30");
  CHECK(brussels.name() == "Europe/Brussels");
}
