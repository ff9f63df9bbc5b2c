// Time in the core is a value the caller passes in: a point on the driver's clock (wall clock
// for the UDP driver, Simulator::Now() in ns-3, a virtual clock in tests). The core never reads
// a clock itself.
#pragma once

#include <chrono>
#include <cstdint>

namespace ikewot {

using Duration = std::chrono::nanoseconds;

// Nanoseconds since the driver's epoch. For certificate validity the driver's epoch must be the
// Unix epoch (UnixSeconds); simulations start their virtual clock at a configured Unix time.
struct TimePoint {
  Duration since_epoch{0};

  static constexpr TimePoint FromUnixSeconds(int64_t s) { return TimePoint{std::chrono::seconds(s)}; }
  int64_t UnixSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  }
  friend constexpr auto operator<=>(const TimePoint&, const TimePoint&) = default;
  friend constexpr TimePoint operator+(TimePoint t, Duration d) { return TimePoint{t.since_epoch + d}; }
  friend constexpr Duration operator-(TimePoint a, TimePoint b) { return a.since_epoch - b.since_epoch; }
};

// "No deadline": NextDeadline() returns this when nothing is scheduled.
inline constexpr TimePoint kNever{Duration::max()};

}  // namespace ikewot
