#include "record_fields.hpp"

#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <array>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

constexpr std::array<std::pair<GoliveState, std::string_view>, 7> k_states{{
    {GoliveState::none, "none"},
    {GoliveState::restoring, "restoring"},
    {GoliveState::verify_failed, "verify_failed"},
    {GoliveState::swapping, "swapping"},
    {GoliveState::live, "live"},
    {GoliveState::rolling_back, "rolling_back"},
    {GoliveState::rolled_back, "rolled_back"},
}};

GoliveRollback rollback_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  GoliveRollback b;
  r.take("aside_db", b.aside_db);
  r.take("keep_frozen", b.keep_frozen);
  r.take("started_at", b.started_at);
  b.journal = take_array(r, "journal");
  b.extra = r.rest();
  return b;
}

json to_json(const GoliveRollback& b) {
  json j = b.extra;
  j["aside_db"] = b.aside_db;
  j["keep_frozen"] = b.keep_frozen;
  j["started_at"] = b.started_at;
  j["journal"] = b.journal;
  return j;
}

// The names and oids of the attempt.
void read_names(FieldReader& r, GoliveRecord& g) {
  r.take("attempt", g.attempt);
  g.state = take_enum(r, "state", GoliveState::none, parse_golive_state, "a go-live state");
  r.take("database", g.database);
  r.take("staging_db", g.staging_db);
  r.take_alias("pre_upgrade_db", "pre_upgrade_database", g.pre_upgrade_db);
  r.take("old_oid", g.old_oid);
  r.take("new_oid", g.new_oid);
  r.take("odoo_role", g.odoo_role);
}

void write_names(json& j, const GoliveRecord& g) {
  if (g.attempt != 0) {
    j["attempt"] = g.attempt;
  }
  if (g.state != GoliveState::none) {
    j["state"] = std::string(to_string(g.state));
  }
  put_text(j, "database", g.database);
  put_text(j, "staging_db", g.staging_db);
  put_text(j, "pre_upgrade_db", g.pre_upgrade_db);
  if (g.old_oid != 0) {
    j["old_oid"] = g.old_oid;
  }
  if (g.new_oid != 0) {
    j["new_oid"] = g.new_oid;
  }
  put_text(j, "odoo_role", g.odoo_role);
}

} // namespace

std::string_view to_string(GoliveState s) {
  return k_states[static_cast<std::size_t>(s)].second;
}

std::optional<GoliveState> parse_golive_state(std::string_view text) {
  for (const auto& [state, name] : k_states) {
    if (name == text) {
      return state;
    }
  }
  return std::nullopt;
}

DownloadedDump dump_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  DownloadedDump d;
  r.take("path", d.path);
  r.take("sha256", d.sha256);
  d.extra = r.rest();
  return d;
}

json to_json(const DownloadedDump& d) {
  json j = d.extra;
  j["path"] = d.path;
  j["sha256"] = d.sha256;
  return j;
}

GoliveVerification golive_verification_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  GoliveVerification v;
  r.take("base_version", v.base_version);
  r.take("series_ok", v.series_ok);
  r.take("modules_in_transition", v.modules_in_transition);
  r.take("problems", v.problems);
  json differences;
  r.take_json("differences", differences);
  v.differences = golive::differences_from_json(differences, r.path("differences"));
  json changes;
  r.take_json("production_changes", changes);
  v.production_changes = golive::differences_from_json(changes, r.path("production_changes"));
  r.take("blocking", v.blocking);
  take_record(r, "forced", v.forced, forced_from_json);
  v.extra = r.rest();
  return v;
}

json to_json(const GoliveVerification& v) {
  json j = v.extra;
  j["base_version"] = v.base_version;
  j["series_ok"] = v.series_ok;
  j["modules_in_transition"] = v.modules_in_transition;
  j["problems"] = v.problems;
  j["differences"] = golive::to_json(v.differences);
  j["production_changes"] = golive::to_json(v.production_changes);
  j["blocking"] = v.blocking;
  if (v.forced) {
    j["forced"] = to_json(*v.forced);
  }
  return j;
}

GoliveRecord golive_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  GoliveRecord g;
  read_names(r, g);
  r.take("production_request", g.production_request);
  take_record(r, "dump", g.dump, dump_from_json);
  g.journal = take_array(r, "journal");
  take_record(r, "verification", g.verification, golive_verification_from_json);
  take_record(r, "target_odoo", g.target_odoo, target_odoo_from_json);
  nlohmann::json steps;
  r.take_json("runbook", steps);
  g.runbook = step_results_from_json(steps, r.path("runbook"));
  r.take_alias("live_at", "at", g.live_at);
  take_record(r, "rollback", g.rollback, rollback_from_json);
  r.take("rolled_back_at", g.rolled_back_at);
  g.previous = take_array(r, "previous");
  g.extra = r.rest();
  return g;
}

json to_json(const GoliveRecord& g) {
  json j = g.extra;
  write_names(j, g);
  put_optional(j, "production_request", g.production_request);
  if (g.dump) {
    j["dump"] = to_json(*g.dump);
  }
  j["journal"] = g.journal;
  if (g.verification) {
    j["verification"] = to_json(*g.verification);
  }
  if (g.target_odoo) {
    j["target_odoo"] = to_json(*g.target_odoo);
  } else {
    j.erase("target_odoo");
  }
  if (g.runbook.empty()) {
    j.erase("runbook");
  } else {
    j["runbook"] = to_json(g.runbook);
  }
  put_text(j, "live_at", g.live_at);
  if (g.rollback) {
    j["rollback"] = to_json(*g.rollback);
  }
  put_text(j, "rolled_back_at", g.rolled_back_at);
  j["previous"] = g.previous;
  return j;
}

GoliveRecord read_golive(const Project& project) {
  const json* section = project.find_section("golive");
  return golive_from_json(section != nullptr ? *section : json(), "golive");
}

void write_golive(Project& project, const GoliveRecord& golive) {
  project.section("golive") = to_json(golive);
}

} // namespace odoo_upgrade::core
