#include "platform.hpp"

#include "gate.hpp"
#include "jsonrpc.hpp"
#include "processing.hpp"

#include <httplib.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace odoo_upgrade::sandbox {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* k_json = "application/json";

std::string random_token() {
  std::random_device rd;
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    unsigned v = rd();
    out.push_back(k_hex[v & 15]);
    out.push_back(k_hex[(v >> 4) & 15]);
  }
  return out;
}

void send_json(httplib::Response& res, const std::string& body, int status = 200) {
  res.status = status;
  res.set_content(body, k_json);
}

void send_error(httplib::Response& res, const json& id, const ApiError& error) {
  send_json(res, error_body(id, error));
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void send_503(httplib::Response& res) {
  res.status = 503;
  res.set_content("<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
                  "<h1>503 Service Temporarily Unavailable</h1></body></html>\n",
                  "text/html");
}

} // namespace

Platform::Platform(PlatformOptions options)
    : m_options(std::move(options)), m_scenario(m_options.scenario), m_rng(m_options.seed) {
  if (m_options.port != 0 && !loopback_port_free(m_options.port)) {
    throw std::runtime_error("port " + std::to_string(m_options.port) +
                             " on 127.0.0.1 is already in use (choose another --port, or 0)");
  }
  fs::create_directories(m_options.state_dir / "requests");
  fs::permissions(m_options.state_dir, fs::perms::owner_all, fs::perm_options::replace);
  m_registry = std::make_unique<Registry>(m_options.state_dir / "registry.json");
  m_tls = generate_tls_files(m_options.state_dir / "tls");
  m_sshd = std::make_unique<Sshd>(m_options.state_dir / "ssh", m_options.ssh_port);
  refresh_authorized_keys();
  m_server =
      std::make_unique<httplib::SSLServer>(m_tls.server_cert.c_str(), m_tls.server_key.c_str());
  if (!m_server->is_valid()) {
    throw std::runtime_error("cannot set up the HTTPS server with the generated certificate");
  }
  register_routes();
  // cpp-httplib sets SO_REUSEPORT by default: two servers could then share a port and clients would
  // reach either at random (TLS failures with the other's certificate). A busy port is refused.
  m_server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  m_port = m_options.port == 0
               ? m_server->bind_to_any_port("127.0.0.1")
               : (m_server->bind_to_port("127.0.0.1", m_options.port) ? m_options.port : -1);
  if (m_port <= 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(m_options.port));
  }
}

Platform::~Platform() {
  stop();
}

void Platform::start() {
  m_server_thread = std::thread([this] { m_server->listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!loopback_port_accepts(m_port)) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the HTTPS server did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Platform::stop() {
  if (m_stopped) {
    return;
  }
  m_stopped = true;
  m_stopping = true;
  if (m_server) {
    m_server->stop();
  }
  if (m_server_thread.joinable()) {
    m_server_thread.join();
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_threads_mutex);
    threads.swap(m_threads);
  }
  for (auto& t : threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  if (m_sshd) {
    m_sshd->stop();
  }
}

std::string Platform::url() const {
  return "https://127.0.0.1:" + std::to_string(m_port);
}

json Platform::ready_info() const {
  return {{"url", url()},
          {"port", m_port},
          {"ca_file", fs::absolute(m_tls.ca_cert).string()},
          {"ssh_port", m_sshd->port()},
          {"ssh_user", m_sshd->user()},
          {"ssh_host", "127.0.0.1"},
          {"known_hosts", m_sshd->known_hosts()},
          {"registry", (m_options.state_dir / "registry.json").string()},
          {"state_dir", m_options.state_dir.string()},
          {"pid", static_cast<long long>(getpid())}};
}

std::string Platform::now() const {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void Platform::register_routes() {
  auto api = [this](Handler h) {
    return
        [this, h](const httplib::Request& req, httplib::Response& res) { handle_api(req, res, h); };
  };
  m_server->Post("/upgrade/request/create", api(&Platform::api_create));
  m_server->Post("/upgrade/request/transfer/start", api(&Platform::api_transfer_start));
  m_server->Post("/upgrade/request/transfer/stop", api(&Platform::api_transfer_stop));
  m_server->Post("/upgrade/request/process", api(&Platform::api_process));
  m_server->Post("/upgrade/request/status", api(&Platform::api_status));
  m_server->Post("/upgrade/request/wipe", api(&Platform::api_wipe));
  m_server->Get(
      "/upgrade/request/logs",
      [this](const httplib::Request& req, httplib::Response& res) { handle_logs(req, res); });
  m_server->Post("/sandbox/scenario", [this](const httplib::Request& req, httplib::Response& res) {
    handle_admin_scenario(req, res);
  });
  m_server->Get("/sandbox/scenario", [this](const httplib::Request& req, httplib::Response& res) {
    handle_admin_scenario(req, res);
  });
  m_server->Get("/sandbox/requests", [this](const httplib::Request& req, httplib::Response& res) {
    handle_admin_requests(req, res);
  });
  // Anything else: Odoo answers unknown routes with a 404; keep the JSON-RPC error shape so that
  // a client reports the path it got wrong.
  m_server->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404) {
      send_json(res,
                error_body(nullptr,
                           server_error("werkzeug.exceptions.NotFound",
                                        "404 Not Found: no route for " + req.path)),
                404);
    }
  });
  m_server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_json(res, error_body(nullptr, server_error("builtins.Exception", what)), 500);
      });
  m_server->set_payload_max_length(16 * 1024 * 1024);
}

