#pragma once

#include <odoo_upgrade/core/request_record.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Pure rules of an upgrade request (test round or production request): which step comes next given
// what the project recorded and what the upgrade service reports, the waiting rules, and small
// naming helpers. The recorded states are core::RequestState (core/request_record.hpp).
namespace odoo_upgrade::core {

// What the service said about the request, as far as the next step depends on it.
enum class ServiceState { created, pending, progress, done, failed, cancelled, unknown };

// The next thing a request command does.
enum class RequestStep {
  dump,
  create,
  ambiguous_create, // refuse: a create may have happened; needs a human decision
  upload,
  process,
  wait, // poll status and stream logs until a final state
  download,
  after_download, // what the kind does with the result (restore and verify a test round; stop)
  end_failed,     // record failed/cancelled with the reason, exit 4
  end_archived,   // the service archived the request (its data is gone): only --abandon is left
  end_unknown,    // the service reports a state this client does not know
  finished,       // nothing to do (final request)
};
std::string_view to_string(RequestStep step);

// Decides the next step. `service` is what the latest status call returned; it is consulted only
// for the states in which the service decides (created…done) and must then be set.
RequestStep
next_request_step(RequestState local, std::optional<ServiceState> service, bool archived = false);
// True when the next step for `local` depends on the service's status.
bool needs_service_status(RequestState local);

// The SSH host of a service host as create/status return it: scheme, port and path removed
// ("https://127.0.0.1:8443/x" → "127.0.0.1", "[::1]:22" → "::1").
std::string ssh_host_of(std::string_view host);

// Delay before the next status poll: starts at `first`, grows by half each time up to `max`.
std::chrono::milliseconds next_poll_delay(std::chrono::milliseconds previous,
                                          std::chrono::milliseconds first,
                                          std::chrono::milliseconds max);

// Delay before transfer attempt `attempt` + 1 after attempt `attempt` (1-based) failed: 2 s,
// doubling, at most 30 s.
std::chrono::milliseconds transfer_retry_delay(int attempt);

} // namespace odoo_upgrade::core
