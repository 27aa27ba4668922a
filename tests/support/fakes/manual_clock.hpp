#pragma once

#include <odoo_upgrade/core/clock.hpp>

#include <chrono>
#include <vector>

// A clock that moves only when told: `sleep_for` advances it at once and records the delay, so that
// poll loops, back-offs and timeouts run in microseconds and their delays can be asserted.
namespace odoo_upgrade::test {

class ManualClock : public core::Clock {
public:
  explicit ManualClock(core::TimePoint start = core::TimePoint{} +
                                               std::chrono::hours(24 * 365 * 56))
      : m_now(start) {}

  core::TimePoint now() override { return m_now; }
  void sleep_for(std::chrono::milliseconds d) override {
    m_sleeps.push_back(d);
    m_now += d;
  }

  // Moves the clock forward without a recorded sleep (time spent elsewhere).
  void advance(std::chrono::milliseconds d) { m_now += d; }
  // Every sleep asked for, in order.
  const std::vector<std::chrono::milliseconds>& sleeps() const { return m_sleeps; }
  std::chrono::milliseconds slept() const {
    std::chrono::milliseconds total{0};
    for (auto d : m_sleeps) {
      total += d;
    }
    return total;
  }

private:
  core::TimePoint m_now;
  std::vector<std::chrono::milliseconds> m_sleeps;
};

} // namespace odoo_upgrade::test
