#pragma once

#include <odoo_upgrade/core/time.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace odoo_upgrade::core {

// Version of the project-file layout this build writes. Older files are migrated on load; newer
// ones are refused.
inline constexpr int k_schema_version = 1;

// Where a project stands in the method. Stored in the project file; changed only by commands,
// through the rules in core/transitions.hpp.
enum class Phase {
  initiated,          // production inspected; no test round yet
  testing,            // a test round is under way (request created, not yet restored)
  tested,             // the latest test round is restored and verified: UAT can start
  signed_off,         // the customer signed the UAT of the latest round
  frozen,             // production is frozen (users and data entry stopped)
  production_request, // the production upgrade request is under way or downloaded
  live,               // the upgraded database serves under the production name
};
std::string_view to_string(Phase phase);
std::optional<Phase> parse_phase(std::string_view text);

// One entry of the append-only project history.
struct Event {
  std::string at;                                    // ISO 8601 UTC
  std::string command;                               // e.g. "initiate", "test-request"
  std::string outcome;                               // "ok", "failed", "pending", "refused"…
  nlohmann::json details = nlohmann::json::object(); // key figures
};

// The per-customer project file. A thin typed view over a JSON document: common fields have
// accessors; each command owns one section (`rounds`, `uat`, `freeze`, `production`, `golive`,
// `monitor`) and reads/writes it as JSON. Never holds secrets (see adapters/fs/secret_store.hpp).
class Project {
public:
  // A new project for `customer`, in phase `initiated`.
  Project(std::string customer, TimePoint created);
  // Validates a loaded document; throws FilesystemError naming `origin` when a required field is
  // missing or has the wrong type, or when schema_version is newer than this build knows.
  static Project from_json(nlohmann::json doc, const std::string& origin);

  const nlohmann::json& doc() const { return m_doc; }
  nlohmann::json& doc() { return m_doc; }

  std::string customer() const;
  Phase phase() const;
  void set_phase(Phase phase);
  // Series of the production database ("17.0"), empty before initiate recorded it.
  std::string source_version() const;
  std::string target_version() const;

  // The JSON section `name` (created as an empty object, or array for "rounds", when missing).
  nlohmann::json& section(const std::string& name);
  const nlohmann::json* find_section(const std::string& name) const;

  // Appends to `history`.
  void add_event(const Event& event);

  // Test rounds, oldest first (section "rounds": an array of objects with at least "number").
  nlohmann::json& rounds();
  // The latest test round, or nullptr when there is none.
  nlohmann::json* latest_round();
  const nlohmann::json* latest_round() const;

private:
  explicit Project(nlohmann::json doc) : m_doc(std::move(doc)) {}
  nlohmann::json m_doc;
};

} // namespace odoo_upgrade::core
