#pragma once

#include <odoo_upgrade/commands/context.hpp>

#include <CLI/CLI.hpp>

#include <functional>

namespace odoo_upgrade::cli {

// What a registered command runs once the command line is parsed.
using RunFn = std::function<int(commands::Context&)>;

// Each command binds its options to `sub` and sets `run`. Defined in src/cli/cmd_<name>.cpp; listed
// in the command table in src/cli/app.cpp.
void register_initiate(CLI::App& sub, RunFn& run);
void register_status(CLI::App& sub, RunFn& run);
void register_log(CLI::App& sub, RunFn& run);
void register_test_request(CLI::App& sub, RunFn& run);
void register_uat(CLI::App& sub, RunFn& run);
void register_monitor(CLI::App& sub, RunFn& run);
void register_freeze(CLI::App& sub, RunFn& run);
void register_prod_request(CLI::App& sub, RunFn& run);
void register_restore(CLI::App& sub, RunFn& run);
void register_runbook(CLI::App& sub, RunFn& run);
void register_config(CLI::App& sub, RunFn& run);
void register_completion(CLI::App& sub, RunFn& run);
void register_help(CLI::App& sub, RunFn& run);

} // namespace odoo_upgrade::cli
