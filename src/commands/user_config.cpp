#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <cstdlib>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
}

} // namespace

std::optional<stdfs::path> user_config_path() {
  if (auto given = env("ODOO_UPGRADE_CONFIG")) {
    return stdfs::path(*given);
  }
  // XDG Base Directory Specification: $XDG_CONFIG_HOME, default $HOME/.config.
  if (auto xdg = env("XDG_CONFIG_HOME")) {
    return stdfs::path(*xdg) / "odoo-upgrade" / "config.json";
  }
  if (auto home = env("HOME")) {
    return stdfs::path(*home) / ".config" / "odoo-upgrade" / "config.json";
  }
  return std::nullopt;
}

core::UserConfig load_user_config() {
  auto path = user_config_path();
  std::error_code ec;
  if (!path || !stdfs::exists(*path, ec)) {
    return {};
  }
  std::string where = path->string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(adapters::fs::read_file(*path));
  } catch (const nlohmann::json::parse_error& e) {
    throw core::FilesystemError("config file '" + where + "' is not valid JSON: " + e.what(),
                                "fix it, or point ODOO_UPGRADE_CONFIG at another file");
  }
  try {
    return core::user_config_from_json(doc, where);
  } catch (const core::FilesystemError& e) {
    // The record reader speaks of project files: this one is the user's config.
    std::string message = e.what();
    if (message.rfind("project file", 0) == 0) {
      message.replace(0, 12, "config file");
    }
    throw core::FilesystemError(message, "fix it, or point ODOO_UPGRADE_CONFIG at another file");
  }
}

} // namespace odoo_upgrade::commands
