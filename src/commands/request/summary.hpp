#pragma once

// Internal to the request room: how the result of a request reads on a terminal.

#include <odoo_upgrade/commands/context.hpp>
#include <odoo_upgrade/core/project.hpp>
#include <odoo_upgrade/core/request_record.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>

namespace odoo_upgrade::commands::request {

// The --json document of a request: its record with the project's phase and next step.
nlohmann::json summary_of(const core::RequestRecord& request, const core::Project& project);

// The request id as printed ("42"; "null" before `create` answered; "attached" for a request
// created elsewhere, whose id the service does not tell).
std::string request_id_text(const core::RequestRecord& request);

// "4m 05s" for a recorded timing, "-" when it was not recorded.
std::string format_timing(const std::optional<double>& seconds);

// A tested round: its database, request, checksums, filestore, report and timings, then the next
// step of `project`.
void print_tested(std::ostream& os,
                  const Output& out,
                  const core::RequestRecord& round,
                  const core::Project& project);

// A round blocked by the target Odoo (its module update failed or the database does not open):
// the reason, the per-module outcome, the logs, the timings, then what to do.
void print_blocked(std::ostream& os, const Output& out, const core::RequestRecord& round);

// A round stopped once downloaded (--no-restore): the dump, its checksum, the report and log, and
// how to restore it later.
void print_round_downloaded(std::ostream& os, const Output& out, const core::RequestRecord& round);

// A downloaded production request: its request, checksums and timings, then the next step.
void print_downloaded(std::ostream& os,
                      const Output& out,
                      const core::RequestRecord& request,
                      const core::Project& project);

} // namespace odoo_upgrade::commands::request
