#include <date/tz.h>

#include <odoo_upgrade/adapters/system_clock.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string_view>
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

core::LocalZone local_zone() {
  const char* tz = std::getenv("TZ");
  std::string_view name = tz != nullptr ? tz : "";
  if (name.starts_with(":")) {
    name.remove_prefix(1);
  }
  if (!name.empty()) {
    try {
      return core::LocalZone::named(name);
    } catch (const core::UsageError&) {
      spdlog::debug("TZ '{}' names no zone of the time zone database; using the system's", name);
    }
  }
  try {
    return core::LocalZone::named(date::current_zone()->name());
  } catch (const std::exception& e) {
    spdlog::debug("no system time zone ({}); using UTC", e.what());
    return core::LocalZone::fixed(std::chrono::minutes(0));
  }
}

} // namespace odoo_upgrade::adapters
