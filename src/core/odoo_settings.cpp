#include "record_fields.hpp"

#include <odoo_upgrade/core/odoo_settings.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <array>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// Options odoo-upgrade gives every Odoo process itself, with what to use instead; the short forms
// are Odoo 17's (odoo/tools/config.py).
struct ReservedOption {
  std::string_view name;
  std::string_view instead;
};

constexpr std::array<ReservedOption, 27> k_reserved{{
    {"-d", "odoo-upgrade names the database of each run"},
    {"--database", "odoo-upgrade names the database of each run"},
    {"--db-filter", "odoo-upgrade names the database of each run"},
    {"-u", "choose the modules with --odoo-update"},
    {"--update", "choose the modules with --odoo-update"},
    {"-i", "odoo-upgrade installs nothing"},
    {"--init", "odoo-upgrade installs nothing"},
    {"--stop-after-init", "odoo-upgrade sets it for the module update"},
    {"--no-http", "odoo-upgrade sets it where no HTTP server is wanted"},
    {"-p", "odoo-upgrade picks a free loopback port"},
    {"--http-port", "odoo-upgrade picks a free loopback port"},
    {"--http-interface", "odoo-upgrade listens on loopback only"},
    {"--logfile", "odoo-upgrade keeps each run's log in the round folder"},
    {"--log-level", "the module update's log must stay at level info to be read"},
    {"--addons-path", "use --addons-path"},
    {"-c", "use --odoo-config"},
    {"--config", "use --odoo-config"},
    {"-s", "it would rewrite the Odoo config file"},
    {"--save", "it would rewrite the Odoo config file"},
    {"-r", "use --odoo-db-user"},
    {"--db_user", "use --odoo-db-user"},
    {"-w", "a password on a command line is visible to every user: use --odoo-db-password-file"},
    {"--db_password",
     "a password on a command line is visible to every user: use --odoo-db-password-file"},
    {"--db_host", "odoo-upgrade connects Odoo to the server of the project's databases"},
    {"--db_port", "odoo-upgrade connects Odoo to the server of the project's databases"},
    {"-D", "odoo-upgrade points Odoo at the project's data dir (the filestores)"},
    {"--data-dir", "odoo-upgrade points Odoo at the project's data dir (the filestores)"},
}};

} // namespace

std::string_view to_string(UpdateScope s) {
  return s == UpdateScope::all ? "all" : "third-party";
}

std::optional<UpdateScope> parse_update_scope(std::string_view text) {
  if (text == "third-party") {
    return UpdateScope::third_party;
  }
  if (text == "all") {
    return UpdateScope::all;
  }
  return std::nullopt;
}

std::string OdooSettings::python_or_default() const {
  return python.empty() ? std::string(k_default_odoo_python) : python;
}

OdooSettings odoo_settings_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  OdooSettings s;
  r.take("odoo_bin", s.odoo_bin);
  r.take("python", s.python);
  r.take("addons_paths", s.addons_paths);
  r.take("config_file", s.config_file);
  r.take("db_user", s.db_user);
  r.take("extra_args", s.extra_args);
  r.take("env", s.env);
  s.update =
      take_enum(r, "update", UpdateScope::third_party, parse_update_scope, "an update scope");
  s.extra = r.rest();
  return s;
}

json to_json(const OdooSettings& s) {
  json j = s.extra;
  put_text(j, "odoo_bin", s.odoo_bin);
  put_text(j, "python", s.python);
  if (!s.addons_paths.empty()) {
    j["addons_paths"] = s.addons_paths;
  }
  put_text(j, "config_file", s.config_file);
  put_text(j, "db_user", s.db_user);
  if (!s.extra_args.empty()) {
    j["extra_args"] = s.extra_args;
  }
  if (!s.env.empty()) {
    j["env"] = s.env;
  }
  j["update"] = std::string(to_string(s.update));
  return j;
}

