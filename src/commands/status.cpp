#include <odoo_upgrade/commands/request.hpp>
#include <odoo_upgrade/commands/runbook.hpp>
#include <odoo_upgrade/commands/session.hpp>
#include <odoo_upgrade/commands/status.hpp>
#include <odoo_upgrade/core/error.hpp>
#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/transitions.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>

namespace odoo_upgrade::commands {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    s += (s.empty() ? "" : ", ") + n;
  }
  return s;
}

void print_overview(std::ostream& os, const Output& out, const core::Project& project) {
  auto src = core::find_source(project);
  os << out.bold("Customer ") << project.customer() << "\n";
  if (src) {
    os << "  database   " << src->dbname << " (" << core::to_string(src->edition) << ", "
       << core::format_bytes(src->database_size_bytes) << ")\n";
  } else {
    os << "  database   - (-, " << core::format_bytes(0) << ")\n";
  }
  os << "  upgrade    " << project.source_version() << " -> " << project.target_version() << "\n";
  os << "  phase      " << out.bold(std::string(core::to_string(project.phase()))) << "\n";
  if (src) {
    auto third = src->module_names(core::ModuleOrigin::third_party);
    os << "  modules    " << src->modules.size() << " installed, " << third.size() << " third-party"
       << (third.empty() ? "" : " (" + joined(third) + ")") << "\n";
  }
  auto checks = core::read_preflight(project);
  auto blocking = std::count_if(checks.begin(), checks.end(), [](const core::CheckResult& c) {
    return c.status == core::Severity::blocking;
  });
  if (blocking > 0) {
    os << "  preflight  " << out.red(std::to_string(blocking) + " check(s) blocking at initiate")
       << "\n";
  }
}

// "-" for a request id not known yet.
std::string request_id(const core::RequestRecord& r) {
  return r.request_id ? std::to_string(*r.request_id) : "-";
}

// Where a round's upgrade report and logs are once it has them (the service log of a request not
// downloaded yet: `odoo-upgrade log`), how it was attached, what it sent.
void print_round_files(std::ostream& os, const core::RequestRecord& r) {
  if (r.attached_at) {
    os << "       attached at " << *r.attached_at << " (created elsewhere)\n";
  }
  if (!r.env_vars.empty()) {
    os << "       env:    " << joined(r.env_vars) << "\n";
  }
  if (r.received.report_path) {
    os << "       report: " << *r.received.report_path << "\n";
  }
  if (r.received.log_path) {
    os << "       log:    " << *r.received.log_path << "\n";
  } else if (r.request_id || r.attached_at) {
    os << "       log:    odoo-upgrade log --round " << r.number << "\n";
  }
}

void print_rounds(std::ostream& os, const Output& out, const core::Project& project) {
  auto rounds = core::read_rounds(project);
  os << "\n" << out.bold("Test rounds") << "\n";
  if (rounds.empty()) {
    os << "  none yet\n";
    return;
  }
  for (const auto& r : rounds) {
    os << "  #" << r.number << "  " << std::left << std::setw(12) << core::to_string(r.state)
       << std::right << " request " << request_id(r) << "  test db " << r.test_db.value_or("-")
       << "\n";
    if (r.reason) {
      os << "       reason: " << *r.reason << "\n";
    }
    print_round_files(os, r);
  }
}

// The runbook's steps and the last result of each, once the project has a runbook.
void print_runbook(std::ostream& os, const Output& out, const core::Project& project) {
  if (project.find_section("runbook") == nullptr) {
    return;
  }
  os << "\n" << out.bold("Runbook") << "\n";
  print_runbook_steps(os, runbook_list_json(project)["steps"], "  ");
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
  if (auto production = core::read_production(project)) {
    os << out.bold("Production request") << "  " << core::to_string(production->request.state)
       << ", request " << request_id(production->request) << "\n";
  }
  if (project.find_section("golive") != nullptr) {
    core::GoliveRecord golive = core::read_golive(project);
    os << out.bold("Go-live") << "   " << or_dash(core::to_string(golive.state)) << " at "
       << or_dash(golive.live_at) << "; pre-upgrade database kept as "
       << or_dash(golive.pre_upgrade_db) << "\n";
  }
}

// The go-live chain, once it started: one line per section.
void print_golive_chain(std::ostream& os, const Output& out, const core::Project& project) {
  if (auto signoff = core::uat::read_uat(project).signoff) {
    os << "\n"
       << out.bold("Sign-off") << "  round " << signoff->round << " by " << signoff->by << " at "
       << signoff->at << (signoff->forced ? " (forced)" : "") << "\n";
  }
  print_freeze_to_golive(os, out, project);
}

void print_history(std::ostream& os, const Output& out, const core::Project& project, int shown) {
  auto history = project.history();
  os << "\n" << out.bold("History") << " (last " << shown << ")\n";
  std::size_t start = history.size() > static_cast<std::size_t>(shown)
                          ? history.size() - static_cast<std::size_t>(shown)
                          : 0;
  // The outcome column starts two spaces after the longest command shown ("runbook remove").
  std::size_t width = 1;
  for (std::size_t i = start; i < history.size(); ++i) {
    width = std::max(width, history[i].command.size());
  }
  for (std::size_t i = start; i < history.size(); ++i) {
    const auto& e = history[i];
    os << "  " << (e.at.empty() ? "-" : e.at) << "  " << std::left
       << std::setw(static_cast<int>(width + 2)) << (e.command.empty() ? "-" : e.command)
       << std::right << (e.outcome.empty() ? "-" : e.outcome) << "\n";
  }
}

