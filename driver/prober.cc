#include "driver/prober.h"

#include <deque>
#include <map>
#include <set>

#include "driver/address.h"
#include "driver/node_runner.h"

namespace ikewot::driver {
namespace {

class ProbeSession {
 public:
  ProbeSession(EventLoop& loop, const std::vector<ProbeJob>& jobs, const ProbeOptions& options,
               Rng& rng)
      : loop_(loop),
        jobs_(jobs),
        options_(options),
        node_(MakeConfig(), rng),
        runner_(loop, node_),
        outcomes_(jobs.size()) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      outcomes_[i].result.target = jobs[i].remote.ToString();
      pending_.push_back(i);
    }
  }

  ~ProbeSession() {
    if (start_timer_) loop_.Cancel(*start_timer_);
    if (poll_timer_) loop_.Cancel(*poll_timer_);
  }
  ProbeSession(const ProbeSession&) = delete;
  ProbeSession& operator=(const ProbeSession&) = delete;

  Result<std::vector<ProbeOutcome>> Run() {
    IKEWOT_RETURN_IF_ERROR(OpenSockets());
    runner_.SetEventHandler([this](const engine::Event& e) { OnEvent(e); });
    StartMore();
    while (true) {
      const TimePoint until = finished_at_ ? *finished_at_ + options_.delete_grace : kNever;
      auto exit = loop_.Run(until);
      if (!exit.ok()) return exit.error();
      if (*exit == EventLoop::Exit::kStopped && finished_at_) break;  // all done and cleaned up
      if (*exit == EventLoop::Exit::kDeadline || *exit == EventLoop::Exit::kIdle) break;
      if (*exit == EventLoop::Exit::kSignal || *exit == EventLoop::Exit::kStopped) {
        Interrupt();
        break;
      }
    }
    return std::move(outcomes_);
  }

 private:
  static engine::NodeConfig MakeConfig() {
    engine::NodeConfig config;
    config.accept_incoming = false;  // a prober answers nobody
    return config;
  }

  Status OpenSockets() {
    std::set<size_t> families;
    for (const ProbeJob& job : jobs_) families.insert(job.remote.address.size());
    for (size_t family : families) {
      ListenSpec spec;
      if (!options_.source.empty() && options_.source.size() == family) {
        spec.address = options_.source;
      } else if (!options_.source.empty()) {
        continue;  // targets of the other family fail below with a clear message
      } else {
        spec.address = Bytes(family, 0);
      }
      spec.ike_port = options_.local_port;
      spec.natt_port = options_.local_natt_port;
      auto bound = runner_.Listen(spec);
      if (!bound.ok()) return bound.error();
    }
    return Status::Ok();
  }

  void StartMore() {
    if (start_timer_) return;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (in_flight_.size() >= options_.max_in_flight) break;
      const size_t index = *it;
      const Bytes& address = jobs_[index].remote.address;
      if (busy_addresses_.count(address)) {
        ++it;
        continue;
      }
      it = pending_.erase(it);
      Start(index);
      if (!pending_.empty() && options_.start_spacing.count() > 0) {
        start_timer_ = loop_.After(options_.start_spacing, [this] {
          start_timer_.reset();
          StartMore();
        });
        break;
      }
    }
    CheckFinished();
  }

  void Start(size_t index) {
    const ProbeJob& job = jobs_[index];
    auto local = runner_.LocalEndpointFor(job.remote);
    if (!local.ok()) {
      outcomes_[index].local_error = local.error();
      return;
    }
    auto handle = node_.StartProbe(*local, job.remote, job.policy, loop_.Now());
    if (!handle.ok()) {
      outcomes_[index].local_error = handle.error();
      if (handle.code() == ErrorCode::kLimitExceeded) {
        outcomes_[index].result.stop = engine::ProbeStop::kRateLimited;
      }
      return;
    }
    in_flight_[*handle] = index;
    busy_addresses_.insert(job.remote.address);
    runner_.Pump();
  }

  void OnEvent(const engine::Event& e) {
    auto it = in_flight_.find(e.sa);
    if (it == in_flight_.end()) return;
    const size_t index = it->second;
    if (e.kind == engine::EventKind::kProbeCompleted) {
      outcomes_[index].result = e.probe;
    } else if (e.kind == engine::EventKind::kFailed) {
      // A failure without a ProbeCompleted (should not happen): keep what the engine said.
      outcomes_[index].result.stop = engine::ProbeStop::kProtocolError;
      outcomes_[index].result.detail = e.reason;
    } else {
      return;
    }
    busy_addresses_.erase(jobs_[index].remote.address);
    in_flight_.erase(it);
    StartMore();
  }

  void CheckFinished() {
    if (!pending_.empty() || !in_flight_.empty() || start_timer_) return;
    if (!finished_at_) finished_at_ = loop_.Now();
    // Every probe ended; once the polite deletes are answered (or the grace passes) we are done.
    if (node_.sa_count() == 0) {
      loop_.Stop();
    } else if (!poll_timer_) {
      poll_timer_ = loop_.After(std::chrono::milliseconds(5), [this] {
        poll_timer_.reset();
        CheckFinished();
      });
    }
  }

  void Interrupt() {
    for (auto& [handle, index] : in_flight_) {
      outcomes_[index].result.stop = engine::ProbeStop::kTimeout;
      outcomes_[index].result.detail = "interrupted";
    }
    for (size_t index : pending_) {
      outcomes_[index].result.stop = engine::ProbeStop::kTimeout;
      outcomes_[index].result.detail = "interrupted before it started";
    }
  }

  EventLoop& loop_;
  const std::vector<ProbeJob>& jobs_;
  const ProbeOptions& options_;
  engine::IkeNode node_;
  NodeRunner runner_;
  std::vector<ProbeOutcome> outcomes_;
  std::deque<size_t> pending_;
  std::map<engine::SaHandle, size_t> in_flight_;
  std::set<Bytes> busy_addresses_;
  std::optional<EventLoop::TimerId> start_timer_;
  std::optional<EventLoop::TimerId> poll_timer_;
  std::optional<TimePoint> finished_at_;
};

}  // namespace

Result<std::vector<ProbeOutcome>> ProbeAll(EventLoop& loop, const std::vector<ProbeJob>& jobs,
                                           const ProbeOptions& options, Rng& rng) {
  if (jobs.empty()) return std::vector<ProbeOutcome>{};
  ProbeSession session(loop, jobs, options, rng);
  return session.Run();
}

}  // namespace ikewot::driver
