#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <regex>

namespace odoo_upgrade::core {

using Status = CheckResult::Status;

std::vector<const ModuleInfo*> DatabaseFacts::modules_of(ModuleOrigin origin) const {
  std::vector<const ModuleInfo*> out;
  for (const auto& m : modules) {
    if (m.origin == origin) {
      out.push_back(&m);
    }
  }
  return out;
}

std::string_view to_string(CheckResult::Status status) {
  switch (status) {
  case Status::pass:
    return "pass";
  case Status::warn:
    return "warn";
  case Status::fail:
    return "fail";
  }
  return "fail";
}

nlohmann::json to_json(const CheckResult& check) {
  nlohmann::json j = {{"id", check.id},
                      {"title", check.title},
                      {"status", std::string(to_string(check.status))},
                      {"message", check.message}};
  if (!check.hint.empty()) {
    j["hint"] = check.hint;
  }
  return j;
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
  CheckResult r{tool, tool + " present and recent enough", Status::pass, "", ""};
  if (!version_line) {
    r.status = Status::fail;
    r.message = tool + " not found in PATH";
    r.hint = "install the PostgreSQL client tools (apt-get install postgresql-client-" +
             std::to_string(server_major) + ")";
    return r;
  }
  auto major = parse_pg_tool_major(*version_line);
  if (!major) {
    r.status = Status::fail;
    r.message = "cannot read the version of " + tool + " from '" + *version_line + "'";
    return r;
  }
  if (*major < server_major) {
    r.status = Status::fail;
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
  CheckResult r{program, program + " present", Status::pass, "", ""};
  if (!found) {
    r.status = Status::fail;
    r.message = program + " not found in PATH (" + why + ")";
    r.hint =
        "apt-get install " +
        (program == "ssh" || program == "ssh-keygen" ? std::string("openssh-client") : program);
  } else {
    r.message = program + " found";
  }
  return r;
}

CheckResult check_free_space(const std::string& work_dir,
                             std::optional<std::uint64_t> free_bytes,
                             std::int64_t database_bytes) {
  CheckResult r{"free_space", "free disk in the work dir", Status::pass, "", ""};
  auto needed = static_cast<std::uint64_t>(database_bytes) * 2;
  if (!free_bytes) {
    r.status = Status::warn;
    r.message = "cannot tell the free space of '" + work_dir + "'";
    return r;
  }
  r.message = format_bytes(static_cast<long long>(*free_bytes)) + " free in '" + work_dir + "', " +
              format_bytes(static_cast<long long>(needed)) + " needed (2x the database)";
  if (*free_bytes < needed) {
    r.status = Status::fail;
    r.hint = "free some space or choose another --work-dir";
  }
  return r;
}

CheckResult check_filestore(const std::string& path,
                            bool exists,
                            std::uint64_t files,
                            std::uint64_t unreadable) {
  CheckResult r{"filestore", "filestore readable", Status::pass, "", ""};
  if (!exists) {
    r.status = Status::fail;
    r.message = "filestore '" + path + "' does not exist";
    r.hint = "pass --data-dir with Odoo's data_dir (the filestore is <data_dir>/filestore/<db>)";
  } else if (unreadable > 0) {
    r.status = Status::fail;
    r.message = std::to_string(unreadable) + " entries of filestore '" + path + "' cannot be read";
    r.hint = "run as the Odoo system user, or fix the permissions";
  } else {
    r.message = std::to_string(files) + " files in '" + path + "'";
  }
  return r;
}

} // namespace odoo_upgrade::core
