#include <odoo_upgrade/core/request_rules.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace odoo_upgrade::core {

namespace {
using RS = RequestState;
} // namespace

std::string_view to_string(RequestStep step) {
  switch (step) {
  case RequestStep::dump:
    return "dump";
  case RequestStep::create:
    return "create";
  case RequestStep::ambiguous_create:
    return "ambiguous_create";
  case RequestStep::upload:
    return "upload";
  case RequestStep::process:
    return "process";
  case RequestStep::wait:
    return "wait";
  case RequestStep::download:
    return "download";
  case RequestStep::after_download:
    return "after_download";
  case RequestStep::end_failed:
    return "end_failed";
  case RequestStep::end_archived:
    return "end_archived";
  case RequestStep::end_unknown:
    return "end_unknown";
  case RequestStep::finished:
    return "finished";
  }
  return "finished";
}

bool needs_service_status(RequestState local) {
  return local == RS::created || local == RS::uploaded || local == RS::processing ||
         local == RS::done;
}

RequestStep
next_request_step(RequestState local, std::optional<ServiceState> service, bool archived) {
  if (is_final(local)) {
    return RequestStep::finished;
  }
  switch (local) {
  case RS::dumping:
    return RequestStep::dump;
  case RS::dumped:
    return RequestStep::create;
  case RS::creating:
    return RequestStep::ambiguous_create;
  case RS::downloaded:
  case RS::restoring:
  case RS::restored:
    return RequestStep::after_download;
  default:
    break;
  }
  // created, uploaded, processing, done: the service decides.
  ServiceState s = service.value_or(ServiceState::unknown);
  if (s == ServiceState::failed || s == ServiceState::cancelled) {
    return RequestStep::end_failed;
  }
  // An archived request's data is gone, also when it was done: nothing is left to download.
  if (archived) {
    return RequestStep::end_archived;
  }
  switch (s) {
  case ServiceState::created:
    // The service says "new" until `process` is called, also after a complete upload. An upload
    // recorded as finished goes on with `process`; anything else (re)uploads: rsync resumes.
    return local == RS::uploaded || local == RS::processing ? RequestStep::process
                                                            : RequestStep::upload;
  case ServiceState::pending:
  case ServiceState::progress:
    return RequestStep::wait;
  case ServiceState::done:
    return RequestStep::download;
  default:
    return RequestStep::end_unknown;
  }
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

std::chrono::milliseconds transfer_retry_delay(int attempt) {
  auto delay = std::chrono::milliseconds(2000);
  for (int i = 1; i < attempt && delay < std::chrono::milliseconds(30000); ++i) {
    delay *= 2;
  }
  return std::min(delay, std::chrono::milliseconds(30000));
}

} // namespace odoo_upgrade::core
