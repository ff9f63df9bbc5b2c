#include "core/engine/retransmit.h"

#include <algorithm>

namespace ikewot::engine {

void RetransmitTimer::Start(TimePoint now) {
  tries_ = 1;
  deadline_ = now + CurrentTimeout();
}

Duration RetransmitTimer::CurrentTimeout() const {
  // initial * backoff^(tries-1), computed step by step so it saturates at the ceiling.
  Duration timeout = policy_.initial_timeout;
  for (uint32_t i = 1; i < tries_ && timeout < policy_.max_timeout; ++i) {
    timeout = std::chrono::duration_cast<Duration>(timeout * policy_.backoff);
  }
  return std::min(timeout, policy_.max_timeout);
}

RetransmitTimer::Action RetransmitTimer::OnTimeout(TimePoint now) {
  if (deadline_ == kNever || now < deadline_) return Action::kNone;
  if (tries_ >= policy_.max_tries) {
    deadline_ = kNever;
    return Action::kGiveUp;
  }
  ++tries_;
  deadline_ = now + CurrentTimeout();
  return Action::kResend;
}

}  // namespace ikewot::engine
