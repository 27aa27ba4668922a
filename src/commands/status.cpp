#include <odoo_upgrade/adapters/fs/project_store.hpp>
#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/status.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>

#include <cstdlib>
#include <iomanip>
#include <optional>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& fallback = "-") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return fallback;
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// `text`, or "-" when it is empty or "none" (not known).
std::string or_dash(std::string_view text) {
  return text.empty() || text == "none" ? std::string("-") : std::string(text);
}

// The freeze, production request and go-live lines, once the go-live chain started.
void print_freeze_to_golive(std::ostream& os, const Output& out, const core::Project& project) {
  if (project.find_section("freeze") != nullptr) {
    core::FreezeRecord freeze = core::read_freeze(project);
    os << out.bold("Freeze") << "    " << or_dash(core::to_string(freeze.state)) << " (database "
       << or_dash(freeze.database) << ", frozen at " << or_dash(freeze.frozen_at) << ")\n";
  }
  if (const auto* prod = project.find_section("production"); prod != nullptr) {
    os << out.bold("Production request") << "  " << str(*prod, "state") << ", request "
       << str(*prod, "request_id") << "\n";
  }
  if (project.find_section("golive") != nullptr) {
    core::GoliveRecord golive = core::read_golive(project);
    os << out.bold("Go-live") << "   " << or_dash(core::to_string(golive.state)) << " at "
       << or_dash(golive.live_at) << "; pre-upgrade database kept as "
       << or_dash(golive.pre_upgrade_db) << "\n";
  }
}

void print_status(std::ostream& os,
                  const Output& out,
                  const core::Project& project,
                  const StatusOptions& options) {
  const auto& doc = project.doc();
  const nlohmann::json empty = nlohmann::json::object();
  const auto& src = doc.contains("source") ? doc["source"] : empty;
  os << out.bold("Customer ") << project.customer() << "\n";
  os << "  database   " << str(src, "dbname") << " (" << str(src, "edition") << ", "
     << core::format_bytes(src.value("database_size_bytes", 0LL)) << ")\n";
  os << "  upgrade    " << project.source_version() << " -> " << project.target_version() << "\n";
  os << "  phase      " << out.bold(std::string(core::to_string(project.phase()))) << "\n";
  if (src.contains("modules")) {
    int third = 0;
    std::string names;
    for (const auto& m : src["modules"]) {
      if (m.value("origin", "") == "third_party") {
        ++third;
        names += (names.empty() ? "" : ", ") + m.value("name", "");
      }
    }
    os << "  modules    " << src["modules"].size() << " installed, " << third << " third-party"
       << (third > 0 ? " (" + names + ")" : "") << "\n";
  }
  if (doc.contains("preflight")) {
    int failed = 0;
    for (const auto& c : doc["preflight"]) {
      failed += c.value("status", "") == "fail" ? 1 : 0;
    }
    if (failed > 0) {
      os << "  preflight  " << out.red(std::to_string(failed) + " check(s) failed at initiate")
         << "\n";
    }
  }

  const auto* rounds = project.find_section("rounds");
  os << "\n" << out.bold("Test rounds") << "\n";
  if (rounds == nullptr || rounds->empty()) {
    os << "  none yet\n";
  } else {
    for (const auto& r : *rounds) {
      os << "  #" << r.value("number", 0) << "  " << std::left << std::setw(12) << str(r, "state")
         << std::right << " request " << str(r, "request_id") << "  test db " << str(r, "test_db")
         << "\n";
      if (r.contains("reason") && !r["reason"].is_null()) {
        os << "       reason: " << str(r, "reason") << "\n";
      }
    }
  }

  // The go-live chain, once it started: one line per section.
  const auto* uat = project.find_section("uat");
  if (uat != nullptr && uat->contains("signoff") && (*uat)["signoff"].is_object()) {
    const auto& signoff = (*uat)["signoff"];
    os << "\n"
       << out.bold("Sign-off") << "  round " << str(signoff, "round") << " by "
       << str(signoff, "by") << " at " << str(signoff, "at")
       << (signoff.value("forced", false) ? " (forced)" : "") << "\n";
  }
  print_freeze_to_golive(os, out, project);

  const auto& history = doc["history"];
  os << "\n" << out.bold("History") << " (last " << options.history << ")\n";
  std::size_t start = history.size() > static_cast<std::size_t>(options.history)
                          ? history.size() - static_cast<std::size_t>(options.history)
                          : 0;
  for (std::size_t i = start; i < history.size(); ++i) {
    const auto& e = history[i];
    os << "  " << str(e, "at") << "  " << std::left << std::setw(14) << str(e, "command")
       << std::right << str(e, "outcome") << "\n";
  }
  os << "\nnext: " << core::next_step(project) << "\n";
}

} // namespace

