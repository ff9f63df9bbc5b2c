#include "sim/engine_executor.h"

#include <utility>

namespace ikewot::sim {

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
  }
  work_available_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

std::shared_ptr<EngineExecutor::Ticket> EngineExecutor::Submit(Work work) {
  auto ticket = std::make_shared<Ticket>(std::move(work));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(ticket);
  }
  if (!workers_.empty()) work_available_.notify_one();
  return ticket;
}

void EngineExecutor::Wait(const std::shared_ptr<Ticket>& ticket) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (ticket->state_ != Ticket::State::kDone) {
    if (!queue_.empty()) {
      // Help instead of idling: the oldest first, which is usually the one we need.
      std::shared_ptr<Ticket> next = std::move(queue_.front());
      queue_.pop_front();
      next->state_ = Ticket::State::kRunning;
      ++run_on_main_;
      lock.unlock();
      Run(*next, 0);
      lock.lock();
      continue;
    }
    // Nothing queued: a worker is running it.
    work_done_.wait(lock);
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
    work_available_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::shared_ptr<Ticket> next = std::move(queue_.front());
    queue_.pop_front();
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket.state_ = Ticket::State::kDone;
  }
  work_done_.notify_all();
}

}  // namespace ikewot::sim
