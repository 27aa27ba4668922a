#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <algorithm>
#include <regex>

namespace odoo_upgrade::core {

namespace {

// The status of a pre-flight check, also in the names of files written before the one outcome
// vocabulary (pass, warn, fail).
std::optional<Severity> parse_check_status(std::string_view text) {
  if (text == "pass") {
    return Severity::ok;
  }
  if (text == "warn") {
    return Severity::warning;
  }
  if (text == "fail") {
    return Severity::blocking;
  }
  return parse_severity(text);
}

} // namespace

std::vector<const ModuleInfo*> DatabaseFacts::modules_of(ModuleOrigin origin) const {
  std::vector<const ModuleInfo*> out;
  for (const auto& m : modules) {
    if (m.origin == origin) {
      out.push_back(&m);
    }
  }
  return out;
}

nlohmann::json to_json(const CheckResult& check) {
  nlohmann::json j = check.extra;
  j["id"] = check.id;
  j["title"] = check.title;
  j["status"] = std::string(to_string(check.status));
  j["message"] = check.message;
  put_optional(j, "hint", check.hint.empty() ? std::nullopt : std::optional(check.hint));
  return j;
}

CheckResult check_result_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  CheckResult c;
  r.take("id", c.id);
  r.take("title", c.title);
  c.status = take_enum(r, "status", c.status, parse_check_status, "a check status");
  r.take("message", c.message);
  r.take("hint", c.hint);
  c.extra = r.rest();
  return c;
}

bool any_blocking(const std::vector<CheckResult>& checks) {
  return std::any_of(checks.begin(), checks.end(), [](const CheckResult& c) {
    return c.status == Severity::blocking;
  });
}

std::vector<CheckResult> read_preflight(const Project& project) {
  std::vector<CheckResult> checks;
  const auto* section = project.find_section("preflight");
  if (section == nullptr) {
    return checks;
  }
  if (!section->is_array()) {
    invalid_field("preflight", std::string("is not a list (") + section->type_name() + ")");
  }
  for (std::size_t i = 0; i < section->size(); ++i) {
    checks.push_back(check_result_from_json((*section)[i], "preflight[" + std::to_string(i) + "]"));
  }
  return checks;
}

void write_preflight(Project& project, const std::vector<CheckResult>& checks) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : checks) {
    list.push_back(to_json(c));
  }
  project.doc()["preflight"] = list;
}

std::optional<int> parse_pg_tool_major(const std::string& version_line) {
  static const std::regex k_re(R"(\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?)");
  std::smatch m;
  if (!std::regex_search(version_line, m, k_re)) {
    return std::nullopt;
  }
  int major = std::stoi(m[1].str());
  // Before PostgreSQL 10 the major version had two parts (9.6); anything that old is below every
  // server Odoo supports, so the first part is enough to compare.
  return major;
}

CheckResult check_pg_tool(const std::string& tool,
                          const std::optional<std::string>& version_line,
                          int server_major) {
  CheckResult r{tool, tool + " present and recent enough", Severity::ok, "", ""};
  if (!version_line) {
    r.status = Severity::blocking;
    r.message = tool + " not found in PATH";
    r.hint = "install the PostgreSQL client tools (apt-get install postgresql-client-" +
             std::to_string(server_major) + ")";
    return r;
  }
  auto major = parse_pg_tool_major(*version_line);
  if (!major) {
    r.status = Severity::blocking;
    r.message = "cannot read the version of " + tool + " from '" + *version_line + "'";
    return r;
  }
  if (*major < server_major) {
    r.status = Severity::blocking;
    r.message = tool + " is version " + std::to_string(*major) + ", older than the server (" +
                std::to_string(server_major) + ")";
    r.hint = "install postgresql-client-" + std::to_string(server_major) + " or put a newer " +
             tool + " first in PATH";
    return r;
  }
  r.message =
      tool + " " + std::to_string(*major) + " (server " + std::to_string(server_major) + ")";
  return r;
}

CheckResult check_program_present(const std::string& program, bool found, const std::string& why) {
  CheckResult r{program, program + " present", Severity::ok, "", ""};
  if (!found) {
    r.status = Severity::blocking;
    r.message = program + " not found in PATH (" + why + ")";
    r.hint =
        "apt-get install " +
        (program == "ssh" || program == "ssh-keygen" ? std::string("openssh-client") : program);
  } else {
    r.message = program + " found";
  }
  return r;
}

CheckResult check_filestore(const std::string& path,
                            bool exists,
                            std::uint64_t files,
                            std::uint64_t unreadable) {
  CheckResult r{"filestore", "filestore readable", Severity::ok, "", ""};
  if (!exists) {
    r.status = Severity::blocking;
    r.message = "filestore '" + path + "' does not exist";
    r.hint = "pass --data-dir with Odoo's data_dir (the filestore is <data_dir>/filestore/<db>)";
  } else if (unreadable > 0) {
    r.status = Severity::blocking;
    r.message = std::to_string(unreadable) + " entries of filestore '" + path + "' cannot be read";
    r.hint = "run as the Odoo system user, or fix the permissions";
  } else {
    r.message = std::to_string(files) + " files in '" + path + "'";
  }
  return r;
}

} // namespace odoo_upgrade::core
