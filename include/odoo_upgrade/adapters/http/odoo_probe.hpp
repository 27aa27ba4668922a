#pragma once

#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/core/monitor.hpp>

#include <chrono>
#include <string>

namespace odoo_upgrade::adapters::http {

// Asks a running Odoo at `base_url` (e.g. "https://erp.example.com") whether it is up and which
// series it runs: GET /web/health (Odoo 17+: {"status": "pass"}; a 404 means the series has no
// such route) and POST /web/webclient/version_info (JSON-RPC, every series: result.server_serie).
// When `database` is not empty and Odoo answered, also GET /web/login?db=`database` with a cookie
// session, following redirects inside the same server (`login`: where it ended; Odoo 17 answers
// 302 to the same URL with a session cookie, then 200; a database it does not serve ends on
// /web/database/selector — docs/notes/target-odoo-facts.md, "HTTP server").
// Each call is bounded by `timeout`; `clock` measures the response time. Never throws for network
// or HTTP problems: they come back in the facts (`answered` false, `error`, `login.error`).
core::monitor::HttpFacts probe_odoo(const std::string& base_url,
                                    std::chrono::milliseconds timeout,
                                    core::Clock& clock,
                                    const std::string& database = "");

} // namespace odoo_upgrade::adapters::http