void Platform::handle_api(const httplib::Request& req, httplib::Response& res, Handler handler) {
  if (inject_fault_before(res)) {
    return;
  }
  auto parsed = parse_call(req.body);
  if (parsed.error) {
    send_error(res, nullptr, *parsed.error);
  } else {
    (this->*handler)(parsed.call->id, parsed.call->params, res);
  }
  inject_fault_after(res);
}

bool Platform::inject_fault_before(httplib::Response& res) {
  std::chrono::milliseconds delay{0};
  bool fail = false;
  {
    std::lock_guard lock(m_scenario_mutex);
    delay = m_scenario.response_delay;
    if (m_scenario.http_503_next > 0) {
      --m_scenario.http_503_next;
      fail = true;
    } else if (m_scenario.http_error_rate > 0.0) {
      fail = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng) < m_scenario.http_error_rate;
    }
  }
  if (delay.count() > 0) {
    std::this_thread::sleep_for(delay);
  }
  if (fail) {
    send_503(res);
  }
  return fail;
}

void Platform::inject_fault_after(httplib::Response& res) {
  std::lock_guard lock(m_scenario_mutex);
  if (m_scenario.lose_response_next > 0) {
    --m_scenario.lose_response_next;
    send_503(res);
  } else if (m_scenario.bad_json_next > 0) {
    --m_scenario.bad_json_next;
    send_json(res, "{\"jsonrpc\": \"2.0\", \"id\": \"not_used\", \"result\": {\"status\": ");
  }
}

Scenario Platform::global_scenario() const {
  std::lock_guard lock(m_scenario_mutex);
  return m_scenario;
}

Scenario Platform::scenario_for(long long request_id) const {
  Scenario base = global_scenario();
  auto r = m_registry->find(request_id);
  if (!r) {
    return base;
  }
  return apply_patch(base, r->scenario);
}

RequestFacts Platform::facts(const Request& request) const {
  RequestFacts f;
  f.status = request.status;
  f.archived = request.archived;
  f.dump_uploaded =
      find_uploaded_dump(request_paths(m_options.state_dir, request.id).data).has_value();
  return f;
}

std::optional<Request> Platform::request_for_token(const json& id,
                                                   const json& params,
                                                   const char* endpoint,
                                                   const std::vector<std::string>& optional,
                                                   httplib::Response& res) {
  if (auto e = check_arguments(endpoint, params, {"token"}, optional)) {
    send_error(res, id, *e);
    return std::nullopt;
  }
  std::string token = params["token"].is_string() ? params["token"].get<std::string>() : "";
  auto request = m_registry->find_by_token(token);
  if (!request) {
    send_error(res, id, application_error("no upgrade request matches this token"));
    return std::nullopt;
  }
  return request;
}

