#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/naming.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

constexpr const char* k_stamp = "20261205_180007";

// Every name derived from `db` for target 18.0 (the longest stamps and round numbers included).
std::vector<std::string> every_name(const std::string& db) {
  std::vector<std::string> names;
  for (const std::string stamp : {"20261205_180007", "20261205_180007_2", "20261205_180007_99"}) {
    names.push_back(staging_database_name(db, "18.0", stamp));
    names.push_back(pre_upgrade_database_name(db, "18.0", stamp));
    names.push_back(upgraded_aside_database_name(db, "18.0", stamp));
  }
  for (int round : {1, 12, 9999, 123456789}) {
    names.push_back(test_database_name(db, "18.0", round));
    names.push_back(
        runbook_scratch_database_name(db, "18.0", std::string("r").append(std::to_string(round))));
  }
  return names;
}

} // namespace

TEST_CASE("core::valid_database_name", "[core]") {
  CHECK(valid_database_name(std::string(63, 'a')));
  CHECK_FALSE(valid_database_name(std::string(64, 'a')));
  // A name is also its filestore folder's: never a path out of the filestores.
  CHECK_FALSE(valid_database_name(".."));
  CHECK_FALSE(valid_database_name("."));
  CHECK_FALSE(valid_database_name("x/../acme"));
  CHECK(valid_database_name("acme.test..r1"));
  CHECK_FALSE(valid_database_name(""));
  CHECK_FALSE(valid_database_name(std::string("a\0b", 3)));
}

TEST_CASE("core derived database names of a short production name", "[core]") {
  // Short names are kept as they are: the names every earlier release derived.
  CHECK(name_base("acme", "18.0") == "acme");
  CHECK(test_database_name("acme", "18.0", 3) == "acme_test_18.0_r3");
  CHECK(runbook_scratch_database_name("acme", "18.0", "r3") == "acme_runbook_18.0_r3");
  CHECK(staging_database_name("acme", "18.0", k_stamp) == "acme_golive_18.0_20261205_180007");
  CHECK(pre_upgrade_database_name("acme", "18.0", k_stamp) == "acme_pre_18.0_20261205_180007");
  CHECK(upgraded_aside_database_name("acme", "18.0", k_stamp) ==
        "acme_upgraded_18.0_20261205_180007");
  CHECK_FALSE(derive_names("acme", "18.0").shortened);
}

TEST_CASE("core derived database names fit in 63 bytes by construction", "[core]") {
  // 30 bytes is the longest name kept whole for 18.0; 35 and 40 bytes are the cases.
  for (std::size_t length : {30U, 31U, 34U, 35U, 40U, 63U}) {
    std::string db = "acme_" + std::string(length - 5, 'x');
    DYNAMIC_SECTION(length << " bytes") {
      for (const auto& name : every_name(db)) {
        INFO(name);
        CHECK(valid_database_name(name));
        CHECK(name.size() <= k_max_database_name_bytes);
      }
      auto names = derive_names(db, "18.0");
      CHECK(names.shortened == (length > 30));
      CHECK(names.base == name_base(db, "18.0"));
      // Deterministic: the same production name gives the same names, another one other names.
      CHECK(pre_upgrade_database_name(db, "18.0", k_stamp) ==
            pre_upgrade_database_name(db, "18.0", k_stamp));
      CHECK(pre_upgrade_database_name(db, "18.0", k_stamp) !=
            pre_upgrade_database_name(db + "y", "18.0", k_stamp));
      // Each kind keeps its own recognisable suffix.
      CHECK(pre_upgrade_database_name(db, "18.0", k_stamp)
                .find("_pre_18.0_" + std::string(k_stamp)) != std::string::npos);
    }
  }
  // Two long names with the same first bytes never share a base.
  std::string a = std::string(40, 'a') + "_one";
  std::string b = std::string(40, 'a') + "_two";
  CHECK(name_base(a, "18.0") != name_base(b, "18.0"));
  CHECK(name_base(a, "18.0").size() <= 30);
}

TEST_CASE("core::fit_database_name keeps UTF-8 characters whole", "[core]") {
  std::string db;
  for (int i = 0; i < 30; ++i) {
    db += "\xc3\xa9"; // é, 2 bytes
  }
  std::string name = fit_database_name(db + "_pre_18.0_" + k_stamp);
  CHECK(name.size() <= 63);
  // The prefix before the hash is whole characters: an even number of bytes of é.
  auto cut = name.rfind('_');
  CHECK(cut % 2 == 0);
  CHECK(name.substr(cut + 1).size() == 8);
}

TEST_CASE("core names record", "[core]") {
  auto names = derive_names(std::string(40, 'p'), "18.0");
  json j = to_json(names);
  j["later"] = 1;
  auto back = names_from_json(j);
  CHECK(back.base == names.base);
  CHECK(back.longest == names.longest);
  CHECK(back.shortened);
  CHECK(to_json(back)["later"] == 1);
  j["base"] = 5;
  CHECK_THROWS_AS(names_from_json(j), FilesystemError);
  try {
    names_from_json(j);
  } catch (const FilesystemError& e) {
    CHECK(std::string(e.what()).find("names.base") != std::string::npos);
  }
}
