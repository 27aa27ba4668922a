#include "model.hpp"

#include <algorithm>
#include <charconv>
#include <regex>

namespace odoo_upgrade::sandbox {

namespace {

using nlohmann::json;

std::string join_quoted(const std::vector<std::string>& names) {
  // Python's TypeError lists names as 'a', 'b' and 'c'.
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == names.size()) ? " and " : ", ";
    }
    out += "'" + names[i] + "'";
  }
  return out;
}

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool is_base64(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
}

std::optional<std::string>
string_param(const json& params, const char* name, std::optional<ApiError>& error) {
  if (!params.contains(name) || params[name].is_null()) {
    return std::string();
  }
  if (!params[name].is_string()) {
    error =
        server_error("builtins.TypeError", std::string("argument '") + name + "' must be a string");
    return std::nullopt;
  }
  return params[name].get<std::string>();
}

} // namespace

std::string_view to_string(Status status) {
  switch (status) {
  case Status::created:
    return "new";
  case Status::pending:
    return "pending";
  case Status::progress:
    return "progress";
  case Status::done:
    return "done";
  case Status::failed:
    return "failed";
  case Status::cancelled:
    return "cancelled";
  }
  return "new";
}

std::optional<Status> parse_status(std::string_view text) {
  for (auto s : {Status::created,
                 Status::pending,
                 Status::progress,
                 Status::done,
                 Status::failed,
                 Status::cancelled}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool is_terminal(Status status) {
  return status == Status::done || status == Status::failed || status == Status::cancelled;
}

std::string_view to_string(Aim aim) {
  return aim == Aim::test ? "test" : "production";
}

std::optional<Aim> parse_aim(std::string_view text) {
  if (text == "test") {
    return Aim::test;
  }
  if (text == "production") {
    return Aim::production;
  }
  return std::nullopt;
}

std::string_view to_string(TransferType type) {
  return type == TransferType::upload ? "upload" : "download";
}

std::optional<TransferType> parse_transfer_type(std::string_view text) {
  if (text == "upload") {
    return TransferType::upload;
  }
  if (text == "download") {
    return TransferType::download;
  }
  return std::nullopt;
}

std::optional<Series> parse_series(std::string_view text) {
  if (text.starts_with("saas~")) {
    text.remove_prefix(5);
  }
  auto dot = text.find('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  Series s;
  if (!parse_int(text.substr(0, dot), s.major) || !parse_int(text.substr(dot + 1), s.minor)) {
    return std::nullopt;
  }
  if (s.major <= 0 || s.minor < 0) {
    return std::nullopt;
  }
  return s;
}

std::optional<Series> series_of_version(std::string_view version) {
  // Odoo series start at 6.0: a bare module version such as "1.0" is not a series.
  static const std::regex k_prefix(R"(^((saas~)?([6-9]|[1-9][0-9])\.[0-9]+)(\.|$))");
  std::string v(version);
  std::smatch m;
  if (!std::regex_search(v, m, k_prefix)) {
    return std::nullopt;
  }
  return parse_series(m[1].str());
}

std::vector<std::string> default_target_series() {
  return {"12.0",
          "13.0",
          "14.0",
          "15.0",
          "16.0",
          "17.0",
          "saas~17.1",
          "saas~17.2",
          "saas~17.3",
          "saas~17.4",
          "18.0",
          "saas~18.1",
          "saas~18.2",
          "saas~18.3",
          "saas~18.4",
          "19.0"};
}

ApiError application_error(std::string message) {
  return ApiError{ApiError::Kind::application, std::move(message), "odoo.exceptions.UserError"};
}

ApiError server_error(std::string name, std::string message) {
  return ApiError{ApiError::Kind::server, std::move(message), std::move(name)};
}

std::optional<ApiError> check_arguments(std::string_view endpoint,
                                        const json& params,
                                        const std::vector<std::string>& required,
                                        const std::vector<std::string>& optional) {
  std::string fn = std::string(endpoint) + "()";
  if (!params.is_object()) {
    return server_error("builtins.TypeError",
                        fn + " argument after ** must be a mapping, not " +
                            std::string(params.type_name()));
  }
  for (const auto& [key, value] : params.items()) {
    bool known = std::find(required.begin(), required.end(), key) != required.end() ||
                 std::find(optional.begin(), optional.end(), key) != optional.end();
    if (!known) {
      return server_error("builtins.TypeError",
                          fn + " got an unexpected keyword argument '" + key + "'");
    }
  }
  std::vector<std::string> missing;
  for (const auto& name : required) {
    if (!params.contains(name)) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    std::string plural = missing.size() == 1 ? " argument: " : " arguments: ";
    return server_error("builtins.TypeError",
                        fn + " missing " + std::to_string(missing.size()) + " required positional" +
                            plural + join_quoted(missing));
  }
  return std::nullopt;
}

std::optional<std::string> normalise_public_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  if (text.empty() || text.find_first_of("\n\r\"\t") != std::string_view::npos) {
    return std::nullopt;
  }
  auto sp = text.find(' ');
  if (sp == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view type = text.substr(0, sp);
  std::string_view rest = text.substr(sp + 1);
  std::string_view blob = rest.substr(0, rest.find(' '));
  static const std::vector<std::string_view> k_types = {"ssh-rsa",
                                                        "ssh-ed25519",
                                                        "ecdsa-sha2-nistp256",
                                                        "ecdsa-sha2-nistp384",
                                                        "ecdsa-sha2-nistp521",
                                                        "sk-ssh-ed25519@openssh.com",
                                                        "sk-ecdsa-sha2-nistp256@openssh.com"};
  if (std::find(k_types.begin(), k_types.end(), type) == k_types.end() || !is_base64(blob) ||
      blob.size() < 40) {
    return std::nullopt;
  }
  return std::string(type) + " " + std::string(blob);
}

namespace {

// The contract, target, aim and API version of a create call, as the platform checks them.
std::optional<ApiError> check_request_identity(CreateParams& p,
                                               const std::string& aim,
                                               const std::vector<std::string>& known_targets,
                                               const std::vector<std::string>& contracts) {
  if (p.contract.empty()) {
    return application_error("a subscription code (contract) is required");
  }
  if (!contracts.empty() &&
      std::find(contracts.begin(), contracts.end(), p.contract) == contracts.end()) {
    return application_error("the subscription code is not valid or has expired");
  }
  if (std::find(known_targets.begin(), known_targets.end(), p.target) == known_targets.end()) {
    std::string list;
    for (const auto& t : known_targets) {
      list += (list.empty() ? "" : ", ") + t;
    }
    return application_error("invalid target version '" + p.target + "': supported versions are " +
                             list);
  }
  auto parsed_aim = parse_aim(aim);
  if (!parsed_aim) {
    return application_error("invalid aim '" + aim + "': expected 'test' or 'production'");
  }
  p.aim = *parsed_aim;
  if (!p.api_version.empty() && !p.api_version.starts_with("0.")) {
    return application_error("unsupported api_version '" + p.api_version +
                             "': please use the latest upgrade script");
  }
  return std::nullopt;
}

// The optional env_vars list: VAR=VALUE strings.
std::optional<ApiError> check_env_vars(const json& params, CreateParams& p) {
  if (!params.contains("env_vars") || params["env_vars"].is_null()) {
    return std::nullopt;
  }
  if (!params["env_vars"].is_array()) {
    return server_error("builtins.TypeError", "argument 'env_vars' must be a list");
  }
  static const std::regex k_env(R"(^\w+=.*$)");
  for (const auto& v : params["env_vars"]) {
    if (!v.is_string() || !std::regex_match(v.get<std::string>(), k_env)) {
      return application_error("invalid environment variable " + v.dump() + ": expected VAR=VALUE");
    }
    p.env_vars.push_back(v.get<std::string>());
  }
  return std::nullopt;
}

std::optional<ApiError> check_ssh_key(const std::string& ssh_key, CreateParams& p) {
  if (ssh_key.empty()) {
    return application_error("an SSH public key (ssh_key) is required for the transfers");
  }
  auto key = normalise_public_key(ssh_key);
  if (!key) {
    return application_error("the SSH key is not a valid OpenSSH public key");
  }
  p.ssh_key = *key;
  return std::nullopt;
}

} // namespace

CreateCheck check_create(const json& params,
                         const std::vector<std::string>& known_targets,
                         const std::vector<std::string>& contracts) {
  CreateCheck out;
  if (auto e = check_arguments("create",
                               params,
                               {"contract", "target", "aim"},
                               {"actuator", "env_vars", "ssh_key", "api_version"})) {
    out.error = e;
    return out;
  }
  std::optional<ApiError> error;
  auto contract = string_param(params, "contract", error);
  auto target = string_param(params, "target", error);
  auto aim = string_param(params, "aim", error);
  auto actuator = string_param(params, "actuator", error);
  auto ssh_key = string_param(params, "ssh_key", error);
  std::optional<std::string> api_version;
  if (params.contains("api_version") && params["api_version"].is_number()) {
    api_version = params["api_version"].dump();
  } else {
    api_version = string_param(params, "api_version", error);
  }
  if (error) {
    out.error = error;
    return out;
  }
  CreateParams p;
  p.contract = *contract;
  p.target = *target;
  p.actuator = *actuator;
  p.api_version = *api_version;
  if ((out.error = check_request_identity(p, *aim, known_targets, contracts)) ||
      (out.error = check_env_vars(params, p)) || (out.error = check_ssh_key(*ssh_key, p))) {
    return out;
  }
  out.params = std::move(p);
  return out;
}

std::optional<ApiError> check_transfer_start(const RequestFacts& facts, TransferType type) {
  if (facts.archived) {
    return application_error("this upgrade request is archived: its data is no longer available");
  }
  if (type == TransferType::upload && facts.status != Status::created) {
    return application_error("the database can only be uploaded while the request is new "
                             "(current status: " +
                             std::string(to_string(facts.status)) + ")");
  }
  if (type == TransferType::download && facts.status != Status::done) {
    return application_error("the upgraded database is not available (current status: " +
                             std::string(to_string(facts.status)) + ")");
  }
  return std::nullopt;
}

std::optional<ApiError> check_process(const RequestFacts& facts) {
  if (facts.archived) {
    return application_error("this upgrade request is archived: its data is no longer available");
  }
  if (facts.status != Status::created) {
    return application_error("the upgrade request has already been submitted for processing "
                             "(current status: " +
                             std::string(to_string(facts.status)) + ")");
  }
  if (!facts.dump_uploaded) {
    return application_error("no database dump has been uploaded for this request");
  }
  return std::nullopt;
}

std::optional<ApiError> check_wipe(const RequestFacts& facts) {
  if (facts.status == Status::pending || facts.status == Status::progress) {
    return application_error("the upgrade request is being processed and cannot be wiped now");
  }
  return std::nullopt;
}

std::optional<std::string> check_upgrade_path(const std::string& source_version,
                                              const std::string& target) {
  auto source = series_of_version(source_version);
  if (!source) {
    return "the version of the database ('" + source_version + "') could not be recognised";
  }
  auto to = parse_series(target);
  if (!to) {
    return "invalid target version '" + target + "'";
  }
  if (!(*source < *to)) {
    return "the database is already in version " + std::to_string(source->major) + "." +
           std::to_string(source->minor) + ": the target version " + target +
           " must be more recent";
  }
  return std::nullopt;
}

std::string upgraded_version(std::string_view version, std::string_view target) {
  static const std::regex k_prefix(R"(^(saas~)?([6-9]|[1-9][0-9])\.[0-9]+(?=\.|$))");
  std::string v(version);
  if (!std::regex_search(v, k_prefix)) {
    return v;
  }
  return std::regex_replace(
      v, k_prefix, std::string(target), std::regex_constants::format_first_only);
}

std::optional<ByteRange> parse_range(std::string_view header) {
  if (header.empty()) {
    return ByteRange{};
  }
  if (!header.starts_with("bytes=")) {
    return std::nullopt;
  }
  header.remove_prefix(6);
  auto dash = header.find('-');
  if (dash == std::string_view::npos || dash == 0 || header.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  ByteRange r;
  auto parse_u64 = [](std::string_view t, std::uint64_t& out) {
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return !t.empty() && ec == std::errc() && ptr == t.data() + t.size();
  };
  if (!parse_u64(header.substr(0, dash), r.start)) {
    return std::nullopt;
  }
  auto last = header.substr(dash + 1);
  if (!last.empty()) {
    std::uint64_t l = 0;
    if (!parse_u64(last, l) || l < r.start) {
      return std::nullopt;
    }
    r.last = l;
  }
  return r;
}

} // namespace odoo_upgrade::sandbox

namespace odoo_upgrade::sandbox {

std::string authorized_keys_text(std::vector<KeyGrant> grants) {
  std::stable_sort(grants.begin(), grants.end(), [](const KeyGrant& a, const KeyGrant& b) {
    return a.sequence > b.sequence;
  });
  std::string out;
  std::vector<std::string> seen;
  for (const auto& g : grants) {
    if (std::find(seen.begin(), seen.end(), g.public_key) != seen.end()) {
      continue;
    }
    seen.push_back(g.public_key);
    out += "command=\"" + g.command + "\",restrict " + g.public_key + "\n";
  }
  return out;
}

} // namespace odoo_upgrade::sandbox
