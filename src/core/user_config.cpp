#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/user_config.hpp>

#include <string_view>

namespace odoo_upgrade::core {

namespace {

bool one_line(const std::string& text) {
  return text.find_first_of("\r\n") == std::string::npos;
}

// `"consultant": "Name"` or `{"name": "Name", "contact": "…"}`.
std::optional<Consultant> take_consultant(FieldReader& r) {
  nlohmann::json j;
  r.take_json("consultant", j);
  if (j.is_null()) {
    return std::nullopt;
  }
  Consultant c;
  std::string where = r.path("consultant");
  if (j.is_string()) {
    c.name = j.get<std::string>();
  } else {
    FieldReader fields(j, where);
    fields.take("name", c.name);
    fields.take("contact", c.contact);
  }
  if (c.name.find_first_not_of(" \t") == std::string::npos || !one_line(c.name)) {
    invalid_field(j.is_string() ? where : where + ".name", "must be a non-empty single line");
  }
  if (!one_line(c.contact)) {
    invalid_field(where + ".contact", "must be a single line");
  }
  return c;
}

// An Odoo language code (res_lang.code): 2-3 lower-case letters, optionally `_` and 2-4 letters
// or digits (fr_FR, es_419), optionally `@` and a lower-case script (sr@latin).
bool language_code(const std::string& code) {
  auto lower = [](char ch) { return ch >= 'a' && ch <= 'z'; };
  auto alnum = [&](char ch) {
    return lower(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  };
  std::size_t i = 0;
  while (i < code.size() && lower(code[i])) {
    ++i;
  }
  if (i < 2 || i > 3) {
    return false;
  }
  if (i < code.size() && code[i] == '_') {
    std::size_t start = ++i;
    while (i < code.size() && alnum(code[i])) {
      ++i;
    }
    if (i - start < 2 || i - start > 4) {
      return false;
    }
  }
  if (i < code.size() && code[i] == '@') {
    std::size_t start = ++i;
    while (i < code.size() && lower(code[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  return i == code.size();
}

// The upgrade service's base URL: https only (TLS is always on), with a host.
bool service_url_ok(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url.starts_with("https://") && url.size() > std::string_view("https://").size();
}

} // namespace

UserConfig user_config_from_json(const nlohmann::json& j, std::string_view where) {
  FieldReader r(j, where);
  UserConfig c;
  r.take("service_url", c.service_url);
  if (c.service_url && !service_url_ok(*c.service_url)) {
    invalid_field(r.path("service_url"),
                  "must start with https:// ('" + *c.service_url +
                      "'; e.g. https://upgrade.odoo.com)");
  }
  r.take("ca_file", c.ca_file);
  r.take("data_server_user", c.data_server_user);
  nlohmann::json jobs;
  r.take_json("jobs", jobs);
  if (!jobs.is_null()) {
    if (!jobs.is_number_integer() || jobs.get<long long>() < 1 || jobs.get<long long>() > 64) {
      invalid_field(r.path("jobs"), "must be a whole number between 1 and 64");
    }
    c.jobs = jobs.get<int>();
  }
  c.consultant = take_consultant(r);
  r.take("logo", c.logo);
  r.take("checklist_template", c.checklist_template);
  r.take("report_language", c.report_language);
  if (c.report_language && !language_code(*c.report_language)) {
    invalid_field(r.path("report_language"),
                  "is not an Odoo language code ('" + *c.report_language + "'; e.g. fr_FR)");
  }
  for (auto [key, path] :
       {std::pair{"logo", &c.logo}, {"checklist_template", &c.checklist_template}}) {
    if (*path && ((*path)->empty() || !one_line(**path))) {
      invalid_field(r.path(key), "must be a file path");
    }
  }
  c.extra = r.rest();
  return c;
}

} // namespace odoo_upgrade::core
