#include <odoo_upgrade/core/odoo_version.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;

TEST_CASE("core::parse_series reads series, release strings and module versions", "[core]") {
  struct Case {
    const char* text;
    const char* series;
  };
  auto c = GENERATE(Case{"17.0", "17.0"},
                    Case{"17.0-20240709", "17.0"},
                    Case{"16.0", "16.0"},
                    Case{"17.0.1.3", "17.0"},
                    Case{"17.0+e", "17.0"},
                    Case{"saas~17.2", "saas~17.2"},
                    Case{"saas-17.2", "saas~17.2"},
                    Case{"saas~17.2.1.0", "saas~17.2"},
                    Case{"17.2", "saas~17.2"});
  DYNAMIC_SECTION(c.text) {
    auto s = parse_series(c.text);
    REQUIRE(s);
    CHECK(s->str() == c.series);
  }
}

TEST_CASE("core::parse_series rejects what is not a series", "[core]") {
  for (const char* bad : {"", "banana", "17", "17.", ".0", "v17.0", "saas~", "3.0", "17.x"}) {
    INFO(bad);
    CHECK_FALSE(parse_series(bad));
  }
}

TEST_CASE("core::Series orders majors and saas series", "[core]") {
  CHECK(*parse_series("16.0") < *parse_series("saas~16.3"));
  CHECK(*parse_series("saas~16.3") < *parse_series("17.0"));
  CHECK_FALSE(*parse_series("17.0") < *parse_series("17.0"));
}

TEST_CASE("core::target_refusal accepts known majors above the source only", "[core]") {
  Series v17 = *parse_series("17.0");
  CHECK_FALSE(target_refusal(v17, "18.0"));
  CHECK_FALSE(target_refusal(v17, "19.0"));
  CHECK_FALSE(target_refusal(*parse_series("saas~17.2"), "18.0"));
  CHECK(target_refusal(v17, "17.0")->find("not above") != std::string::npos);
  CHECK(target_refusal(v17, "16.0")->find("not above") != std::string::npos);
  CHECK(target_refusal(v17, "banana")->find("not an Odoo series") != std::string::npos);
  CHECK(target_refusal(v17, "saas~18.1")->find("saas") != std::string::npos);
  CHECK(target_refusal(v17, "42.0")->find("not a known") != std::string::npos);
  CHECK(target_refusal(v17, "18.0.1")->find("use '18.0'") != std::string::npos);
}

TEST_CASE("core::classify_module follows author and licence", "[core]") {
  CHECK(classify_module("Odoo S.A.", "LGPL-3") == ModuleOrigin::odoo);
  CHECK(classify_module("OpenERP SA", "LGPL-3") == ModuleOrigin::odoo);
  CHECK(classify_module("Odoo S.A.", "OEEL-1") == ModuleOrigin::enterprise);
  CHECK(classify_module("ABF OSIELL, Odoo Community Association (OCA)", "AGPL-3") ==
        ModuleOrigin::third_party);
  CHECK(classify_module("Odoo Community Association (OCA)", "LGPL-3") == ModuleOrigin::third_party);
  CHECK(classify_module("Acme", "OPL-1") == ModuleOrigin::third_party);
  CHECK(classify_module("", "") == ModuleOrigin::third_party);
  CHECK(classify_module("Odoo S.A., Acme", "LGPL-3") == ModuleOrigin::third_party);
  CHECK(to_string(ModuleOrigin::third_party) == "third_party");
}
