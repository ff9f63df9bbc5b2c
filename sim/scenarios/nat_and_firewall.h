// nat-and-firewall: paths through a NAPT box and a fragment-dropping firewall.
//
//   alice 10.0.0.2 --[home LAN]-- NAPT 10.0.0.1 | 198.51.100.1 --[WAN]-- router 198.51.100.254
//   router 203.0.113.1 --[server LAN]-- bob 203.0.113.10
//   router 192.0.2.1 --[MTU 576 link]-- carol 192.0.2.2        (the router drops IP fragments)
//
// Alice's probe of Bob detects the NAT and moves to port 4500; Bob's probe of Alice finds no
// way in to her public address (no mapping); Carol offers MODP-4096 first, so her IKE_SA_INIT is
// IP-fragmented on her small-MTU link and dropped by the firewall until the engine falls back to
// its restricted proposal list (X25519), which passes. Then Alice and Carol connect to Bob
// opportunistically (nobody verified anybody here: the scenario is about the paths) and keep the
// SAs up across NAT mapping timeouts with NAT-T keepalives.
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"

namespace ikewot::sim {

struct NatAndFirewallConfig {
  static constexpr const char* kProgram = "nat-and-firewall";
  ScenarioOptions common = ScenarioDefaults("runs/nat-and-firewall");
  double mapping_timeout_s = 30;
  double hold_s = 120;
  uint32_t small_mtu = 576;

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("mappingTimeout", "NAPT idle mapping timeout, seconds", mapping_timeout_s);
    visit("holdTime", "Seconds the connections stay up before the run ends", hold_s);
    visit("mtu", "MTU of Carol's link (fragments are dropped beyond it)", small_mtu);
  }
};

inline constexpr const char* kNatAndFirewallUsage =
    "nat-and-firewall: probes and connections through a NAPT box (NAT detection, port 4500) "
    "and a firewall that drops IP fragments (fallback to the restricted proposal list).";

// Figures: napt {translated_packets, mappings, dropped_after_timeout},
// firewall_fragments_dropped.
Result<ScenarioOutcome> RunNatAndFirewall(const NatAndFirewallConfig& config,
                                          const RunHooks& hooks);

}  // namespace ikewot::sim
