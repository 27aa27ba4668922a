#include "scenario.hpp"

#include <filesystem>
#include <regex>
#include <stdexcept>

namespace odoo_upgrade::sandbox {

namespace {

using nlohmann::json;

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) {
    throw std::invalid_argument("scenario key '" + key + "' " + what);
  }
}

long long get_non_negative(const json& v, const std::string& key) {
  require(v.is_number_integer(), key, "must be an integer");
  long long n = v.get<long long>();
  require(n >= 0, key, "must not be negative");
  return n;
}

std::vector<std::string> get_names(const json& v, const std::string& key) {
  static const std::regex k_name(R"(^[A-Za-z0-9_.\-]+$)");
  require(v.is_array(), key, "must be a list of names");
  std::vector<std::string> out;
  for (const auto& item : v) {
    require(item.is_string() && std::regex_match(item.get<std::string>(), k_name),
            key,
            "must hold names made of letters, digits, '_', '.' and '-'");
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool get_bool(const json& v, const std::string& key) {
  require(v.is_boolean(), key, "must be true or false");
  return v.get<bool>();
}

std::string get_string(const json& v, const std::string& key) {
  require(v.is_string(), key, "must be a string");
  return v.get<std::string>();
}

// An absolute path to an existing file, or "" (the simulated upgrade).
std::string get_backup(const json& v, const std::string& key) {
  std::string path = get_string(v, key);
  std::error_code ec;
  require(path.empty() || (path.front() == '/' && std::filesystem::is_regular_file(path, ec)),
          key,
          "must be the absolute path of an existing Odoo backup zip, or \"\"");
  return path;
}

} // namespace

json to_json(const Scenario& s) {
  json j = {
      {"processing_delay_ms", s.processing_delay.count()},
      {"fail_reason", s.fail_reason},
      {"cancel", s.cancel},
      {"archive", s.archive},
      {"deactivate_view_modules", s.deactivate_view_modules},
      {"deactivate_view_keys", s.deactivate_view_keys},
      {"deactivate_custom_views", s.deactivate_custom_views},
      {"uninstall_modules", s.uninstall_modules},
      {"pg_version_compatible", nullptr},
      {"create_info", s.create_info},
      {"result_backup", s.result_backup},
      {"http_error_rate", s.http_error_rate},
      {"http_503_next", s.http_503_next},
      {"lose_response_next", s.lose_response_next},
      {"bad_json_next", s.bad_json_next},
      {"response_delay_ms", s.response_delay.count()},
      {"cut_transfer_after_bytes", nullptr},
      {"cut_transfer_times", s.cut_transfer_times},
  };
  if (s.pg_version_compatible) {
    j["pg_version_compatible"] = *s.pg_version_compatible;
  }
  if (s.cut_transfer_after_bytes) {
    j["cut_transfer_after_bytes"] = *s.cut_transfer_after_bytes;
  }
  return j;
}

Scenario apply_patch(Scenario s, const json& patch) {
  if (!patch.is_object()) {
    throw std::invalid_argument("a scenario must be a JSON object");
  }
  for (const auto& [key, v] : patch.items()) {
    if (key == "processing_delay_ms") {
      s.processing_delay = std::chrono::milliseconds(get_non_negative(v, key));
    } else if (key == "fail_reason") {
      s.fail_reason = get_string(v, key);
    } else if (key == "cancel") {
      s.cancel = get_bool(v, key);
    } else if (key == "archive") {
      s.archive = get_bool(v, key);
    } else if (key == "deactivate_view_modules") {
      s.deactivate_view_modules = get_names(v, key);
    } else if (key == "deactivate_view_keys") {
      s.deactivate_view_keys = get_names(v, key);
    } else if (key == "deactivate_custom_views") {
      s.deactivate_custom_views = get_bool(v, key);
    } else if (key == "uninstall_modules") {
      s.uninstall_modules = get_names(v, key);
    } else if (key == "pg_version_compatible") {
      s.pg_version_compatible = v.is_null() ? std::nullopt : std::optional<bool>(get_bool(v, key));
    } else if (key == "create_info") {
      s.create_info = get_string(v, key);
    } else if (key == "result_backup") {
      s.result_backup = get_backup(v, key);
    } else if (key == "http_error_rate") {
      require(v.is_number(), key, "must be a number");
      double rate = v.get<double>();
      require(rate >= 0.0 && rate <= 1.0, key, "must be between 0 and 1");
      s.http_error_rate = rate;
    } else if (key == "http_503_next") {
      s.http_503_next = static_cast<int>(get_non_negative(v, key));
    } else if (key == "lose_response_next") {
      s.lose_response_next = static_cast<int>(get_non_negative(v, key));
    } else if (key == "bad_json_next") {
      s.bad_json_next = static_cast<int>(get_non_negative(v, key));
    } else if (key == "response_delay_ms") {
      s.response_delay = std::chrono::milliseconds(get_non_negative(v, key));
    } else if (key == "cut_transfer_after_bytes") {
      s.cut_transfer_after_bytes =
          v.is_null()
              ? std::nullopt
              : std::optional<std::uint64_t>(static_cast<std::uint64_t>(get_non_negative(v, key)));
    } else if (key == "cut_transfer_times") {
      s.cut_transfer_times = static_cast<int>(get_non_negative(v, key));
    } else {
      throw std::invalid_argument("unknown scenario key '" + key + "'");
    }
  }
  return s;
}

void validate_patch(const json& patch) {
  (void)apply_patch(Scenario{}, patch);
}

bool is_global_key(const std::string& key) {
  return key == "http_error_rate" || key == "http_503_next" || key == "lose_response_next" ||
         key == "bad_json_next" || key == "response_delay_ms" || key == "create_info";
}

} // namespace odoo_upgrade::sandbox
