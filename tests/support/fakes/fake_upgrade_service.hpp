#pragma once

#include <odoo_upgrade/ports/upgrade_service.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// A scripted stand-in for Odoo's upgrade service that records every call. Owned by the test;
// `make()` hands the code under test a forwarding handle (the ports want a unique_ptr), so the test
// keeps inspecting the same fake after the run.
namespace odoo_upgrade::test {

class FakeUpgradeService : public ports::UpgradeService {
public:
  // Calls made, in order: "create", "start_transfer upload", "stop_transfer", "process",
  // "status", "logs", "pin_host <host>".
  std::vector<std::string> calls;
  // What create sends back, or throws (AmbiguousCreateError, ServiceError) when set.
  ports::CreatedRequest created{42, "tok-secret-42", "127.0.0.1:9443", ""};
  std::function<void()> create_throws;
  std::vector<ports::CreateRequestParams> create_params;
  // Status answers, one per call; the last one repeats.
  std::deque<ports::RequestStatus> statuses;
  bool pg_compatible = true;
  ports::TransferGrant grant{2222, "[127.0.0.1]:2222 ssh-ed25519 AAAA", "upgraded.dump"};
  // Log chunks, one per call; empty once used up.
  std::deque<std::string> log_chunks;

  // A status as the service reports it.
  static ports::RequestStatus
  status(ports::RequestState state, std::string reason = "", bool archived = false) {
    return {state, std::string(ports::to_string(state)), std::move(reason), archived, ""};
  }
  // Appends `n` answers of `state`.
  void script(ports::RequestState state, int n = 1) {
    for (int i = 0; i < n; ++i) {
      statuses.push_back(status(state));
    }
  }
  int count(const std::string& call) const {
    int n = 0;
    for (const auto& c : calls) {
      n += c == call ? 1 : 0;
    }
    return n;
  }

  ports::CreatedRequest create_request(const ports::CreateRequestParams& params) override {
    calls.emplace_back("create");
    create_params.push_back(params);
    if (create_throws) {
      create_throws();
    }
    return created;
  }
  ports::TransferGrant start_transfer(const std::string&,
                                      ports::TransferDirection direction) override {
    calls.emplace_back(direction == ports::TransferDirection::upload ? "start_transfer upload"
                                                                     : "start_transfer download");
    return grant;
  }
  void stop_transfer(const std::string&) override { calls.emplace_back("stop_transfer"); }
  bool process(const std::string&) override {
    calls.emplace_back("process");
    return pg_compatible;
  }
  ports::RequestStatus status(const std::string&) override {
    calls.emplace_back("status");
    if (statuses.empty()) {
      return status(ports::RequestState::unknown);
    }
    auto s = statuses.front();
    if (statuses.size() > 1) {
      statuses.pop_front();
    }
    return s;
  }
  std::string logs(const std::string&, std::uint64_t) override {
    calls.emplace_back("logs");
    if (log_chunks.empty()) {
      return {};
    }
    auto chunk = log_chunks.front();
    log_chunks.pop_front();
    return chunk;
  }
  void pin_host(const std::string& host) override { calls.push_back("pin_host " + host); }

  // A handle for the code under test that forwards to this fake.
  std::unique_ptr<ports::UpgradeService> make() { return std::make_unique<Handle>(*this); }

private:
  class Handle : public ports::UpgradeService {
  public:
    explicit Handle(FakeUpgradeService& fake) : m_fake(fake) {}
    ports::CreatedRequest create_request(const ports::CreateRequestParams& p) override {
      return m_fake.create_request(p);
    }
    ports::TransferGrant start_transfer(const std::string& t, ports::TransferDirection d) override {
      return m_fake.start_transfer(t, d);
    }
    void stop_transfer(const std::string& t) override { m_fake.stop_transfer(t); }
    bool process(const std::string& t) override { return m_fake.process(t); }
    ports::RequestStatus status(const std::string& t) override { return m_fake.status(t); }
    std::string logs(const std::string& t, std::uint64_t from) override {
      return m_fake.logs(t, from);
    }
    void pin_host(const std::string& host) override { m_fake.pin_host(host); }

  private:
    FakeUpgradeService& m_fake;
  };
};

} // namespace odoo_upgrade::test
