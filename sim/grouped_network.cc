#include "sim/grouped_network.h"

#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv4.h>
#include <ns3/simple-channel.h>

#include <algorithm>

#include "sim/indexed_routing.h"
#include "sim/topology.h"

namespace ikewot::sim {

namespace {

constexpr uint32_t kGroupsPerAggregation = 64;  // a /18 of /24s

ns3::Ipv4Address Address(uint32_t value) { return ns3::Ipv4Address(value); }
uint32_t GroupBase(uint32_t group) { return (10u << 24) + group * 256; }
uint32_t AccessLinkBase(uint32_t group) { return (172u << 24 | 16u << 16) + group * 4; }
uint32_t CoreLinkBase(uint32_t aggregation) { return (172u << 24 | 31u << 16) + aggregation * 4; }

// A point-to-point link (no ARP) between a and b with a /30; returns both interface indexes.
std::pair<uint32_t, uint32_t> Link(ns3::Ptr<ns3::Node> a, uint32_t a_address, ns3::Ptr<ns3::Node> b,
                                   uint32_t b_address, ns3::Time delay) {
  ns3::Ptr<ns3::SimpleChannel> channel = MakeLan(delay);
  const ns3::Ipv4Mask mask("/30");
  return {AttachPointToPoint(a, channel, Address(a_address), mask),
          AttachPointToPoint(b, channel, Address(b_address), mask)};
}

// The routers forward most of the run's packets: they get IndexedRouting (sim/indexed_routing.h).
void InstallRouterStack(const ns3::NodeContainer& routers) {
  ns3::InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  IndexedRoutingHelper routing;
  stack.SetRoutingHelper(routing);
  stack.Install(routers);
}

ns3::Ptr<IndexedRouting> RoutingOf(ns3::Ptr<ns3::Node> router) {
  return ns3::DynamicCast<IndexedRouting>(router->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
}

}  // namespace

GroupedNetwork BuildGroupedNetwork(uint32_t hosts, uint32_t group_size, ns3::Time access_delay,
                                   ns3::Time core_delay) {
  group_size = std::clamp<uint32_t>(group_size, 1, 63);
  GroupedNetwork net;
  net.hosts.Create(hosts);
  InstallStack(net.hosts);
  if (hosts <= group_size) {
    ns3::Ptr<ns3::SimpleChannel> lan = MakeLan(access_delay);
    for (uint32_t h = 0; h < hosts; ++h) {
      Attach(net.hosts.Get(h), lan, Address(GroupBase(0) + h + 2), ns3::Ipv4Mask("/24"));
    }
    return net;
  }
  const uint32_t groups = (hosts + group_size - 1) / group_size;
  const uint32_t aggregations = (groups + kGroupsPerAggregation - 1) / kGroupsPerAggregation;
  ns3::NodeContainer access, aggregation, root;
  access.Create(groups);
  aggregation.Create(aggregations);
  root.Create(1);
  net.routers.Add(access);
  net.routers.Add(aggregation);
  net.routers.Add(root);
  InstallRouterStack(net.routers);

  for (uint32_t h = 0; h < hosts; ++h) {
    const uint32_t g = h / group_size, k = h % group_size;
    const uint32_t base = GroupBase(g) + 4 * k;
    auto [host_if, router_if] =
        Link(net.hosts.Get(h), base + 2, access.Get(g), base + 1, access_delay);
    (void)router_if;
    AddDefaultRoute(net.hosts.Get(h), Address(base + 1), host_if);
  }
  const ns3::Ipv4Mask group_mask("/24");
  for (uint32_t g = 0; g < groups; ++g) {
    const uint32_t a = g / kGroupsPerAggregation;
    auto [access_if, aggregation_if] = Link(access.Get(g), AccessLinkBase(g) + 2,
                                            aggregation.Get(a), AccessLinkBase(g) + 1, core_delay);
    RoutingOf(access.Get(g))->SetDefaultRoute(Address(AccessLinkBase(g) + 1), access_if);
    RoutingOf(aggregation.Get(a))
        ->AddRoute(Address(GroupBase(g)), group_mask, Address(AccessLinkBase(g) + 2),
                   aggregation_if);
  }
  const ns3::Ipv4Mask aggregation_mask("/18");
  for (uint32_t a = 0; a < aggregations; ++a) {
    auto [aggregation_if, root_if] =
        Link(aggregation.Get(a), CoreLinkBase(a) + 2, root.Get(0), CoreLinkBase(a) + 1, core_delay);
    RoutingOf(aggregation.Get(a))->SetDefaultRoute(Address(CoreLinkBase(a) + 1), aggregation_if);
    RoutingOf(root.Get(0))
        ->AddRoute(Address(GroupBase(a * kGroupsPerAggregation)), aggregation_mask,
                   Address(CoreLinkBase(a) + 2), root_if);
  }
  return net;
}

}  // namespace ikewot::sim
