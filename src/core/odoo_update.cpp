#include "record_fields.hpp"

#include <odoo_upgrade/core/odoo_update.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using odoo_log::ErrorSummary;
using odoo_log::Record;
using namespace fields;

constexpr std::size_t k_max_samples = 20;

constexpr std::array<std::pair<ModuleOutcome, std::string_view>, 7> k_outcomes{{
    {ModuleOutcome::updated, "updated"},
    {ModuleOutcome::failed, "failed"},
    {ModuleOutcome::missing, "missing"},
    {ModuleOutcome::not_installable, "not_installable"},
    {ModuleOutcome::not_reached, "not_reached"},
    {ModuleOutcome::not_updated, "not_updated"},
    {ModuleOutcome::transient, "transient"},
}};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The text between `prefix` and `suffix` in `message` ("module X: not installable" → "X").
std::optional<std::string>
between(std::string_view message, std::string_view prefix, std::string_view suffix) {
  if (!starts_with(message, prefix)) {
    return std::nullopt;
  }
  std::string_view rest = message.substr(prefix.size());
  auto end = suffix.empty() ? rest.size() : rest.find(suffix);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(rest.substr(0, end));
}

// The names of a Python list literal at the end of `message` ("… missing: ['a', 'b']").
std::vector<std::string> python_list(std::string_view message) {
  std::vector<std::string> out;
  auto open = message.rfind('[');
  if (open == std::string_view::npos) {
    return out;
  }
  std::string_view rest = message.substr(open + 1);
  while (true) {
    auto q1 = rest.find('\'');
    if (q1 == std::string_view::npos) {
      break;
    }
    auto q2 = rest.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) {
      break;
    }
    out.emplace_back(rest.substr(q1 + 1, q2 - q1 - 1));
    rest.remove_prefix(q2 + 1);
  }
  return out;
}

