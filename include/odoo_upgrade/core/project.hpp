#pragma once

#include <odoo_upgrade/core/time.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
nlohmann::json to_json(const Event& event);

// The per-customer project file. A thin typed view over a JSON document: the top-level fields have
// accessors; each section has a typed record in core/ (`source_record.hpp`, `service_record.hpp`,
// `uat_record.hpp`, `monitor_record.hpp`, …) with `read_x`/`write_x`, which commands use. `doc()`
// and `section()` are for those records (core only). Never holds secrets (see
// adapters/fs/secret_store.hpp).
class Project {
public:
  // A new project for `customer`, in phase `initiated`.
  Project(std::string customer, TimePoint created);
  // Validates a loaded document; throws FilesystemError naming `origin` when a required field is
  // missing or a top-level field has the wrong type, or when schema_version is newer than this
  // build knows.
  static Project from_json(nlohmann::json doc, const std::string& origin);

  const nlohmann::json& doc() const { return m_doc; }
  nlohmann::json& doc() { return m_doc; }

  std::string customer() const;
  Phase phase() const;
  void set_phase(Phase phase);
  // Series of the production database ("17.0"), empty before initiate recorded it.
  std::string source_version() const;
  // Target series ("18.0"), empty before initiate recorded it.
  std::string target_version() const;
  void set_target_version(const std::string& series);
  // Odoo's data dir and the project's work dir (absolute paths) recorded by initiate; "" before.
  std::string data_dir() const;
  void set_data_dir(const std::string& dir);
  std::string work_dir() const;
  void set_work_dir(const std::string& dir);

  // The JSON section `name` (created as an empty object, or array for "rounds", when missing).
  nlohmann::json& section(const std::string& name);
  const nlohmann::json* find_section(const std::string& name) const;

  // Appends to `history`.
  void add_event(const Event& event);
  // The history, oldest first (a field of an entry with the wrong type reads as empty).
  std::vector<Event> history() const;

  // Test rounds, oldest first (section "rounds": an array of objects with at least "number").
  nlohmann::json& rounds();
  // The latest test round, or nullptr when there is none.
  nlohmann::json* latest_round();
  const nlohmann::json* latest_round() const;

private:
  explicit Project(nlohmann::json doc) : m_doc(std::move(doc)) {}
  // The top-level string `key`; "" when missing (from_json checked its type).
  std::string string_field(const char* key) const;
  nlohmann::json m_doc;
};

} // namespace odoo_upgrade::core