void Platform::api_create(const json& id, const json& params, httplib::Response& res) {
  m_registry->note_create_call();
  auto check = check_create(params, m_options.targets, m_options.contracts);
  if (check.error) {
    send_error(res, id, *check.error);
    return;
  }
  Request r = m_registry->add(*check.params, random_token(), now());
  RequestPaths paths = request_paths(m_options.state_dir, r.id);
  fs::create_directories(paths.data);
  fs::create_directories(paths.work);
  json result = {{"request_id", r.id},
                 {"token", r.token},
                 {"assigned_host_uri", "127.0.0.1:" + std::to_string(m_port)}};
  std::string info = global_scenario().create_info;
  if (!info.empty()) {
    result["info"] = info;
  }
  std::clog << "odoo-upgrade-sandbox: request " << r.id << " created (target " << r.params.target
            << ", aim " << to_string(r.params.aim) << ")\n";
  send_json(res, result_body(id, result));
}

void Platform::api_transfer_start(const json& id, const json& params, httplib::Response& res) {
  if (auto e = check_arguments("transfer_start", params, {"token", "transfer_type"}, {})) {
    send_error(res, id, *e);
    return;
  }
  auto r = request_for_token(id, params, "transfer_start", {"transfer_type"}, res);
  if (!r) {
    return;
  }
  std::string type_text =
      params["transfer_type"].is_string() ? params["transfer_type"].get<std::string>() : "";
  auto type = parse_transfer_type(type_text);
  if (!type) {
    send_error(res,
               id,
               application_error("invalid transfer type '" + type_text +
                                 "': expected 'upload' or 'download'"));
    return;
  }
  if (auto e = check_transfer_start(facts(*r), *type)) {
    send_error(res, id, *e);
    return;
  }
  long long seq = m_registry->next_transfer_sequence();
  m_registry->update(
      r->id,
      [&](Request& q) {
        q.open_transfer = *type;
        q.transfer_sequence = seq;
        if (*type == TransferType::upload) {
          ++q.uploads_started;
        } else {
          ++q.downloads_started;
        }
      },
      now());
  refresh_cut_control(r->id);
  refresh_authorized_keys();
  json result = {{"ssh_port", m_sshd->port()}, {"known_hosts", m_sshd->known_hosts()}};
  if (*type == TransferType::download) {
    result["dump_name"] = "upgraded.dump";
  }
  send_json(res, result_body(id, result));
}

void Platform::api_transfer_stop(const json& id, const json& params, httplib::Response& res) {
  auto r = request_for_token(id, params, "transfer_stop", {}, res);
  if (!r) {
    return;
  }
  m_registry->update(
      r->id, [](Request& q) { q.open_transfer.reset(); }, now());
  refresh_authorized_keys();
  send_json(res, result_body(id, json::object()));
}

void Platform::api_process(const json& id, const json& params, httplib::Response& res) {
  auto r = request_for_token(id, params, "process", {}, res);
  if (!r) {
    return;
  }
  if (auto e = check_process(facts(*r))) {
    send_error(res, id, *e);
    return;
  }
  Scenario sc = scenario_for(r->id);
  bool compatible = true;
  if (sc.pg_version_compatible) {
    compatible = *sc.pg_version_compatible;
  } else if (auto dump = find_uploaded_dump(request_paths(m_options.state_dir, r->id).data)) {
    auto theirs = dump_pg_major(*dump);
    auto ours = local_pg_dump_major();
    compatible = !theirs || !ours || *theirs >= *ours;
  }
  // `process` closes an upload left open and hands the request to a processing thread.
  auto updated = m_registry->update(
      r->id,
      [](Request& q) {
        q.open_transfer.reset();
        q.status = Status::pending;
      },
      now());
  refresh_authorized_keys();
  start_processing(*updated);
  send_json(res, result_body(id, json{{"is_pg_version_compatible", compatible}}));
}