OdooSettings read_odoo_settings(const Project& project) {
  const json* section = project.find_section("odoo");
  return odoo_settings_from_json(section != nullptr ? *section : json(), "odoo");
}

void write_odoo_settings(Project& project, const OdooSettings& settings) {
  json j = to_json(settings);
  // Only the default scope left: nothing is configured, the section goes.
  if (j.size() == 1 && settings.update == UpdateScope::third_party) {
    project.doc().erase("odoo");
    return;
  }
  project.section("odoo") = std::move(j);
}

std::optional<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || !is_name_start(text[0])) {
    return std::nullopt;
  }
  for (std::size_t i = 1; i < eq; ++i) {
    if (!is_name_char(text[i])) {
      return std::nullopt;
    }
  }
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

std::optional<std::string> refuse_env_name(std::string_view name) {
  if (name == "PGPASSWORD" || name == "PGPASSFILE") {
    return "the role's password belongs in the secrets file: use --odoo-db-password-file";
  }
  if (name.rfind("ODOO_UPGRADE_", 0) == 0) {
    return "variables of odoo-upgrade itself are never passed to Odoo";
  }
  if (name == "OU_LIVE_CHECKS" || name == "ODOO_PY_COLORS") {
    return "odoo-upgrade sets it itself for each run";
  }
  return std::nullopt;
}

std::optional<std::string> refuse_db_user(std::string_view role) {
  if (role.empty()) {
    return "the role name is empty";
  }
  if (role == "postgres") {
    return "Odoo refuses to connect as 'postgres' (\"a security risk, aborting\"): give it the "
           "role it runs as in production";
  }
  for (char c : role) {
    if (!is_name_char(c) && c != '-' && c != '.' && c != '@') {
      return "a role name holds only letters, digits and _ - . @";
    }
  }
  return std::nullopt;
}

std::optional<std::string> refuse_extra_arg(std::string_view arg) {
  std::string_view name = arg.substr(0, arg.find('='));
  for (const auto& reserved : k_reserved) {
    // "-dDB" is "-d DB" for a short option.
    bool short_glued = reserved.name.size() == 2 && name.size() > 2 && name[1] != '-' &&
                       name.substr(0, 2) == reserved.name;
    if (name == reserved.name || short_glued) {
      return std::string(reserved.instead);
    }
  }
  return std::nullopt;
}

std::optional<std::string> config_db_name(std::string_view text) {
  return config_option(text, "db_name");
}

std::optional<ConfigRefusal> refuse_config(std::string_view text) {
  if (auto name = config_db_name(text)) {
    return ConfigRefusal{"sets db_name = " + *name +
                             ": an Odoo server started with it would load "
                             "that database",
                         "remove db_name from the file (odoo-upgrade names the database of each "
                         "run)"};
  }
  if (config_sets_db_password(text)) {
    return ConfigRefusal{
        "sets db_password: Odoo would connect with it, not with the password odoo-upgrade keeps "
        "in its secrets file",
        "remove db_password from the file (or give a copy without it) and give the role's "
        "password with --odoo-db-password-file FILE"};
  }
  return std::nullopt;
}

bool config_sets_db_password(std::string_view text) {
  return config_option(text, "db_password").has_value();
}

std::optional<std::string> config_option(std::string_view text, std::string_view key) {
  bool in_options = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto trimmed = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
      }
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
      }
      return s;
    };
    line = trimmed(line);
    if (!line.empty() && line.front() == '[') {
      in_options = line == "[options]";
      continue;
    }
    auto sep = line.find_first_of("=:");
    if (!in_options || sep == std::string_view::npos || trimmed(line.substr(0, sep)) != key) {
      continue;
    }
    std::string_view value = trimmed(line.substr(sep + 1));
    if (value.empty() || value == "False" || value == "false") {
      return std::nullopt;
    }
    return std::string(value);
  }
  return std::nullopt;
}

} // namespace odoo_upgrade::core
