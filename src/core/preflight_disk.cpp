#include <odoo_upgrade/core/preflight_disk.hpp>
#include <odoo_upgrade/core/time.hpp>

#include <algorithm>
#include <map>

namespace odoo_upgrade::core {

namespace {

std::string bytes(std::uint64_t n) {
  return format_bytes(static_cast<long long>(n));
}

// The filesystem a step writes to: its device when known, else its path.
std::string place_of(const DiskStep& s) {
  return s.device ? "dev:" + std::to_string(*s.device) : "path:" + s.path;
}

} // namespace

std::vector<DiskStep> round_disk_steps(const std::string& work_dir,
                                       const std::string& pg_data,
                                       const std::string& data_dir,
                                       std::uint64_t dump_bytes,
                                       std::uint64_t database_bytes,
                                       std::uint64_t filestore_bytes) {
  return {
      {"dump", work_dir, dump_bytes, std::nullopt, std::nullopt},
      {"download", work_dir, dump_bytes, std::nullopt, std::nullopt},
      {"restore", pg_data, database_bytes, std::nullopt, std::nullopt},
      {"filestore copy", data_dir, filestore_bytes, std::nullopt, std::nullopt},
  };
}

CheckResult check_disk_per_step(const std::vector<DiskStep>& steps) {
  CheckResult r{"disk_per_step", "disk space for every step", Severity::ok, "", ""};
  std::map<std::string, std::uint64_t> need;
  for (const auto& s : steps) {
    need[place_of(s)] += s.need;
  }
  nlohmann::json list = nlohmann::json::array();
  std::string text;
  std::string short_of;
  for (const auto& s : steps) {
    bool known = s.free.has_value() && !s.path.empty();
    std::string where = s.path.empty() ? std::string("the cluster's data directory") : s.path;
    text += (text.empty() ? "" : "; ") + s.step + " " + bytes(s.need) + " in " + where + " (" +
            (known ? bytes(*s.free) + " free" : std::string("free space cannot be known")) + ")";
    list.push_back({{"step", s.step},
                    {"path", s.path},
                    {"need_bytes", s.need},
                    {"free_bytes", known ? nlohmann::json(*s.free) : nlohmann::json(nullptr)}});
    std::uint64_t total = need[place_of(s)];
    if (known && *s.free < total && short_of.empty()) {
      short_of = where + ": need " + bytes(total) + ", have " + bytes(*s.free);
    }
  }
  r.message = text;
  r.extra = {{"steps", list}};
  if (!short_of.empty()) {
    r.status = Severity::blocking;
    r.message = "not enough space on " + short_of + " (" + text + ")";
    r.hint = "free space there, or choose another --work-dir / --data-dir";
  }
  return r;
}

std::uint64_t earlier_dump_estimate(const std::vector<RequestRecord>& rounds, int compression) {
  std::uint64_t largest = 0;
  for (const auto& round : rounds) {
    std::string source = round.dump.source.value_or("");
    int level = round.dump.compression.value_or(k_unrecorded_dump_compression);
    if ((source == "pg_dump" || source == "runbook-scratch") && level <= compression) {
      largest = std::max(largest, round.dump.bytes.value_or(0));
    }
  }
  return largest + largest / 10;
}

bool sent_dump_estimates_download(const SentDump& sent) {
  return sent.bytes && sent.compression.value_or(k_unrecorded_dump_compression) > 0;
}

} // namespace odoo_upgrade::core