void Platform::api_status(const json& id, const json& params, httplib::Response& res) {
  auto r = request_for_token(id, params, "status", {}, res);
  if (!r) {
    return;
  }
  json result = {{"status", std::string(to_string(r->status))},
                 {"host_uri", "127.0.0.1:" + std::to_string(m_port)},
                 {"archived", r->archived}};
  if (!r->reason.empty()) {
    result["reason"] = r->reason;
  }
  send_json(res, result_body(id, result));
}

void Platform::api_wipe(const json& id, const json& params, httplib::Response& res) {
  auto r = request_for_token(id, params, "wipe", {"contract"}, res);
  if (!r) {
    return;
  }
  if (params.contains("contract") && params["contract"].is_string() &&
      params["contract"].get<std::string>() != r->params.contract) {
    send_error(res, id, application_error("the subscription code does not match this request"));
    return;
  }
  if (auto e = check_wipe(facts(*r))) {
    send_error(res, id, *e);
    return;
  }
  RequestPaths paths = request_paths(m_options.state_dir, r->id);
  json wiped = json::array();
  json failed = json::array();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.data, ec)) {
    std::string name = entry.path().filename().string();
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    (rm ? failed : wiped).push_back(name);
  }
  m_registry->update(
      r->id,
      [](Request& q) {
        q.archived = true;
        q.open_transfer.reset();
      },
      now());
  refresh_authorized_keys();
  send_json(res, result_body(id, json{{"wiped", wiped}, {"failed", failed}}));
}

void Platform::handle_logs(const httplib::Request& req, httplib::Response& res) {
  if (inject_fault_before(res)) {
    return;
  }
  // The range is applied here, byte for byte: httplib's own handling would answer 416 past the
  // end, where clients expect an empty 200.
  auto& ranges = const_cast<httplib::Request&>(req).ranges;
  ranges.clear();
  auto request = m_registry->find_by_token(req.get_param_value("token"));
  if (!request) {
    res.status = 404;
    res.set_content("no upgrade request matches this token\n", "text/plain; charset=utf-8");
    return;
  }
  auto range = parse_range(req.get_header_value("Range"));
  if (!range) {
    res.status = 400;
    res.set_content("unsupported Range header\n", "text/plain; charset=utf-8");
    return;
  }
  std::string log = read_text(request_paths(m_options.state_dir, request->id).data / "upgrade.log");
  std::uint64_t size = log.size();
  res.status = 200;
  if (range->start >= size) {
    res.set_content("", "text/plain; charset=utf-8");
    return;
  }
  std::uint64_t last = std::min<std::uint64_t>(range->last.value_or(size - 1), size - 1);
  std::string body = log.substr(range->start, last - range->start + 1);
  if (req.has_header("Range")) {
    res.status = 206;
    res.set_header("Content-Range",
                   "bytes " + std::to_string(range->start) + "-" + std::to_string(last) + "/" +
                       std::to_string(size));
  }
  res.set_content(body, "text/plain; charset=utf-8");
}

