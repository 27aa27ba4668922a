#include "registry.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const Request& r, bool with_secrets) {
  json j = {
      {"id", r.id},
      {"target", r.params.target},
      {"aim", std::string(to_string(r.params.aim))},
      {"actuator", r.params.actuator},
      {"env_vars", r.params.env_vars},
      {"api_version", r.params.api_version},
      {"status", std::string(to_string(r.status))},
      {"reason", r.reason},
      {"archived", r.archived},
      {"open_transfer", nullptr},
      {"transfer_sequence", r.transfer_sequence},
      {"uploads_started", r.uploads_started},
      {"downloads_started", r.downloads_started},
      {"source_version", r.source_version},
      {"created_at", r.created_at},
      {"updated_at", r.updated_at},
      {"scenario", r.scenario},
  };
  if (r.open_transfer) {
    j["open_transfer"] = std::string(to_string(*r.open_transfer));
  }
  if (with_secrets) {
    j["token"] = r.token;
    j["contract"] = r.params.contract;
    j["ssh_key"] = r.params.ssh_key;
  }
  return j;
}

Request request_from_json(const json& j) {
  Request r;
  r.id = j.at("id").get<long long>();
  r.token = j.value("token", "");
  r.params.contract = j.value("contract", "");
  r.params.ssh_key = j.value("ssh_key", "");
  r.params.target = j.value("target", "");
  r.params.aim = parse_aim(j.value("aim", "test")).value_or(Aim::test);
  r.params.actuator = j.value("actuator", "");
  r.params.env_vars = j.value("env_vars", std::vector<std::string>{});
  r.params.api_version = j.value("api_version", "");
  r.status = parse_status(j.value("status", "new")).value_or(Status::created);
  r.reason = j.value("reason", "");
  r.archived = j.value("archived", false);
  if (j.contains("open_transfer") && j["open_transfer"].is_string()) {
    r.open_transfer = parse_transfer_type(j["open_transfer"].get<std::string>());
  }
  r.transfer_sequence = j.value("transfer_sequence", 0LL);
  r.uploads_started = j.value("uploads_started", 0);
  r.downloads_started = j.value("downloads_started", 0);
  r.source_version = j.value("source_version", "");
  r.created_at = j.value("created_at", "");
  r.updated_at = j.value("updated_at", "");
  r.scenario = j.value("scenario", json::object());
  return r;
}

void write_file_atomically(const fs::path& path, const std::string& content, fs::perms mode) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error("cannot write '" + tmp.string() + "'");
    }
    fs::permissions(tmp, mode, fs::perm_options::replace);
    out << content;
    out.flush();
    if (!out) {
      throw std::runtime_error("cannot write '" + tmp.string() + "'");
    }
  }
  fs::rename(tmp, path);
}

Registry::Registry(fs::path file) : m_file(std::move(file)) {
  if (!fs::exists(m_file)) {
    save_locked();
    return;
  }
  std::ifstream in(m_file);
  json j = json::parse(in);
  m_create_calls = j.value("create_calls", 0LL);
  m_transfer_sequence = j.value("transfer_sequence", 0LL);
  for (const auto& r : j.value("requests", json::array())) {
    m_requests.push_back(request_from_json(r));
    m_next_id = std::max(m_next_id, m_requests.back().id + 1);
  }
  // Processing threads died with the previous run: those requests cannot finish any more.
  for (auto& r : m_requests) {
    if (r.status == Status::pending || r.status == Status::progress) {
      r.status = Status::failed;
      r.reason = "the upgrade platform restarted while the request was processed";
    }
    r.open_transfer.reset();
  }
  save_locked();
}

void Registry::note_create_call() {
  std::lock_guard lock(m_mutex);
  ++m_create_calls;
  save_locked();
}

Request Registry::add(CreateParams params, std::string token, const std::string& now) {
  std::lock_guard lock(m_mutex);
  Request r;
  r.id = m_next_id++;
  r.token = std::move(token);
  r.params = std::move(params);
  r.created_at = now;
  r.updated_at = now;
  m_requests.push_back(r);
  save_locked();
  return r;
}

std::optional<Request> Registry::find_by_token(const std::string& token) const {
  std::lock_guard lock(m_mutex);
  if (token.empty()) {
    return std::nullopt;
  }
  for (const auto& r : m_requests) {
    if (r.token == token) {
      return r;
    }
  }
  return std::nullopt;
}

std::optional<Request> Registry::find(long long id) const {
  std::lock_guard lock(m_mutex);
  for (const auto& r : m_requests) {
    if (r.id == id) {
      return r;
    }
  }
  return std::nullopt;
}

std::vector<Request> Registry::all() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::optional<Request> Registry::update(long long id,
                                        const std::function<void(Request&)>& change,
                                        const std::string& now) {
  std::lock_guard lock(m_mutex);
  for (auto& r : m_requests) {
    if (r.id == id) {
      change(r);
      r.updated_at = now;
      save_locked();
      return r;
    }
  }
  return std::nullopt;
}

long long Registry::next_transfer_sequence() {
  std::lock_guard lock(m_mutex);
  return ++m_transfer_sequence;
}

long long Registry::create_calls() const {
  std::lock_guard lock(m_mutex);
  return m_create_calls;
}

json Registry::to_json(bool with_secrets) const {
  std::lock_guard lock(m_mutex);
  json requests = json::array();
  for (const auto& r : m_requests) {
    requests.push_back(sandbox::to_json(r, with_secrets));
  }
  return {{"create_calls", m_create_calls},
          {"requests_created", static_cast<long long>(m_requests.size())},
          {"transfer_sequence", m_transfer_sequence},
          {"requests", requests}};
}

void Registry::save_locked() const {
  json requests = json::array();
  for (const auto& r : m_requests) {
    requests.push_back(sandbox::to_json(r, true));
  }
  json j = {{"create_calls", m_create_calls},
            {"requests_created", static_cast<long long>(m_requests.size())},
            {"transfer_sequence", m_transfer_sequence},
            {"requests", requests}};
  write_file_atomically(m_file, j.dump(2) + "\n", fs::perms::owner_read | fs::perms::owner_write);
}

} // namespace odoo_upgrade::sandbox
