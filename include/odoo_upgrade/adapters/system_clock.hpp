#pragma once

#include <odoo_upgrade/core/clock.hpp>

namespace odoo_upgrade::adapters {

// The real clock. `sleep_for` wakes up every 100 ms to honour Ctrl-C.
class SystemClock : public core::Clock {
public:
  core::TimePoint now() override;
  void sleep_for(std::chrono::milliseconds d) override;
};

} // namespace odoo_upgrade::adapters
