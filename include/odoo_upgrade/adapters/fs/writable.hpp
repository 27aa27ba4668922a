#pragma once

#include <filesystem>
#include <string>

// Whether a command will be able to write its output, checked before its long work starts (a
// report written after an hour of comparison must not fail then).
namespace odoo_upgrade::adapters::fs {

// Checks, before any long work, that `path` can be written as a file: its folder exists and a file
// can be created there (a probe file, removed at once: nothing is left), and `path` is not a
// folder. `what` names the file in the error ("--output", "the report"). Throws FilesystemError
// (exit 6) naming `path`.
void check_writable_file(const std::filesystem::path& path, const std::string& what);
// Checks that files can be written into folder `dir`, which may not exist yet: its nearest
// existing ancestor must be a folder where a file (and so `dir`) can be created. Probes with a file
// removed at once; creates nothing. Throws FilesystemError (exit 6) naming the path in the way.
void check_writable_dir(const std::filesystem::path& dir, const std::string& what);

} // namespace odoo_upgrade::adapters::fs