// "a, b" → {"a", "b"}.
std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (!item.empty()) {
      out.emplace_back(item);
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

// "Module X loaded in 0.59s, …" → (X, 0.59).
std::optional<std::pair<std::string, double>> loaded_module(std::string_view message) {
  auto name = between(message, "Module ", " loaded in ");
  if (!name || name->find(' ') != std::string::npos) {
    return std::nullopt;
  }
  std::string rest(message.substr(7 + name->size() + 11));
  return std::make_pair(*name, std::strtod(rest.c_str(), nullptr));
}

// Reads one INFO record into `log`.
void read_info(const Record& r, UpdateLog& log) {
  const std::string& m = r.message;
  if (auto v = between(m, "Odoo version ", "")) {
    log.odoo_version = *v;
  } else if (auto started = between(m, "Loading module ", " (")) {
    log.started.push_back(*started);
  } else if (auto loaded = loaded_module(m)) {
    log.loaded.push_back(*loaded);
  } else if (m == "Modules loaded.") {
    log.modules_loaded = true;
  } else if (auto s = between(m, "Registry loaded in ", "s")) {
    log.registry_seconds = std::strtod(s->c_str(), nullptr);
  }
}

// Reads one WARNING record into `log`.
void read_warning(const Record& r, UpdateLog& log) {
  ++log.warnings[warning_kind(r)];
  if (log.warning_samples.size() < k_max_samples) {
    log.warning_samples.push_back(r.message);
  }
  if (auto name = between(r.message, "module ", ": not installable, skipped")) {
    log.not_installable.push_back(*name);
  } else if (auto names = between(r.message, "invalid module names, ignored: ", "")) {
    for (auto& n : comma_list(*names)) {
      log.invalid_names.push_back(n);
    }
  }
}

// Reads one ERROR or CRITICAL record into `log`.
void read_error(const Record& r, UpdateLog& log) {
  ++log.errors;
  const std::string& m = r.message;
  if (starts_with(m, "Some modules have inconsistent states")) {
    log.inconsistent = python_list(m);
  } else if (starts_with(m, "Some modules are not loaded")) {
    log.not_loaded = python_list(m);
  } else if (auto name = between(m, "Couldn't load module ", "")) {
    log.import_failed.push_back(*name);
  } else if (m == "Failed to load registry" || (!log.failure && r.level == "CRITICAL")) {
    // The registry failure carries the traceback; server.py repeats it as CRITICAL.
    if (!log.failure || m == "Failed to load registry") {
      log.failure = odoo_log::summarize_error(r);
    }
  }
}

// The module a run's failure names: one that started and never ended, one whose import failed,
// or one named "Module X:" / "module X" in the error.
std::optional<std::string> failed_module(const UpdateLog& log,
                                         const std::vector<std::string>& known) {
  for (const auto& s : log.started) {
    bool ended = std::any_of(
        log.loaded.begin(), log.loaded.end(), [&](const auto& l) { return l.first == s; });
    if (!ended) {
      return s;
    }
  }
  if (!log.import_failed.empty()) {
    return log.import_failed.front();
  }
  if (!log.failure) {
    return std::nullopt;
  }
  for (const auto& name : known) {
    for (const std::string* text : {&log.failure->outcome, &log.failure->error}) {
      if (text->find("Module " + name + ":") != std::string::npos ||
          text->find("module " + name + ":") != std::string::npos) {
        return name;
      }
    }
  }
  return std::nullopt;
}

// The modules the verdict is about: the requested ones, or with `all` every module seen.
std::vector<std::string> modules_of(const UpdateLog& log, const UpdateFacts& facts) {
  std::vector<std::string> names = facts.requested;
  auto add = [&](const std::string& n) {
    if (!contains(names, n)) {
      names.push_back(n);
    }
  };
  if (facts.all) {
    for (const auto& s : log.started) {
      add(s);
    }
    for (const auto& n : log.not_installable) {
      add(n);
    }
  }
  for (const auto& [name, state] : facts.transient) {
    add(name);
  }
  return names;
}

ModuleUpdate judge_module(const std::string& name,
                          const UpdateLog& log,
                          const UpdateFacts& facts,
                          const std::optional<std::string>& culprit) {
  ModuleUpdate m;
  m.name = name;
  for (const auto& [n, state] : facts.transient) {
    if (n == name) {
      m.state = state;
    }
  }
  auto loaded = std::find_if(
      log.loaded.begin(), log.loaded.end(), [&](const auto& l) { return l.first == name; });
  bool run_failed = log.failure.has_value() || facts.exit_code != 0;
  if (culprit && *culprit == name) {
    m.outcome = ModuleOutcome::failed;
    m.error = log.failure.value_or(ErrorSummary{});
  } else if (contains(facts.missing_from_paths, name)) {
    m.outcome = ModuleOutcome::missing;
  } else if (contains(log.not_installable, name)) {
    m.outcome = ModuleOutcome::not_installable;
  } else if (!m.state.empty()) {
    m.outcome = ModuleOutcome::transient;
  } else if (loaded != log.loaded.end()) {
    m.outcome = ModuleOutcome::updated;
    m.seconds = loaded->second;
  } else {
    m.outcome = run_failed ? ModuleOutcome::not_reached : ModuleOutcome::not_updated;
  }
  return m;
}

// Why one module is not updated, in words.
std::string module_problem(const ModuleUpdate& m) {
  std::string left = m.state.empty() ? "" : " (left '" + m.state + "')";
  switch (m.outcome) {
  case ModuleOutcome::failed:
    return "module " + m.name + " failed to update: " +
           (m.error.empty() ? std::string("see the log") : m.error.one_line());
  case ModuleOutcome::missing:
    return "module " + m.name + " is missing: no addons path of the target Odoo holds it" + left;
  case ModuleOutcome::not_installable:
    return "module " + m.name +
           " is not installable by the target Odoo (not on its addons paths, or its manifest "
           "says installable False)" +
           left;
  case ModuleOutcome::not_reached:
    return "module " + m.name + " was not updated: the run failed before its turn" + left;
  case ModuleOutcome::not_updated:
    return "module " + m.name + " was not updated (no line about it in the log)" + left;
  case ModuleOutcome::transient:
    return "module " + m.name + " is left in state '" + m.state + "'";
  case ModuleOutcome::updated:
    break;
  }
  return {};
}

// The result's one-line message.
std::string verdict_message(const UpdateResult& r) {
  for (const auto& m : r.modules) {
    if (m.outcome != ModuleOutcome::updated) {
      return module_problem(m);
    }
  }
  if (!r.failure.empty()) {
    return "the update failed: " + r.failure.one_line();
  }
  if (r.exit_code != 0) {
    return "the update ended with exit status " + std::to_string(r.exit_code);
  }
  if (r.errors > 0) {
    return "the update logged " + std::to_string(r.errors) + " error(s): see the log";
  }
  std::size_t n = r.modules.size();
  return std::to_string(n) + (n == 1 ? " module updated" : " modules updated");
}

ModuleUpdate module_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  ModuleUpdate m;
  r.take("name", m.name);
  m.outcome = take_enum(r, "outcome", ModuleOutcome::updated, parse_module_outcome, "an outcome");
  r.take("seconds", m.seconds);
  r.take("state", m.state);
  json error;
  r.take_json("error", error);
  m.error = odoo_log::error_summary_from_json(error, r.path("error"));
  return m;
}

json to_json(const ModuleUpdate& m) {
  json j = {{"name", m.name}, {"outcome", std::string(to_string(m.outcome))}};
  put_optional(j, "seconds", m.seconds);
  put_text(j, "state", m.state);
  if (!m.error.empty()) {
    j["error"] = odoo_log::to_json(m.error);
  }
  return j;
}

} // namespace

std::string_view to_string(ModuleOutcome o) {
  return k_outcomes[static_cast<std::size_t>(o)].second;
}

std::optional<ModuleOutcome> parse_module_outcome(std::string_view text) {
  for (const auto& [o, name] : k_outcomes) {
    if (name == text) {
      return o;
    }
  }
  return std::nullopt;
}

