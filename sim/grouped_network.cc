#include "sim/grouped_network.h"

#include <ns3/ipv4-address.h>
#include <ns3/simple-channel.h>

#include <algorithm>
#include <vector>

#include "sim/topology.h"

namespace ikewot::sim {

namespace {
ns3::Ipv4Address GroupAddress(uint32_t group, uint32_t host_octet) {
  return ns3::Ipv4Address(10u << 24 | (group & 0xffff) << 8 | host_octet);
}
ns3::Ipv4Address BackboneAddress(uint32_t group) {
  return ns3::Ipv4Address((172u << 24 | 16u << 16) + group + 1);
}
}  // namespace

GroupedNetwork BuildGroupedNetwork(uint32_t hosts, uint32_t group_size, ns3::Time lan_delay,
                                   ns3::Time backbone_delay) {
  group_size = std::clamp<uint32_t>(group_size, 1, 253);
  GroupedNetwork net;
  net.hosts.Create(hosts);
  InstallStack(net.hosts);
  const uint32_t groups = (hosts + group_size - 1) / group_size;
  const ns3::Ipv4Mask lan_mask("/24");
  if (groups <= 1) {
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(lan_delay);
    for (uint32_t h = 0; h < hosts; ++h)
      Attach(net.hosts.Get(h), lan, GroupAddress(0, h + 2), lan_mask);
    return net;
  }
  net.routers.Create(groups);
  InstallStack(net.routers);
  ns3::Ptr<ns3::SimpleChannel> backbone = MakeLan(backbone_delay);
  std::vector<uint32_t> backbone_if(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(lan_delay);
    Attach(net.routers.Get(g), lan, GroupAddress(g, 1), lan_mask);
    backbone_if[g] = Attach(net.routers.Get(g), backbone, BackboneAddress(g), ns3::Ipv4Mask("/16"));
    for (uint32_t h = g * group_size; h < std::min(hosts, (g + 1) * group_size); ++h) {
      const uint32_t interface =
          Attach(net.hosts.Get(h), lan, GroupAddress(g, h - g * group_size + 2), lan_mask);
      AddDefaultRoute(net.hosts.Get(h), GroupAddress(g, 1), interface);
    }
  }
  for (uint32_t g = 0; g < groups; ++g) {
    for (uint32_t other = 0; other < groups; ++other) {
      if (other == g) continue;
      AddNetworkRoute(net.routers.Get(g), GroupAddress(other, 0), lan_mask, BackboneAddress(other),
                      backbone_if[g]);
    }
  }
  return net;
}

}  // namespace ikewot::sim
