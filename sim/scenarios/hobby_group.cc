#include "sim/scenarios/hobby_group.h"

#include <ns3/boolean.h>
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
#include "sim/scenarios/ipv6_network.h"

namespace ikewot::sim {

Result<ScenarioOutcome> RunHobbyGroup(const HobbyGroupConfig& config, const RunHooks& hooks) {
  if (Status ok = CheckPersonParams(config.person); !ok.ok()) return ok;
  if (!(config.sharers >= 0 && config.sharers <= 1)) {
    return Error{ErrorCode::kInvalidArgument,
                 "sharers must be within [0, 1], got " + std::to_string(config.sharers)};
  }
  if (config.group_size < 1 || config.group_size > 63) {
    return Error{ErrorCode::kInvalidArgument,
                 "groupSize must be 1..63, got " + std::to_string(config.group_size)};
  }
  ScenarioRun run("hobby-group", config.common, hooks);
  Directory directory;
  SimulatorSession session;
  if (!session.status().ok()) return session.status();
  if (Status opened = run.Open(); !opened.ok()) return opened;
  const uint32_t attempts = config.attempts;

  DeterministicRng graph_rng(run.options().seed, AsBytes("ikewot-sim hobby-group graph"));
  Result<SocialGraph> graph = MakeSocialGraph(config.graph, graph_rng);
  if (!graph.ok()) return graph.status();
  const uint32_t n = graph->nodes;
  const auto friends = graph->Adjacency();
  std::vector<bool> is_sharer(n);
  for (uint32_t i = 0; i < n; ++i) {
    is_sharer[i] = static_cast<double>(graph_rng.NextU32()) / 4294967296.0 < config.sharers;
  }
  run.Progress("graph: " + std::to_string(n) + " people, " + std::to_string(graph->edges.size()) +
               " friendships");

  GroupedNetwork net =
      config.ipv6
          ? BuildGroupedNetworkIpv6(n, config.group_size, ns3::MilliSeconds(5),
                                    ns3::MilliSeconds(20))
          : BuildGroupedNetwork(n, config.group_size, ns3::MilliSeconds(5), ns3::MilliSeconds(20));
  IkewotHelper helper(&directory);
  helper.SetAttribute("UseIpv6", ns3::BooleanValue(config.ipv6));
  ns3::ApplicationContainer apps;
  for (uint32_t i = 0; i < n; ++i) {
    // Sharers sign collections (CMS in OpenSSL 3.0 needs ECDSA); the others use Ed25519.
    helper.SetAttribute("KeyType", ns3::StringValue(is_sharer[i] ? "ecdsa-p256" : "ed25519"));
    apps.Add(helper.Install(ns3::NodeContainer(net.hosts.Get(i)), i));
  }
  apps.Start(ns3::Seconds(0));
  run.Record(apps);
  const std::vector<ns3::Ptr<IkewotApplication>> app = ApplicationsOf(apps);
  run.Progress("nodes ready");

  PersonModel people(config.person, run.options().seed, run.options().run);
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
          app[u]->Connect(app[target]->address(), [&](bool ok) {
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
      Result<IkewotApplication::Shared> shared = app[s]->Share(1, "friends");
      if (!shared.ok()) continue;
      for (uint32_t f : friends[s]) {
        if (verified.count({f, s}) == 0) continue;  // only friends who checked the sharer
        (void)app[f]->Import(shared->file, s, shared->id, trust::Condition{});
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
      people.MeetAndVerify(app[u], app[v], directory,
                           [&, u, v](bool u_ok, bool v_ok) { met(u, v, u_ok, v_ok); });
    });
  }
  if (meetings == 0) ns3::Simulator::Schedule(ns3::Seconds(1), share_phase);
  RunSimulation(run, 30 * 86400);

  Json parameters = OwnParametersJson(config);
  parameters.Set("nodes", n);
  Json figures = Json::MakeObject();
  figures.Set("friendships", static_cast<uint64_t>(graph->edges.size()));
  figures.Set("friend_of_friend_attempts", friend_of_friend_attempts);
  figures.Set("friend_of_friend_ok", friend_of_friend_ok);
  return Conclude(run, directory, std::move(parameters), std::move(figures));
}

}  // namespace ikewot::sim
