// Retransmission of the one outstanding request of an IKE SA (RFC 7296 §2.1, §2.4): resend the
// same bytes after an initial timeout, doubling the wait each time (bounded by a ceiling), and
// give up after a bounded number of tries. A pure value driven by the caller's clock.
#pragma once

#include <cstdint>

#include "core/base/time.h"

namespace ikewot::engine {

struct RetransmitPolicy {
  Duration initial_timeout = std::chrono::milliseconds(500);
  double backoff = 2.0;
  Duration max_timeout = std::chrono::seconds(8);
  // Total transmissions including the first one.
  uint32_t max_tries = 5;
};

class RetransmitTimer {
 public:
  enum class Action { kNone, kResend, kGiveUp };

  explicit RetransmitTimer(RetransmitPolicy policy = {}) : policy_(policy) {}

  // A new request went out at `now` (first transmission).
  void Start(TimePoint now);
  // The answer arrived: nothing more to wait for.
  void Stop() { deadline_ = kNever; }
  bool running() const { return deadline_ != kNever; }
  TimePoint deadline() const { return deadline_; }
  // Transmissions so far (1 after Start).
  uint32_t tries() const { return tries_; }

  // Called at or after deadline(): kResend (and rearms with the next back-off) or kGiveUp once
  // the last try has timed out. Before the deadline: kNone.
  Action OnTimeout(TimePoint now);

 private:
  Duration CurrentTimeout() const;

  RetransmitPolicy policy_;
  TimePoint deadline_ = kNever;
  uint32_t tries_ = 0;
};

}  // namespace ikewot::engine
