#pragma once

#include <odoo_upgrade/core/clock.hpp>
#include <odoo_upgrade/core/time_local.hpp>

#include <optional>
#include <string>

namespace odoo_upgrade::adapters {

// The real clock, optionally shifted by a fixed offset. `sleep_for` wakes up every 100 ms to honour
// Ctrl-C; durations are real time whatever the offset.
class SystemClock : public core::Clock {
public:
  SystemClock() = default;
  // A clock that reads `start` now and runs at the real pace from there (see test_clock_from_env).
  explicit SystemClock(core::TimePoint start);
  core::TimePoint now() override;
  void sleep_for(std::chrono::milliseconds d) override;

private:
  std::chrono::system_clock::duration m_offset{0};
};

// The environment variable that sets the clock of a run, for tests only: an ISO 8601 time
// ("2027-11-21T16:00:00Z"). Tests use it to judge time-dependent facts (monitor's activity and
// overdue crons) against fixtures of any age. Documented in docs/commands/monitor.md ("Time"); only
// monitor and status honour it (src/cli/app.cpp), and every run that does says so on stderr.
inline constexpr const char* k_test_now_env = "ODOO_UPGRADE_TEST_NOW";
// The start time `k_test_now_env` names; std::nullopt when it is unset or empty. Throws UsageError
// when it is set but not an ISO 8601 time.
std::optional<core::TimePoint> test_clock_from_env();

// The zone of this machine's wall-clock times, in which times typed without an offset are read and
// times are shown back: the zone named by TZ when it names one of the IANA database (a leading ':'
// ignored), else the system's (/etc/localtime, through the date library's current_zone), else UTC.
core::LocalZone local_zone();

} // namespace odoo_upgrade::adapters