std::string warning_kind(const Record& r) {
  const std::string& m = r.message;
  if (starts_with(m, "invalid custom view(s)")) {
    return "invalid-custom-view";
  }
  if (m.find(": not installable, skipped") != std::string::npos) {
    return "not-installable";
  }
  if (starts_with(m, "invalid module names, ignored")) {
    return "unknown-module-name";
  }
  if (starts_with(m, "Transient module states were reset")) {
    return "states-reset";
  }
  if (r.logger == "odoo.schema") {
    return "schema";
  }
  return r.logger;
}

UpdateLog parse_update_log(std::string_view text) {
  UpdateLog log;
  for (const auto& r : odoo_log::parse_records(text)) {
    if (r.level == "INFO") {
      read_info(r, log);
    } else if (r.level == "WARNING") {
      read_warning(r, log);
    } else if (r.level == "ERROR" || r.level == "CRITICAL") {
      read_error(r, log);
    }
  }
  return log;
}

UpdateResult judge_update(const UpdateLog& log, const UpdateFacts& facts) {
  UpdateResult r;
  r.exit_code = facts.exit_code;
  r.odoo_version = log.odoo_version;
  r.warnings = log.warnings;
  r.warning_samples = log.warning_samples;
  r.errors = log.errors;
  r.registry_seconds = log.registry_seconds;
  if (log.failure) {
    r.failure = *log.failure;
  }
  std::vector<std::string> names = modules_of(log, facts);
  auto culprit = failed_module(log, names);
  for (const auto& name : names) {
    r.modules.push_back(judge_module(name, log, facts, culprit));
  }
  bool all_updated = std::all_of(r.modules.begin(), r.modules.end(), [](const auto& m) {
    return m.outcome == ModuleOutcome::updated;
  });
  r.ok = facts.exit_code == 0 && r.failure.empty() && all_updated && facts.transient.empty() &&
         log.errors == 0;
  r.message = verdict_message(r);
  // Odoo that cannot connect (a missing role, a wrong password) or is killed logs nothing of it.
  if (!r.ok && r.failure.empty() && facts.exit_code != 0 && !facts.ended.empty()) {
    r.message += "; odoo-bin: " + facts.ended +
                 (facts.process_error.empty() ? "" : ": " + facts.process_error);
  }
  return r;
}

UpdateResult judge_manifests(const std::vector<TargetCheck>& checks) {
  UpdateResult r;
  r.ok = true;
  for (const auto& c : checks) {
    if (c.ok()) {
      continue;
    }
    r.ok = false;
    ModuleUpdate m;
    m.name = c.module;
    if (c.verdict == TargetVerdict::missing) {
      m.outcome = ModuleOutcome::missing;
    } else if (c.verdict == TargetVerdict::not_installable) {
      m.outcome = ModuleOutcome::not_installable;
    } else {
      m.outcome = ModuleOutcome::failed;
      m.error.error = c.describe();
    }
    r.modules.push_back(std::move(m));
  }
  if (r.ok) {
    r.message = std::to_string(checks.size()) + " module(s) found on the addons paths";
  } else if (r.modules.front().outcome == ModuleOutcome::missing) {
    r.message = module_problem(r.modules.front());
  } else {
    auto first = std::find_if(checks.begin(), checks.end(), [](const auto& c) { return !c.ok(); });
    r.message =
        "module " + first->module + " cannot be updated by the target Odoo: " + first->describe();
  }
  return r;
}

json to_json(const UpdateResult& r) {
  json modules = json::array();
  for (const auto& m : r.modules) {
    modules.push_back(to_json(m));
  }
  json j = {{"ok", r.ok},
            {"exit_code", r.exit_code},
            {"odoo_version", r.odoo_version},
            {"modules", modules},
            {"warnings", r.warnings},
            {"warning_samples", r.warning_samples},
            {"errors", r.errors},
            {"message", r.message}};
  if (!r.failure.empty()) {
    j["failure"] = odoo_log::to_json(r.failure);
  }
  put_optional(j, "registry_seconds", r.registry_seconds);
  return j;
}

UpdateResult update_result_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  UpdateResult u;
  r.take("ok", u.ok);
  r.take("exit_code", u.exit_code);
  r.take("odoo_version", u.odoo_version);
  json modules;
  r.take_json("modules", modules);
  if (!modules.is_null() && !modules.is_array()) {
    invalid_field(r.path("modules"), "is not a list");
  }
  for (std::size_t i = 0; modules.is_array() && i < modules.size(); ++i) {
    u.modules.push_back(
        module_from_json(modules[i], r.path("modules") + "[" + std::to_string(i) + "]"));
  }
  r.take("warnings", u.warnings);
  r.take("warning_samples", u.warning_samples);
  r.take("errors", u.errors);
  json failure;
  r.take_json("failure", failure);
  u.failure = odoo_log::error_summary_from_json(failure, r.path("failure"));
  r.take("registry_seconds", u.registry_seconds);
  r.take("message", u.message);
  return u;
}

} // namespace odoo_upgrade::core
