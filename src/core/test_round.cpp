#include <odoo_upgrade/core/test_round.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace odoo_upgrade::core {

namespace {

using RS = RoundState;

constexpr std::array<std::pair<RoundState, std::string_view>, 14> k_state_names{{
    {RS::dumping, "dumping"},
    {RS::dumped, "dumped"},
    {RS::creating, "creating"},
    {RS::created, "created"},
    {RS::uploaded, "uploaded"},
    {RS::processing, "processing"},
    {RS::done, "done"},
    {RS::downloaded, "downloaded"},
    {RS::restoring, "restoring"},
    {RS::restored, "restored"},
    {RS::tested, "tested"},
    {RS::failed, "failed"},
    {RS::cancelled, "cancelled"},
    {RS::abandoned, "abandoned"},
}};

} // namespace

std::string_view to_string(RoundState state) {
  for (const auto& [s, name] : k_state_names) {
    if (s == state) {
      return name;
    }
  }
  return "dumping";
}

std::optional<RoundState> parse_round_state(std::string_view text) {
  for (const auto& [s, name] : k_state_names) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool is_final(RoundState state) {
  return state == RS::tested || state == RS::failed || state == RS::cancelled ||
         state == RS::abandoned;
}

std::string_view to_string(RoundStep step) {
  switch (step) {
  case RoundStep::dump:
    return "dump";
  case RoundStep::create:
    return "create";
  case RoundStep::ambiguous_create:
    return "ambiguous_create";
  case RoundStep::upload:
    return "upload";
  case RoundStep::process:
    return "process";
  case RoundStep::wait:
    return "wait";
  case RoundStep::download:
    return "download";
  case RoundStep::restore:
    return "restore";
  case RoundStep::verify:
    return "verify";
  case RoundStep::end_failed:
    return "end_failed";
  case RoundStep::end_archived:
    return "end_archived";
  case RoundStep::end_unknown:
    return "end_unknown";
  case RoundStep::finished:
    return "finished";
  }
  return "finished";
}

bool needs_service_status(RoundState local) {
  return local == RS::created || local == RS::uploaded || local == RS::processing ||
         local == RS::done;
}

RoundStep next_round_step(RoundState local, std::optional<ServiceState> service, bool archived) {
  if (is_final(local)) {
    return RoundStep::finished;
  }
  switch (local) {
  case RS::dumping:
    return RoundStep::dump;
  case RS::dumped:
    return RoundStep::create;
  case RS::creating:
    return RoundStep::ambiguous_create;
  case RS::downloaded:
  case RS::restoring:
    return RoundStep::restore;
  case RS::restored:
    return RoundStep::verify;
  default:
    break;
  }
  // created, uploaded, processing, done: the service decides.
  ServiceState s = service.value_or(ServiceState::unknown);
  if (s == ServiceState::failed || s == ServiceState::cancelled) {
    return RoundStep::end_failed;
  }
  if (archived && s != ServiceState::done) {
    return RoundStep::end_archived;
  }
  switch (s) {
  case ServiceState::created:
    // The service says "new" until `process` is called, also after a complete upload. An upload
    // recorded as finished goes on with `process`; anything else (re)uploads: rsync resumes.
    return local == RS::uploaded || local == RS::processing ? RoundStep::process
                                                            : RoundStep::upload;
  case ServiceState::pending:
  case ServiceState::progress:
    return RoundStep::wait;
  case ServiceState::done:
    return RoundStep::download;
  default:
    return RoundStep::end_unknown;
  }
}

std::string
default_test_db_name(std::string_view production_db, std::string_view target, int round) {
  return std::string(production_db) + "_test_" + std::string(target) + "_r" + std::to_string(round);
}

std::string ssh_host_of(std::string_view host) {
  auto scheme = host.find("://");
  if (scheme != std::string_view::npos) {
    host.remove_prefix(scheme + 3);
  }
  auto slash = host.find('/');
  if (slash != std::string_view::npos) {
    host = host.substr(0, slash);
  }
  auto at = host.rfind('@');
  if (at != std::string_view::npos) {
    host.remove_prefix(at + 1);
  }
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return std::string(
        host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1));
  }
  // More than one colon without brackets: a bare IPv6 address, no port.
  if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  return std::string(host);
}

std::chrono::milliseconds next_poll_delay(std::chrono::milliseconds previous,
                                          std::chrono::milliseconds first,
                                          std::chrono::milliseconds max) {
  if (previous.count() <= 0) {
    return first;
  }
  return std::min(max, previous + previous / 2);
}

} // namespace odoo_upgrade::core
