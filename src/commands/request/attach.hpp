#pragma once

// Internal to the request room: a request created elsewhere, attached as a new record (--attach),
// and the fields every new record starts with.

#include "opening.hpp"

#include <odoo_upgrade/commands/request/runner.hpp>
#include <odoo_upgrade/core/request_record.hpp>

#include <optional>
#include <string>

namespace odoo_upgrade::commands::request {

// The fields every new request starts with (number, aim, target, state `dumping`, service URL,
// times `now`).
core::RequestRecord new_record(const RequestKind& kind,
                               const core::Project& project,
                               const ServiceSettings& settings,
                               const std::string& now);

// --attach: asks the service for the status of `options.attach_token` and records the request as
// a new record of `kind` in the state it reached (`processing` while the service is pending or in
// progress, `done` once done), with its token in the secrets file, so that the steps follow,
// download (and restore) it. Refuses, changing nothing: an unfinished record (PreconditionError 3),
// a request the service reports new (not processed yet: 3), failed, cancelled, archived or unknown
// (ServiceError 4), an --ssh-key that is not a private key file only its owner reads (UsageError
// 2). Returns std::nullopt after printing the plan of a --dry-run (the service is not asked).
std::optional<core::RequestRecord> attach_request(const RequestKind& kind,
                                                  const RequestOptions& options,
                                                  RequestSession& s,
                                                  const RequestPorts& ports,
                                                  Context& ctx);

} // namespace odoo_upgrade::commands::request
