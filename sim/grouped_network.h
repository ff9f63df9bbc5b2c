// A network that scales to many hosts (the measured advice): a three-level tree of
// point-to-point links (no ARP, no broadcast), addresses assigned directly, static routes that
// aggregate by prefix, and no router with hundreds of interfaces.
//
//   host k of group g     10.0.0.0 + 256 g + 4 k + 2 /30, gateway ... + 1 (its access router)
//   access router g       one /30 per host; uplink 172.16.0.0 + 4 g + 2 /30 to aggregation g / 64
//   aggregation router a  a /24 route per access router below; uplink 172.31.0.0 + 4 a + 2 /30
//   root                  one /18 route per aggregation router (64 groups share a /18)
// Up to `group_size` (at most 63) hosts share an access router. When all hosts fit in one group
// they share one switched LAN instead (10.0.0.2, 10.0.0.3, ... /24) and there is no router.
#pragma once

#include <ns3/node-container.h>
#include <ns3/nstime.h>

#include <cstdint>

namespace ikewot::sim {

struct GroupedNetwork {
  ns3::NodeContainer hosts;
  ns3::NodeContainer routers;  // access, then aggregation, then the root
};

GroupedNetwork BuildGroupedNetwork(uint32_t hosts, uint32_t group_size, ns3::Time access_delay,
                                   ns3::Time core_delay);

}  // namespace ikewot::sim
