// Static IPv4 routing for routers with many interfaces, indexed for speed. ns-3's
// Ipv4StaticRouting scans every route for every packet and, with the weak end-system model, every
// address of every interface to decide whether a packet is for the router itself; on the scale
// topology's access routers (one point-to-point link per host) that was a fifth of the run's CPU.
// Here a route lookup is a longest-prefix match by a hash lookup per distinct prefix length
// (there are four: /30 links, /24 groups, /18 aggregations, the default route), and "is this for
// me" one hash lookup. Connected routes come from the interfaces' addresses, as in ns-3.
// Unicast only: no multicast routes (nothing in the simulation uses them).
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/ipv4-routing-helper.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>
#include <ns3/net-device.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ikewot::sim {

class IndexedRouting : public ns3::Ipv4RoutingProtocol {
 public:
  static ns3::TypeId GetTypeId();

  // A route to network/mask through `gateway` (0.0.0.0: directly connected) on `interface`.
  void AddRoute(ns3::Ipv4Address network, ns3::Ipv4Mask mask, ns3::Ipv4Address gateway,
                uint32_t interface);
  void SetDefaultRoute(ns3::Ipv4Address gateway, uint32_t interface);
  size_t route_count() const;

  ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                       ns3::Ptr<ns3::NetDevice> oif,
                                       ns3::Socket::SocketErrno& sockerr) override;
  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;
  void NotifyInterfaceUp(uint32_t interface) override;
  void NotifyInterfaceDown(uint32_t interface) override;
  void NotifyAddAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
  void NotifyRemoveAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
  void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
  void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                         ns3::Time::Unit unit = ns3::Time::S) const override;

 protected:
  void DoDispose() override;

 private:
  struct NextHop {
    uint32_t gateway = 0;  // 0: the destination is on the link
    uint32_t interface = 0;
  };
  struct StaticRoute {
    uint32_t network = 0;
    uint32_t prefix_length = 0;
    NextHop next;
  };
  void Insert(const StaticRoute& route);
  // Recomputes connected routes and local addresses from the interfaces (after a change).
  void Rebuild();
  std::optional<NextHop> Lookup(uint32_t destination) const;
  ns3::Ptr<ns3::Ipv4Route> MakeRoute(ns3::Ipv4Address destination, const NextHop& next) const;

  ns3::Ptr<ns3::Ipv4> ipv4_;
  std::vector<StaticRoute> static_routes_;  // as added, for Rebuild
  // prefix length (longest first) -> network -> next hop
  std::map<uint32_t, std::unordered_map<uint32_t, NextHop>, std::greater<>> table_;
  std::unordered_set<uint32_t> local_;  // own addresses and directed broadcasts
  std::unordered_map<const ns3::NetDevice*, uint32_t> interface_of_device_;
};

class IndexedRoutingHelper : public ns3::Ipv4RoutingHelper {
 public:
  IndexedRoutingHelper* Copy() const override { return new IndexedRoutingHelper(*this); }
  ns3::Ptr<ns3::Ipv4RoutingProtocol> Create(ns3::Ptr<ns3::Node> node) const override;
};

}  // namespace ikewot::sim
