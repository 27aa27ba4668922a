#include "summary.hpp"

#include <odoo_upgrade/core/time.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <chrono>
#include <cmath>
#include <ostream>

namespace odoo_upgrade::commands::request {

namespace {

long long bytes_of(const std::optional<std::uint64_t>& bytes) {
  return static_cast<long long>(bytes.value_or(0));
}

// The target Odoo's steps: the outcome, each module not updated, the logs.
void print_target_odoo(std::ostream& os, const core::RequestRecord& r) {
  if (!r.target_odoo) {
    return;
  }
  const auto& t = *r.target_odoo;
  os << "  target     " << t.message << "\n";
  if (t.update) {
    for (const auto& m : t.update->modules) {
      if (m.outcome != core::ModuleOutcome::updated) {
        os << "             " << m.name << ": " << core::to_string(m.outcome)
           << (m.error.empty() ? "" : ": " + m.error.one_line()) << "\n";
      }
    }
    for (const auto& [kind, count] : t.update->warnings) {
      os << "             " << count << " warning(s) " << kind << "\n";
    }
  }
  if (!t.update_log.empty()) {
    os << "             update log " << t.update_log << "\n";
  }
  if (!t.http_log.empty()) {
    os << "             server log " << t.http_log << "\n";
  }
}

// The hops that moved a dump, one line each: "upload 82.0 MB in 4.1s, 20.0 MB/s"; then the size
// of production's database they were measured at.
void print_rates(std::ostream& os, const core::Timings& t) {
  const char* label = "  rates      ";
  for (const auto& hop : core::timing_hops()) {
    if (hop.bytes == nullptr || !(t.*hop.bytes)) {
      continue; // processing moves none of our bytes; a hop not measured
    }
    const auto& rate = t.*hop.rate;
    os << label << hop.name << " " << core::format_bytes(bytes_of(t.*hop.bytes)) << " in "
       << format_timing(t.*hop.seconds) << ", "
       << (rate ? core::format_bytes(std::llround(*rate)) + "/s" : std::string("rate unknown"))
       << "\n";
    label = "             ";
  }
  if (t.database_bytes) {
    os << label << "(production's database " << core::format_bytes(bytes_of(t.database_bytes))
       << ")\n";
  }
}

void print_timings(std::ostream& os, const core::Timings& t) {
  os << "  timings    dump " << format_timing(t.dump_s) << ", upload " << format_timing(t.upload_s)
     << ", processing " << format_timing(t.processing_s) << ", download "
     << format_timing(t.download_s) << ", restore " << format_timing(t.restore_s);
  if (t.update_s || t.open_s) {
    os << ", update " << format_timing(t.update_s) << ", open " << format_timing(t.open_s);
  }
  os << "\n";
  print_rates(os, t);
}

void print_sent(std::ostream& os, const core::RequestRecord& r) {
  if (r.attached_at && !r.dump.sha256) {
    os << "  sent       elsewhere (attached at " << *r.attached_at << ")\n";
    return;
  }
  os << "  sent       " << core::format_bytes(bytes_of(r.dump.bytes)) << " sha256 "
     << r.dump.sha256.value_or("") << "\n";
}

} // namespace

nlohmann::json summary_of(const core::RequestRecord& request, const core::Project& project) {
  nlohmann::json doc = core::to_json(request);
  doc["phase"] = std::string(core::to_string(project.phase()));
  doc["next"] = core::next_step(project);
  return doc;
}

std::string request_id_text(const core::RequestRecord& r) {
  if (!r.request_id && r.attached_at) {
    return "attached";
  }
  return r.request_id ? std::to_string(*r.request_id) : std::string("null");
}

std::string format_timing(const std::optional<double>& seconds) {
  if (!seconds) {
    return "-";
  }
  return core::format_duration(
      std::chrono::milliseconds(static_cast<long long>(std::llround(*seconds * 1000))));
}

void print_tested(std::ostream& os,
                  const Output& out,
                  const core::RequestRecord& r,
                  const core::Project& project) {
  const auto& v = r.verification.value_or(core::Verification{});
  const auto& received = r.received;
  os << out.green("round " + std::to_string(r.number) + " tested") << ": database '"
     << r.test_db.value_or("") << "' (" << v.series << ", neutralized by "
     << r.neutralized_by.value_or("") << ")\n";
  os << "  request    " << request_id_text(r) << " on " << r.host << "\n";
  print_sent(os, r);
  os << "  received   dump sha256 " << (received.dump ? received.dump->sha256 : "") << "\n";
  os << "             filestore " << (received.filestore ? received.filestore->files : 0)
     << " files returned, " << r.filestore_files.value_or(0) << " in "
     << r.filestore_path.value_or("") << "\n";
  if (r.filestore_mode) {
    os << "             made by " << *r.filestore_mode << " ("
       << core::format_bytes(static_cast<long long>(r.filestore_copied_bytes.value_or(0)))
       << " copied)\n";
  }
  os << "  report     " << received.report_path.value_or("(none)") << "\n";
  print_target_odoo(os, r);
  print_timings(os, r.timings);
  os << "next: " << core::next_step(project) << "\n";
}

void print_blocked(std::ostream& os, const Output& out, const core::RequestRecord& r) {
  os << out.red("round " + std::to_string(r.number) + " blocked") << ": database '"
     << r.test_db.value_or("") << "' is restored but the target Odoo "
     << (r.target_odoo && r.target_odoo->state == core::TargetOdooState::open_failed
             ? "cannot open it"
             : "cannot update its modules")
     << "\n";
  print_target_odoo(os, r);
  print_timings(os, r.timings);
  os << "next: fix the modules or the settings (odoo-upgrade config), then re-run "
        "'odoo-upgrade test-request' (it retries the target Odoo only); or give the round up "
        "with 'odoo-upgrade test-request --abandon'\n";
}

void print_round_downloaded(std::ostream& os, const Output& out, const core::RequestRecord& r) {
  const auto& received = r.received;
  os << out.green("round " + std::to_string(r.number) + " downloaded")
     << " (not restored): request " << request_id_text(r) << " on " << r.host << "\n";
  print_sent(os, r);
  os << "  received   " << (received.dump ? received.dump->path : "") << "\n"
     << "             sha256 " << (received.dump ? received.dump->sha256 : "") << " (verified)\n";
  os << "             filestore " << (received.filestore ? received.filestore->files : 0)
     << " files returned\n";
  os << "  report     " << received.report_path.value_or("(none)") << "\n";
  os << "  log        " << received.log_path.value_or("(none)") << "\n";
  os << "next: odoo-upgrade test-request --restore-only (restores into '" << r.test_db.value_or("")
     << "')\n";
}

void print_downloaded(std::ostream& os,
                      const Output& out,
                      const core::RequestRecord& r,
                      const core::Project& project) {
  const auto& received = r.received;
  os << out.green("production request " + std::to_string(r.number) + " downloaded") << ": request "
     << request_id_text(r) << " on " << r.host << "\n";
  print_sent(os, r);
  os << "  received   " << (received.dump ? received.dump->path : "") << "\n"
     << "             sha256 " << (received.dump ? received.dump->sha256 : "") << "\n";
  os << "             filestore " << (received.filestore ? received.filestore->files : 0)
     << " files returned\n";
  const auto& t = r.timings;
  os << "  timings    dump " << format_timing(t.dump_s) << ", upload " << format_timing(t.upload_s)
     << ", processing " << format_timing(t.processing_s) << ", download "
     << format_timing(t.download_s) << "\n";
  print_rates(os, t);
  os << "next: " << core::next_step(project) << "\n";
}

} // namespace odoo_upgrade::commands::request
