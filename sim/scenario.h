// What every scenario program shares: the common CommandLine options (--seed, --run, --out,
// --pcap), seeding ns-3 (and through it every node's Rng), the run folder, progress on stderr
// and the final run.json / nodes.csv / summary.json.
#pragma once

#include <ns3/application-container.h>
#include <ns3/command-line.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/base/json.h"
#include "sim/directory.h"
#include "sim/run_writer.h"

namespace ikewot::sim {

struct ScenarioOptions {
  uint64_t seed = 1;
  uint64_t run = 1;
  std::string out;
  bool pcap = false;
  bool quiet = false;
  double progress_interval_s = 600;  // simulated seconds between progress lines
  double metrics_interval_s = 60;    // simulated seconds between metrics.csv rows
};

class ScenarioRun {
 public:
  // `default_out`: the folder when --out is not given.
  ScenarioRun(std::string scenario, std::string default_out);

  // Adds --seed, --run, --out, --pcap, --quiet to `cmd`.
  void AddOptions(ns3::CommandLine& cmd);
  // After parsing: seeds ns-3 (RngSeedManager) and opens the run folder. Exits with status 1
  // and a one-line reason if the folder cannot be written.
  void Begin();
  // Connects every application's "Event" trace source to the run folder's event log.
  void Record(const ns3::ApplicationContainer& apps);
  // Prints a progress line on stderr every progress_interval_s simulated seconds until stopped.
  void StartProgress();
  void Progress(const std::string& what) const;
  // Writes run.json, nodes.csv, metrics.csv and summary.json (with `figures`), prints the summary
  // path. Returns the process exit status (0, or 1 when a file could not be written).
  int Finish(const Directory& directory, Json parameters, Json figures);

  const ScenarioOptions& options() const { return options_; }
  // Scenario-specific defaults; call before AddOptions.
  ScenarioOptions& defaults() { return options_; }
  RunWriter& writer() { return *writer_; }
  const std::string& scenario() const { return scenario_; }

 private:
  void ProgressTick();

  std::string scenario_;
  ScenarioOptions options_;
  std::unique_ptr<RunWriter> writer_;
  std::string started_utc_;
  std::chrono::steady_clock::time_point wall_start_;
};

}  // namespace ikewot::sim
