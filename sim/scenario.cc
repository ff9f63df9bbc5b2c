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

void ScenarioRun::AddOptions(ns3::CommandLine& cmd) {
  cmd.AddValue("seed", "Seed of every random choice (ns-3 RngSeedManager; node keys too)",
               options_.seed);
  cmd.AddValue("run", "Run number (independent replications with one seed)", options_.run);
  cmd.AddValue("out", "Run folder to write (docs/run-format.md)", options_.out);
  cmd.AddValue("pcap", "Also write packet captures into the run folder", options_.pcap);
  cmd.AddValue("quiet", "No progress on stderr", options_.quiet);
  cmd.AddValue("metricsInterval", "Simulated seconds between metrics.csv rows",
               options_.metrics_interval_s);
}

void ScenarioRun::Begin() {
  if (options_.seed == 0 || options_.seed > 0xffffffffULL) {
    std::fprintf(stderr, "%s: --seed must be 1..4294967295\n", scenario_.c_str());
    std::exit(2);
  }
  ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(options_.seed));
  ns3::RngSeedManager::SetRun(options_.run);
  Result<std::unique_ptr<RunWriter>> writer = RunWriter::Open(options_.out);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s: %s\n", scenario_.c_str(), writer.error().message.c_str());
    std::exit(1);
  }
  writer_ = std::move(*writer);
  started_utc_ = UtcNowText();
  wall_start_ = std::chrono::steady_clock::now();
}

void ScenarioRun::Record(const ns3::ApplicationContainer& apps) {
  for (uint32_t i = 0; i < apps.GetN(); ++i) {
    apps.Get(i)->TraceConnectWithoutContext("Event",
                                            ns3::MakeCallback(&RunWriter::Record, writer_.get()));
  }
}

void ScenarioRun::Progress(const std::string& what) const {
  if (options_.quiet) return;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  std::fprintf(stderr, "%s: sim %.1f s, wall %.1f s, %llu events: %s\n", scenario_.c_str(),
               ns3::Simulator::Now().GetSeconds(), wall,
               static_cast<unsigned long long>(writer_->counts().events), what.c_str());
}

void ScenarioRun::StartProgress() {
  if (options_.quiet || options_.progress_interval_s <= 0) return;
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

int ScenarioRun::Finish(const Directory& directory, Json parameters, Json figures) {
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
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
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", scenario_.c_str(), s.error().message.c_str());
      return 1;
    }
  }
  if (!options_.quiet) {
    std::fprintf(stderr, "%s: done in %.1f s wall, %.1f s simulated; summary: %s/summary.json\n",
                 scenario_.c_str(), wall, sim_seconds, options_.out.c_str());
  }
  return 0;
}

}  // namespace ikewot::sim
