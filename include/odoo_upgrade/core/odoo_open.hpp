#pragma once

#include <odoo_upgrade/core/odoo_log.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// "Does it open": the target Odoo's HTTP server, started on loopback for one database, serves that
// database's login page and reports the target series. Measured on 17.0
// (docs/notes/target-odoo-facts.md, "HTTP server"): started without `-d` and with
// `--db-filter='^DB$'`, `/web/login?db=DB` first answers 302 to the same URL with a session cookie,
// then 200 with the cookie (the registry loads on that request); a database the server does not
// serve ends on /web/database/selector or in a redirect loop; `/web/webclient/version_info`
// (JSON-RPC) reports `server_serie`.
namespace odoo_upgrade::core {

// What the open check saw.
struct OpenFacts {
  bool ready = false;      // the server answered /web/health in time
  std::string start_error; // why not: it exited (and how), or the wait timed out
  long login_status = 0;   // the last HTTP status of /web/login?db=DB (redirects followed)
  std::string login_path;  // the path that status came from ("/web/login")
  int redirects = 0;       // redirects followed
  std::string login_error; // transport failure or redirect loop, when there was no answer
  std::optional<std::string> series; // server_serie of /web/webclient/version_info
  std::string version_error;         // why it is not known
  // The first ERROR or CRITICAL record the server logged while it was checked.
  std::optional<odoo_log::ErrorSummary> log_error;
  double seconds_to_ready = 0; // process start to the first answer of /web/health
  double seconds_to_login = 0; // process start to the login page's last answer
};

struct OpenResult {
  bool ok = false;
  std::string message; // "opens: /web/login 200, series 17.0", or why not
  OpenFacts facts;
};

// The login page of database `db` as a request target: "/web/login?db=" and the name
// percent-encoded (RFC 3986 unreserved characters kept). Used by the open check and by `monitor`.
std::string login_target(std::string_view db);

// The rule for the login page of database `db` (`/web/login?db=DB`, redirects followed):
// std::nullopt when it ended with HTTP 200 on /web/login; else why not, one line: no answer
// (`error`), ended on the database selector or manager (/web/database/…: the server does not serve
// `db`, e.g. Odoo's role does not own it), or another status or page. `status` 0 means no answer;
// `path` is the path (and query) that answered last. Used by the open check and by `monitor`.
std::optional<std::string>
login_problem(long status, std::string_view path, std::string_view error, std::string_view db);

// The verdict: ok when the server was ready, /web/login?db=`db` ended with 200 on /web/login (not
// on the database selector or manager) and the series is `target_series`.
OpenResult judge_open(const OpenFacts& facts, std::string_view db, std::string_view target_series);

nlohmann::json to_json(const OpenResult& r);
// Throws FilesystemError (exit 6) naming `<where>.<field>` for a field of the wrong type.
OpenResult open_result_from_json(const nlohmann::json& j, std::string_view where);

} // namespace odoo_upgrade::core
