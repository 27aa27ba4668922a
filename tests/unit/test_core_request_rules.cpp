#include <odoo_upgrade/core/request_rules.hpp>

#include <catch2/catch.hpp>

using namespace odoo_upgrade::core;
using namespace std::chrono_literals;

TEST_CASE("core::next_request_step", "[core]") {
  using S = ServiceState;
  using R = RequestState;
  using T = RequestStep;
  struct Case {
    R local;
    std::optional<S> service;
    bool archived;
    T expected;
  };
  std::vector<Case> cases = {
      // Local steps, no service needed.
      {R::dumping, std::nullopt, false, T::dump},
      {R::dumped, std::nullopt, false, T::create},
      {R::creating, std::nullopt, false, T::ambiguous_create},
      {R::downloaded, std::nullopt, false, T::after_download},
      {R::restoring, std::nullopt, false, T::after_download},
      {R::restored, std::nullopt, false, T::after_download},
      {R::tested, std::nullopt, false, T::finished},
      {R::failed, std::nullopt, false, T::finished},
      {R::abandoned, std::nullopt, false, T::finished},
      // "new" stays until process is called, also after a complete upload.
      {R::created, S::created, false, T::upload},
      {R::uploaded, S::created, false, T::process},
      {R::processing, S::created, false, T::process},
      {R::processing, S::pending, false, T::wait},
      {R::processing, S::progress, false, T::wait},
      {R::created, S::progress, false, T::wait}, // processed elsewhere: follow the service
      {R::processing, S::done, false, T::download},
      {R::done, S::done, false, T::download},
      {R::done, S::done, true, T::end_archived},
      {R::processing, S::done, true, T::end_archived},
      {R::processing, S::failed, false, T::end_failed},
      {R::uploaded, S::cancelled, false, T::end_failed},
      {R::created, S::created, true, T::end_archived},
      {R::processing, S::unknown, false, T::end_unknown},
      {R::processing, std::nullopt, false, T::end_unknown},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(to_string(c.local) << " / " << static_cast<int>(c.service.value_or(S::unknown))
                                       << (c.archived ? " archived" : "")) {
      CHECK(next_request_step(c.local, c.service, c.archived) == c.expected);
    }
  }
}

TEST_CASE("core::needs_service_status", "[core]") {
  CHECK(needs_service_status(RequestState::created));
  CHECK(needs_service_status(RequestState::uploaded));
  CHECK(needs_service_status(RequestState::processing));
  CHECK(needs_service_status(RequestState::done));
  CHECK_FALSE(needs_service_status(RequestState::creating));
  CHECK_FALSE(needs_service_status(RequestState::downloaded));
}

TEST_CASE("core::ssh_host_of", "[core]") {
  CHECK(ssh_host_of("upgrade.odoo.com") == "upgrade.odoo.com");
  CHECK(ssh_host_of("127.0.0.1:8443") == "127.0.0.1");
  CHECK(ssh_host_of("https://127.0.0.1:8443/") == "127.0.0.1");
  CHECK(ssh_host_of("https://upgrade-eu1.odoo.com") == "upgrade-eu1.odoo.com");
  CHECK(ssh_host_of("[::1]:8443") == "::1");
  CHECK(ssh_host_of("::1") == "::1");
  CHECK(ssh_host_of("localhost") == "localhost");
}

TEST_CASE("core::next_poll_delay", "[core]") {
  CHECK(next_poll_delay(0ms, 2000ms, 30000ms) == 2000ms);
  CHECK(next_poll_delay(2000ms, 2000ms, 30000ms) == 3000ms);
  CHECK(next_poll_delay(25000ms, 2000ms, 30000ms) == 30000ms);
}

TEST_CASE("core::transfer_retry_delay", "[core]") {
  CHECK(transfer_retry_delay(1) == 2000ms);
  CHECK(transfer_retry_delay(2) == 4000ms);
  CHECK(transfer_retry_delay(3) == 8000ms);
  CHECK(transfer_retry_delay(4) == 16000ms);
  CHECK(transfer_retry_delay(5) == 30000ms);
  CHECK(transfer_retry_delay(50) == 30000ms);
}
