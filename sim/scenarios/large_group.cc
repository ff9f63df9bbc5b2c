#include "sim/scenarios/large_group.h"

#include <ns3/boolean.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "core/crypto/prepared.h"
#include "core/crypto/random.h"
#include "sim/engine_executor.h"
#include "sim/grouped_network.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"

namespace ikewot::sim {
namespace {

// User plus system CPU seconds of this process so far.
double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A line of /proc/self/status in MiB ("VmRSS:" now, "VmHWM:" peak); 0 if unknown.
double StatusMiB(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
  }
  return 0;
}

struct PlannedConnect {
  int64_t at_us = 0;
  uint32_t from = 0;
  uint32_t to = 0;
};

// The connects of the whole run, started in time order by one chain of events (a million
// connects scheduled at once would sit in ns-3's event map for the whole run).
class LargeGroup {
 public:
  LargeGroup(ScenarioRun& run, std::vector<ns3::Ptr<IkewotApplication>> apps,
             std::vector<PlannedConnect> plan, double hold_s)
      : run_(run), apps_(std::move(apps)), plan_(std::move(plan)), hold_s_(hold_s) {}

  void Start() {
    if (plan_.empty()) {
      ns3::Simulator::Stop(ns3::Seconds(1));
      return;
    }
    ScheduleNext();
  }

  // Progress every `every_s` simulated seconds: handshakes, CPU per handshake since the last
  // line, memory.
  void StartProgress(double every_s) {
    if (every_s <= 0) return;
    last_cpu_s_ = ProcessCpuSeconds();
    last_ok_ = 0;
    ns3::Simulator::Schedule(ns3::Seconds(every_s), [this, every_s] { ProgressTick(every_s); });
  }

  uint64_t ok() const { return ok_; }
  uint64_t failed() const { return failed_; }

 private:
  void ScheduleNext() {
    const int64_t now_us = ns3::Simulator::Now().GetMicroSeconds();
    ns3::Simulator::Schedule(ns3::MicroSeconds(std::max<int64_t>(0, plan_[next_].at_us - now_us)),
                             [this] { StartDue(); });
  }

  void StartDue() {
    const int64_t now_us = ns3::Simulator::Now().GetMicroSeconds();
    while (next_ < plan_.size() && plan_[next_].at_us <= now_us) {
      const PlannedConnect c = plan_[next_++];
      ns3::Ptr<IkewotApplication> from = apps_[c.from];
      const Bytes to = apps_[c.to]->address();
      from->Connect(to, [this, from, to](bool success) { Finished(from, to, success); });
    }
    if (next_ < plan_.size()) ScheduleNext();
  }

  void Finished(ns3::Ptr<IkewotApplication> from, const Bytes& to, bool success) {
    ++(success ? ok_ : failed_);
    if (success) {
      ns3::Simulator::Schedule(ns3::Seconds(hold_s_), [from, to] { from->Disconnect(to); });
    }
    if (ok_ + failed_ == plan_.size()) ns3::Simulator::Stop(ns3::Seconds(hold_s_ + 5));
  }

  void ProgressTick(double every_s) {
    const double cpu_s = ProcessCpuSeconds();
    const uint64_t done = ok_ - last_ok_;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%llu/%zu handshakes ok, %llu failed; cpu %.1f s (%.3f ms per handshake "
                  "since the last line); rss %.0f MiB",
                  static_cast<unsigned long long>(ok_), plan_.size(),
                  static_cast<unsigned long long>(failed_), cpu_s,
                  done > 0 ? (cpu_s - last_cpu_s_) * 1e3 / static_cast<double>(done) : 0.0,
                  StatusMiB("VmRSS:"));
    run_.Progress(line);
    last_cpu_s_ = cpu_s;
    last_ok_ = ok_;
    ns3::Simulator::Schedule(ns3::Seconds(every_s), [this, every_s] { ProgressTick(every_s); });
  }

  ScenarioRun& run_;
  std::vector<ns3::Ptr<IkewotApplication>> apps_;
  std::vector<PlannedConnect> plan_;
  double hold_s_;
  size_t next_ = 0;
  uint64_t ok_ = 0;
  uint64_t failed_ = 0;
  double last_cpu_s_ = 0;
  uint64_t last_ok_ = 0;
};

// Each node's `handshakes` connects to random other nodes at random times in the window, in
// time order (ties keep the order of the draws).
std::vector<PlannedConnect> PlanConnects(const LargeGroupConfig& config, uint64_t seed) {
  DeterministicRng pick(seed, AsBytes("ikewot-sim large-group"));
  const auto window_us = static_cast<uint64_t>(config.window_s * 1e6);
  std::vector<PlannedConnect> plan;
  plan.reserve(static_cast<size_t>(config.nodes) * config.handshakes);
  for (uint32_t u = 0; u < config.nodes; ++u) {
    for (uint32_t k = 0; k < config.handshakes; ++k) {
      uint32_t target = pick.NextU32() % (config.nodes - 1);
      if (target >= u) ++target;
      const int64_t at_us =
          1000000 + static_cast<int64_t>(window_us > 0 ? pick.NextU64() % window_us : 0);
      plan.push_back(PlannedConnect{at_us, u, target});
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const PlannedConnect& a, const PlannedConnect& b) {
    return a.at_us < b.at_us;
  });
  return plan;
}

Status CheckConfig(const LargeGroupConfig& config) {
  if (config.nodes < 2) {
    return Error{ErrorCode::kInvalidArgument,
                 "nodes must be at least 2, got " + std::to_string(config.nodes)};
  }
  if (config.key_type != "ed25519" && config.key_type != "ecdsa-p256") {
    return Error{ErrorCode::kInvalidArgument,
                 "keyType must be ed25519 or ecdsa-p256, got \"" + config.key_type + "\""};
  }
  if (!(config.window_s >= 0) || !(config.hold_s >= 0) || !(config.progress_every_s >= 0) ||
      !(config.processing_delay_ms >= 0)) {
    return Error{ErrorCode::kInvalidArgument,
                 "window, hold, progressEvery and processingDelay must be >= 0"};
  }
  if (config.threads > 256) {
    return Error{ErrorCode::kInvalidArgument,
                 "threads must be at most 256, got " + std::to_string(config.threads)};
  }
  return Status::Ok();
}

}  // namespace

