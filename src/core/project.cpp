#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/project.hpp>

#include <array>
#include <utility>

namespace odoo_upgrade::core {

namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 7> k_phase_names{{
    {Phase::initiated, "initiated"},
    {Phase::testing, "testing"},
    {Phase::tested, "tested"},
    {Phase::signed_off, "signed_off"},
    {Phase::frozen, "frozen"},
    {Phase::production_request, "production_request"},
    {Phase::live, "live"},
}};

void require(bool ok, const std::string& origin, const std::string& what) {
  if (!ok) {
    throw FilesystemError("project file '" + origin + "' is invalid: " + what,
                          "restore it from version control or re-run 'odoo-upgrade initiate'");
  }
}

} // namespace

std::string_view to_string(Phase phase) {
  for (const auto& [p, name] : k_phase_names) {
    if (p == phase) {
      return name;
    }
  }
  return "initiated";
}

std::optional<Phase> parse_phase(std::string_view text) {
  for (const auto& [p, name] : k_phase_names) {
    if (name == text) {
      return p;
    }
  }
  return std::nullopt;
}

Project::Project(std::string customer, TimePoint created)
    : m_doc({{"schema_version", k_schema_version},
             {"customer", std::move(customer)},
             {"created_at", iso8601_utc(created)},
             {"phase", std::string(to_string(Phase::initiated))},
             {"history", nlohmann::json::array()}}) {}

Project Project::from_json(nlohmann::json doc, const std::string& origin) {
  require(doc.is_object(), origin, "the top level is not a JSON object");
  require(doc.contains("schema_version") && doc["schema_version"].is_number_integer(),
          origin,
          "'schema_version' is missing");
  int version = doc["schema_version"].get<int>();
  if (version > k_schema_version) {
    throw FilesystemError("project file '" + origin + "' has schema_version " +
                              std::to_string(version) + ", newer than this odoo-upgrade knows (" +
                              std::to_string(k_schema_version) + ")",
                          "upgrade odoo-upgrade to a version that supports it");
  }
  require(version >= 1, origin, "'schema_version' must be 1 or more");
  require(doc.contains("customer") && doc["customer"].is_string(), origin, "'customer' is missing");
  require(doc.contains("phase") && doc["phase"].is_string() &&
              parse_phase(doc["phase"].get<std::string>()).has_value(),
          origin,
          "'phase' is missing or unknown");
  if (!doc.contains("history")) {
    doc["history"] = nlohmann::json::array();
  }
  require(doc["history"].is_array(), origin, "'history' is not a list");
  for (const char* key : {"target_version", "data_dir", "work_dir"}) {
    require(!doc.contains(key) || doc[key].is_string() || doc[key].is_null(),
            origin,
            // not `"'" + std::string(key)`: GCC 12 -O3's bogus -Wrestrict (GCC PR105651)
            std::string("'").append(key) + "' is not a string");
  }
  if (doc.contains("rounds")) {
    require(doc["rounds"].is_array(), origin, "'rounds' is not a list");
  }
  return Project(std::move(doc));
}

std::string Project::customer() const {
  return m_doc.value("customer", "");
}

Phase Project::phase() const {
  return parse_phase(m_doc.value("phase", "initiated")).value_or(Phase::initiated);
}

void Project::set_phase(Phase phase) {
  m_doc["phase"] = std::string(to_string(phase));
}

std::string Project::source_version() const {
  const auto* source = find_section("source");
  return source != nullptr ? source->value("version", "") : "";
}

std::string Project::target_version() const {
  return string_field("target_version");
}

void Project::set_target_version(const std::string& series) {
  m_doc["target_version"] = series;
}

std::string Project::data_dir() const {
  return string_field("data_dir");
}

void Project::set_data_dir(const std::string& dir) {
  m_doc["data_dir"] = dir;
}

std::string Project::work_dir() const {
  return string_field("work_dir");
}

void Project::set_work_dir(const std::string& dir) {
  m_doc["work_dir"] = dir;
}

std::string Project::string_field(const char* key) const {
  auto it = m_doc.find(key);
  return it != m_doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

nlohmann::json& Project::section(const std::string& name) {
  if (!m_doc.contains(name) || m_doc[name].is_null()) {
    m_doc[name] = name == "rounds" ? nlohmann::json::array() : nlohmann::json::object();
  }
  return m_doc[name];
}

const nlohmann::json* Project::find_section(const std::string& name) const {
  auto it = m_doc.find(name);
  return it == m_doc.end() || it->is_null() ? nullptr : &*it;
}

nlohmann::json to_json(const Event& event) {
  return {{"at", event.at},
          {"command", event.command},
          {"outcome", event.outcome},
          {"details", event.details}};
}

void Project::add_event(const Event& event) {
  m_doc["history"].push_back(to_json(event));
}

std::vector<Event> Project::history() const {
  auto text = [](const nlohmann::json& e, const char* key) {
    auto it = e.find(key);
    return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::vector<Event> events;
  for (const auto& e : m_doc.at("history")) {
    if (!e.is_object()) {
      continue;
    }
    Event event{text(e, "at"), text(e, "command"), text(e, "outcome")};
    event.details = e.value("details", nlohmann::json::object());
    events.push_back(std::move(event));
  }
  return events;
}

nlohmann::json& Project::rounds() {
  return section("rounds");
}

nlohmann::json* Project::latest_round() {
  auto& r = rounds();
  return r.empty() ? nullptr : &r.back();
}

const nlohmann::json* Project::latest_round() const {
  const auto* r = find_section("rounds");
  return r == nullptr || r->empty() ? nullptr : &r->back();
}

} // namespace odoo_upgrade::core
