#include <odoo_upgrade/adapters/fs/files.hpp>
#include <odoo_upgrade/commands/user_config.hpp>
#include <odoo_upgrade/core/checklist_template.hpp>
#include <odoo_upgrade/core/embedded_image.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <cstdlib>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
}

constexpr const char* k_config_hint = "fix it, or point ODOO_UPGRADE_CONFIG at another file";

// "config file field '<config>.<key>': '<file>' <why>" (exit 6).
[[noreturn]] void bad_file(const stdfs::path& config,
                           const char* key,
                           const stdfs::path& file,
                           const std::string& why) {
  throw core::FilesystemError("config file field '" + config.string() + "." + key + "': '" +
                                  file.string() + "' " + why,
                              k_config_hint);
}

// The file a config key names (relative paths from the config file's folder), which must be a
// regular file.
stdfs::path named_file(const stdfs::path& config, const char* key, const std::string& value) {
  stdfs::path file =
      stdfs::path(value).is_absolute() ? stdfs::path(value) : config.parent_path() / value;
  std::error_code ec;
  auto status = stdfs::status(file, ec);
  if (status.type() == stdfs::file_type::not_found) {
    bad_file(config, key, file, "does not exist");
  }
  if (ec) {
    bad_file(config, key, file, "cannot be read: " + ec.message());
  }
  if (!stdfs::is_regular_file(status)) {
    bad_file(config, key, file, "is not a file");
  }
  return file;
}

// The file a config key names, read.
std::string read_named(const stdfs::path& config, const char* key, const stdfs::path& file) {
  try {
    return adapters::fs::read_file(file);
  } catch (const core::FilesystemError& e) {
    bad_file(config, key, file, std::string("cannot be read: ") + e.what());
  }
}

// The logo file as a data: URI: at most 1 MiB, a PNG, JPEG or SVG by its magic bytes.
std::string logo_data_uri(const stdfs::path& config, const std::string& logo) {
  stdfs::path file = named_file(config, "logo", logo);
  std::error_code ec;
  auto size = stdfs::file_size(file, ec);
  if (ec) {
    bad_file(config, "logo", file, "cannot be read: " + ec.message());
  }
  if (size > core::k_embedded_image_max_bytes) {
    bad_file(config,
             "logo",
             file,
             "is " + std::to_string(size) +
                 " bytes: a logo embedded in the report may have at most 1 MiB");
  }
  std::string bytes = read_named(config, "logo", file);
  auto type = core::image_media_type(bytes);
  if (!type) {
    bad_file(config, "logo", file, "is not a PNG, JPEG or SVG image (told by its content)");
  }
  return core::data_uri(*type, bytes);
}

} // namespace

std::optional<stdfs::path> user_config_path() {
  if (auto given = env("ODOO_UPGRADE_CONFIG")) {
    return stdfs::path(*given);
  }
  // XDG Base Directory Specification: $XDG_CONFIG_HOME, default $HOME/.config; a relative
  // $XDG_CONFIG_HOME is invalid and ignored.
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && stdfs::path(*xdg).is_absolute()) {
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
    // A file named by ODOO_UPGRADE_CONFIG must exist: a mistyped path would otherwise send the
    // requests to the default service without a word.
    if (path && env("ODOO_UPGRADE_CONFIG")) {
      throw core::FilesystemError("config file '" + path->string() +
                                      "' (ODOO_UPGRADE_CONFIG) does not exist",
                                  "fix the path, or unset ODOO_UPGRADE_CONFIG");
    }
    return {};
  }
  std::string where = path->string();
  if (stdfs::is_directory(*path, ec)) {
    throw core::FilesystemError("config file '" + where + "' is a directory", k_config_hint);
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(adapters::fs::read_file(*path));
  } catch (const nlohmann::json::exception& e) {
    // A syntax error, or a number too large for a double (1e400).
    throw core::FilesystemError("config file '" + where + "' is not valid JSON: " + e.what(),
                                k_config_hint);
  }
  try {
    return core::user_config_from_json(doc, where);
  } catch (const core::FilesystemError& e) {
    // The record reader speaks of project files: this one is the user's config.
    std::string message = e.what();
    if (message.rfind("project file", 0) == 0) {
      message.replace(0, 12, "config file");
    }
    throw core::FilesystemError(message, k_config_hint);
  }
}

core::uat::ReportConsultant load_report_consultant(const core::UserConfig& config) {
  core::uat::ReportConsultant out;
  if (config.consultant) {
    out.name = config.consultant->name;
    out.contact = config.consultant->contact;
  }
  if (config.logo) {
    // load_user_config found the file, so its path is known.
    out.logo_uri = logo_data_uri(*user_config_path(), *config.logo);
  }
  return out;
}

std::optional<ChecklistTemplate> load_checklist_template() {
  core::UserConfig config = load_user_config();
  if (!config.checklist_template) {
    return std::nullopt;
  }
  auto where = *user_config_path();
  ChecklistTemplate out;
  out.file = named_file(where, "checklist_template", *config.checklist_template);
  out.items = core::uat::checklist_template_from_text(
      read_named(where, "checklist_template", out.file), out.file.string());
  return out;
}

} // namespace odoo_upgrade::commands
