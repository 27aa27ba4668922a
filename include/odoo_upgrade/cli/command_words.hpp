#pragma once

#include <odoo_upgrade/core/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace odoo_upgrade::cli {

// The UsageError (exit 2) for a word that names no command of `parent`:
// "unknown command 'PATH WORD', did you mean 'PATH NEAREST'?" when a command of `parent` is at most
// two edits away (Levenshtein distance), else without the suggestion. `path` is the words of the
// command `parent` stands for after the program name ("" for the program, "uat" for `uat`).
core::UsageError
unknown_command_error(const CLI::App& parent, const std::string& path, std::string_view word);

// The command of `parent` named `word` (an exact name), or nullptr.
const CLI::App* find_command(const CLI::App& parent, std::string_view word);

// When the command line `argv` names a command that does not exist, the error for it; checks the
// first word that is not a global option and, when that command takes sub-commands, the word right
// after it. std::nullopt when the words name commands (the error is another one).
std::optional<core::UsageError> unknown_command_in(const CLI::App& program, int argc, char** argv);

// Adds to every command's help (`COMMAND --help`, `help COMMAND`) the program's global options, as
// the program's own help lists them: they work before or after the command.
void list_global_options_in_commands(CLI::App& program);

} // namespace odoo_upgrade::cli
