#include "core/engine/rate_limiter.h"

namespace ikewot::engine {

void ProbeRateLimiter::Prune(TargetState& state, TimePoint now) const {
  while (!state.recent_starts.empty() && now - state.recent_starts.front() >= policy_.window) {
    state.recent_starts.pop_front();
  }
}

bool ProbeRateLimiter::TryAdmit(const Bytes& target, TimePoint now) {
  TargetState& state = targets_[target];
  Prune(state, now);
  if (state.in_flight >= policy_.max_concurrent_per_target ||
      state.recent_starts.size() >= policy_.max_per_window) {
    return false;
  }
  ++state.in_flight;
  state.recent_starts.push_back(now);
  return true;
}

void ProbeRateLimiter::Finished(const Bytes& target) {
  auto it = targets_.find(target);
  if (it == targets_.end() || it->second.in_flight == 0) return;
  --it->second.in_flight;
  if (it->second.in_flight == 0 && it->second.recent_starts.empty()) targets_.erase(it);
}

TimePoint ProbeRateLimiter::NextAdmission(const Bytes& target, TimePoint now) {
  auto it = targets_.find(target);
  if (it == targets_.end()) return now;
  Prune(it->second, now);
  if (it->second.in_flight >= policy_.max_concurrent_per_target) return kNever;
  if (it->second.recent_starts.size() < policy_.max_per_window) return now;
  return it->second.recent_starts.front() + policy_.window;
}

}  // namespace ikewot::engine
