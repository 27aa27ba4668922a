#include <odoo_upgrade/adapters/odoo/target_odoo.hpp>
#include <odoo_upgrade/adapters/process.hpp>
#include <odoo_upgrade/commands/odoo_flags.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace odoo_upgrade::commands {

namespace stdfs = std::filesystem;

namespace {

using core::UsageError;

std::string absolute_of(const std::string& path) {
  std::error_code ec;
  stdfs::path p = stdfs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

bool has_module(const stdfs::path& dir) {
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) {
    if (stdfs::is_regular_file(entry.path() / "__manifest__.py", ec) ||
        stdfs::is_regular_file(entry.path() / "__openerp__.py", ec)) {
      return true;
    }
  }
  return false;
}

std::string read_text(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError(std::string(flag) + " '" + path + "' cannot be read");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string check_odoo_bin(const std::string& given) {
  std::string path = absolute_of(given);
  std::error_code ec;
  if (!stdfs::is_regular_file(path, ec)) {
    // The checkout's folder instead of its odoo-bin is the usual slip.
    stdfs::path inside = stdfs::path(path) / "odoo-bin";
    throw UsageError("--odoo-bin '" + given + "' is not a file",
                     stdfs::is_regular_file(inside, ec)
                         ? "it is a folder: give '" + inside.string() + "'"
                         : "give the path of odoo-bin (a source checkout or nightly package) or "
                           "of an installed odoo executable");
  }
  return path;
}

std::string check_python(const std::string& given) {
  auto found = adapters::find_executable(given);
  if (!found) {
    throw UsageError("--odoo-python '" + given + "' is not an executable",
                     "give the Python that has Odoo's dependencies (default /usr/bin/python3)");
  }
  return given.find('/') == std::string::npos ? found->string() : absolute_of(given);
}

std::vector<std::string> check_addons(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const auto& item : given) {
    std::stringstream ss(item);
    std::string dir;
    while (std::getline(ss, dir, ',')) {
      if (dir.empty()) {
        continue;
      }
      std::string path = absolute_of(dir);
      std::error_code ec;
      if (!stdfs::is_directory(path, ec)) {
        throw UsageError("--addons-path '" + dir + "' is not a folder");
      }
      if (!has_module(path)) {
        throw UsageError(
            "--addons-path '" + dir + "' holds no module",
            "give folders whose subfolders hold __manifest__.py (Odoo refuses others)");
      }
      if (std::find(out.begin(), out.end(), path) == out.end()) {
        out.push_back(path);
      }
    }
  }
  return out;
}

std::string check_config(const std::string& given) {
  std::string path = absolute_of(given);
  std::error_code ec;
  if (!stdfs::is_regular_file(path, ec)) {
    throw UsageError("--odoo-config '" + given + "' is not a file");
  }
  if (auto refused = core::refuse_config(read_text(path, "--odoo-config"))) {
    throw UsageError("--odoo-config '" + given + "' " + refused->why, refused->hint);
  }
  return path;
}

std::string check_password_file(const std::string& given) {
  std::string text = read_text(given, "--odoo-db-password-file");
  std::string password = text.substr(0, text.find('\n'));
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  if (password.empty()) {
    throw UsageError("--odoo-db-password-file '" + given + "' holds no password on its first line");
  }
  return password;
}

std::map<std::string, std::string> check_env(const std::vector<std::string>& given) {
  std::map<std::string, std::string> out;
  for (const auto& item : given) {
    auto kv = core::parse_env_assignment(item);
    if (!kv) {
      throw UsageError("--odoo-env '" + item + "' is not VAR=VALUE");
    }
    if (auto why = core::refuse_env_name(kv->first)) {
      throw UsageError("--odoo-env " + kv->first + " is not allowed: " + *why);
    }
    out[kv->first] = kv->second;
  }
  return out;
}

std::vector<std::string> check_args(const std::vector<std::string>& given) {
  for (const auto& arg : given) {
    if (auto why = core::refuse_extra_arg(arg)) {
      throw UsageError("--odoo-arg '" + arg + "' is not allowed: " + *why);
    }
  }
  return given;
}

// --unset: clears the named settings; refuses unknown names and a setting also given as a flag.
void apply_unset(const OdooFlags& flags, OdooChange& change, std::vector<std::string>& names) {
  core::OdooSettings& s = change.settings;
  for (const auto& name : flags.unset) {
    const auto& known = odoo_setting_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw UsageError("--unset '" + name + "' is not a setting",
                       "one of: odoo-bin, odoo-python, addons-path, odoo-config, odoo-db-user, "
                       "odoo-db-password, odoo-arg, odoo-env, odoo-update, all");
    }
    bool all = name == "all";
    auto clear = [&](const char* n, auto&& reset) {
      if (all || name == n) {
        reset();
        names.emplace_back(n);
      }
    };
    clear("odoo-bin", [&] { s.odoo_bin.clear(); });
    clear("odoo-python", [&] { s.python.clear(); });
    clear("addons-path", [&] { s.addons_paths.clear(); });
    clear("odoo-config", [&] { s.config_file.clear(); });
    clear("odoo-db-user", [&] { s.db_user.clear(); });
    clear("odoo-db-password", [&] { change.erase_password = true; });
    clear("odoo-arg", [&] { s.extra_args.clear(); });
    clear("odoo-env", [&] { s.env.clear(); });
    clear("odoo-update", [&] { s.update = core::UpdateScope::third_party; });
  }
}

