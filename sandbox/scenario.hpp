#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Scenario knobs: how the sandbox behaves for a rehearsal or a test. Set on the command line for
// the whole run, and changed at run time (globally or for one request) through the admin endpoint
// POST /sandbox/scenario. docs/sandbox.md lists every knob.
namespace odoo_upgrade::sandbox {

struct Scenario {
  // --- processing (read when a request is processed; per-request overrides apply) ---
  // How long the simulated upgrade takes, spread over its module steps.
  std::chrono::milliseconds processing_delay{1000};
  // When non-empty, processing ends with status failed and this reason.
  std::string fail_reason;
  // Processing ends cancelled; set on a live request, it cancels it at once (or at the next step).
  bool cancel = false;
  // The request is reported archived once it reaches a final state (set on a live request: at
  // once).
  bool archive = false;
  // Views deactivated by the upgrade: those whose xml id belongs to one of these modules, those
  // with one of these keys, and (flag) custom views without a module xml id.
  std::vector<std::string> deactivate_view_modules;
  std::vector<std::string> deactivate_view_keys;
  bool deactivate_custom_views = false;
  // Modules the upgrade marks uninstalled (third-party modules with no version for the target).
  std::vector<std::string> uninstall_modules;
  // Forces `is_pg_version_compatible`; unset compares the dump's pg_dump version with ours.
  std::optional<bool> pg_version_compatible;
  // A warning returned by `create` as `info`.
  std::string create_info;
  // An Odoo backup zip (dump.sql + filestore/, as Odoo's database manager writes it) of a real
  // upgraded database: processing returns it instead of its simulated upgrade. Absolute path; ""
  // for the simulated upgrade.
  std::string result_backup;

  // --- HTTP faults (global only) ---
  // Probability (0..1) that an API request is answered 503 without being handled.
  double http_error_rate = 0.0;
  // The next N API requests are answered 503 without being handled.
  int http_503_next = 0;
  // The next N API requests are handled, then answered 503 (the client never sees the result).
  int lose_response_next = 0;
  // The next N API responses are malformed JSON (after handling the request).
  int bad_json_next = 0;
  // Delay before every API response.
  std::chrono::milliseconds response_delay{0};

  // --- transfer faults (per-request overrides apply) ---
  // Cut an rsync transfer (kill it) after this many bytes went through the SSH channel...
  std::optional<std::uint64_t> cut_transfer_after_bytes;
  // ...for this many attempts per request (then transfers complete).
  int cut_transfer_times = 1;
};

// The scenario as JSON, with the key names of the admin endpoint (processing_delay_ms…).
nlohmann::json to_json(const Scenario& scenario);
// `base` with the keys of `patch` applied. Throws std::invalid_argument naming the key when a key
// is unknown or its value has the wrong type or range.
Scenario apply_patch(Scenario base, const nlohmann::json& patch);
// Checks that `patch` would apply (same errors as apply_patch) without keeping the result.
void validate_patch(const nlohmann::json& patch);
// True for keys that only make sense globally (HTTP faults).
bool is_global_key(const std::string& key);

} // namespace odoo_upgrade::sandbox
