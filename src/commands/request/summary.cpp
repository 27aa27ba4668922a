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

void print_sent(std::ostream& os, const core::RequestRecord& r) {
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
  os << "  report     " << received.report_path.value_or("(none)") << "\n";
  const auto& t = r.timings;
  os << "  timings    dump " << format_timing(t.dump_s) << ", upload " << format_timing(t.upload_s)
     << ", processing " << format_timing(t.processing_s) << ", download "
     << format_timing(t.download_s) << ", restore " << format_timing(t.restore_s) << "\n";
  os << "next: " << core::next_step(project) << "\n";
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
  os << "next: " << core::next_step(project) << "\n";
}

} // namespace odoo_upgrade::commands::request
