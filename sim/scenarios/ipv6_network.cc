#include "sim/scenarios/ipv6_network.h"

#include <ns3/boolean.h>
#include <ns3/icmpv6-l4-protocol.h>
#include <ns3/ipv6-address.h>
#include <ns3/ipv6-static-routing-helper.h>
#include <ns3/ipv6.h>
#include <ns3/neighbor-cache-helper.h>
#include <ns3/simple-channel.h>

#include <algorithm>

#include "sim/topology.h"

namespace ikewot::sim {
namespace {

// fd6b:6577:6f74:<subnet>::<host>: a unique local address (RFC 4193). Not the documentation
// prefix 2001:db8::/32: ns-3's IPv6 routers refuse to forward it.
ns3::Ipv6Address Address(uint16_t subnet, uint16_t host) {
  uint8_t octets[16] = {0xfd, 0x6b, 0x65, 0x77, 0x6f, 0x74};
  octets[6] = static_cast<uint8_t>(subnet >> 8);
  octets[7] = static_cast<uint8_t>(subnet);
  octets[14] = static_cast<uint8_t>(host >> 8);
  octets[15] = static_cast<uint8_t>(host);
  return ns3::Ipv6Address(octets);
}

// Subnet ids: groups from 0, the link from group g's access router to the root 0x8000 + g.
constexpr uint32_t kCoreLinks = 0x8000;

// Both stacks, and no duplicate address detection (before any address is added).
void InstallIpv6Nodes(const ns3::NodeContainer& nodes) {
  InstallDualStack(nodes);
  for (uint32_t i = 0; i < nodes.GetN(); ++i) {
    nodes.Get(i)->GetObject<ns3::Icmpv6L4Protocol>()->SetAttribute("DAD", ns3::BooleanValue(false));
  }
}

// Every node on `lan` knows every other's link-layer address from the start. ns-3's neighbour
// discovery loses the packet waiting for resolution when two nodes solicit each other at the
// same instant (as the scenarios' mutual probes do), which would cost a retransmission the
// IPv4 runs (ARP) do not pay.
void FillNeighbourCaches(ns3::Ptr<ns3::SimpleChannel> lan) {
  ns3::NeighborCacheHelper().PopulateNeighborCache(lan);
}

ns3::Ptr<ns3::Ipv6StaticRouting> Ipv6RoutingOf(ns3::Ptr<ns3::Node> node) {
  return ns3::Ipv6StaticRoutingHelper().GetStaticRouting(node->GetObject<ns3::Ipv6>());
}

}  // namespace

ns3::NodeContainer BuildLanIpv6(uint32_t hosts, ns3::Time delay) {
  ns3::NodeContainer nodes;
  nodes.Create(hosts);
  InstallIpv6Nodes(nodes);
  ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(delay);
  for (uint32_t i = 0; i < hosts; ++i) {
    AttachIpv6(nodes.Get(i), lan, Address(0, static_cast<uint16_t>(i + 1)), ns3::Ipv6Prefix(64));
  }
  FillNeighbourCaches(lan);
  return nodes;
}

GroupedNetwork BuildGroupedNetworkIpv6(uint32_t hosts, uint32_t group_size, ns3::Time access_delay,
                                       ns3::Time core_delay) {
  group_size = std::clamp<uint32_t>(group_size, 1, 63);
  GroupedNetwork net;
  net.hosts.Create(hosts);
  InstallIpv6Nodes(net.hosts);
  const ns3::Ipv6Prefix prefix(64);
  if (hosts <= group_size) {
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(access_delay);
    for (uint32_t h = 0; h < hosts; ++h) {
      AttachIpv6(net.hosts.Get(h), lan, Address(0, static_cast<uint16_t>(h + 2)), prefix);
    }
    FillNeighbourCaches(lan);
    return net;
  }
  const uint32_t groups = std::min((hosts + group_size - 1) / group_size, kCoreLinks);
  ns3::NodeContainer access, root;
  access.Create(groups);
  root.Create(1);
  net.routers.Add(access);
  net.routers.Add(root);
  InstallIpv6Nodes(net.routers);

  for (uint32_t g = 0; g < groups; ++g) {
    const uint16_t group = static_cast<uint16_t>(g);
    const uint16_t core_link = static_cast<uint16_t>(kCoreLinks + g);
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(access_delay);
    const ns3::Ipv6Address gateway = Address(group, 1);
    const uint32_t router_lan = AttachIpv6(access.Get(g), lan, gateway, prefix);
    for (uint32_t h = g * group_size; h < std::min(hosts, (g + 1) * group_size); ++h) {
      const uint16_t k = static_cast<uint16_t>(h - g * group_size);
      const uint32_t host_if =
          AttachIpv6(net.hosts.Get(h), lan, Address(group, static_cast<uint16_t>(k + 2)), prefix);
      Ipv6RoutingOf(net.hosts.Get(h))->SetDefaultRoute(gateway, host_if);
    }
    ns3::Ptr<ns3::SimpleChannel> core = MakeLan(core_delay);
    const uint32_t router_core = AttachIpv6(access.Get(g), core, Address(core_link, 2), prefix);
    const uint32_t root_if = AttachIpv6(root.Get(0), core, Address(core_link, 1), prefix);
    Ipv6RoutingOf(access.Get(g))->SetDefaultRoute(Address(core_link, 1), router_core);
    Ipv6RoutingOf(root.Get(0))
        ->AddNetworkRouteTo(Address(group, 0), prefix, Address(core_link, 2), root_if);
    ns3::Ptr<ns3::Ipv6> ipv6 = access.Get(g)->GetObject<ns3::Ipv6>();
    ipv6->SetForwarding(router_lan, true);
    ipv6->SetForwarding(router_core, true);
    root.Get(0)->GetObject<ns3::Ipv6>()->SetForwarding(root_if, true);
    FillNeighbourCaches(lan);
    FillNeighbourCaches(core);
  }
  return net;
}

}  // namespace ikewot::sim
