#pragma once

#include <filesystem>
#include <optional>

namespace odoo_upgrade::cli {

// Sets up the default spdlog logger: human lines on stderr ("warning: …" for warnings), and with
// `log_file` a timestamped debug log appended to that file. Every sink redacts registered secrets.
// `verbosity`: -1 quiet (warnings and errors only), 0 normal, 1 debug, 2 trace.
void setup_logging(int verbosity, bool color, const std::optional<std::filesystem::path>& log_file);

} // namespace odoo_upgrade::cli
