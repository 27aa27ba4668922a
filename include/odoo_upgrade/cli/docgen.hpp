#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// Man pages and shell completions written from the command-line definition itself (the same
// CLI11 tree `--help` prints), so that neither can drift from the options the binary accepts.
// `odoo-upgrade completion bash|zsh` prints a completion script; the build runs `ou-docgen`
// (tools/ou-docgen.cpp) to write the man pages and both scripts that `cmake --install` installs.
namespace odoo_upgrade::cli {

// One option or positional argument as the command line accepts it.
struct OptionInfo {
  std::vector<std::string> flags;   // "--format", "-o"; empty for a positional argument
  std::string name;                 // a positional's name ("id"); the long flag otherwise
  std::string value;                // what the value is called ("TEXT", "N"); empty for a flag
  std::vector<std::string> choices; // the accepted values when the set is closed (IsMember)
  std::string description;
  std::string env; // the environment variable read when the option is not given
  bool required = false;
};

// A command (or the program itself) with its options and sub-commands, hidden ones left out.
struct CommandInfo {
  std::string path;                    // "odoo-upgrade", "odoo-upgrade uat", "odoo-upgrade uat run"
  std::string summary;                 // one line
  std::vector<OptionInfo> options;     // without --help
  std::vector<OptionInfo> positionals; // in command-line order
  std::vector<CommandInfo> commands;
};

// The tree under `app` (its footer and help flag left out).
CommandInfo describe(CLI::App& app);

// The completion scripts: bash (for `complete -F`, needs bash 4 associative arrays) and zsh (a
// `#compdef odoo-upgrade` function file). Commands and sub-commands complete after their parent,
// options after "-" (the program's own global options anywhere, as CLI11 falls through to them),
// a closed set of values after its option or in its positional place, file names otherwise.
std::string bash_completion(const CommandInfo& program);
std::string zsh_completion(const CommandInfo& program);

// One man(7) page: the program's (`command` == `program`) with its global options, commands, exit
// status and environment, or a command's ("odoo-upgrade-uat.1"), with its actions and their
// options. `version` goes into the page footer; no date, so that builds are reproducible.
struct ManPage {
  std::string file_name; // "odoo-upgrade.1", "odoo-upgrade-test-request.1"
  std::string text;
};
std::vector<ManPage> man_pages(const CommandInfo& program, std::string_view version);

// Writes man_pages() into `dir`/man1 and both completions into `dir`/completions
// ("odoo-upgrade.bash", "_odoo-upgrade"). Throws core::FilesystemError when a file cannot be
// written.
void write_docs(const CommandInfo& program,
                std::string_view version,
                const std::filesystem::path& dir);

} // namespace odoo_upgrade::cli