// Sets the settings given as flags, each validated; records the names changed.
void apply_values(const OdooFlags& f, OdooChange& change, std::vector<std::string>& names) {
  core::OdooSettings& s = change.settings;
  auto set = [&](const char* name, bool given, auto&& assign) {
    if (given) {
      assign();
      names.emplace_back(name);
    }
  };
  set("odoo-bin", f.odoo_bin.has_value(), [&] { s.odoo_bin = check_odoo_bin(*f.odoo_bin); });
  set("odoo-python", f.python.has_value(), [&] { s.python = check_python(*f.python); });
  set("addons-path", f.addons_path.has_value(), [&] {
    s.addons_paths = check_addons(*f.addons_path);
  });
  set("odoo-config", f.config_file.has_value(), [&] {
    s.config_file = check_config(*f.config_file);
  });
  set("odoo-db-user", f.db_user.has_value(), [&] {
    if (auto why = core::refuse_db_user(*f.db_user)) {
      throw UsageError("--odoo-db-user '" + *f.db_user + "' is refused: " + *why);
    }
    s.db_user = *f.db_user;
  });
  set("odoo-db-password", f.db_password_file.has_value(), [&] {
    change.password = check_password_file(*f.db_password_file);
  });
  set("odoo-arg", f.args.has_value(), [&] { s.extra_args = check_args(*f.args); });
  set("odoo-env", f.env.has_value(), [&] { s.env = check_env(*f.env); });
  set("odoo-update", f.update.has_value(), [&] {
    auto scope = core::parse_update_scope(*f.update);
    if (!scope) {
      throw UsageError("--odoo-update '" + *f.update + "' is not third-party or all");
    }
    s.update = *scope;
  });
}

// A flag given and unset at once is a contradiction.
void refuse_both(const std::vector<std::string>& set, const std::vector<std::string>& unset) {
  for (const auto& name : set) {
    if (std::find(unset.begin(), unset.end(), name) != unset.end()) {
      throw UsageError("'" + name + "' is both given and unset");
    }
  }
}

} // namespace

bool OdooFlags::any() const {
  return odoo_bin || python || addons_path || config_file || db_user || db_password_file || args ||
         env || update || !unset.empty();
}

const std::vector<std::string>& odoo_setting_names() {
  static const std::vector<std::string> k_names{"odoo-bin",
                                                "odoo-python",
                                                "addons-path",
                                                "odoo-config",
                                                "odoo-db-user",
                                                "odoo-db-password",
                                                "odoo-arg",
                                                "odoo-env",
                                                "odoo-update",
                                                "all"};
  return k_names;
}

OdooChange apply_odoo_flags(const core::OdooSettings& current,
                            const OdooFlags& flags,
                            const std::string& target_series) {
  OdooChange change;
  change.settings = current;
  std::vector<std::string> unset_names;
  std::vector<std::string> set_names;
  apply_unset(flags, change, unset_names);
  apply_values(flags, change, set_names);
  refuse_both(set_names, unset_names);
  for (const auto& name : odoo_setting_names()) {
    bool changed = std::find(set_names.begin(), set_names.end(), name) != set_names.end() ||
                   std::find(unset_names.begin(), unset_names.end(), name) != unset_names.end();
    if (changed && name != "all") {
      change.changed.push_back(name);
    }
  }
  // The interpreter and odoo-bin must work together, and be the target's series.
  bool runs_differently = flags.odoo_bin || flags.python || flags.env;
  if (change.settings.configured() && runs_differently) {
    change.series = adapters::odoo::TargetOdoo::series(change.settings);
    if (!target_series.empty() && change.series != target_series) {
      throw UsageError("'" + change.settings.odoo_bin + "' is Odoo " + change.series +
                           ", not the project's target " + target_series,
                       "give the odoo-bin of the target series");
    }
  }
  return change;
}

} // namespace odoo_upgrade::commands
