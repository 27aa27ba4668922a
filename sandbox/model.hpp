#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Pure domain logic of the sandbox platform: request states, the checks each endpoint makes before
// it changes a request, and the validation of `create` parameters. Nothing here does I/O, so the
// whole protocol contract is unit-tested without servers (tests/unit/test_sandbox_model.cpp).
namespace odoo_upgrade::sandbox {

// Server-side request status, as reported by `upgrade/request/status`. `created` is spelled "new"
// on the wire (the request exists and waits for its upload and for `process`).
enum class Status { created, pending, progress, done, failed, cancelled };

std::string_view to_string(Status status);
// Parses a wire status ("new", "pending"…); std::nullopt for anything else.
std::optional<Status> parse_status(std::string_view text);
// True for done, failed and cancelled: nothing moves a request out of these.
bool is_terminal(Status status);

enum class Aim { test, production };
std::string_view to_string(Aim aim);
std::optional<Aim> parse_aim(std::string_view text);

enum class TransferType { upload, download };
std::string_view to_string(TransferType type);
std::optional<TransferType> parse_transfer_type(std::string_view text);

// An Odoo release series: "17.0" is {17, 0}; "saas~17.2" is {17, 2}.
struct Series {
  int major = 0;
  int minor = 0;
  auto operator<=>(const Series&) const = default;
};

// Parses a series name ("17.0", "saas~17.2"); std::nullopt when it is not one.
std::optional<Series> parse_series(std::string_view text);
// The series a module version starts with: "17.0.1.3" gives 17.0 and "saas~17.2.1.0" gives 17.2.
// std::nullopt when `version` does not start with a series.
std::optional<Series> series_of_version(std::string_view version);
// The series the sandbox accepts as targets when none are given on the command line.
std::vector<std::string> default_target_series();

// The checked parameters of `upgrade/request/create`.
struct CreateParams {
  std::string contract;
  std::string target;
  Aim aim = Aim::test;
  std::string actuator;
  std::vector<std::string> env_vars;
  std::string ssh_key; // normalised "TYPE BASE64" (the comment is dropped)
  std::string api_version;
};

// Why a call is refused. `application` errors go back as {"result": {"error": message}}, the
// service's own channel for refusals. `server` errors are what Odoo's JSON-RPC layer produces for
// a malformed call (missing or unexpected argument, wrong type): {"error": {"code": 200, "message":
// "Odoo Server Error", "data": {"name": name, "message": message}}}.
struct ApiError {
  enum class Kind { application, server };
  Kind kind = Kind::application;
  std::string message;
  std::string name = "odoo.exceptions.UserError";
};

ApiError application_error(std::string message);
ApiError server_error(std::string name, std::string message);

// Checks that `params` (the JSON-RPC `params` member) holds every required argument of `endpoint`
// and no unknown one, as Python would when Odoo calls the route with them as keyword arguments.
// Returns a server error shaped like Python's TypeError, or std::nullopt.
std::optional<ApiError> check_arguments(std::string_view endpoint,
                                        const nlohmann::json& params,
                                        const std::vector<std::string>& required,
                                        const std::vector<std::string>& optional);

// Normalises an OpenSSH public key to "TYPE BASE64". std::nullopt when `text` is not a single
// public key of a known type (this text ends up in authorized_keys, so nothing else gets through).
std::optional<std::string> normalise_public_key(std::string_view text);

// Validates the arguments of `create`. `known_targets` lists the accepted target series and
// `contracts`, when non-empty, the accepted subscription codes.
struct CreateCheck {
  std::optional<CreateParams> params;
  std::optional<ApiError> error;
};
CreateCheck check_create(const nlohmann::json& params,
                         const std::vector<std::string>& known_targets,
                         const std::vector<std::string>& contracts);

// The parts of a request the endpoint checks look at.
struct RequestFacts {
  Status status = Status::created;
  bool archived = false;
  bool dump_uploaded = false; // a dump named origin.* is in the request's data folder
};

// `transfer/start`: uploads are allowed while the request is new, downloads once it is done.
std::optional<ApiError> check_transfer_start(const RequestFacts& facts, TransferType type);
// `process`: the request must be new, not archived, and hold an uploaded dump.
std::optional<ApiError> check_process(const RequestFacts& facts);
// `wipe`: refused while the request is being processed.
std::optional<ApiError> check_wipe(const RequestFacts& facts);

// Whether an upgrade from `source` to `target` makes sense: the target must be a later series.
std::optional<std::string> check_upgrade_path(const std::string& source_version,
                                              const std::string& target);

// The module version after the upgrade: the series prefix of `version` replaced by `target`
// ("17.0.1.3" → "18.0.1.3"). Versions that do not start with a series are returned unchanged.
std::string upgraded_version(std::string_view version, std::string_view target);

// A byte range "bytes=START-" or "bytes=START-LAST" (LAST inclusive).
struct ByteRange {
  std::uint64_t start = 0;
  std::optional<std::uint64_t> last;
};
// Parses an HTTP Range header. An empty header is the whole content ({0, none}); std::nullopt for
// a header the logs endpoint does not support (several ranges, suffix ranges, other units).
std::optional<ByteRange> parse_range(std::string_view header);

} // namespace odoo_upgrade::sandbox

namespace odoo_upgrade::sandbox {

// One SSH key allowed to run a forced command (an open transfer of a request).
struct KeyGrant {
  long long sequence = 0; // later grants win when two share a key
  std::string public_key; // "TYPE BASE64"
  std::string command;    // the forced command
};

// authorized_keys content for `grants`: one `command="…",restrict KEY` line per distinct key,
// the most recent grant first (sshd uses the first line that matches a key).
std::string authorized_keys_text(std::vector<KeyGrant> grants);

} // namespace odoo_upgrade::sandbox
