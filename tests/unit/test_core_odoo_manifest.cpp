// Unit tests of the manifest verdicts (core/odoo_manifest.hpp): initiate's "target" column.
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_manifest.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using nlohmann::json;

namespace {

ManifestFacts facts(std::string version, std::string path = "/srv/oca/auditlog") {
  ManifestFacts f;
  f.name = "auditlog";
  f.path = std::move(path);
  f.version = std::move(version);
  f.installable = true;
  return f;
}

} // namespace

TEST_CASE("core::version_series", "[core]") {
  CHECK(version_series("17.0.1.0.1") == "17.0");
  CHECK(version_series("16.0.2.2") == "16.0");
  CHECK(version_series("saas~17.2.1.0") == "saas~17.2");
  CHECK(version_series("1.0").empty());
  CHECK(version_series("1.2.3").empty());
  CHECK(version_series("17.0").empty());
  CHECK(version_series("1.2.3.4.5.6").empty());
  CHECK(version_series("x.0.1.0").empty());
}

TEST_CASE("core::judge_target", "[core]") {
  TargetCheck t = judge_target(facts("17.0.1.0.1"), "17.0");
  CHECK(t.verdict == TargetVerdict::found);
  CHECK(t.ok());
  CHECK(t.version == "17.0.1.0.1");
  CHECK(t.describe() == "found 17.0.1.0.1 in /srv/oca/auditlog");

  // A series-less version is the running series' (Odoo's adapt_version).
  t = judge_target(facts("1.2", "/odoo/addons/sale"), "17.0");
  CHECK(t.describe() == "found 17.0.1.2 in /odoo/addons/sale");

  t = judge_target(facts("16.0.2.2.1"), "17.0");
  CHECK(t.verdict == TargetVerdict::wrong_series);
  CHECK(t.describe() == "wrong series (16.0.2.2.1 in /srv/oca/auditlog)");

  // A series-less version in a folder named for another series.
  ManifestFacts in_folder = facts("1.0", "/srv/16.0/auditlog");
  in_folder.folder_series = "16.0";
  CHECK(judge_target(in_folder, "17.0").verdict == TargetVerdict::wrong_series);
  in_folder.folder_series = "17.0";
  CHECK(judge_target(in_folder, "17.0").verdict == TargetVerdict::found);

  ManifestFacts missing = facts("", "");
  missing.error = "not found";
  CHECK(judge_target(missing, "17.0").describe() == "missing");

  ManifestFacts off = facts("17.0.1.0.1");
  off.installable = false;
  CHECK(judge_target(off, "17.0").verdict == TargetVerdict::not_installable);

  ManifestFacts bad = facts("1.0");
  bad.error = "invalid manifest: SyntaxError at line 3: invalid syntax";
  CHECK(judge_target(bad, "17.0").describe() == bad.error);

  ManifestFacts deps = facts("17.0.1.0.1");
  deps.depends_missing = {"base_external", "queue_job"};
  t = judge_target(deps, "17.0");
  CHECK(t.verdict == TargetVerdict::dependencies_missing);
  CHECK(t.describe() == "dependencies missing: base_external, queue_job");
}

TEST_CASE("core::manifest_facts_from_output", "[core]") {
  // The shape resources/odoo/read_manifests.py prints.
  json out = {{"series", "17.0"},
              {"addons_paths", json::array()},
              {"modules",
               {{"auditlog",
                 {{"path", "/rt/auditlog-17.0/auditlog"},
                  {"version", "17.0.1.0.1"},
                  {"folder_series", nullptr},
                  {"installable", true},
                  {"depends", {"base"}},
                  {"depends_missing", json::array()},
                  {"shadowed", json::array()},
                  {"error", nullptr}}},
                {"x",
                 {{"path", nullptr},
                  {"version", nullptr},
                  {"installable", nullptr},
                  {"depends", json::array()},
                  {"depends_missing", json::array()},
                  {"error", "not found"}}}}}};
  auto all = manifest_facts_from_output(out);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "auditlog");
  CHECK(all[0].depends == std::vector<std::string>{"base"});
  CHECK(judge_target(all[0], "17.0").ok());
  CHECK(all[1].name == "x");
  CHECK_FALSE(all[1].installable);
  CHECK(judge_target(all[1], "17.0").verdict == TargetVerdict::missing);
  CHECK_THROWS_AS(manifest_facts_from_output(json::object()), std::invalid_argument);
  CHECK_THROWS_AS(manifest_facts_from_output({{"modules", {{"a", 1}}}}), std::invalid_argument);
}

TEST_CASE("core::target_check_from_json", "[core]") {
  ManifestFacts deps = facts("17.0.1.0.1");
  deps.depends_missing = {"queue_job"};
  TargetCheck t = judge_target(deps, "17.0");
  json j = to_json(t);
  CHECK(j["verdict"] == "dependencies missing");
  CHECK(to_json(target_check_from_json(j, "t")) == j);
  j["verdict"] = "maybe";
  CHECK_THROWS_AS(target_check_from_json(j, "t"), FilesystemError);
}

TEST_CASE("core::target_modules record: round trip, unknown keys kept, wrong type refused",
          "[core]") {
  json j = {{"series", "17.0"},
            {"modules",
             {{{"module", "auditlog"},
               {"verdict", "found"},
               {"version", "17.0.1.0.1"},
               {"path", "/srv/addons/auditlog"}},
              {{"module", "sale_custom"}, {"verdict", "missing"}}}},
            {"from_the_future", 1}};
  TargetModulesRecord r = target_modules_from_json(j);
  REQUIRE(r.modules.size() == 2);
  REQUIRE(r.find("auditlog") != nullptr);
  CHECK(r.find("auditlog")->describe() == "found 17.0.1.0.1 in /srv/addons/auditlog");
  CHECK(r.find("sale_custom")->describe() == "missing");
  CHECK(r.find("nope") == nullptr);
  CHECK(to_json(r) == j);
  Project project("acme", TimePoint{});
  CHECK_FALSE(read_target_modules(project));
  write_target_modules(project, r);
  REQUIRE(read_target_modules(project));
  CHECK(to_json(*read_target_modules(project)) == j);
  j["modules"][1]["verdict"] = "perhaps";
  try {
    target_modules_from_json(j);
    FAIL("accepted an unknown verdict");
  } catch (const FilesystemError& e) {
    CHECK(std::string(e.what()).find("target_modules.modules[1].verdict") != std::string::npos);
  }
}
