#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace odoo_upgrade::cli {

// Sets up the default spdlog logger: human lines on stderr ("warning: …" for warnings), and with
// `log_file` a timestamped debug log appended to that file. Every sink redacts registered secrets.
// `verbosity`: -1 quiet (warnings and errors only), 0 normal, 1 debug, 2 trace.
void setup_logging(int verbosity, bool color, const std::optional<std::filesystem::path>& log_file);

// Writes `message` (redacted) at level error to the --log-file alone: the final error, which
// stderr already shows, so that the file ends with why the run stopped. No-op without --log-file.
void log_final_error(const std::string& message);

} // namespace odoo_upgrade::cli
