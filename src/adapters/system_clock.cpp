#include <odoo_upgrade/adapters/system_clock.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <cstdlib>
#include <thread>

namespace odoo_upgrade::adapters {

SystemClock::SystemClock(core::TimePoint start)
    : m_offset(start - std::chrono::system_clock::now()) {}

core::TimePoint SystemClock::now() {
  return std::chrono::system_clock::now() + m_offset;
}

void SystemClock::sleep_for(std::chrono::milliseconds d) {
  auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
    core::throw_if_interrupted();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(100)));
  }
  core::throw_if_interrupted();
}

std::optional<core::TimePoint> test_clock_from_env() {
  const char* value = std::getenv(k_test_now_env);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  auto start = core::parse_iso8601(value);
  if (!start) {
    throw core::UsageError(std::string(k_test_now_env) + " '" + value + "' is not an ISO 8601 time",
                           "unset it (it is a test setting), or give e.g. 2027-11-21T16:00:00Z");
  }
  return start;
}

} // namespace odoo_upgrade::adapters