void print_status(std::ostream& os,
                  const Output& out,
                  const core::Project& project,
                  const StatusOptions& options) {
  print_overview(os, out, project);
  print_rounds(os, out, project);
  print_runbook(os, out, project);
  print_golive_chain(os, out, project);
  print_history(os, out, project, options.history);
  os << "\nnext: " << core::next_step(project) << "\n";
}

nlohmann::json status_doc(const core::Project& project) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& e : project.history()) {
    history.push_back(core::to_json(e));
  }
  nlohmann::json rounds = nlohmann::json::array();
  for (const auto& r : core::read_rounds(project)) {
    rounds.push_back(core::to_json(r));
  }
  nlohmann::json doc = {
      {"customer", project.customer()},
      {"phase", std::string(core::to_string(project.phase()))},
      {"source_version", project.source_version()},
      {"target_version", project.target_version()},
      {"next", core::next_step(project)},
      {"rounds", rounds},
      {"history", history},
  };
  if (auto src = core::find_source(project)) {
    doc["database"] = src->dbname;
    doc["edition"] = std::string(core::to_string(src->edition));
    doc["third_party_modules"] = src->module_names(core::ModuleOrigin::third_party);
  }
  if (auto uat = core::uat::find_uat(project)) {
    doc["uat"] = core::uat::to_json(*uat);
  }
  // The runbook's steps with their last result, once the project has one.
  if (project.find_section("runbook") != nullptr) {
    doc["runbook"] = runbook_list_json(project);
  }
  // The sections of the go-live chain, once they exist, as their records write them.
  if (project.find_section("freeze") != nullptr) {
    doc["freeze"] = core::to_json(core::read_freeze(project));
  }
  if (auto production = core::read_production(project)) {
    doc["production"] = core::to_json(*production);
  }
  if (project.find_section("golive") != nullptr) {
    doc["golive"] = core::to_json(core::read_golive(project));
  }
  return doc;
}

// The latest round's request token: the one place it is ever shown.
std::string request_token(const core::Project& project, const Context& ctx) {
  auto round = core::read_latest_round(project);
  auto token = round ? round_token(ctx.project_path(), round->number) : std::nullopt;
  if (!token) {
    throw core::PreconditionError("there is no request token to show",
                                  "a token exists once 'odoo-upgrade test-request' created a "
                                  "request");
  }
  return *token;
}

void print_refreshed(std::ostream& os, const nlohmann::json& refreshed) {
  os << "service    round " << refreshed.value("round", 0) << ", request "
     << refreshed.value("request_id", nlohmann::json()).dump() << ": "
     << refreshed.value("status", "")
     << (refreshed.value("reason", "").empty() ? "" : " (" + refreshed.value("reason", "") + ")")
     << "\n";
}

// status --token: the request of a token, asked once; nothing is recorded.
int look_up_token(const StatusOptions& options, Context& ctx) {
  ServiceOverrides overrides{options.service_url, options.ca_file, options.data_server_user};
  std::error_code ec;
  // The project's service settings when there is a project here, else upgrade.odoo.com.
  ServiceSettings settings =
      std::filesystem::exists(ctx.project_path(), ec)
          ? resolve_service_settings(open_project(ctx, "", Lock::none).project(), overrides)
          : resolve_service_settings(core::ServiceRecord{}, overrides);
  auto s = look_up_request(*options.token, settings, ctx);
  ctx.out.set_document("status-token");
  nlohmann::json doc = {{"token_status",
                         {{"status", s.state_text},
                          {"reason", s.reason},
                          {"archived", s.archived},
                          {"host", s.host}}}};
  ctx.out.result(doc, [&](std::ostream& os) {
    os << "request    " << s.state_text << (s.reason.empty() ? "" : " (" + s.reason + ")")
       << (s.archived ? ", archived: its data is no longer available" : "") << "\n";
    os << "host       " << (s.host.empty() ? "-" : s.host) << "\n";
  });
  return 0;
}

} // namespace

int run_status(const StatusOptions& options, Context& ctx) {
  if (!options.all.empty()) {
    if (options.token || options.refresh || options.show_token) {
      throw core::UsageError("--all excludes --token, --refresh and --show-token");
    }
    return run_status_all(options, ctx);
  }
  if (options.token) {
    if (options.refresh || options.show_token) {
      throw core::UsageError("--token excludes --refresh and --show-token",
                             "--token looks at one request; the others work on the project's");
    }
    return look_up_token(options, ctx);
  }
  // Reading is safe without the lock (the file is only ever replaced atomically); refreshing
  // writes the round, so it holds the lock.
  auto session = open_project(ctx, "", options.refresh ? Lock::take : Lock::none);
  nlohmann::json refreshed;
  if (options.refresh && !ctx.options.dry_run) {
    // Ask the upgrade service for the latest round's status and record it.
    auto settings = resolve_service_settings(
        session.project(), {options.service_url, options.ca_file, options.data_server_user});
    refreshed = refresh_latest_round(session.project(), ctx.project_path(), settings, ctx);
    session.save();
  }
  // The JSON document only when it is printed: it reads every section once more.
  nlohmann::json result;
  if (ctx.out.json()) {
    result = status_doc(session.project());
    if (options.refresh) {
      result["refreshed"] = refreshed;
    }
  }
  std::optional<std::string> token;
  if (options.show_token) {
    token = request_token(session.project(), ctx);
    if (ctx.out.json()) {
      result["token"] = *token;
    }
  }
  ctx.out.result(result, [&](std::ostream& os) {
    print_status(os, ctx.out, session.project(), options);
    if (!refreshed.is_null()) {
      print_refreshed(os, refreshed);
    }
    if (token) {
      os << "token      " << *token << "\n";
    }
  });
  return 0;
}

} // namespace odoo_upgrade::commands
