#pragma once

#include "model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace odoo_upgrade::sandbox {

// One upgrade request as the platform knows it.
struct Request {
  long long id = 0;
  std::string token; // secret: kept only in the registry file (mode 0600), never logged
  CreateParams params;
  Status status = Status::created;
  std::string reason;
  bool archived = false;
  // The transfer opened by transfer/start and not yet stopped.
  std::optional<TransferType> open_transfer;
  // Increases with every transfer/start across all requests: the latest opened transfer wins
  // when two requests share one SSH key.
  long long transfer_sequence = 0;
  int uploads_started = 0;
  int downloads_started = 0;
  std::string source_version; // base's latest_version, once processing has read it
  std::string created_at;     // UTC, ISO 8601
  std::string updated_at;
  // Scenario keys set for this request only (merged over the global scenario).
  nlohmann::json scenario = nlohmann::json::object();
};

nlohmann::json to_json(const Request& request, bool with_secrets);
Request request_from_json(const nlohmann::json& j);

// The platform's request registry: thread-safe, saved after every change to a JSON file (written
// atomically, mode 0600) that tests read to see what the platform received.
class Registry {
public:
  // Starts empty, or from `file` when it exists (a restarted sandbox keeps its requests).
  explicit Registry(std::filesystem::path file);

  // Counts a call to `create`, valid or not (tests assert how many creates were received).
  void note_create_call();
  // Adds a request in status new; returns it with its id.
  Request add(CreateParams params, std::string token, const std::string& now);

  std::optional<Request> find_by_token(const std::string& token) const;
  std::optional<Request> find(long long id) const;
  std::vector<Request> all() const;
  // Applies `change` to request `id` under the lock and saves. Returns the changed request, or
  // std::nullopt when there is no such request.
  std::optional<Request>
  update(long long id, const std::function<void(Request&)>& change, const std::string& now);
  // Next value for Request::transfer_sequence.
  long long next_transfer_sequence();

  long long create_calls() const;
  // The whole registry; `with_secrets` includes tokens and contracts.
  nlohmann::json to_json(bool with_secrets) const;

private:
  void save_locked() const;

  std::filesystem::path m_file;
  mutable std::mutex m_mutex;
  std::vector<Request> m_requests;
  long long m_create_calls = 0;
  long long m_next_id = 1;
  long long m_transfer_sequence = 0;
};

// Writes `content` to `path` through a temporary file and a rename, with permissions `mode`.
// Throws std::runtime_error on failure.
void write_file_atomically(const std::filesystem::path& path,
                           const std::string& content,
                           std::filesystem::perms mode);

} // namespace odoo_upgrade::sandbox
