// `status --all`: one table of many customers' projects, for consultants who run several.
#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/status.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;

constexpr const char* k_project_name = "odoo-upgrade.json";

// The project files a path names: the file itself, or in a folder its own project file and those
// of its sub-folders (one level: a folder per customer), sorted.
std::vector<stdfs::path> project_files(const std::string& given) {
  std::error_code ec;
  stdfs::path path(given);
  if (stdfs::is_regular_file(path, ec)) {
    return {path};
  }
  if (!stdfs::is_directory(path, ec)) {
    throw core::UsageError("--all '" + given + "' is neither a folder nor a project file");
  }
  std::vector<stdfs::path> found;
  if (stdfs::is_regular_file(path / k_project_name, ec)) {
    found.push_back(path / k_project_name);
  }
  for (const auto& entry : stdfs::directory_iterator(path, ec)) {
    if (entry.is_directory(ec) && stdfs::is_regular_file(entry.path() / k_project_name, ec)) {
      found.push_back(entry.path() / k_project_name);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

// True when `file` was already listed (the same folder given twice, a folder and its project
// file, another spelling of the same path); else records it.
bool listed_before(std::vector<stdfs::path>& listed, const stdfs::path& file) {
  std::error_code ec;
  stdfs::path key = stdfs::weakly_canonical(file, ec);
  if (ec) {
    key = stdfs::absolute(file).lexically_normal();
  }
  if (std::find(listed.begin(), listed.end(), key) != listed.end()) {
    return true;
  }
  listed.push_back(key);
  return false;
}

// One project's row: customer, phase, latest round, open findings of its latest UAT run, next.
json row_of(const stdfs::path& file) {
  json row = {{"project", file.string()}};
  try {
    core::Project project = adapters::fs::load_project(file);
    row["customer"] = project.customer();
    row["phase"] = std::string(core::to_string(project.phase()));
    row["next"] = core::next_step(project);
    row["last_round"] = nullptr;
    row["open_findings"] = nullptr;
    if (auto round = core::read_latest_round(project)) {
      row["last_round"] = {{"number", round->number},
                           {"state", std::string(core::to_string(round->state))}};
      auto uat = core::uat::find_uat(project);
      const auto* run = uat ? uat->round(round->number).latest_run() : nullptr;
      if (run != nullptr) {
        row["open_findings"] = {{"blocking", run->summary.blocking},
                                {"warning", run->summary.warning}};
      }
    }
  } catch (const core::Error& e) {
    // One broken project does not hide the others: its row says why, and so does stderr (with
    // -q too).
    row["error"] = e.what();
    spdlog::error("{}: {}", file.string(), e.what());
  }
  return row;
}

std::string round_cell(const json& row) {
  const auto& r = row.value("last_round", json());
  if (r.is_null()) {
    return "-";
  }
  // Appended, not `"#" + std::to_string(…)`: GCC 12 -O3's bogus -Wrestrict (GCC PR105651).
  std::string cell(1, '#');
  cell += std::to_string(r.value("number", 0));
  cell += ' ';
  cell += r.value("state", std::string());
  return cell;
}

std::string findings_cell(const json& row) {
  const auto& f = row.value("open_findings", json());
  if (f.is_null()) {
    return "-";
  }
  return std::to_string(f.value("blocking", 0LL)) + " blocking, " +
         std::to_string(f.value("warning", 0LL)) + " warn";
}

void print_table(std::ostream& os, const Output& out, const json& rows) {
  os << out.bold("CUSTOMER             PHASE              LAST ROUND     OPEN FINDINGS        "
                 "NEXT")
     << "\n";
  for (const auto& row : rows) {
    if (row.contains("error")) {
      os << out.red(row.value("project", "") + ": " + row.value("error", "")) << "\n";
      continue;
    }
    os << std::left << std::setw(20) << row.value("customer", "") << " " << std::setw(18)
       << row.value("phase", "") << " " << std::setw(14) << round_cell(row) << " " << std::setw(20)
       << findings_cell(row) << " " << row.value("next", "") << std::right << "\n";
    os << "  " << row.value("project", "") << "\n";
  }
}

} // namespace

int run_status_all(const StatusOptions& options, Context& ctx) {
  // Every project named, read without its lock (files are only ever replaced atomically).
  // Each project once, however often it is named.
  std::vector<stdfs::path> files;
  std::vector<stdfs::path> listed;
  for (const auto& given : options.all) {
    for (const auto& file : project_files(given)) {
      if (!listed_before(listed, file)) {
        files.push_back(file);
      }
    }
  }
  json rows = json::array();
  bool broken = false;
  for (const auto& file : files) {
    rows.push_back(row_of(file));
    broken = broken || rows.back().contains("error");
  }
  ctx.out.set_document("status-all");
  ctx.out.result({{"projects", rows}}, [&](std::ostream& os) {
    if (rows.empty()) {
      os << "no project found\n";
      return;
    }
    print_table(os, ctx.out, rows);
  });
  return broken ? static_cast<int>(core::ExitCode::filesystem) : 0;
}

} // namespace odoo_upgrade::commands
