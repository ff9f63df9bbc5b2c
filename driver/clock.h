// The driver's clock: the core's TimePoint on the Unix epoch (certificate validity needs it),
// advanced by the monotonic clock so that setting the wall clock never moves timers.
#pragma once

#include <chrono>

#include "core/base/time.h"

namespace ikewot::driver {

class DriverClock {
 public:
  // Anchors the wall clock once; every later reading is anchor + monotonic time elapsed since.
  DriverClock();

  TimePoint Now() const;
  // How long from now until `when` (zero when it has passed; kNever gives Duration::max()).
  Duration Until(TimePoint when) const;

 private:
  TimePoint wall_anchor_;
  std::chrono::steady_clock::time_point steady_anchor_;
};

}  // namespace ikewot::driver
