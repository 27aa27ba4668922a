#pragma once

#include <odoo_upgrade/core/time.hpp>

#include <chrono>

namespace odoo_upgrade::core {

// Time as commands see it. Only adapters/system_clock may read the real clock or sleep, so that
// tests can run poll loops and timeouts instantly with a manual clock.
class Clock {
public:
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  // Sleeps `d`; ends early and throws Interrupted on Ctrl-C.
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

} // namespace odoo_upgrade::core
