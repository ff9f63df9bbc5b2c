// What every scenario shares: the common options (seed, run, out, pcap, quiet,
// metricsInterval), seeding ns-3 (and through it every node's Rng), the run folder, progress
// (on stderr for the programs, through RunHooks for in-process callers such as Python) and the
// final run.json / nodes.csv / metrics.csv / summary.json.
#pragma once

#include <ns3/application-container.h>
#include <ns3/command-line.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/json.h"
#include "core/base/status.h"
#include "sim/directory.h"
#include "sim/run_writer.h"
#include "sim/sim_event.h"

namespace ikewot::sim {

struct ScenarioOptions {
  uint64_t seed = 1;
  uint64_t run = 1;
  std::string out;
  bool pcap = false;
  bool quiet = false;
  double progress_interval_s = 600;  // simulated seconds between progress reports
  double metrics_interval_s = 60;    // simulated seconds between metrics.csv rows

  // The options a user sets, as (name, help, field): the programs' CommandLine and the Python
  // keyword arguments are both made from this list (sim/scenarios/parameters.h).
  template <typename Visitor>
  void Visit(Visitor&& visit) {
    visit("seed", "Seed of every random choice (ns-3 RngSeedManager; node keys too)", seed);
    visit("run", "Run number (independent replications with one seed)", run);
    visit("out", "Run folder to write (docs/run-format.md)", out);
    visit("pcap", "Also write packet captures into the run folder", pcap);
    visit("quiet", "No progress on stderr", quiet);
    visit("metricsInterval", "Simulated seconds between metrics.csv rows", metrics_interval_s);
  }
};

// One progress report: where the simulation is and what just happened.
struct ProgressReport {
  std::string scenario;
  double sim_seconds = 0;
  double wall_seconds = 0;
  uint64_t events = 0;
  std::string message;
};

// How an in-process caller follows and stops a run. Both may be empty.
struct RunHooks {
  // Replaces the stderr progress lines (also when quiet is set).
  std::function<void(const ProgressReport&)> progress;
  // Polled after every recorded event and progress report; true stops the simulation at once
  // (the run folder then has no summary.json: the run did not finish).
  std::function<bool()> should_stop;
};

class ScenarioRun {
 public:
  // `default_out`: the folder when --out is not given.
  ScenarioRun(std::string scenario, std::string default_out);
  // In-process: options already set, progress and stop through `hooks`.
  ScenarioRun(std::string scenario, ScenarioOptions options, RunHooks hooks);

  // Adds --seed, --run, --out, --pcap, --quiet, --metricsInterval to `cmd`.
  void AddOptions(ns3::CommandLine& cmd);
  // Checks the options, seeds ns-3 (RngSeedManager) and opens the run folder.
  Status Open();
  // Open() for programs: exits with status 2 (bad option) or 1 (folder) and a one-line reason.
  void Begin();
  // Connects every application's "Event" trace source to the run folder's event log.
  void Record(const ns3::ApplicationContainer& apps);
  // Reports progress every progress_interval_s simulated seconds until the simulation ends.
  void StartProgress();
  void Progress(const std::string& what);
  // Polls hooks.should_stop; when it says so, stops the simulator. True once stopped.
  bool CheckStop();
  bool stopped() const { return stopped_; }
  // Writes run.json, nodes.csv, metrics.csv and summary.json (with `figures`).
  Status Complete(const Directory& directory, Json parameters, Json figures);
  // Complete() for programs: prints the summary path or the error; returns the exit status.
  int Finish(const Directory& directory, Json parameters, Json figures);
  // Flushes the event log of a stopped run.
  Status Abandon();

  const ScenarioOptions& options() const { return options_; }
  // Scenario-specific defaults; call before AddOptions.
  ScenarioOptions& defaults() { return options_; }
  RunWriter& writer() { return *writer_; }
  const std::string& scenario() const { return scenario_; }

 private:
  void ProgressTick();
  void OnEvent(const SimEvent& event);
  double WallSeconds() const;

  std::string scenario_;
  ScenarioOptions options_;
  RunHooks hooks_;
  bool stopped_ = false;
  std::unique_ptr<RunWriter> writer_;
  std::string started_utc_;
  std::chrono::steady_clock::time_point wall_start_;
};

}  // namespace ikewot::sim
