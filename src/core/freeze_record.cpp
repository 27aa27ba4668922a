#include "record_fields.hpp"

#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <array>
#include <map>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

constexpr std::array<std::pair<FreezeState, std::string_view>, 7> k_states{{
    {FreezeState::none, "none"},
    {FreezeState::applying, "applying"},
    {FreezeState::not_applied, "not_applied"},
    {FreezeState::applied, "applied"},
    {FreezeState::lifting, "lifting"},
    {FreezeState::lifted, "lifted"},
    {FreezeState::superseded, "superseded"},
}};

// One hop of `estimate.scaled`: {hop, measured_s, bytes, bytes_per_s, bytes_now, seconds}.
golive::ScaledHop scaled_hop_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  golive::ScaledHop h;
  r.take("hop", h.key);
  r.take("measured_s", h.measured_s);
  r.take("bytes", h.bytes);
  r.take("bytes_per_s", h.bytes_per_s);
  r.take("bytes_now", h.bytes_now);
  r.take("seconds", h.seconds);
  return h;
}

json to_json(const golive::ScaledHop& h) {
  return {{"hop", h.key},
          {"measured_s", h.measured_s},
          {"bytes", h.bytes},
          {"bytes_per_s", h.bytes_per_s},
          {"bytes_now", h.bytes_now},
          {"seconds", h.seconds}};
}

// The `estimate` of a plan: {total_s, parts {timing key: seconds}, missing [timing key]}, and when
// hops were scaled to production's size now {database_bytes_then, database_bytes_now, scaled
// [hop]}.
golive::DowntimeEstimate estimate_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  golive::DowntimeEstimate e;
  r.take("total_s", e.total_s);
  std::map<std::string, double> parts;
  r.take("parts", parts);
  e.parts.assign(parts.begin(), parts.end());
  r.take("missing", e.missing);
  r.take("database_bytes_then", e.database_bytes_then);
  r.take("database_bytes_now", e.database_bytes_now);
  json scaled = take_array(r, "scaled");
  for (std::size_t i = 0; i < scaled.size(); ++i) {
    e.scaled.push_back(
        scaled_hop_from_json(scaled[i], r.path("scaled") + "[" + std::to_string(i) + "]"));
  }
  return e;
}

json to_json(const golive::DowntimeEstimate& e) {
  json parts = json::object();
  for (const auto& [k, v] : e.parts) {
    parts[k] = v;
  }
  json j = {{"total_s", e.total_s}, {"parts", parts}, {"missing", e.missing}};
  // What was scaled, only when something was (an estimate of measured seconds reads as before).
  if (!e.scaled.empty()) {
    put_optional(j, "database_bytes_then", e.database_bytes_then);
    put_optional(j, "database_bytes_now", e.database_bytes_now);
    j["scaled"] = json::array();
    for (const auto& h : e.scaled) {
      j["scaled"].push_back(to_json(h));
    }
  }
  return j;
}

FreezeVerification freeze_verification_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  FreezeVerification v;
  r.take("method", v.method);
  r.take("role", v.role);
  r.take("message", v.message);
  v.extra = r.rest();
  return v;
}

LiftVerification lift_verification_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  LiftVerification v;
  r.take("method", v.method);
  r.take("write_ok", v.write_ok);
  r.take("message", v.message);
  v.extra = r.rest();
  return v;
}

void read_apply_facts(FieldReader& r, FreezeRecord& f) {
  r.take("database", f.database);
  r.take("odoo_role", f.odoo_role);
  f.phase_before = take_enum(r, "phase_before", std::optional<Phase>(), parse_phase, "a phase");
  r.take("started_at", f.started_at);
  r.take("signoff_round", f.signoff_round);
  take_record(r, "forced", f.forced, forced_from_json);
  f.journal = take_array(r, "journal");
  take_record(r, "verification", f.verification, freeze_verification_from_json);
  r.take_json("baseline", f.baseline);
  if (!f.baseline.is_null() && !f.baseline.is_object()) {
    invalid_field(r.path("baseline"),
                  std::string("is not an object (") + f.baseline.type_name() + ")");
  }
}

} // namespace

json to_json(const FreezeVerification& v) {
  json j = v.extra;
  j["method"] = v.method;
  j["role"] = v.role;
  j["message"] = v.message;
  return j;
}

json to_json(const LiftVerification& v) {
  json j = v.extra;
  j["method"] = v.method;
  put_optional(j, "write_ok", v.write_ok);
  put_optional(j, "message", v.message);
  return j;
}

std::string_view to_string(FreezeState s) {
  return k_states[static_cast<std::size_t>(s)].second;
}