void Platform::handle_admin_scenario(const httplib::Request& req, httplib::Response& res) {
  json body = json::object();
  if (req.method == "POST") {
    body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
      send_json(res, json{{"error", "the body must be a JSON object"}}.dump(), 400);
      return;
    }
  } else if (req.has_param("request_id")) {
    body["request_id"] = std::stoll(req.get_param_value("request_id"));
  }
  std::optional<long long> request_id;
  if (body.contains("request_id")) {
    if (!body["request_id"].is_number_integer()) {
      send_json(res, json{{"error", "request_id must be an integer"}}.dump(), 400);
      return;
    }
    request_id = body["request_id"].get<long long>();
    body.erase("request_id");
  }
  try {
    validate_patch(body);
    if (!request_id) {
      std::lock_guard lock(m_scenario_mutex);
      m_scenario = apply_patch(m_scenario, body);
    } else {
      for (const auto& [key, value] : body.items()) {
        if (is_global_key(key)) {
          throw std::invalid_argument("scenario key '" + key + "' can only be set globally");
        }
      }
      if (!m_registry->find(*request_id)) {
        send_json(res, json{{"error", "no request " + std::to_string(*request_id)}}.dump(), 404);
        return;
      }
      Scenario effective = apply_patch(scenario_for(*request_id), body);
      m_registry->update(
          *request_id,
          [&](Request& q) {
            q.scenario.update(body);
            // Cancelling or archiving a live request takes effect at once (a request being
            // processed is cancelled by its thread at the next step).
            if (effective.cancel && (q.status == Status::created || q.status == Status::pending)) {
              q.status = Status::cancelled;
              q.reason = "the upgrade request was cancelled";
              q.open_transfer.reset();
            }
            if (body.contains("archive") && effective.archive) {
              q.archived = true;
            }
          },
          now());
      refresh_cut_control(*request_id);
      refresh_authorized_keys();
    }
  } catch (const std::exception& e) {
    send_json(res, json{{"error", e.what()}}.dump(), 400);
    return;
  }
  json out = {{"scenario", to_json(request_id ? scenario_for(*request_id) : global_scenario())}};
  if (request_id) {
    out["request_id"] = *request_id;
  }
  send_json(res, out.dump());
}

void Platform::handle_admin_requests(const httplib::Request&, httplib::Response& res) {
  json out = m_registry->to_json(false);
  out["scenario"] = to_json(global_scenario());
  send_json(res, out.dump());
}

void Platform::refresh_authorized_keys() {
  std::lock_guard lock(m_keys_mutex);
  std::vector<KeyGrant> grants;
  for (const auto& r : m_registry->all()) {
    if (r.open_transfer && !r.params.ssh_key.empty()) {
      grants.push_back(
          {r.transfer_sequence,
           r.params.ssh_key,
           gate_command(m_options.program, m_options.state_dir, r.id, *r.open_transfer)});
    }
  }
  m_sshd->write_authorized_keys(authorized_keys_text(grants));
}

void Platform::refresh_cut_control(long long request_id) {
  Scenario sc = scenario_for(request_id);
  RequestPaths paths = request_paths(m_options.state_dir, request_id);
  CutControl control = read_cut_control(paths.cut).value_or(CutControl{});
  control.after_bytes = sc.cut_transfer_after_bytes;
  control.times = sc.cut_transfer_times;
  write_cut_control(paths.cut, control);
}

void Platform::start_processing(const Request& request) {
  auto job = std::make_shared<ProcessingJob>();
  RequestPaths paths = request_paths(m_options.state_dir, request.id);
  job->request_id = request.id;
  job->target = request.params.target;
  job->aim = request.params.aim;
  job->pg_conninfo = m_options.pg_conninfo;
  job->data_dir = paths.data;
  job->work_dir = paths.work;
  job->stopping = &m_stopping;
  long long rid = request.id;
  job->scenario = [this, rid] { return scenario_for(rid); };
  job->set_status = [this, rid](Status status, const std::string& reason) {
    m_registry->update(
        rid,
        [&](Request& q) {
          // A request cancelled from the admin endpoint stays cancelled.
          if (is_terminal(q.status)) {
            return;
          }
          q.status = status;
          q.reason = reason;
        },
        now());
    if (is_terminal(status)) {
      on_final_status(rid);
    }
  };
  job->set_source_version = [this, rid](const std::string& v) {
    m_registry->update(
        rid, [&](Request& q) { q.source_version = v; }, now());
  };
  std::lock_guard lock(m_threads_mutex);
  m_threads.emplace_back([job] { run_processing(*job); });
}

void Platform::on_final_status(long long request_id) {
  if (scenario_for(request_id).archive) {
    m_registry->update(
        request_id, [](Request& q) { q.archived = true; }, now());
  }
  auto r = m_registry->find(request_id);
  if (r) {
    std::clog << "odoo-upgrade-sandbox: request " << request_id << " " << to_string(r->status)
              << "\n";
  }
}

} // namespace odoo_upgrade::sandbox
