#pragma once

#include <odoo_upgrade/core/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Odoo's upgrade service (upgrade.odoo.com), in domain terms: requests, their states, transfers
// and logs. The real implementation is adapters/http/upgrade_service_client; tests use fakes. No
// HTTP status, JSON or URL appears here.
namespace odoo_upgrade::ports {

// Server-side state of an upgrade request (`status` on the wire). `created` is spelled "new".
enum class RequestState { created, pending, progress, done, failed, cancelled, unknown };
inline std::string_view to_string(RequestState state) {
  switch (state) {
  case RequestState::created:
    return "new";
  case RequestState::pending:
    return "pending";
  case RequestState::progress:
    return "progress";
  case RequestState::done:
    return "done";
  case RequestState::failed:
    return "failed";
  case RequestState::cancelled:
    return "cancelled";
  case RequestState::unknown:
    break;
  }
  return "unknown";
}
// Parses a wire status ("new", "pending"…); RequestState::unknown for anything else.
inline RequestState parse_request_state(std::string_view text) {
  for (auto s : {RequestState::created,
                 RequestState::pending,
                 RequestState::progress,
                 RequestState::done,
                 RequestState::failed,
                 RequestState::cancelled}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return RequestState::unknown;
}

// What `create` sends.
struct CreateRequestParams {
  std::string contract;
  std::string target; // "18.0"
  std::string aim;    // "test" or "production"
  std::vector<std::string> env_vars;
  std::string ssh_public_key; // OpenSSH public key text; authorises the later rsync transfers
};

struct CreatedRequest {
  long long request_id = 0;
  std::string token; // secret
  std::string host;  // assigned host ("upgrade-eu1.odoo.com", or "127.0.0.1:8443" for the sandbox)
  std::string info;  // optional warning from the service
};

enum class TransferDirection { upload, download };

// An open transfer window: where rsync over SSH may connect.
struct TransferGrant {
  int ssh_port = 22;
  std::string known_hosts; // known_hosts file text for strict host-key checking
  std::string dump_name;   // download only: the upgraded dump's name in /data
};

struct RequestStatus {
  RequestState state = RequestState::unknown;
  std::string state_text; // as the service spelled it
  std::string reason;     // why it failed / was cancelled (may be empty)
  bool archived = false;  // the request can no longer be resumed
  std::string host;       // the request's host, for pinning
};

// Thrown by `create_request` when the call may or may not have created a request (timeout after
// sending, 5xx, unreadable answer). Never retried automatically: the caller must not create again
// without a human decision.
class AmbiguousCreateError : public core::ServiceError {
public:
  using core::ServiceError::ServiceError;
};

// The upgrade service. Every call throws core::ServiceError (exit 4) with the service's message on
// an application error; transport errors and 5xx answers are retried inside the implementation for
// every call except `create_request`.
class UpgradeService {
public:
  virtual ~UpgradeService() = default;

  // Creates a request; pins later calls to the assigned host. Throws AmbiguousCreateError when it
  // cannot tell whether the request was created.
  virtual CreatedRequest create_request(const CreateRequestParams& params) = 0;
  // Opens an rsync-over-SSH transfer window for the request.
  virtual TransferGrant start_transfer(const std::string& token, TransferDirection direction) = 0;
  // Closes the transfer window (after a successful rsync).
  virtual void stop_transfer(const std::string& token) = 0;
  // Starts processing; returns whether the upgraded dump can be restored with the local PostgreSQL
  // (`is_pg_version_compatible`).
  virtual bool process(const std::string& token) = 0;
  // The request's status; pins later calls to the host the service reports.
  virtual RequestStatus status(const std::string& token) = 0;
  // The service's upgrade log from byte `from_byte` on (empty when there is nothing new).
  virtual std::string logs(const std::string& token, std::uint64_t from_byte) = 0;
  // Sends later calls to `host` (a bare host[:port] as create/status return it).
  virtual void pin_host(const std::string& host) = 0;
};

} // namespace odoo_upgrade::ports
