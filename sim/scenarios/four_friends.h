// four-friends: the seed's example. Alice checks Bob, Carol and Dave (a probe fetches each
// certificate, then a phone call compares the identification strings both ways); Alice shares a
// signed collection of the three; Bob, Carol and Dave import and enable it and connect to each
// other without checking each other. The summary states verifications done vs needed without
// sharing.
#pragma once

#include "core/base/status.h"
#include "sim/person.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"

namespace ikewot::sim {

struct FourFriendsConfig {
  static constexpr const char* kProgram = "four-friends";
  ScenarioOptions common = ScenarioDefaults("runs/four-friends");
  PersonParams person;
  double link_delay_ms = 20;
  double delivery_s = 30;
  double max_sim_s = 7200;
  bool ipv6 = false;

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("callMin", "Earliest phone call after both probes, seconds", person.min_call_delay_s);
    visit("callMax", "Latest phone call after both probes, seconds", person.max_call_delay_s);
    visit("callProbability", "Chance a call happens at all", person.call_probability);
    visit("delay", "One-way LAN delay, milliseconds", link_delay_ms);
    visit("delivery", "Seconds until a shared collection reaches its recipients", delivery_s);
    visit("maxTime", "Stop after this many simulated seconds at the latest", max_sim_s);
    visit("ipv6", "Run over IPv6 (unique local addresses) instead of IPv4", ipv6);
  }
};

inline constexpr const char* kFourFriendsUsage =
    "four-friends: Alice checks Bob, Carol and Dave by phone and shares a signed collection; "
    "Bob, Carol and Dave import it and connect to each other without checking each other.";

// Figures: phone_calls, collection_imports.
Result<ScenarioOutcome> RunFourFriends(const FourFriendsConfig& config, const RunHooks& hooks);

}  // namespace ikewot::sim
