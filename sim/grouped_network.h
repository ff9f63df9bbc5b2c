// A network that scales to many hosts: hosts in LANs of `group_size` behind one router each,
// the routers on one backbone LAN, addresses assigned directly, static routes (a default route
// on hosts, one /24 route per other group on routers). No router carries hundreds of
// interfaces (the issue measured the event rate falling from ~560k/s to ~45k/s with that).
//
//   host h of group g:  10.(g / 256).(g % 256).(h + 2)/24, gateway 10.(g / 256).(g % 256).1
//   router of group g:  that .1 address, and 172.16.(g / 256).(g % 256 + 1)/16 on the backbone
#pragma once

#include <ns3/node-container.h>
#include <ns3/nstime.h>

#include <cstdint>

namespace ikewot::sim {

struct GroupedNetwork {
  ns3::NodeContainer hosts;
  ns3::NodeContainer routers;  // empty when all hosts fit in one LAN
};

// group_size at most 253.
GroupedNetwork BuildGroupedNetwork(uint32_t hosts, uint32_t group_size, ns3::Time lan_delay,
                                   ns3::Time backbone_delay);

}  // namespace ikewot::sim
