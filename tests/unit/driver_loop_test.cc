// The driver's event loop and clock: timers in order, cancellation, readable descriptors, stop
// from a callback, from another thread and by a signal, and Run's deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "driver/clock.h"
#include "driver/event_loop.h"

namespace ikewot::driver {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<EventLoop> NewLoop() {
  auto loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << loop.error().ToString();
  return std::move(*loop);
}

TEST(DriverClockTest, FollowsTheWallClockAndNeverGoesBack) {
  DriverClock clock;
  const int64_t wall = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const TimePoint a = clock.Now();
  EXPECT_LE(std::abs(a.UnixSeconds() - wall), 1);
  const TimePoint b = clock.Now();
  EXPECT_LE(a, b);
  EXPECT_EQ(clock.Until(a), Duration{0});
  EXPECT_EQ(clock.Until(kNever), Duration::max());
  EXPECT_GT(clock.Until(b + 1s), 900ms);
}

TEST(DriverLoopTest, TimersRunInDeadlineOrderAndCancelledOnesNever) {
  auto loop = NewLoop();
  std::vector<int> order;
  const TimePoint start = loop->Now();
  loop->After(30ms, [&] { order.push_back(3); });
  loop->After(10ms, [&] { order.push_back(1); });
  const auto cancelled = loop->After(15ms, [&] { order.push_back(99); });
  loop->After(20ms, [&] { order.push_back(2); });
  loop->Cancel(cancelled);
  auto exit = loop->Run();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, EventLoop::Exit::kIdle);  // nothing left to wait for
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(loop->Now() - start, 30ms);
  EXPECT_EQ(loop->timer_count(), 0u);
}

TEST(DriverLoopTest, TimerSetFromATimerRuns) {
  auto loop = NewLoop();
  int fired = 0;
  loop->After(1ms, [&] {
    ++fired;
    loop->At(loop->Now(), [&] { ++fired; });  // due at once: runs on the next turn
  });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(fired, 2);
}

TEST(DriverLoopTest, ReadableDescriptorCallsBackAndStopEndsRun) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string got;
  ASSERT_TRUE(loop->Watch(fds[0],
                          [&] {
                            char buf[16];
                            ssize_t n = read(fds[0], buf, sizeof(buf));
                            if (n > 0) got.append(buf, static_cast<size_t>(n));
                            if (got.size() >= 4) loop->Stop();
                          })
                  .ok());
  loop->After(5ms, [&] { ASSERT_EQ(write(fds[1], "ping", 4), 4); });
  auto exit = loop->Run(loop->Now() + 5s);
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, EventLoop::Exit::kStopped);
  EXPECT_EQ(got, "ping");
  loop->Unwatch(fds[0]);
  EXPECT_EQ(loop->watch_count(), 0u);
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(loop->Watch(-1, [] {}).ok());
}

TEST(DriverLoopTest, DeadlineEndsRunWhileDescriptorsStayWatched) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_TRUE(loop->Watch(fds[0], [] {}).ok());
  const TimePoint start = loop->Now();
  auto exit = loop->Run(start + 40ms);
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, EventLoop::Exit::kDeadline);
  EXPECT_GE(loop->Now() - start, 40ms);
  EXPECT_LT(loop->Now() - start, 2s);
  loop->Unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(DriverLoopTest, StopFromAnotherThread) {
  auto loop = NewLoop();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_TRUE(loop->Watch(fds[0], [] {}).ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    loop->Stop();
  });
  auto exit = loop->Run(loop->Now() + 10s);
  stopper.join();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, EventLoop::Exit::kStopped);
  loop->Unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(DriverLoopTest, WatchedSignalEndsRunAndMaskIsRestored) {
  sigset_t before;
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, nullptr, &before), 0);
  ASSERT_FALSE(sigismember(&before, SIGUSR2));
  {
    auto loop = NewLoop();
    ASSERT_TRUE(loop->StopOnSignals({SIGUSR2}).ok());
    EXPECT_FALSE(loop->StopOnSignals({SIGUSR2}).ok());  // once per loop
    loop->After(10ms, [] { ASSERT_EQ(raise(SIGUSR2), 0); });
    auto exit = loop->Run(loop->Now() + 10s);
    ASSERT_TRUE(exit.ok());
    EXPECT_EQ(*exit, EventLoop::Exit::kSignal);
    EXPECT_EQ(loop->stop_signal(), SIGUSR2);
  }
  sigset_t after;
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, nullptr, &after), 0);
  EXPECT_FALSE(sigismember(&after, SIGUSR2));
}

}  // namespace
}  // namespace ikewot::driver
