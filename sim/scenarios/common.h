// What the scenario bodies share: the outcome of a run, the simulator session (no ns-3 state
// outlives a run, so two runs in one process with one seed write the same run folder), the
// switched LAN most scenarios start from, and the thin main() of the scenario programs.
#pragma once

#include <ns3/application-container.h>
#include <ns3/command-line.h>
#include <ns3/ipv4-address.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/base/json.h"
#include "core/base/status.h"
#include "sim/directory.h"
#include "sim/ikewot_application.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/scenarios/parameters.h"

namespace ikewot::sim {

struct ScenarioOutcome {
  std::string out;       // the run folder
  bool stopped = false;  // RunHooks::should_stop ended it early: no summary.json
  Json figures;          // the scenario's own figures (as in summary.json), null when stopped
};

// Common options with a scenario's own defaults.
ScenarioOptions ScenarioDefaults(std::string out, double metrics_interval_s = 60,
                                 double progress_interval_s = 600);

// One simulation from set-up to teardown. Refuses to start while another simulation is set up
// in this process (ns-3 has one simulator per process); on destruction destroys the simulator
// (events, nodes, channels) and restores ns-3's global seed and run. Declare it after the
// ScenarioRun and Directory the applications report to, so those outlive the teardown.
class SimulatorSession {
 public:
  SimulatorSession();
  ~SimulatorSession();
  SimulatorSession(const SimulatorSession&) = delete;
  SimulatorSession& operator=(const SimulatorSession&) = delete;

  // kState when another simulation was already set up.
  const Status& status() const { return status_; }

 private:
  Status status_;
  uint32_t saved_seed_;
  uint64_t saved_run_;
};

// Checks the person model's options (callMin, callMax, callProbability).
Status CheckPersonParams(const PersonParams& person);

// `hosts` nodes with the IPv4 stack on one switched LAN with a one-way `delay`; host i gets
// 10.0.0.0 + i + 1 with `mask`.
ns3::NodeContainer BuildLan(uint32_t hosts, ns3::Time delay, const ns3::Ipv4Mask& mask);

// The applications of `apps` by index.
std::vector<ns3::Ptr<IkewotApplication>> ApplicationsOf(const ns3::ApplicationContainer& apps);

// Runs the simulation for at most `max_sim_s` simulated seconds (the scenario usually stops it
// earlier), after fixing every node's ns-3 random streams so that the run does not depend on
// what ran before it in the process.
void RunSimulation(ScenarioRun& run, double max_sim_s);

// After RunSimulation: writes the run folder's remaining files, or only flushes the event log
// when the run was stopped.
Result<ScenarioOutcome> Conclude(ScenarioRun& run, const Directory& directory, Json parameters,
                                 Json figures);

// The whole main() of a scenario program: options from the config's parameter list, the run,
// a one-line error and the exit status (0 ok, 1 run failed, 2 bad option).
template <typename Config>
int ScenarioMain(int argc, char** argv, const char* usage,
                 Result<ScenarioOutcome> (*run)(const Config&, const RunHooks&)) {
  const char* program = Config::kProgram;
  Config config;
  ns3::CommandLine cmd(program);
  cmd.Usage(usage);
  auto add = [&](const char* name, const char* help, auto& field) {
    cmd.AddValue(name, help, field);
  };
  config.common.Visit(add);
  config.VisitOwn(add);
  cmd.Parse(argc, argv);
  Result<ScenarioOutcome> outcome = run(config, RunHooks{});
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", program, outcome.error().message.c_str());
    return outcome.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (!config.common.quiet) {
    std::fprintf(stderr, "%s: done; summary: %s/summary.json\n", program, outcome->out.c_str());
  }
  return 0;
}

}  // namespace ikewot::sim
