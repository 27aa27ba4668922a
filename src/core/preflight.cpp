#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/preflight.hpp>

#include <algorithm>

namespace odoo_upgrade::core {

std::vector<std::string> shape_differences(const DatabaseShape& want, const DatabaseShape& got) {
  std::vector<std::string> out;
  auto compare = [&](const char* what, const std::string& w, const std::string& g) {
    if (w != g) {
      out.push_back(std::string(what) + " " + (g.empty() ? "(none)" : g) + " instead of " + w);
    }
  };
  compare("encoding", want.encoding, got.encoding);
  compare("LC_COLLATE", want.collate, got.collate);
  compare("LC_CTYPE", want.ctype, got.ctype);
  if (!want.owner.empty()) {
    compare("owner", want.owner, got.owner);
  }
  return out;
}

CheckResult check_database_shape(const DatabaseShape& production, const DatabaseShape& template1) {
  CheckResult r{"encoding", "copies keep production's encoding", Severity::ok, "", ""};
  r.message = "encoding " + production.encoding + ", LC_COLLATE " + production.collate +
              ", LC_CTYPE " + production.ctype + ", owner " + production.owner +
              ": every copy is created from template0 with them";
  DatabaseShape cluster = template1;
  cluster.owner = production.owner;
  auto differences = shape_differences(production, cluster);
  if (!differences.empty()) {
    r.message += " (the cluster's template1 has " + differences.front() + ")";
  }
  if (production.encoding == "SQL_ASCII") {
    r.status = Severity::warning;
    r.hint = "production stores text unchecked (SQL_ASCII); Odoo expects UTF8: plan a conversion "
             "before the upgrade";
  }
  r.extra = {{"encoding", production.encoding},
             {"lc_collate", production.collate},
             {"lc_ctype", production.ctype},
             {"owner", production.owner}};
  return r;
}

CheckResult check_transient_modules(const std::vector<std::string>& modules) {
  CheckResult r{"transient_modules", "no module half installed", Severity::ok, "", ""};
  r.extra = {{"modules", modules}};
  if (modules.empty()) {
    r.message = "no module is 'to install', 'to upgrade' or 'to remove'";
    return r;
  }
  std::string list;
  for (const auto& m : modules) {
    list += (list.empty() ? "" : ", ") + m;
  }
  r.status = Severity::blocking;
  r.message = std::to_string(modules.size()) + " module(s) in a transient state: " + list +
              "; while any is, Odoo skips every scheduled action (cron)";
  r.hint = "finish or cancel the pending operation in Odoo (Apps: 'Cancel Install/Upgrade/"
           "Uninstall', or 'odoo-bin -u <module> --stop-after-init'), then run initiate again";
  return r;
}

CheckResult check_create_rights(const RoleRights& rights) {
  CheckResult r{"create_rights", "may create the test and go-live databases", Severity::ok, "", ""};
  bool other_owner = !rights.owner.empty() && rights.owner != rights.role;
  r.extra = {{"role", rights.role},
             {"owner", rights.owner},
             {"superuser", rights.superuser},
             {"createdb", rights.createdb}};
  if (!rights.superuser && !rights.createdb) {
    r.status = Severity::blocking;
    r.message = "role '" + rights.role + "' may not create databases (no CREATEDB)";
    r.hint = "as a superuser: ALTER ROLE \"" + rights.role +
             "\" CREATEDB; or run odoo-upgrade with a role that has it";
    return r;
  }
  if (other_owner && !rights.superuser && !rights.member_of_owner) {
    r.status = Severity::blocking;
    r.message = "role '" + rights.role + "' may not create databases owned by '" + rights.owner +
                "' (production's owner, the role Odoo connects as)";
    r.hint = "as a superuser: GRANT \"" + rights.owner + "\" TO \"" + rights.role + "\"";
    return r;
  }
  r.message = "role '" + rights.role + "' " +
              (rights.superuser ? std::string("is superuser") : std::string("has CREATEDB")) +
              (other_owner ? "; copies are owned by '" + rights.owner + "'" : std::string());
  return r;
}

CheckResult check_extensions(const RoleRights& rights, const std::vector<ExtensionNeed>& needs) {
  CheckResult r{"extensions", "extensions can be created in a copy", Severity::ok, "", ""};
  bool as_owner = !rights.owner.empty() && rights.owner != rights.role;
  std::string creator = as_owner ? rights.owner : rights.role;
  bool superuser = as_owner ? rights.owner_superuser : rights.superuser;
  std::string names;
  std::string refused;
  for (const auto& e : needs) {
    names += (names.empty() ? "" : ", ") + e.name;
    if (!superuser && !e.trusted) {
      refused += (refused.empty() ? "" : ", ") + e.name;
    }
  }
  r.extra = {{"creator", creator}};
  if (!refused.empty()) {
    r.status = Severity::blocking;
    r.message = "role '" + creator + "' restores the copies but may not create the extension(s) " +
                refused + " (not trusted, and it is not superuser)";
    r.hint = "run odoo-upgrade as a superuser whose copies keep this owner, or for the upgrade: "
             "ALTER ROLE \"" +
             creator + "\" SUPERUSER";
    return r;
  }
  r.message =
      needs.empty() ? "production uses no extension" : "role '" + creator + "' may create " + names;
  return r;
}

CheckResult check_attachment_files(const std::string& filestore, const AttachmentFiles& files) {
  CheckResult r{"attachment_files", "attachment files present", Severity::ok, "", ""};
  r.extra = {{"referenced", files.referenced},
             {"missing", files.missing},
             {"first_missing", files.first_missing}};
  if (files.missing == 0) {
    r.message =
        "all " + std::to_string(files.referenced) + " attachment files are in '" + filestore + "'";
    return r;
  }
  double percent = files.referenced == 0 ? 100.0
                                         : 100.0 * static_cast<double>(files.missing) /
                                               static_cast<double>(files.referenced);
  std::string first;
  for (const auto& f : files.first_missing) {
    first += (first.empty() ? "" : ", ") + f;
  }
  r.status =
      percent > k_missing_attachments_blocking_percent ? Severity::blocking : Severity::warning;
  r.message = std::to_string(files.missing) + " of " + std::to_string(files.referenced) +
              " attachment files are missing from '" + filestore + "' (first: " + first + ")";
  r.hint = "check --data-dir (the filestore of this database); restore the missing files from a "
           "backup, or accept that these attachments stay broken (blocking above " +
           std::to_string(static_cast<int>(k_missing_attachments_blocking_percent)) + "%)";
  return r;
}

std::vector<CheckResult> check_pg_tools(const std::string& server,
                                        const std::optional<std::string>& pg_dump_version,
                                        const std::optional<std::string>& pg_restore_version) {
  // "15.18" → 15 (and "9.6.24" → 9: anything that old is below every server Odoo supports).
  auto major = parse_pg_tool_major("(PostgreSQL) " + server);
  if (!major) {
    return {};
  }
  std::vector<CheckResult> out;
  if (pg_dump_version) {
    out.push_back(check_pg_tool("pg_dump", pg_dump_version, *major));
  }
  if (pg_restore_version) {
    out.push_back(check_pg_tool("pg_restore", pg_restore_version, *major));
  }
  return out;
}

std::optional<CheckResult> first_blocking(const std::vector<CheckResult>& checks) {
  for (const auto& c : checks) {
    if (c.status == Severity::blocking) {
      return c;
    }
  }
  return std::nullopt;
}

void require_recorded_database(const std::string& recorded_dbname,
                               const std::string& recorded_uuid,
                               const DatabaseIdentity& found) {
  bool same_name = found.dbname == recorded_dbname;
  bool same_uuid = recorded_uuid.empty() || found.uuid == recorded_uuid;
  if (same_name && same_uuid) {
    return;
  }
  throw PreconditionError(
      "the project's conninfo reaches database '" + found.dbname + "' (uuid " +
          (found.uuid.empty() ? std::string("none") : found.uuid) + "), not the production '" +
          recorded_dbname + "' (uuid " + recorded_uuid + ") that initiate recorded",
      "fix source.conninfo in the project file, or start a new project with 'odoo-upgrade "
      "initiate' for the other database");
}

CheckResult check_database_names(const NamesRecord& names) {
  CheckResult r{"database_names", "derived database names fit", Severity::ok, "", ""};
  std::string longest;
  for (const auto& n : names.longest) {
    if (n.size() > longest.size()) {
      longest = n;
    }
    if (!valid_database_name(n)) {
      r.status = Severity::blocking;
      r.message = "derived database name '" + n + "' is not a valid PostgreSQL name";
      r.hint = "report this: every derived name should fit by construction";
      return r;
    }
  }
  r.message = "derived database names fit in " + std::to_string(k_max_database_name_bytes) +
              " bytes (longest '" + longest + "', " + std::to_string(longest.size()) + " bytes)";
  if (names.shortened) {
    r.message += "; '" + names.production + "' is shortened to '" + names.base + "' in them";
  }
  r.extra = {{"base", names.base}, {"longest_bytes", longest.size()}};
  return r;
}

} // namespace odoo_upgrade::core
