#include "sim/engine_executor.h"

#include <chrono>
#include <utility>

namespace ikewot::sim {

namespace {
// How long a thread spins for work or a result before it sleeps.
constexpr int kWorkerSpinMicroseconds = 100;
constexpr int kMainSpinMicroseconds = 200;
}  // namespace

EngineExecutor::EngineExecutor(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) {
    prepared_.push_back(std::make_shared<crypto::PreparedCrypto>());
  }
  for (unsigned i = 1; i < threads; ++i) {
    workers_.emplace_back([this, i] { WorkerLoop(i); });
  }
}

EngineExecutor::~EngineExecutor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
    queued_ = 0;
  }
  work_available_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

template <typename Predicate>
bool EngineExecutor::SpinUntil(Predicate done, int microseconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(microseconds);
  for (int round = 0;; ++round) {
    if (done()) return true;
    // Reading the clock costs more than a check: look at it every 64 rounds.
    if (round % 64 == 63 && std::chrono::steady_clock::now() >= until) return false;
  }
}

std::shared_ptr<EngineExecutor::Ticket> EngineExecutor::Submit(Work work) {
  auto ticket = std::make_shared<Ticket>(std::move(work));
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(ticket);
    queued_ = queue_.size();
    wake = sleeping_workers_ > 0;
  }
  if (wake) work_available_.notify_one();
  return ticket;
}

void EngineExecutor::Wait(const std::shared_ptr<Ticket>& ticket) {
  auto done = [&ticket] { return ticket->state_.load() == Ticket::State::kDone; };
  std::unique_lock<std::mutex> lock(mutex_);
  while (!done()) {
    if (!queue_.empty()) {
      // Help instead of idling: the oldest first, which is usually the one we need.
      std::shared_ptr<Ticket> next = std::move(queue_.front());
      queue_.pop_front();
      queued_ = queue_.size();
      next->state_ = Ticket::State::kRunning;
      ++run_on_main_;
      lock.unlock();
      Run(*next, 0);
      lock.lock();
      continue;
    }
    // Nothing queued: a worker is running it; it usually finishes within microseconds.
    lock.unlock();
    const bool finished = SpinUntil(done, kMainSpinMicroseconds);
    lock.lock();
    if (finished) break;
    main_sleeping_ = true;
    work_done_.wait(lock, [&] { return done() || !queue_.empty(); });
    main_sleeping_ = false;
  }
}

uint64_t EngineExecutor::run_on_main() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return run_on_main_;
}

uint64_t EngineExecutor::run_on_workers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return run_on_workers_;
}

void EngineExecutor::WorkerLoop(size_t index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (!stopping_ && queue_.empty()) {
      lock.unlock();
      SpinUntil([this] { return stopping_.load() || queued_.load() > 0; }, kWorkerSpinMicroseconds);
      lock.lock();
      ++sleeping_workers_;
      work_available_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      --sleeping_workers_;
    }
    if (stopping_) return;
    std::shared_ptr<Ticket> next = std::move(queue_.front());
    queue_.pop_front();
    queued_ = queue_.size();
    next->state_ = Ticket::State::kRunning;
    ++run_on_workers_;
    lock.unlock();
    Run(*next, index);
    lock.lock();
  }
}

void EngineExecutor::Run(Ticket& ticket, size_t index) {
  ticket.work_(prepared_[index]);
  Work finished = std::move(ticket.work_);  // release what the work captured
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket.state_ = Ticket::State::kDone;
    wake = main_sleeping_;
  }
  if (wake) work_done_.notify_all();
}

}  // namespace ikewot::sim