int run_status(const StatusOptions& options, Context& ctx) {
  // Reading is safe without the lock: the file is only ever replaced atomically.
  core::Project project = adapters::fs::load_project(ctx.project_path());
  nlohmann::json refreshed;
  if (options.refresh) {
    // Refreshing writes the round: take the lock and reload under it.
    adapters::fs::ProjectLock lock(ctx.project_path());
    project = adapters::fs::load_project(ctx.project_path());
    auto env = [](const char* name) -> std::optional<std::string> {
      const char* v = std::getenv(name);
      return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
    };
    auto settings = resolve_service_settings(project,
                                             {env("ODOO_UPGRADE_SERVICE_URL"),
                                              env("ODOO_UPGRADE_CA_FILE"),
                                              env("ODOO_UPGRADE_DATA_SERVER_USER")});
    refreshed = refresh_latest_round(project, ctx.project_path(), settings, ctx);
    adapters::fs::save_project(ctx.project_path(), project);
  }
  const auto& doc = project.doc();
  nlohmann::json result = {
      {"customer", project.customer()},
      {"phase", std::string(core::to_string(project.phase()))},
      {"source_version", project.source_version()},
      {"target_version", project.target_version()},
      {"next", core::next_step(project)},
      {"rounds", doc.contains("rounds") ? doc["rounds"] : nlohmann::json::array()},
      {"history", doc["history"]},
  };
  if (const auto* src = project.find_section("source")) {
    result["database"] = src->value("dbname", "");
    result["edition"] = src->value("edition", "");
    nlohmann::json third = nlohmann::json::array();
    for (const auto& m : src->value("modules", nlohmann::json::array())) {
      if (m.value("origin", "") == "third_party") {
        third.push_back(m.value("name", ""));
      }
    }
    result["third_party_modules"] = third;
  }
  for (const char* section : {"uat", "freeze", "production", "golive"}) {
    if (const auto* s = project.find_section(section)) {
      result[section] = *s;
    }
  }
  if (options.refresh) {
    result["refreshed"] = refreshed;
  }
  std::optional<std::string> token;
  if (options.show_token) {
    const auto* round = project.latest_round();
    token = round != nullptr ? round_token(ctx.project_path(), round->value("number", 0))
                             : std::nullopt;
    if (!token) {
      throw core::PreconditionError("there is no request token to show",
                                    "a token exists once 'odoo-upgrade test-request' created a "
                                    "request");
    }
    result["token"] = *token;
  }
  ctx.out.result(result, [&](std::ostream& os) {
    print_status(os, ctx.out, project, options);
    if (!refreshed.is_null()) {
      os << "service    round " << refreshed.value("round", 0) << ", request "
         << refreshed.value("request_id", nlohmann::json()).dump() << ": "
         << refreshed.value("status", "")
         << (refreshed.value("reason", "").empty() ? ""
                                                   : " (" + refreshed.value("reason", "") + ")")
         << "\n";
    }
    if (token) {
      os << "token      " << *token << "\n";
    }
  });
  return 0;
}

} // namespace odoo_upgrade::commands
