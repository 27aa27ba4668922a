#include "record_fields.hpp"

#include <odoo_upgrade/core/odoo_open.hpp>
#include <odoo_upgrade/core/record.hpp>

#include <cctype>

namespace odoo_upgrade::core {

namespace {

using json = nlohmann::json;
using namespace fields;

// " (server log: ERROR …)" when the server logged an error, else "".
std::string log_hint(const OpenFacts& f) {
  if (!f.log_error) {
    return {};
  }
  return " (server log: " + f.log_error->one_line() + ")";
}

std::string why_not(const OpenFacts& f, std::string_view db, std::string_view target) {
  if (!f.ready) {
    return "the target Odoo's HTTP server did not start: " + f.start_error + log_hint(f);
  }
  if (auto p = login_problem(f.login_status, f.login_path, f.login_error, db)) {
    return *p + log_hint(f);
  }
  if (!f.series) {
    return "the server's series is not known: " + f.version_error + log_hint(f);
  }
  if (*f.series != target) {
    return "the server reports series " + *f.series + ", not the target " + std::string(target);
  }
  return {};
}

} // namespace

std::string login_target(std::string_view db) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out = "/web/login?db=";
  for (unsigned char c : db) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string>
login_problem(long status, std::string_view path, std::string_view error, std::string_view db) {
  std::string login = "/web/login?db=" + std::string(db);
  if (status == 0) {
    return login + " gave no answer: " + std::string(error);
  }
  if (path.rfind("/web/database/", 0) == 0) {
    return login + " ended on " + std::string(path) + ": the server does not serve database '" +
           std::string(db) + "'";
  }
  if (status != 200 || path.rfind("/web/login", 0) != 0) {
    return login + " answered HTTP " + std::to_string(status) + " on " + std::string(path);
  }
  return std::nullopt;
}

OpenResult judge_open(const OpenFacts& facts, std::string_view db, std::string_view target) {
  OpenResult r;
  r.facts = facts;
  std::string problem = why_not(facts, db, target);
  r.ok = problem.empty();
  r.message = r.ok ? "opens: /web/login?db=" + std::string(db) + " answered 200, series " +
                         facts.series.value_or("")
                   : problem;
  return r;
}

json to_json(const OpenResult& r) {
  const OpenFacts& f = r.facts;
  json j = {{"ok", r.ok},
            {"message", r.message},
            {"ready", f.ready},
            {"login_status", f.login_status},
            {"redirects", f.redirects},
            {"seconds_to_ready", f.seconds_to_ready},
            {"seconds_to_login", f.seconds_to_login}};
  put_text(j, "start_error", f.start_error);
  put_text(j, "login_path", f.login_path);
  put_text(j, "login_error", f.login_error);
  put_optional(j, "series", f.series);
  put_text(j, "version_error", f.version_error);
  if (f.log_error) {
    j["log_error"] = odoo_log::to_json(*f.log_error);
  }
  return j;
}

OpenResult open_result_from_json(const json& j, std::string_view where) {
  FieldReader r(j, where);
  OpenResult o;
  OpenFacts& f = o.facts;
  r.take("ok", o.ok);
  r.take("message", o.message);
  r.take("ready", f.ready);
  r.take("login_status", f.login_status);
  r.take("redirects", f.redirects);
  r.take("seconds_to_ready", f.seconds_to_ready);
  r.take("seconds_to_login", f.seconds_to_login);
  r.take("start_error", f.start_error);
  r.take("login_path", f.login_path);
  r.take("login_error", f.login_error);
  r.take("series", f.series);
  r.take("version_error", f.version_error);
  json log_error;
  r.take_json("log_error", log_error);
  if (!log_error.is_null()) {
    f.log_error = odoo_log::error_summary_from_json(log_error, r.path("log_error"));
  }
  return o;
}

} // namespace odoo_upgrade::core
