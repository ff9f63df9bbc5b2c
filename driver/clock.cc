#include "driver/clock.h"

namespace ikewot::driver {

DriverClock::DriverClock()
    : wall_anchor_{std::chrono::duration_cast<Duration>(
          std::chrono::system_clock::now().time_since_epoch())},
      steady_anchor_(std::chrono::steady_clock::now()) {}

TimePoint DriverClock::Now() const {
  return wall_anchor_ +
         std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - steady_anchor_);
}

Duration DriverClock::Until(TimePoint when) const {
  if (when == kNever) return Duration::max();
  const TimePoint now = Now();
  return when <= now ? Duration{0} : when - now;
}

}  // namespace ikewot::driver
