// hobby-group: a social graph of about a thousand people (generated or read from a file). Every
// pair of friends meets: both probe each other and compare identification strings by phone
// (some calls never happen). Some people share the list of friends they checked; their friends
// import it. Then everybody tries to connect to a few friends of friends they never checked:
// that works exactly when a friend in common shared.
//
//   hobby-group [--seed=N] [--out=DIR] [--nodes=N] [--graph=hk|ba|ws|sbm|FILE] [--m=M] [--p=P]
//               [--sharers=F] [--attempts=K] [--callProbability=P]
#include <ns3/command-line.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/crypto/random.h"
#include "sim/grouped_network.h"
#include "sim/ikewot_application.h"
#include "sim/ikewot_helper.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/social_graph.h"

using namespace ikewot;
using namespace ikewot::sim;

int main(int argc, char** argv) {
  ScenarioRun run("hobby-group", "runs/hobby-group");
  GraphSpec spec;
  double sharers = 0.3;
  uint32_t attempts = 3;
  uint32_t group_size = 50;
  PersonParams person;
  person.min_call_delay_s = 60;
  person.max_call_delay_s = 3 * 86400;
  person.call_probability = 0.9;
  ns3::CommandLine cmd("hobby-group");
  cmd.Usage(
      "hobby-group: friends verify each other by phone along a social graph, some share, and "
      "everyone connects to friends of friends without checking them.");
  run.defaults().metrics_interval_s = 3600;
  run.defaults().progress_interval_s = 6 * 3600;
  run.AddOptions(cmd);
  cmd.AddValue("nodes", "People (generated graphs)", spec.nodes);
  cmd.AddValue("graph",
               "ba, hk (Holme-Kim), ws (Watts-Strogatz), sbm, or an edge list / GraphML file",
               spec.model);
  cmd.AddValue("m", "ba/hk: edges per newcomer; ws: half the ring degree", spec.m);
  cmd.AddValue("p", "hk: triad probability; ws: rewiring probability", spec.p);
  cmd.AddValue("blocks", "sbm: number of groups", spec.blocks);
  cmd.AddValue("pIn", "sbm: edge probability inside a group", spec.p_in);
  cmd.AddValue("pOut", "sbm: edge probability between groups", spec.p_out);
  cmd.AddValue("sharers", "Fraction of people who share their checked friends", sharers);
  cmd.AddValue("attempts", "Connections each person tries to friends of friends", attempts);
  cmd.AddValue("callProbability", "Chance a verification call happens", person.call_probability);
  cmd.AddValue("callMax", "Latest call, seconds after both probes", person.max_call_delay_s);
  cmd.AddValue("groupSize", "Hosts per access router (at most 63)", group_size);
  cmd.Parse(argc, argv);
  run.Begin();

  DeterministicRng graph_rng(run.options().seed, AsBytes("ikewot-sim hobby-group graph"));
  Result<SocialGraph> graph = MakeSocialGraph(spec, graph_rng);
  if (!graph.ok()) {
    std::fprintf(stderr, "hobby-group: %s\n", graph.error().message.c_str());
    return 1;
  }
  const uint32_t n = graph->nodes;
  const auto friends = graph->Adjacency();
  std::vector<bool> is_sharer(n);
  for (uint32_t i = 0; i < n; ++i) {
    is_sharer[i] = static_cast<double>(graph_rng.NextU32()) / 4294967296.0 < sharers;
  }
  run.Progress("graph: " + std::to_string(n) + " people, " + std::to_string(graph->edges.size()) +
               " friendships");

  GroupedNetwork net =
      BuildGroupedNetwork(n, group_size, ns3::MilliSeconds(5), ns3::MilliSeconds(20));
  Directory directory;
  IkewotHelper helper(&directory);
  ns3::ApplicationContainer apps;
  for (uint32_t i = 0; i < n; ++i) {
    // Sharers sign collections (CMS in OpenSSL 3.0 needs ECDSA); the others use Ed25519.
    helper.SetAttribute("KeyType", ns3::StringValue(is_sharer[i] ? "ecdsa-p256" : "ed25519"));
    apps.Add(helper.Install(ns3::NodeContainer(net.hosts.Get(i)), i));
  }
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  auto app = [&](uint32_t i) { return ns3::DynamicCast<IkewotApplication>(apps.Get(i)); };
  run.Progress("nodes ready");

  PersonModel people(person, run.options().seed, run.options().run);
  std::set<std::pair<uint32_t, uint32_t>> verified;  // (u, v): u accepted v
  int meetings = static_cast<int>(graph->edges.size());
  int connects_pending = 0;
  uint64_t friend_of_friend_ok = 0, friend_of_friend_attempts = 0;

  auto connect_phase = [&] {
    run.Progress("connections to friends of friends");
    DeterministicRng pick(run.options().seed, AsBytes("ikewot-sim hobby-group targets"));
    for (uint32_t u = 0; u < n; ++u) {
      std::set<uint32_t> direct(friends[u].begin(), friends[u].end());
      std::vector<uint32_t> candidates;
      for (uint32_t f : friends[u]) {
        for (uint32_t g : friends[f]) {
          if (g != u && direct.count(g) == 0) candidates.push_back(g);
        }
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      for (uint32_t k = 0; k < attempts && !candidates.empty(); ++k) {
        const size_t at = pick.NextU32() % candidates.size();
        const uint32_t target = candidates[at];
        candidates.erase(candidates.begin() + static_cast<long>(at));
        ++connects_pending;
        ++friend_of_friend_attempts;
        const double start = static_cast<double>(pick.NextU32() % 3600);
        ns3::Simulator::Schedule(ns3::Seconds(start), [&, u, target] {
          app(u)->Connect(app(target)->address(), [&](bool ok) {
            friend_of_friend_ok += ok;
            if (--connects_pending == 0) ns3::Simulator::Stop(ns3::Seconds(1));
          });
        });
      }
    }
    if (connects_pending == 0) ns3::Simulator::Stop(ns3::Seconds(1));
  };
  auto share_phase = [&] {
    run.Progress("sharing");
    for (uint32_t s = 0; s < n; ++s) {
      if (!is_sharer[s]) continue;
      Result<IkewotApplication::Shared> shared = app(s)->Share(1, "friends");
      if (!shared.ok()) continue;
      for (uint32_t f : friends[s]) {
        if (verified.count({f, s}) == 0) continue;  // only friends who checked the sharer
        (void)app(f)->Import(shared->file, s, shared->id, trust::Condition{});
      }
    }
    ns3::Simulator::Schedule(ns3::Seconds(60), connect_phase);
  };
  auto met = [&](uint32_t u, uint32_t v, bool u_ok, bool v_ok) {
    if (u_ok) verified.insert({u, v});
    if (v_ok) verified.insert({v, u});
    if (--meetings == 0) ns3::Simulator::Schedule(ns3::Seconds(60), share_phase);
  };
  // Friends meet over the first hour.
  DeterministicRng when(run.options().seed, AsBytes("ikewot-sim hobby-group meetings"));
  for (auto [u, v] : graph->edges) {
    ns3::Simulator::Schedule(ns3::Seconds(1 + when.NextU32() % 3600), [&, u, v] {
      people.MeetAndVerify(app(u), app(v), directory,
                           [&, u, v](bool u_ok, bool v_ok) { met(u, v, u_ok, v_ok); });
    });
  }
  if (meetings == 0) ns3::Simulator::Schedule(ns3::Seconds(1), share_phase);
  run.StartProgress();
  ns3::Simulator::Stop(ns3::Seconds(30 * 86400));
  ns3::Simulator::Run();

  Json parameters = Json::MakeObject();
  parameters.Set("nodes", n);
  parameters.Set("graph", spec.model);
  parameters.Set("m", spec.m);
  parameters.Set("p", spec.p);
  parameters.Set("blocks", spec.blocks);
  parameters.Set("sharers", sharers);
  parameters.Set("attempts", attempts);
  parameters.Set("callProbability", person.call_probability);
  parameters.Set("groupSize", group_size);
  Json figures = Json::MakeObject();
  figures.Set("friendships", static_cast<uint64_t>(graph->edges.size()));
  figures.Set("friend_of_friend_attempts", friend_of_friend_attempts);
  figures.Set("friend_of_friend_ok", friend_of_friend_ok);
  const int status = run.Finish(directory, std::move(parameters), std::move(figures));
  ns3::Simulator::Destroy();
  return status;
}
