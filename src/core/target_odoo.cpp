#include "record_fields.hpp"

#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/target_odoo.hpp>

#include <array>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

constexpr std::array<std::pair<TargetOdooState, std::string_view>, 8> k_states{{
    {TargetOdooState::none, "none"},
    {TargetOdooState::skipped, "skipped"},
    {TargetOdooState::updating, "updating"},
    {TargetOdooState::update_failed, "update_failed"},
    {TargetOdooState::updated, "updated"},
    {TargetOdooState::opening, "opening"},
    {TargetOdooState::open_failed, "open_failed"},
    {TargetOdooState::opened, "opened"},
}};

} // namespace

std::string_view to_string(TargetOdooState s) {
  return k_states[static_cast<std::size_t>(s)].second;
}

std::optional<TargetOdooState> parse_target_odoo_state(std::string_view text) {
  for (const auto& [s, name] : k_states) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

std::string_view to_string(TargetOdooStep s) {
  switch (s) {
  case TargetOdooStep::update:
    return "update";
  case TargetOdooStep::open:
    return "open";
  case TargetOdooStep::done:
    break;
  }
  return "done";
}

TargetOdooStep next_target_step(TargetOdooState s, bool configured) {
  if (!configured) {
    return TargetOdooStep::done;
  }
  switch (s) {
  case TargetOdooState::updated:
  case TargetOdooState::opening:
    return TargetOdooStep::open;
  case TargetOdooState::opened:
    return TargetOdooStep::done;
  case TargetOdooState::none:
  case TargetOdooState::skipped:
  case TargetOdooState::updating:
  case TargetOdooState::update_failed:
  case TargetOdooState::open_failed:
    break;
  }
  return TargetOdooStep::update;
}

bool target_odoo_blocks(TargetOdooState s) {
  return s == TargetOdooState::update_failed || s == TargetOdooState::open_failed;
}

TargetOdooRecord target_odoo_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  TargetOdooRecord t;
  t.state =
      take_enum(r, "state", TargetOdooState::none, parse_target_odoo_state, "a target-Odoo state");
  r.take("database", t.database);
  r.take("folder", t.folder);
  r.take("attempts", t.attempts);
  r.take("update_log", t.update_log);
  r.take("http_log", t.http_log);
  take_record(r, "update", t.update, update_result_from_json);
  r.take("update_seconds", t.update_seconds);
  take_record(r, "open", t.open, open_result_from_json);
  r.take("open_seconds", t.open_seconds);
  r.take("message", t.message);
  t.extra = r.rest();
  return t;
}

json to_json(const TargetOdooRecord& t) {
  json j = t.extra;
  j["state"] = std::string(to_string(t.state));
  put_text(j, "database", t.database);
  put_text(j, "folder", t.folder);
  j["attempts"] = t.attempts;
  put_text(j, "update_log", t.update_log);
  put_text(j, "http_log", t.http_log);
  if (t.update) {
    j["update"] = to_json(*t.update);
  } else {
    j.erase("update");
  }
  put_optional(j, "update_seconds", t.update_seconds);
  if (t.open) {
    j["open"] = to_json(*t.open);
  } else {
    j.erase("open");
  }
  put_optional(j, "open_seconds", t.open_seconds);
  put_text(j, "message", t.message);
  return j;
}

} // namespace odoo_upgrade::core
