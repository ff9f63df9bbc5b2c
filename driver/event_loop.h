// The driver's event loop: epoll over the file descriptors it is asked to watch (UDP sockets,
// TUN devices), one-shot timers on the driver clock, and a stop that is safe to call from a
// signal handler or another thread. Single-threaded: callbacks run on the thread inside Run().
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "core/base/time.h"
#include "driver/clock.h"

namespace ikewot::driver {

class EventLoop {
 public:
  using Callback = std::function<void()>;
  using TimerId = uint64_t;

  enum class Exit {
    kStopped,   // Stop() was called
    kSignal,    // a signal from StopOnSignals arrived (stop_signal() says which)
    kDeadline,  // Run's deadline passed
    kIdle,      // nothing left to wait for: no watched descriptors, no timers
  };

  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  const DriverClock& clock() const { return clock_; }
  TimePoint Now() const { return clock_.Now(); }

  // Calls `on_readable` whenever `fd` has data (level-triggered). One callback per descriptor;
  // watching it again replaces the callback. The loop never closes `fd`.
  [[nodiscard]] Status Watch(int fd, Callback on_readable);
  void Unwatch(int fd);

  // One-shot timers; timers due at the same time run in the order they were set.
  TimerId At(TimePoint when, Callback fn);
  TimerId After(Duration delay, Callback fn) { return At(Now() + delay, std::move(fn)); }
  void Cancel(TimerId id);

  // Makes Run() return kStopped. Async-signal-safe and thread-safe (one eventfd write).
  void Stop();
  // Blocks these signals for the process and receives them through a signalfd instead: when one
  // arrives Run() returns kSignal. The previous signal mask is restored when the loop goes away.
  [[nodiscard]] Status StopOnSignals(const std::vector<int>& signals);
  int stop_signal() const { return stop_signal_; }

  Result<Exit> Run(TimePoint deadline = kNever);

  size_t watch_count() const { return watches_.size(); }
  size_t timer_count() const { return timers_.size(); }

 private:
  EventLoop(int epoll_fd, int wake_fd) : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}
  [[nodiscard]] Status AddInternal(int fd);
  void RunDueTimers();
  bool DrainWake();
  bool DrainSignals();

  DriverClock clock_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int signal_fd_ = -1;
  bool restore_mask_ = false;
  sigset_t saved_mask_{};
  int stop_signal_ = 0;
  bool stop_requested_ = false;

  // Shared so a callback that unwatches its own descriptor does not destroy itself mid-call.
  std::map<int, std::shared_ptr<Callback>> watches_;
  TimerId next_timer_ = 1;
  std::map<std::pair<TimePoint, TimerId>, Callback> timers_;
  std::map<TimerId, TimePoint> timer_due_;
};

}  // namespace ikewot::driver
