#include <odoo_upgrade/adapters/pg/pq.hpp>
#include <odoo_upgrade/adapters/pg/target_db.hpp>
#include <odoo_upgrade/commands/common.hpp>
#include <odoo_upgrade/commands/config.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>

#include <ostream>

namespace odoo_upgrade::commands {

namespace {

using json = nlohmann::json;

// The settings as `config` shows them, with the defaults spelled out.
json settings_document(const core::OdooSettings& s, bool password_set) {
  json j = core::to_json(s);
  j["configured"] = s.configured();
  j["python"] = s.python_or_default();
  j["db_password"] = password_set ? "set" : "not set";
  return j;
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : sep) + i;
  }
  return out;
}

std::string or_text(const std::string& value, const char* fallback) {
  return value.empty() ? std::string(fallback) : value;
}

void print_settings(std::ostream& os, const core::OdooSettings& s, bool password_set) {
  if (!s.configured()) {
    os << "no target Odoo configured: the target-Odoo steps (module update, open check, live "
          "checks) are skipped\n"
       << "hint: odoo-upgrade config --odoo-bin PATH --addons-path DIR[,DIR...]\n";
  }
  std::vector<std::string> env;
  for (const auto& [name, value] : s.env) {
    env.push_back(name + "=" + value);
  }
  os << "  odoo-bin          " << or_text(s.odoo_bin, "(not set)") << "\n"
     << "  odoo-python       " << s.python_or_default() << (s.python.empty() ? " (default)" : "")
     << "\n"
     << "  addons-path       " << or_text(joined(s.addons_paths, ","), "(Odoo's own only)") << "\n"
     << "  odoo-config       " << or_text(s.config_file, "(none)") << "\n"
     << "  odoo-db-user      " << or_text(s.db_user, "(the owner of each database)") << "\n"
     << "  odoo-db-password  " << (password_set ? "set (secrets file)" : "not set") << "\n"
     << "  odoo-arg          " << or_text(joined(s.extra_args, " "), "(none)") << "\n"
     << "  odoo-env          " << or_text(joined(env, " "), "(none)") << "\n"
     << "  odoo-update       " << core::to_string(s.update) << "\n";
}

int show(Context& ctx, const core::OdooSettings& s, bool password_set) {
  ctx.out.result({{"odoo", settings_document(s, password_set)}},
                 [&](std::ostream& os) { print_settings(os, s, password_set); });
  return 0;
}

// The role Odoo is to connect as must exist on the project's server and may log in (Odoo would
// fail with nothing in its log).
void check_role(const core::Project& project,
                const adapters::fs::SecretStore& secrets,
                const std::string& role) {
  adapters::pg::Connection server(source_conninfo(project, secrets));
  auto can_login = adapters::pg::target_db::role_can_login(server, role);
  if (!can_login || !*can_login) {
    throw core::UsageError("--odoo-db-user '" + role + "' " +
                               (can_login ? "may not log in"
                                          : "is no role of the project's "
                                            "PostgreSQL server"),
                           "create it (CREATE ROLE " + role +
                               " LOGIN, owning the test databases or granted their tables) or "
                               "give an existing one");
  }
}

} // namespace

int run_config(const ConfigOptions& options, Context& ctx) {
  // Showing needs no lock; changing holds it for the whole run.
  Lock lock = options.odoo.any() ? Lock::take : Lock::none;
  ProjectSession session = open_project(ctx, "", lock);
  core::OdooSettings current = core::read_odoo_settings(session.project());
  bool password_set = session.secrets().get(core::k_odoo_password_secret).has_value();
  if (!options.odoo.any()) {
    return show(ctx, current, password_set);
  }
  // Every value is checked (the target Odoo run once when it changes) before anything is saved.
  OdooChange change = apply_odoo_flags(current, options.odoo, session.project().target_version());
  if (options.odoo.db_user) {
    check_role(session.project(), session.secrets(), change.settings.db_user);
  }
  if (ctx.options.dry_run) {
    return print_plan(ctx,
                      "config would change:",
                      change.changed,
                      {{"odoo", settings_document(change.settings, password_set)}});
  }
  // The password goes to the secrets file, never to the project file.
  if (change.password) {
    session.secrets().set(core::k_odoo_password_secret, *change.password);
  } else if (change.erase_password) {
    session.secrets().erase(core::k_odoo_password_secret);
  }
  password_set = session.secrets().get(core::k_odoo_password_secret).has_value();
  session.edit([&](core::Project& p) {
    core::write_odoo_settings(p, change.settings);
    ctx.record(p, "config", "ok", {{"changed", change.changed}});
  });
  json doc = {{"odoo", settings_document(change.settings, password_set)},
              {"changed", change.changed}};
  if (!change.series.empty()) {
    doc["series"] = change.series;
  }
  ctx.out.result(doc, [&](std::ostream& os) {
    os << "target Odoo settings saved (" << joined(change.changed, ", ") << ")";
    if (!change.series.empty()) {
      os << ": Odoo " << change.series;
    }
    os << "\n";
    print_settings(os, change.settings, password_set);
  });
  return 0;
}

} // namespace odoo_upgrade::commands
