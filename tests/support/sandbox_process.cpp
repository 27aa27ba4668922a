#include "sandbox_process.hpp"

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace odoo_upgrade::test {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return static_cast<char>(std::tolower(c));
    });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of("\r\n \t") + 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * count;
}

HttpReply perform(const std::string& url,
                  const fs::path& ca_file,
                  const std::string* post_body,
                  const std::vector<std::string>& headers) {
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  HttpReply reply;
  curl_slist* list = nullptr;
  for (const auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
  }
  if (post_body != nullptr) {
    list = curl_slist_append(list, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    FAIL("HTTPS request to " << url << " failed: " << curl_easy_strerror(rc));
  }
  return reply;
}

} // namespace

SandboxProcess::SandboxProcess(std::vector<std::string> knobs) {
  m_dir = std::make_unique<TempDir>("sandbox");
  m_state_dir = m_dir->path() / "state";
  fs::path out = m_dir->path() / "sandbox.out";
  fs::path err = m_dir->path() / "sandbox.err";
  std::vector<std::string> args = {binary_path("sandbox/odoo-upgrade-sandbox").string(),
                                   "--state-dir",
                                   m_state_dir.string(),
                                   "--pg",
                                   pg_admin_conninfo()};
  args.insert(args.end(), knobs.begin(), knobs.end());
  if (!fs::exists(args[0])) {
    FAIL("sandbox binary '" << args[0] << "' is missing: build the odoo-upgrade-sandbox target");
  }
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  m_pid = fork();
  REQUIRE(m_pid >= 0);
  if (m_pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  fs::path ready_file = m_state_dir / "ready.json";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(ready_file)) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      FAIL("odoo-upgrade-sandbox exited before it was ready:\n" << read_file(err));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      FAIL("odoo-upgrade-sandbox was not ready after 30 s:\n" << read_file(err));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  m_ready = json::parse(read_file(ready_file));
  m_url = m_ready.at("url").get<std::string>();
  m_port = m_ready.at("port").get<int>();
  m_ca_file = m_ready.at("ca_file").get<std::string>();
  m_ssh_port = m_ready.at("ssh_port").get<int>();
  m_ssh_user = m_ready.at("ssh_user").get<std::string>();
}

SandboxProcess::~SandboxProcess() {
  stop();
}

int SandboxProcess::stop() {
  if (m_pid > 0) {
    kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (m_pid > 0) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
    m_exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return m_exit_status;
}

json SandboxProcess::registry() const {
  return json::parse(read_file(m_state_dir / "registry.json"));
}

fs::path SandboxProcess::data_dir(long long id) const {
  return m_state_dir / "requests" / std::to_string(id) / "root" / "data";
}

std::string SandboxProcess::stderr_text() const {
  return read_file(m_dir->path() / "sandbox.err");
}

HttpReply SandboxProcess::post(const std::string& path, const json& body) const {
  std::string text = body.dump();
  return perform(m_url + "/" + path, m_ca_file, &text, {});
}

HttpReply SandboxProcess::call(const std::string& path, const json& params) const {
  return post(
      path,
      json{{"jsonrpc", "2.0"}, {"method", "not_used"}, {"id", "not_used"}, {"params", params}});
}

HttpReply SandboxProcess::get(const std::string& path,
                              const std::vector<std::string>& headers) const {
  return perform(m_url + "/" + path, m_ca_file, nullptr, headers);
}

json SandboxProcess::set_scenario(const json& patch) const {
  HttpReply r = post("sandbox/scenario", patch);
  if (r.status != 200) {
    FAIL("sandbox/scenario refused " << patch.dump() << ": " << r.body);
  }
  return r.json();
}

} // namespace odoo_upgrade::test
