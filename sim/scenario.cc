#include "sim/scenario.h"

#include <ns3/callback.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include <cstdio>
#include <cstdlib>

#include "sim/ikewot_application.h"
#include "sim/trust_metrics.h"

namespace ikewot::sim {

ScenarioRun::ScenarioRun(std::string scenario, std::string default_out)
    : scenario_(std::move(scenario)) {
  options_.out = std::move(default_out);
}

ScenarioRun::ScenarioRun(std::string scenario, ScenarioOptions options, RunHooks hooks)
    : scenario_(std::move(scenario)), options_(std::move(options)), hooks_(std::move(hooks)) {}

void ScenarioRun::AddOptions(ns3::CommandLine& cmd) {
  options_.Visit(
      [&](const char* name, const char* help, auto& field) { cmd.AddValue(name, help, field); });
}

Status ScenarioRun::Open() {
  if (options_.seed == 0 || options_.seed > 0xffffffffULL) {
    return Error{ErrorCode::kInvalidArgument,
                 "seed must be 1..4294967295, got " + std::to_string(options_.seed)};
  }
  if (options_.out.empty()) return Error{ErrorCode::kInvalidArgument, "out must not be empty"};
  if (!(options_.metrics_interval_s >= 0)) {
    return Error{ErrorCode::kInvalidArgument, "metricsInterval must be >= 0"};
  }
  ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(options_.seed));
  ns3::RngSeedManager::SetRun(options_.run);
  Result<std::unique_ptr<RunWriter>> writer = RunWriter::Open(options_.out);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  started_utc_ = UtcNowText();
  wall_start_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

void ScenarioRun::Begin() {
  Status opened = Open();
  if (!opened.ok()) {
    std::fprintf(stderr, "%s: %s\n", scenario_.c_str(), opened.error().message.c_str());
    std::exit(opened.code() == ErrorCode::kInvalidArgument ? 2 : 1);
  }
}

void ScenarioRun::Record(const ns3::ApplicationContainer& apps) {
  for (uint32_t i = 0; i < apps.GetN(); ++i) {
    apps.Get(i)->TraceConnectWithoutContext("Event",
                                            ns3::MakeCallback(&ScenarioRun::OnEvent, this));
  }
}

void ScenarioRun::OnEvent(const SimEvent& event) {
  writer_->Record(event);
  CheckStop();
}

double ScenarioRun::WallSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
}

void ScenarioRun::Progress(const std::string& what) {
  if (hooks_.progress) {
    hooks_.progress(ProgressReport{scenario_, ns3::Simulator::Now().GetSeconds(), WallSeconds(),
                                   writer_->counts().events, what});
  } else if (!options_.quiet) {
    std::fprintf(stderr, "%s: sim %.1f s, wall %.1f s, %llu events: %s\n", scenario_.c_str(),
                 ns3::Simulator::Now().GetSeconds(), WallSeconds(),
                 static_cast<unsigned long long>(writer_->counts().events), what.c_str());
  }
  CheckStop();
}

bool ScenarioRun::CheckStop() {
  if (!stopped_ && hooks_.should_stop && hooks_.should_stop()) {
    stopped_ = true;
    ns3::Simulator::Stop();
  }
  return stopped_;
}

void ScenarioRun::StartProgress() {
  const bool listened = hooks_.progress || !options_.quiet;
  if (!listened || options_.progress_interval_s <= 0) return;
  ns3::Simulator::Schedule(ns3::Seconds(options_.progress_interval_s), &ScenarioRun::ProgressTick,
                           this);
}

void ScenarioRun::ProgressTick() {
  const RunCounts& c = writer_->counts();
  Progress(std::to_string(c.probes) + " probes, " + std::to_string(c.verifications_done) +
           " verifications, " + std::to_string(c.connections_ok) + "/" +
           std::to_string(c.connections_attempted) + " connections");
  StartProgress();
}

Status ScenarioRun::Complete(const Directory& directory, Json parameters, Json figures) {
  const double wall = WallSeconds();
  const double sim_seconds = ns3::Simulator::Now().GetSeconds();
  parameters.Set("seed", options_.seed);
  parameters.Set("run", options_.run);
  parameters.Set("pcap", options_.pcap);
  const std::vector<MetricsSample> metrics =
      ComputeMetrics(static_cast<uint32_t>(directory.size()), writer_->trust_changes(),
                     writer_->verification_times(), writer_->needed_times(),
                     static_cast<int64_t>(options_.metrics_interval_s * 1e9),
                     ns3::Simulator::Now().GetNanoSeconds());
  Status statuses[] = {
      writer_->Finish(),
      WriteMetricsCsv(options_.out + "/metrics.csv", metrics),
      writer_->WriteRunJson(scenario_, options_.seed, options_.run, parameters, wall, sim_seconds,
                            started_utc_),
      writer_->WriteNodes(directory),
      writer_->WriteSummary(scenario_, directory, options_.seed, std::move(figures)),
  };
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

int ScenarioRun::Finish(const Directory& directory, Json parameters, Json figures) {
  Status done = Complete(directory, std::move(parameters), std::move(figures));
  if (!done.ok()) {
    std::fprintf(stderr, "%s: %s\n", scenario_.c_str(), done.error().message.c_str());
    return 1;
  }
  if (!options_.quiet) {
    std::fprintf(stderr, "%s: done in %.1f s wall, %.1f s simulated; summary: %s/summary.json\n",
                 scenario_.c_str(), WallSeconds(), ns3::Simulator::Now().GetSeconds(),
                 options_.out.c_str());
  }
  return 0;
}

Status ScenarioRun::Abandon() { return writer_->Finish(); }

}  // namespace ikewot::sim
