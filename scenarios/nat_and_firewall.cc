// nat-and-firewall: probes and connections through a NAPT box and a fragment-dropping firewall.
// The scenario itself: sim/scenarios/nat_and_firewall.h.
//
//   nat-and-firewall [--seed=N] [--out=DIR] [--pcap] [--mappingTimeout=S] [--holdTime=S]
#include "sim/scenarios/nat_and_firewall.h"

int main(int argc, char** argv) {
  return ikewot::sim::ScenarioMain(argc, argv, ikewot::sim::kNatAndFirewallUsage,
                                   &ikewot::sim::RunNatAndFirewall);
}
