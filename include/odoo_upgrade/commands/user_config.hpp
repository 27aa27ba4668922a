#pragma once

#include <odoo_upgrade/core/uat_report.hpp>
#include <odoo_upgrade/core/user_config.hpp>

#include <filesystem>
#include <optional>
#include <vector>

// Where the user's config file is and what it holds (core/user_config.hpp).
namespace odoo_upgrade::commands {

// The config file: $ODOO_UPGRADE_CONFIG when set, else $XDG_CONFIG_HOME/odoo-upgrade/config.json,
// else ~/.config/odoo-upgrade/config.json (XDG Base Directory Specification); std::nullopt when
// neither XDG_CONFIG_HOME nor HOME is set.
std::optional<std::filesystem::path> user_config_path();

// The config file's content; an empty config when there is no file. Throws FilesystemError
// (exit 6) naming the file when it cannot be read or is not a valid config (JSON with its line).
core::UserConfig load_user_config();

// The consultant the UAT reports name, from `config` (load_user_config): `consultant` and `logo`,
// the logo read and embedded as a data: URI (core/embedded_image.hpp; a relative path is taken from
// the config file's folder). Empty without those keys. Throws FilesystemError (exit 6) naming the
// config file's `logo` and the image file when it cannot be read, is larger than 1 MiB, or is not a
// PNG, JPEG or SVG image by its content.
core::uat::ReportConsultant load_report_consultant(const core::UserConfig& config);

// The consultant's checklist template named by the config file's `checklist_template`, read
// (core/checklist_template.hpp; a relative path is taken from the config file's folder).
struct ChecklistTemplate {
  std::filesystem::path file;
  std::vector<core::uat::ChecklistItem> items;
};
// std::nullopt without a config file or that key. Throws like load_user_config, and
// FilesystemError (exit 6) naming the config file's `checklist_template` and the template when it
// cannot be read, or naming the template and the item when it is not a valid template.
std::optional<ChecklistTemplate> load_checklist_template();

} // namespace odoo_upgrade::commands