Result<ScenarioOutcome> RunLargeGroup(const LargeGroupConfig& config, const RunHooks& hooks) {
  if (Status ok = CheckConfig(config); !ok.ok()) return ok;
  ScenarioRun run(LargeGroupConfig::kProgram, config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;

  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = ProcessCpuSeconds();
  GroupedNetwork net = BuildGroupedNetwork(config.nodes, config.group_size, ns3::MilliSeconds(2),
                                           ns3::MilliSeconds(20));
  const unsigned threads =
      config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  // Held by the applications too; they release it when the simulator disposes of them.
  auto executor = std::make_shared<EngineExecutor>(threads);
  IkewotHelper helper(&directory);
  helper.SetEngineExecutor(executor);
  helper.SetAttribute("ProcessingDelay", ns3::TimeValue(ns3::NanoSeconds(static_cast<int64_t>(
                                             config.processing_delay_ms * 1e6 + 0.5))));
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  helper.SetAttribute("KeyType", ns3::StringValue(config.key_type));
  helper.SetAttribute("PeerCertificateCacheEntries",
                      ns3::UintegerValue(config.peer_certificate_cache_entries));
  helper.SetAttribute("PeerKnowledgeEntries", ns3::UintegerValue(config.peer_knowledge_entries));
  if (config.shared_prepared_crypto) {
    helper.SetPreparedCrypto(executor->main_prepared());
  }
  ns3::ApplicationContainer apps = helper.Install(net.hosts, 0);
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  const double setup_wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double setup_cpu_s = ProcessCpuSeconds() - cpu_start;
  const double rss_after_setup_mib = StatusMiB("VmRSS:");
  run.Progress("set up " + std::to_string(config.nodes) + " nodes in " +
               std::to_string(setup_wall_s) + " s wall, " + std::to_string(setup_cpu_s) +
               " s cpu; rss " + std::to_string(static_cast<int>(rss_after_setup_mib)) + " MiB");

  LargeGroup scenario(run, ApplicationsOf(apps), PlanConnects(config, run.options().seed),
                      config.hold_s);
  scenario.Start();
  scenario.StartProgress(config.progress_every_s);
  const auto run_start = std::chrono::steady_clock::now();
  const double run_cpu_start = ProcessCpuSeconds();
  RunSimulation(run, config.window_s + 3600);
  const double run_wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  const double run_cpu_s = ProcessCpuSeconds() - run_cpu_start;
  const double events = static_cast<double>(ns3::Simulator::GetEventCount());

  Json parameters = OwnParametersJson(config);
  Json figures = Json::MakeObject();
  figures.Set("key_type", config.key_type);
  figures.Set("handshakes",
              static_cast<uint64_t>(config.nodes) * static_cast<uint64_t>(config.handshakes));
  figures.Set("handshakes_ok", scenario.ok());
  figures.Set("handshakes_failed", scenario.failed());
  figures.Set("setup_wall_seconds", setup_wall_s);
  figures.Set("setup_cpu_seconds", setup_cpu_s);
  figures.Set("run_wall_seconds", run_wall_s);
  figures.Set("run_cpu_seconds", run_cpu_s);
  figures.Set("cpu_ms_per_handshake",
              scenario.ok() > 0 ? run_cpu_s * 1e3 / static_cast<double>(scenario.ok()) : 0.0);
  figures.Set("threads", static_cast<uint64_t>(threads));
  figures.Set("processing_delay_ms", config.processing_delay_ms);
  figures.Set("engine_calls_on_main", executor->run_on_main());
  figures.Set("engine_calls_on_workers", executor->run_on_workers());
  figures.Set("ns3_events", static_cast<uint64_t>(events));
  figures.Set("ns3_events_per_wall_second", run_wall_s > 0 ? events / run_wall_s : 0.0);
  figures.Set("handshakes_per_wall_second",
              run_wall_s > 0 ? static_cast<double>(scenario.ok()) / run_wall_s : 0.0);
  figures.Set("rss_after_setup_mib", rss_after_setup_mib);
  figures.Set("peak_rss_mib", StatusMiB("VmHWM:"));
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
