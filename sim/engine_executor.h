// EngineExecutor: runs simulated nodes' engine calls on a small pool of threads while ns-3's
// single-threaded scheduler carries on, without changing the simulation's results.
//
// Why it can: an engine call (engine::IkeNode::HandleDatagram, Connect, ...) is a pure function
// of the node's own state, its input, the `now` handed in and the node's own DeterministicRng.
// With IkewotApplication's ProcessingDelay d > 0 a call that starts at simulated time t takes
// effect at t + d, so the call may run anywhere (on a worker) between the moment ns-3 reaches t
// (Submit) and the moment it reaches t + d (Wait). Whatever the thread count, each call sees the
// same state and the same inputs, and its effects are applied by the main thread at t + d in
// ns-3's event order: the results are byte-identical for any number of threads.
//
// Threads: `threads` - 1 workers plus the main thread, which, when it needs a result that is not
// ready, runs queued work itself (oldest first: work is submitted in simulated-time order, so the
// one it needs is usually the oldest) and only then waits. With threads = 1 there are no workers
// and Wait runs the work on the main thread.
//
// Waiting: a thread that runs out of work, or the main thread waiting for a worker's result,
// spins for a short while (work comes every few tens of microseconds in a large run) before it
// sleeps on a condition variable; a sleeping worker is only woken when there is one: a futex
// wake per engine call cost ~25 % more CPU.
//
// PreparedCrypto is not thread-safe: the executor keeps one per thread and hands the running
// thread's one to the work.
//
// Ownership: no global instance; whoever builds the scenario creates one and hands it to the
// applications (IkewotHelper::SetEngineExecutor), which keep it alive while they have work in it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/crypto/prepared.h"

namespace ikewot::sim {

class EngineExecutor {
 public:
  // The work of one engine call; `prepared` is the running thread's.
  using Work = std::function<void(const std::shared_ptr<crypto::PreparedCrypto>& prepared)>;

  // One submitted piece of work; the submitter keeps it to Wait for it.
  class Ticket {
   public:
    explicit Ticket(Work work) : work_(std::move(work)) {}

   private:
    friend class EngineExecutor;
    enum class State { kQueued, kRunning, kDone };
    Work work_;
    std::atomic<State> state_{State::kQueued};  // written under the executor's mutex
  };

  // `threads` >= 1 (0 is taken as 1): threads - 1 workers are started.
  explicit EngineExecutor(unsigned threads);
  // Joins the workers; work still queued is dropped (nobody waits for it any more).
  ~EngineExecutor();
  EngineExecutor(const EngineExecutor&) = delete;
  EngineExecutor& operator=(const EngineExecutor&) = delete;

  unsigned threads() const { return static_cast<unsigned>(prepared_.size()); }
  // The main thread's PreparedCrypto, for engine calls it makes outside any work.
  const std::shared_ptr<crypto::PreparedCrypto>& main_prepared() const { return prepared_[0]; }

  // Queues `work`; a worker (or the main thread in Wait) runs it.
  std::shared_ptr<Ticket> Submit(Work work);
  // Main thread only: returns once the ticket's work has run (running queued work itself while
  // the result is not ready).
  void Wait(const std::shared_ptr<Ticket>& ticket);

  // Pieces of work run by the main thread and by the workers so far (for the figures).
  uint64_t run_on_main() const;
  uint64_t run_on_workers() const;

 private:
  void WorkerLoop(size_t index);
  // Spins until `done` is true or about `microseconds` pass; whether it became true.
  template <typename Predicate>
  static bool SpinUntil(Predicate done, int microseconds);
  // Runs `ticket` (already marked running) with thread `index`'s PreparedCrypto and marks it
  // done. Called without the lock held.
  void Run(Ticket& ticket, size_t index);

  std::vector<std::shared_ptr<crypto::PreparedCrypto>> prepared_;  // [0]: the main thread
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable work_done_;
  std::deque<std::shared_ptr<Ticket>> queue_;
  std::atomic<size_t> queued_{0};  // queue_.size(), readable without the lock
  size_t sleeping_workers_ = 0;
  bool main_sleeping_ = false;
  std::atomic<bool> stopping_{false};
  uint64_t run_on_main_ = 0;
  uint64_t run_on_workers_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace ikewot::sim
