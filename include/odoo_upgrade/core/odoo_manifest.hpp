#pragma once

#include <odoo_upgrade/core/project.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Whether the target Odoo's addons paths hold a usable version of a module: `initiate`'s "target"
// column for every installed third-party module (the missing ones are the migration's work list).
// The facts come from resources/odoo/read_manifests.py (manifests read with ast.literal_eval, as
// Odoo 17 reads them); the verdict follows Odoo's own rules (docs/notes/target-odoo-facts.md,
// "Manifests"): a version of 2 or 3 parts carries no series (Odoo prefixes the running series), one
// of 4 or 5 parts starts with its series ("17.0.1.0.1"); a series-less version in a folder named
// for another series ("…/16.0/auditlog") belongs to that series.
namespace odoo_upgrade::core {

// What read_manifests.py found for one module (its output's `modules.<name>`).
struct ManifestFacts {
  std::string name;
  std::string path;    // the folder Odoo would use (first addons path holding it); "" not found
  std::string version; // the manifest's version as written ("1.0" when absent)
  std::string folder_series;                // a "NN.N" folder in `path`, or ""
  std::optional<bool> installable;          // the manifest's `installable` (null when not read)
  std::vector<std::string> depends;         // the manifest's `depends`
  std::vector<std::string> depends_missing; // the dependency closure no addons path holds
  std::vector<std::string> shadowed;        // later addons paths that hold it too (ignored by Odoo)
  std::string error;                        // "not found", "invalid manifest: …", or ""
};

// Reads read_manifests.py's output document. Throws std::invalid_argument naming what is wrong when
// it is not the script's shape (a bug or another script).
std::vector<ManifestFacts> manifest_facts_from_output(const nlohmann::json& output);

// The series a manifest version carries ("17.0.1.0.1" → "17.0", "saas~17.2.1.0" → "saas~17.2"), or
// "" for a version of 2 or 3 parts (or one that is not a version).
std::string version_series(std::string_view version);

enum class TargetVerdict {
  found,                // a version for the target series, installable, dependencies all there
  missing,              // no addons path holds the module
  wrong_series,         // the version (or its folder) is of another series
  not_installable,      // the manifest says installable False
  invalid_manifest,     // the manifest cannot be read (not a literal, bad version)
  dependencies_missing, // found, but some of its dependency closure is on no addons path
};
std::string_view to_string(TargetVerdict v); // "found", "missing", "wrong series", …
std::optional<TargetVerdict> parse_target_verdict(std::string_view text);

// The target column of one module.
struct TargetCheck {
  std::string module;
  TargetVerdict verdict = TargetVerdict::missing;
  std::string
      version; // as Odoo of the target series records it ("17.0.1.2" for "1.2"); "" unless found
  std::string manifest_version; // as written in the manifest
  std::string path;
  std::vector<std::string> depends_missing;
  std::string error; // the manifest error, for invalid_manifest

  // True for `found`: the target Odoo can update the module.
  bool ok() const { return verdict == TargetVerdict::found; }
  // "found 17.0.1.0.1 in /srv/addons/auditlog", "missing", "wrong series (16.0.2.2.1 in …)",
  // "dependencies missing: a, b", "not installable (…)", "invalid manifest: …".
  std::string describe() const;
};

// The verdict for `facts` on target series `series` ("17.0").
TargetCheck judge_target(const ManifestFacts& facts, std::string_view series);

nlohmann::json to_json(const TargetCheck& t);
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a wrong type or unknown verdict.
TargetCheck target_check_from_json(const nlohmann::json& j, std::string_view where);

// initiate's target column, kept in the project's `target_modules` section: the verdict for every
// installed third-party module of production on the target Odoo's addons paths, when initiate ran
// with a target Odoo configured (the missing ones are the migration's work list).
struct TargetModulesRecord {
  std::string series;               // the target series checked ("17.0")
  std::vector<TargetCheck> modules; // production's third-party modules, in its order
  nlohmann::json extra = nlohmann::json::object();

  // The check of `module`, or nullptr when it was not checked.
  const TargetCheck* find(std::string_view module) const;
};
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a wrong type or unknown verdict.
TargetModulesRecord target_modules_from_json(const nlohmann::json& j,
                                             std::string_view where = "target_modules");
nlohmann::json to_json(const TargetModulesRecord& r);
// The section, or std::nullopt when initiate did not check (no target Odoo configured then).
std::optional<TargetModulesRecord> read_target_modules(const Project& project);
void write_target_modules(Project& project, const TargetModulesRecord& record);

} // namespace odoo_upgrade::core
