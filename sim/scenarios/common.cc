#include "sim/scenarios/common.h"

#include <ns3/internet-stack-helper.h>
#include <ns3/node-list.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include "sim/topology.h"

namespace ikewot::sim {

ScenarioOptions ScenarioDefaults(std::string out, double metrics_interval_s,
                                 double progress_interval_s) {
  ScenarioOptions options;
  options.out = std::move(out);
  options.metrics_interval_s = metrics_interval_s;
  options.progress_interval_s = progress_interval_s;
  return options;
}

SimulatorSession::SimulatorSession()
    : saved_seed_(ns3::RngSeedManager::GetSeed()), saved_run_(ns3::RngSeedManager::GetRun()) {
  if (ns3::NodeList::GetNNodes() != 0) {
    status_ = Error{ErrorCode::kState,
                    "another simulation is set up in this process (ns-3 has one simulator)"};
  }
}

SimulatorSession::~SimulatorSession() {
  if (!status_.ok()) return;  // not ours to tear down
  ns3::Simulator::Destroy();
  ns3::RngSeedManager::SetSeed(saved_seed_);
  ns3::RngSeedManager::SetRun(saved_run_);
}

Status CheckPersonParams(const PersonParams& person) {
  if (person.min_call_delay_s < 0 || person.max_call_delay_s < person.min_call_delay_s) {
    return Error{ErrorCode::kInvalidArgument, "callMax must be >= callMin >= 0, got callMin " +
                                                  std::to_string(person.min_call_delay_s) +
                                                  ", callMax " +
                                                  std::to_string(person.max_call_delay_s)};
  }
  if (!(person.call_probability >= 0 && person.call_probability <= 1)) {
    return Error{ErrorCode::kInvalidArgument, "callProbability must be within [0, 1], got " +
                                                  std::to_string(person.call_probability)};
  }
  return Status::Ok();
}

ns3::NodeContainer BuildLan(uint32_t hosts, ns3::Time delay, const ns3::Ipv4Mask& mask) {
  ns3::NodeContainer nodes;
  nodes.Create(hosts);
  InstallStack(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(delay);
  for (uint32_t i = 0; i < hosts; ++i) {
    Attach(nodes.Get(i), lan, Ipv4FromIndex(10, i + 1), mask);
  }
  return nodes;
}

std::vector<ns3::Ptr<IkewotApplication>> ApplicationsOf(const ns3::ApplicationContainer& apps) {
  std::vector<ns3::Ptr<IkewotApplication>> out;
  out.reserve(apps.GetN());
  for (uint32_t i = 0; i < apps.GetN(); ++i) {
    out.push_back(ns3::DynamicCast<IkewotApplication>(apps.Get(i)));
  }
  return out;
}

void RunSimulation(ScenarioRun& run, double max_sim_s) {
  // ns-3 numbers the random streams it creates on demand (ARP request jitter) from a process-wide
  // counter that Simulator::Destroy does not reset; fixed streams make the run independent of
  // earlier runs in the same process.
  ns3::InternetStackHelper().AssignStreams(ns3::NodeContainer::GetGlobal(), 0);
  // Stopped during set-up: Simulator::Run would clear a stop requested before it started.
  if (run.CheckStop()) return;
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(max_sim_s));
  ns3::Simulator::Run();
}

Result<ScenarioOutcome> Conclude(ScenarioRun& run, const Directory& directory, Json parameters,
                                 Json figures) {
  ScenarioOutcome outcome;
  outcome.out = run.options().out;
  if (run.stopped()) {
    outcome.stopped = true;
    Status flushed = run.Abandon();
    if (!flushed.ok()) return flushed;
    return outcome;
  }
  outcome.figures = figures;
  Status done = run.Complete(directory, std::move(parameters), std::move(figures));
  if (!done.ok()) return done;
  return outcome;
}

}  // namespace ikewot::sim
