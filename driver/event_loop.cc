#include "driver/event_loop.h"

#include <errno.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ikewot::driver {
namespace {

Error SysError(const std::string& what, int error_number) {
  return MakeError(ErrorCode::kIo, what + ": " + std::strerror(error_number));
}

// epoll_wait takes milliseconds: round up so we never wake before a timer is due and spin.
int TimeoutMs(Duration wait) {
  if (wait == Duration::max()) return -1;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return SysError("epoll_create1", errno);
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    int saved = errno;
    close(epoll_fd);
    return SysError("eventfd", saved);
  }
  std::unique_ptr<EventLoop> loop(new EventLoop(epoll_fd, wake_fd));
  IKEWOT_RETURN_IF_ERROR(loop->AddInternal(wake_fd));
  return loop;
}

EventLoop::~EventLoop() {
  if (signal_fd_ >= 0) {
    // Consume what arrived after Run returned, so unblocking does not deliver it (and kill us).
    DrainSignals();
    close(signal_fd_);
  }
  if (restore_mask_) pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  close(wake_fd_);
  close(epoll_fd_);
}

Status EventLoop::AddInternal(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return SysError("epoll_ctl add", errno);
  return Status::Ok();
}

Status EventLoop::Watch(int fd, Callback on_readable) {
  if (fd < 0 || fd == wake_fd_ || fd == signal_fd_) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot watch descriptor " + std::to_string(fd));
  }
  auto it = watches_.find(fd);
  if (it != watches_.end()) {
    it->second = std::make_shared<Callback>(std::move(on_readable));
    return Status::Ok();
  }
  IKEWOT_RETURN_IF_ERROR(AddInternal(fd));
  watches_[fd] = std::make_shared<Callback>(std::move(on_readable));
  return Status::Ok();
}

void EventLoop::Unwatch(int fd) {
  if (watches_.erase(fd) == 0) return;
  // The descriptor may already be closed by its owner; then the kernel dropped it itself.
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::At(TimePoint when, Callback fn) {
  const TimerId id = next_timer_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  timer_due_[id] = when;
  return id;
}

void EventLoop::Cancel(TimerId id) {
  auto it = timer_due_.find(id);
  if (it == timer_due_.end()) return;
  timers_.erase({it->second, id});
  timer_due_.erase(it);
}

void EventLoop::Stop() {
  const uint64_t one = 1;
  // write(2) is async-signal-safe; a full counter (EAGAIN) still means "wake up".
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

Status EventLoop::StopOnSignals(const std::vector<int>& signals) {
  if (signal_fd_ >= 0) return MakeError(ErrorCode::kState, "signals are already watched");
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, &saved_mask_); rc != 0) {
    return SysError("pthread_sigmask", rc);
  }
  restore_mask_ = true;
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) return SysError("signalfd", errno);
  return AddInternal(signal_fd_);
}

bool EventLoop::DrainWake() {
  uint64_t count = 0;
  return read(wake_fd_, &count, sizeof(count)) == sizeof(count);
}

bool EventLoop::DrainSignals() {
  signalfd_siginfo info;
  bool got = false;
  while (read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
    stop_signal_ = static_cast<int>(info.ssi_signo);
    got = true;
  }
  return got;
}

void EventLoop::RunDueTimers() {
  const TimePoint now = Now();
  // Timers set by a callback for "now" wait for the next turn, so a timer that re-arms itself
  // for a past time cannot starve the descriptors.
  const TimerId last_existing = next_timer_;
  while (!timers_.empty()) {
    auto it = timers_.begin();
    if (it->first.first > now || it->first.second >= last_existing) break;
    Callback fn = std::move(it->second);
    timer_due_.erase(it->first.second);
    timers_.erase(it);
    fn();
  }
}

Result<EventLoop::Exit> EventLoop::Run(TimePoint deadline) {
  stop_requested_ = false;
  constexpr int kMaxEvents = 32;
  epoll_event events[kMaxEvents];
  while (true) {
    // Idle: nothing to wait for -- but a stop or signal already pending still counts.
    const bool idle = watches_.empty() && timers_.empty();
    if (!idle && Now() >= deadline) return Exit::kDeadline;
    TimePoint next = deadline;
    if (!timers_.empty() && timers_.begin()->first.first < next) {
      next = timers_.begin()->first.first;
    }
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, idle ? 0 : TimeoutMs(clock_.Until(next)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError("epoll_wait", errno);
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        if (DrainWake()) stop_requested_ = true;
        continue;
      }
      if (fd == signal_fd_) {
        if (DrainSignals()) return Exit::kSignal;
        continue;
      }
      auto it = watches_.find(fd);
      if (it == watches_.end()) continue;  // unwatched by an earlier callback of this round
      std::shared_ptr<Callback> callback = it->second;
      (*callback)();
    }
    if (stop_requested_) return Exit::kStopped;
    if (idle) return Exit::kIdle;
    RunDueTimers();
    // A callback may have asked to stop through the eventfd; look before waiting again.
    if (DrainWake()) return Exit::kStopped;
  }
}

}  // namespace ikewot::driver
