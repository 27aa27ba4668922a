#include <odoo_upgrade/core/record.hpp>
#include <odoo_upgrade/core/user_config.hpp>

#include <algorithm>
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

// An Odoo language code (res_lang.code, Odoo 17's odoo/addons/base/data/res.lang.csv): 2-3
// lower-case letters, then `_` and an upper-case country (fr_FR, fil_PH) or a 3-digit region
// (es_419, ar_001), or `@` and a lower-case script (sr@latin), or nothing (sw).
bool language_code(const std::string& code) {
  auto lower = [](char ch) { return ch >= 'a' && ch <= 'z'; };
  auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  std::size_t i = 0;
  while (i < code.size() && lower(code[i])) {
    ++i;
  }
  if (i < 2 || i > 3) {
    return false;
  }
  std::string_view rest = std::string_view(code).substr(i);
  if (rest.empty()) {
    return true;
  }
  if (rest.size() >= 2 && rest[0] == '@') {
    return std::all_of(rest.begin() + 1, rest.end(), lower);
  }
  if (rest.size() == 3 && rest[0] == '_') {
    return upper(rest[1]) && upper(rest[2]);
  }
  return rest.size() == 4 && rest[0] == '_' && std::all_of(rest.begin() + 1, rest.end(), digit);
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
  nlohmann::json compress;
  r.take_json("compress", compress);
  if (!compress.is_null()) {
    if (!compress.is_number_integer() || compress.get<long long>() < 0 ||
        compress.get<long long>() > 9) {
      invalid_field(r.path("compress"), "must be a whole number between 0 and 9");
    }
    c.compress = compress.get<int>();
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
