#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Pure rules of a test round (`test-request`): its recorded states, which step comes next given
// what the project recorded and what the upgrade service reports, and small naming helpers.
namespace odoo_upgrade::core {

// Client-side state of a round, stored as `rounds[i].state`. Ordered as a round advances.
enum class RoundState {
  dumping,    // pg_dump of production under way (or interrupted)
  dumped,     // the dump is complete in rounds/N/
  creating,   // `create` was called; no answer recorded (may or may not exist on the service)
  created,    // the request exists (token saved); upload next
  uploaded,   // dump uploaded and transfer stopped; `process` next
  processing, // `process` was called; waiting for done/failed/cancelled
  done,       // the service finished; download next
  downloaded, // dump, filestore, report and log are local
  restoring,  // restore into the test database under way (the database is ours to redo)
  restored,   // restored and filestore merged; verification next
  tested,     // verified and handed over (final, success)
  failed,     // the service failed the request (final)
  cancelled,  // the service cancelled the request (final)
  abandoned,  // given up by the user (final)
};
std::string_view to_string(RoundState state);
std::optional<RoundState> parse_round_state(std::string_view text);
// True when nothing more happens in a round in this state (a new round may start).
bool is_final(RoundState state);

// What the service said about the round's request, as far as the next step depends on it.
enum class ServiceState { created, pending, progress, done, failed, cancelled, unknown };

// The next thing `test-request` does for a round.
enum class RoundStep {
  dump,
  create,
  ambiguous_create, // refuse: a create may have happened; needs a human decision
  upload,
  process,
  wait, // poll status and stream logs until a final state
  download,
  restore,
  verify,
  end_failed,   // record failed/cancelled with the reason, exit 4
  end_archived, // the request was archived before it was done: it cannot be resumed
  end_unknown,  // the service reports a state this client does not know
  finished,     // nothing to do (final round)
};
std::string_view to_string(RoundStep step);

// Decides the next step. `service` is what the latest status call returned; it is consulted only
// for the states in which the service decides (created…done) and must then be set.
RoundStep
next_round_step(RoundState local, std::optional<ServiceState> service, bool archived = false);
// True when the next step for `local` depends on the service's status.
bool needs_service_status(RoundState local);

// Default name of a round's test database: "<db>_test_<target>_r<round>".
std::string
default_test_db_name(std::string_view production_db, std::string_view target, int round);

// The SSH host of a service host as create/status return it: scheme, port and path removed
// ("https://127.0.0.1:8443/x" → "127.0.0.1", "[::1]:22" → "::1").
std::string ssh_host_of(std::string_view host);

// Delay before the next status poll: starts at `first`, grows by half each time up to `max`.
std::chrono::milliseconds next_poll_delay(std::chrono::milliseconds previous,
                                          std::chrono::milliseconds first,
                                          std::chrono::milliseconds max);

} // namespace odoo_upgrade::core
