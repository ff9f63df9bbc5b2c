// hobby-group: a social graph of about a thousand people (generated or read from a file). Every
// pair of friends meets: both probe each other and compare identification strings by phone
// (some calls never happen). Some people share the list of friends they checked; their friends
// import it. Then everybody tries to connect to a few friends of friends they never checked:
// that works exactly when a friend in common shared.
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"
#include "sim/social_graph.h"

namespace ikewot::sim {

struct HobbyGroupConfig {
  static constexpr const char* kProgram = "hobby-group";
  ScenarioOptions common = ScenarioDefaults("runs/hobby-group", 3600, 6 * 3600);
  GraphSpec graph;
  double sharers = 0.3;
  uint32_t attempts = 3;
  uint32_t group_size = 50;
  PersonParams person{60, 3 * 86400, 0.9};
  bool ipv6 = false;

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("nodes", "People (generated graphs)", graph.nodes);
    visit("graph", "ba, hk (Holme-Kim), ws (Watts-Strogatz), sbm, or an edge list / GraphML file",
          graph.model);
    visit("m", "ba/hk: edges per newcomer; ws: half the ring degree", graph.m);
    visit("p", "hk: triad probability; ws: rewiring probability", graph.p);
    visit("blocks", "sbm: number of groups", graph.blocks);
    visit("pIn", "sbm: edge probability inside a group", graph.p_in);
    visit("pOut", "sbm: edge probability between groups", graph.p_out);
    visit("sharers", "Fraction of people who share their checked friends", sharers);
    visit("attempts", "Connections each person tries to friends of friends", attempts);
    visit("callProbability", "Chance a verification call happens", person.call_probability);
    visit("callMax", "Latest call, seconds after both probes", person.max_call_delay_s);
    visit("groupSize", "Hosts per access router (at most 63)", group_size);
    visit("ipv6", "Run over IPv6 (unique local addresses) instead of IPv4", ipv6);
  }
};

inline constexpr const char* kHobbyGroupUsage =
    "hobby-group: friends verify each other by phone along a social graph, some share, and "
    "everyone connects to friends of friends without checking them.";

// Figures: friendships, friend_of_friend_attempts, friend_of_friend_ok.
Result<ScenarioOutcome> RunHobbyGroup(const HobbyGroupConfig& config, const RunHooks& hooks);

}  // namespace ikewot::sim
