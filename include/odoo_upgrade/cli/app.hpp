#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace odoo_upgrade::cli {

// Entry point of the `odoo-upgrade` binary: parses the command line, runs one command and maps
// every outcome to an exit code (docs/exit-codes.md). Never throws.
int run(int argc, char** argv);

// Hands `use` the command-line definition `run` parses (the program, its global options and every
// command) while it lives: the man pages and completions are written from it (cli/docgen.hpp).
void with_command_line(const std::function<void(CLI::App&)>& use);

} // namespace odoo_upgrade::cli
