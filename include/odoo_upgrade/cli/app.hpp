#pragma once

namespace odoo_upgrade::cli {

// Entry point of the `odoo-upgrade` binary: parses the command line, runs one command and maps
// every outcome to an exit code (docs/exit-codes.md). Never throws.
int run(int argc, char** argv);

} // namespace odoo_upgrade::cli
