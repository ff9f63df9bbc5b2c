// large-group: the scale run. N nodes (up to 100,000) in LANs of --groupSize behind routers on
// a backbone; each node opens --handshakes full IKEv2 connections (IKE_SA_INIT + IKE_AUTH with
// real X25519, real signatures, a CHILD SA) to random peers within --window seconds, holds it
// for --hold seconds and deletes it (INFORMATIONAL), accepting
// unverified peers (the trust model is measured by hobby-group; this one measures the engine
// and the simulator at scale). Reports wall time, ns-3 events per second and handshakes per
// wall-second in summary.json.
//
//   large-group [--seed=N] [--out=DIR] [--nodes=N] [--handshakes=K] [--window=S]
#include <ns3/boolean.h>
#include <ns3/command-line.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/crypto/random.h"
#include "sim/grouped_network.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/scenario.h"

using namespace ikewot;
using namespace ikewot::sim;

namespace {
// Peak resident set size of this process (VmHWM), in MiB; 0 if unknown.
double PeakRssMiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  ScenarioRun run("large-group", "runs/large-group");
  uint32_t nodes = 1000;
  uint32_t handshakes = 10;
  double window_s = 600;
  uint32_t group_size = 50;
  double hold_s = 30;
  run.defaults().metrics_interval_s = 0;  // one row at the end: the graph is the point elsewhere
  run.defaults().progress_interval_s = 60;
  ns3::CommandLine cmd("large-group");
  cmd.Usage("large-group: many nodes, many real IKEv2 handshakes; the scale measurement.");
  run.AddOptions(cmd);
  cmd.AddValue("nodes", "Number of nodes", nodes);
  cmd.AddValue("handshakes", "Connections each node initiates", handshakes);
  cmd.AddValue("window", "Seconds over which the connections start", window_s);
  cmd.AddValue("groupSize", "Hosts per access router (at most 63)", group_size);
  cmd.AddValue("hold", "Seconds a connection stays up before it is deleted (frees its SAs)",
               hold_s);
  cmd.Parse(argc, argv);
  if (nodes < 2) {
    std::fprintf(stderr, "large-group: --nodes must be at least 2\n");
    return 2;
  }
  run.Begin();
  const auto wall_start = std::chrono::steady_clock::now();

  GroupedNetwork net =
      BuildGroupedNetwork(nodes, group_size, ns3::MilliSeconds(2), ns3::MilliSeconds(20));
  Directory directory;
  IkewotHelper helper(&directory);
  helper.SetAttribute("AcceptUnverified", ns3::BooleanValue(true));
  ns3::ApplicationContainer apps = helper.Install(net.hosts, 0);
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.Progress("set up " + std::to_string(nodes) + " nodes in " + std::to_string(setup_s) + " s");

  DeterministicRng pick(run.options().seed, AsBytes("ikewot-sim large-group"));
  uint64_t pending = 0, ok = 0;
  for (uint32_t u = 0; u < nodes; ++u) {
    ns3::Ptr<IkewotApplication> from = ns3::DynamicCast<IkewotApplication>(apps.Get(u));
    for (uint32_t k = 0; k < handshakes; ++k) {
      uint32_t target = pick.NextU32() % (nodes - 1);
      if (target >= u) ++target;
      const int64_t at_us =
          1000000 + static_cast<int64_t>(pick.NextU64() % static_cast<uint64_t>(window_s * 1e6));
      ns3::Ptr<IkewotApplication> to = ns3::DynamicCast<IkewotApplication>(apps.Get(target));
      ++pending;
      ns3::Simulator::Schedule(ns3::MicroSeconds(at_us), [&, from, to] {
        from->Connect(to->address(), [&, from, to](bool success) {
          ok += success;
          if (success) {
            ns3::Simulator::Schedule(ns3::Seconds(hold_s),
                                     [from, to] { from->Disconnect(to->address()); });
          }
          if (--pending == 0) ns3::Simulator::Stop(ns3::Seconds(hold_s + 5));
        });
      });
    }
  }
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(window_s + 3600));
  const auto run_start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  const double run_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  const double events = static_cast<double>(ns3::Simulator::GetEventCount());

  Json parameters = Json::MakeObject();
  parameters.Set("nodes", nodes);
  parameters.Set("handshakes", handshakes);
  parameters.Set("window", window_s);
  parameters.Set("groupSize", group_size);
  parameters.Set("hold", hold_s);
  Json figures = Json::MakeObject();
  figures.Set("setup_wall_seconds", setup_s);
  figures.Set("run_wall_seconds", run_s);
  figures.Set("ns3_events", static_cast<uint64_t>(events));
  figures.Set("ns3_events_per_wall_second", run_s > 0 ? events / run_s : 0.0);
  figures.Set("handshakes_ok", ok);
  figures.Set("handshakes_per_wall_second", run_s > 0 ? static_cast<double>(ok) / run_s : 0.0);
  figures.Set("peak_rss_mib", PeakRssMiB());
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  ns3::Simulator::Destroy();
  return status;
}
