#pragma once

namespace odoo_upgrade::adapters::http {

// Initialises libcurl once per process (curl_global_init). Call before any thread starts; cli::run
// does it first thing.
void global_init();

} // namespace odoo_upgrade::adapters::http
