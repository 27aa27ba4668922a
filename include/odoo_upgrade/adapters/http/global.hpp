#pragma once

namespace odoo_upgrade::adapters::http {

// Initialises libcurl once per process (curl_global_init), loading it on first use
// (<odoo_upgrade/adapters/shared_library.hpp>): every CurlHandle calls it, so a command that makes
// no HTTP request never loads libcurl. Concurrent first calls are serialised; libcurl 7.84 and
// later (Debian 12: 7.88) initialise thread-safely. Throws core::FilesystemError (exit 6) when
// libcurl cannot be loaded.
void global_init();

} // namespace odoo_upgrade::adapters::http
