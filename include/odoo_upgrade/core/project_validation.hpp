#pragma once

#include <odoo_upgrade/core/project.hpp>

// The whole project file checked on load (issue 11, case 15): every section is read through its
// typed record up front, so that a field of the wrong type stops the command before it changes
// anything, instead of half-way through (e.g. after a new round was recorded).
namespace odoo_upgrade::core {

// Reads every section of `project` through its typed record (source, service, names, preflight,
// rounds, production, uat, freeze, hooks, golive, monitor, odoo, target_modules). Throws
// FilesystemError (exit 6) naming
// `<section>.<field>` for the first field of the wrong type; returns when the file is sound.
void validate_sections(const Project& project);

} // namespace odoo_upgrade::core
