#include <odoo_upgrade/adapters/system_clock.hpp>
#include <odoo_upgrade/core/error.hpp>

#include <thread>

namespace odoo_upgrade::adapters {

core::TimePoint SystemClock::now() {
  return std::chrono::system_clock::now();
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

} // namespace odoo_upgrade::adapters