std::optional<FreezeState> parse_freeze_state(std::string_view text) {
  for (const auto& [state, name] : k_states) {
    if (name == text) {
      return state;
    }
  }
  return std::nullopt;
}

bool is_frozen(FreezeState s) {
  return s == FreezeState::applying || s == FreezeState::applied || s == FreezeState::lifting;
}

Forced forced_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  Forced f;
  r.take("reason", f.reason);
  f.extra = r.rest();
  return f;
}

json to_json(const Forced& f) {
  json j = f.extra;
  j["reason"] = f.reason;
  return j;
}

FreezePlan freeze_plan_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  FreezePlan p;
  r.take("at", p.at);
  r.take("go_live", p.go_live);
  r.take("window_s", p.window_s);
  r.take("round", p.round);
  json estimate;
  r.take_json("estimate", estimate);
  p.estimate = estimate_from_json(estimate, r.path("estimate"));
  r.take("fits", p.fits);
  take_record(r, "forced", p.forced, forced_from_json);
  r.take("recorded_at", p.recorded_at);
  p.extra = r.rest();
  return p;
}

json to_json(const FreezePlan& p) {
  json j = p.extra;
  j["at"] = p.at;
  j["go_live"] = p.go_live;
  j["window_s"] = p.window_s;
  // `round` and `forced` are written as null when absent: the shape `freeze plan --json` prints.
  j["round"] = p.round ? json(*p.round) : json(nullptr);
  j["estimate"] = to_json(p.estimate);
  j["fits"] = p.fits;
  j["forced"] = p.forced ? to_json(*p.forced) : json(nullptr);
  j["recorded_at"] = p.recorded_at;
  return j;
}

FreezeRecord freeze_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  FreezeRecord f;
  take_record(r, "plan", f.plan, freeze_plan_from_json);
  f.state = take_enum(r, "state", FreezeState::none, parse_freeze_state, "a freeze state");
  read_apply_facts(r, f);
  r.take_alias("frozen_at", "at", f.frozen_at);
  r.take("lifted_at", f.lifted_at);
  r.take("superseded_at", f.superseded_at);
  take_record(r, "lift_verification", f.lift_verification, lift_verification_from_json);
  r.take("failure", f.failure);
  f.previous = take_array(r, "previous");
  f.extra = r.rest();
  return f;
}

json to_json(const FreezeRecord& f) {
  json j = f.extra;
  if (f.plan) {
    j["plan"] = to_json(*f.plan);
  }
  if (f.state != FreezeState::none) {
    j["state"] = std::string(to_string(f.state));
  }
  put_text(j, "database", f.database);
  put_text(j, "odoo_role", f.odoo_role);
  if (f.phase_before) {
    j["phase_before"] = std::string(to_string(*f.phase_before));
  }
  put_text(j, "started_at", f.started_at);
  // Every apply writes these, null when not known (the shape older builds wrote).
  bool applied_once = !f.started_at.empty();
  if (applied_once || f.signoff_round) {
    j["signoff_round"] = f.signoff_round ? json(*f.signoff_round) : json(nullptr);
  }
  if (applied_once || f.forced) {
    j["forced"] = f.forced ? to_json(*f.forced) : json(nullptr);
  }
  if (applied_once || !f.journal.empty()) {
    j["journal"] = f.journal;
  }
  if (f.verification) {
    j["verification"] = to_json(*f.verification);
  }
  if (!f.baseline.is_null()) {
    j["baseline"] = f.baseline;
  }
  put_text(j, "frozen_at", f.frozen_at);
  put_text(j, "lifted_at", f.lifted_at);
  put_text(j, "superseded_at", f.superseded_at);
  if (f.lift_verification) {
    j["lift_verification"] = to_json(*f.lift_verification);
  }
  put_optional(j, "failure", f.failure);
  if (!f.previous.empty()) {
    j["previous"] = f.previous;
  }
  return j;
}

FreezeRecord read_freeze(const Project& project) {
  const json* section = project.find_section("freeze");
  return freeze_from_json(section != nullptr ? *section : json(), "freeze");
}

void write_freeze(Project& project, const FreezeRecord& freeze) {
  project.section("freeze") = to_json(freeze);
}

FreezeRecord restarted_freeze(const FreezeRecord& old) {
  FreezeRecord f;
  f.plan = old.plan;
  f.previous = old.previous;
  f.extra = old.extra;
  if (old.state == FreezeState::lifted || old.state == FreezeState::superseded) {
    json ended = to_json(old);
    ended.erase("plan");
    f.previous = archived(ended);
  }
  return f;
}

} // namespace odoo_upgrade::core
