// Unit tests of the small shared pieces of core: the severity vocabulary, the decimal normaliser,
// Odoo's model-to-table rule and the typed-record helpers.
#include <odoo_upgrade/core/decimal.hpp>
#include <odoo_upgrade/core/odoo_model.hpp>
#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/severity.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

TEST_CASE("core::Severity", "[core]") {
  for (auto s :
       {Severity::ok, Severity::info, Severity::skipped, Severity::warning, Severity::blocking}) {
    CHECK(parse_severity(to_string(s)) == s);
  }
  CHECK(!parse_severity("crit"));
  CHECK(worst(Severity::info, Severity::warning) == Severity::warning);
  CHECK(worst(Severity::blocking, Severity::ok) == Severity::blocking);
  CHECK(worst(Severity::skipped, Severity::info) == Severity::skipped);
  CHECK(label(Severity::blocking) == "BLOCK");
  CHECK(needs_attention(Severity::warning));
  CHECK(!needs_attention(Severity::skipped));
}

TEST_CASE("core::normalize_decimal", "[core]") {
  CHECK(normalize_decimal("12.50") == "12.5");
  CHECK(normalize_decimal("0012") == "12");
  CHECK(normalize_decimal("-0.00") == "0");
  CHECK(normalize_decimal("+3.0") == "3");
  CHECK(normalize_decimal(".5") == "0.5");
  CHECK(normalize_decimal("") == "0");
  CHECK(normalize_decimal("100") == "100");
  CHECK(normalize_decimal("abc") == "abc");
  CHECK(same_decimal("10.0", "10.00"));
  CHECK(!same_decimal("10.01", "10.1"));
}

TEST_CASE("core::odoo_table", "[core]") {
  CHECK(odoo_table("sale.order") == "sale_order");
  CHECK(odoo_table("res.partner.category") == "res_partner_category");
  CHECK(!odoo_table("Sale.Order"));
  CHECK(!odoo_table("x; DROP TABLE y"));
  CHECK(!odoo_table(""));
  CHECK(!odoo_table(std::string(64, 'a')));
}

TEST_CASE("core::FieldReader", "[core]") {
  json j = {{"number", 3}, {"name", "r3"}, {"old_at", "2026-01-01"}, {"future", {{"x", 1}}}};
  FieldReader r(j, "rounds[0]");
  int number = 0;
  std::string name;
  std::optional<std::string> at;
  std::optional<std::string> absent;
  r.take("number", number);
  r.take("name", name);
  r.take_alias("at", "old_at", at);
  r.take("absent", absent);
  CHECK(number == 3);
  CHECK(name == "r3");
  CHECK(at == "2026-01-01");
  CHECK(!absent);
  CHECK(r.rest() == json{{"future", {{"x", 1}}}});

  json bad = {{"number", "three"}};
  FieldReader b(bad, "rounds[1]");
  int n = 0;
  CHECK_THROWS_WITH(b.take("number", n),
                    Catch::Contains("project file field 'rounds[1].number' has the wrong type"));
  std::string s;
  json not_string = {{"work_dir", 5}};
  FieldReader w(not_string, "");
  CHECK_THROWS_WITH(w.take("work_dir", s), Catch::Contains("'work_dir' is not a string"));
  CHECK_THROWS_AS(FieldReader(json::array(), "golive"), FilesystemError);
}

TEST_CASE("core::archived", "[core]") {
  CHECK(archived(json()) == json::array());
  json first = {{"number", 1}};
  json second = {{"number", 2}, {"previous", archived(first)}};
  json list = archived(second);
  REQUIRE(list.size() == 2);
  CHECK(list[0] == first);
  CHECK(list[1] == json{{"number", 2}});
}
