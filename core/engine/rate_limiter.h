// Per-target probe rate limiting. A probe leaves a half-open SA on the target until it times
// out; real daemons demand cookies after ~3 and block after ~5 half-open SAs per source, so a
// prober stays below that: a bound on concurrent probes per target and on probes per window.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "core/base/bytes.h"
#include "core/base/time.h"

namespace ikewot::engine {

struct ProbeRatePolicy {
  uint32_t max_concurrent_per_target = 2;
  uint32_t max_per_window = 4;
  Duration window = std::chrono::minutes(1);
};

class ProbeRateLimiter {
 public:
  explicit ProbeRateLimiter(ProbeRatePolicy policy = {}) : policy_(policy) {}

  // True and counts the probe when one may start now toward `target` (its address bytes).
  bool TryAdmit(const Bytes& target, TimePoint now);
  // A probe toward `target` ended (in any way).
  void Finished(const Bytes& target);
  // Earliest time a new probe toward `target` would be admitted (now if already allowed;
  // kNever while the concurrency bound is what blocks).
  TimePoint NextAdmission(const Bytes& target, TimePoint now);

 private:
  struct TargetState {
    uint32_t in_flight = 0;
    std::deque<TimePoint> recent_starts;
  };
  void Prune(TargetState& state, TimePoint now) const;

  ProbeRatePolicy policy_;
  std::map<Bytes, TargetState> targets_;
};

}  // namespace ikewot::engine
