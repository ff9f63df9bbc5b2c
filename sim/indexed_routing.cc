#include "sim/indexed_routing.h"

#include <ns3/ipv4-route.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/output-stream-wrapper.h>

#include <ostream>

namespace ikewot::sim {

NS_LOG_COMPONENT_DEFINE("IkewotIndexedRouting");
NS_OBJECT_ENSURE_REGISTERED(IndexedRouting);

namespace {
uint32_t MaskOf(uint32_t prefix_length) {
  return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
}
}  // namespace

ns3::TypeId IndexedRouting::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("ikewot::sim::IndexedRouting")
                               .SetParent<ns3::Ipv4RoutingProtocol>()
                               .SetGroupName("Ikewot")
                               .AddConstructor<IndexedRouting>();
  return tid;
}

void IndexedRouting::AddRoute(ns3::Ipv4Address network, ns3::Ipv4Mask mask,
                              ns3::Ipv4Address gateway, uint32_t interface) {
  const uint32_t length = mask.GetPrefixLength();
  StaticRoute route{network.Get() & MaskOf(length), length, NextHop{gateway.Get(), interface}};
  static_routes_.push_back(route);
  Insert(route);
}

void IndexedRouting::SetDefaultRoute(ns3::Ipv4Address gateway, uint32_t interface) {
  AddRoute(ns3::Ipv4Address::GetAny(), ns3::Ipv4Mask::GetZero(), gateway, interface);
}

size_t IndexedRouting::route_count() const {
  size_t n = 0;
  for (const auto& [length, routes] : table_) n += routes.size();
  return n;
}

void IndexedRouting::Insert(const StaticRoute& route) {
  table_[route.prefix_length][route.network] = route.next;
}

void IndexedRouting::Rebuild() {
  table_.clear();
  local_.clear();
  interface_of_device_.clear();
  if (!ipv4_) return;
  for (uint32_t i = 0; i < ipv4_->GetNInterfaces(); ++i) {
    interface_of_device_[ns3::PeekPointer(ipv4_->GetNetDevice(i))] = i;
    if (!ipv4_->IsUp(i)) continue;
    for (uint32_t a = 0; a < ipv4_->GetNAddresses(i); ++a) {
      const ns3::Ipv4InterfaceAddress address = ipv4_->GetAddress(i, a);
      const uint32_t local = address.GetLocal().Get();
      const uint32_t length = address.GetMask().GetPrefixLength();
      local_.insert(local);
      if (length < 32) {
        local_.insert(local | ~MaskOf(length));  // directed broadcast
        Insert(StaticRoute{local & MaskOf(length), length, NextHop{0, i}});
      }
    }
  }
  for (const StaticRoute& route : static_routes_) Insert(route);
}

std::optional<IndexedRouting::NextHop> IndexedRouting::Lookup(uint32_t destination) const {
  for (const auto& [length, routes] : table_) {
    auto it = routes.find(destination & MaskOf(length));
    if (it != routes.end() && ipv4_->IsUp(it->second.interface)) return it->second;
  }
  return std::nullopt;
}

ns3::Ptr<ns3::Ipv4Route> IndexedRouting::MakeRoute(ns3::Ipv4Address destination,
                                                   const NextHop& next) const {
  ns3::Ptr<ns3::Ipv4Route> route = ns3::Create<ns3::Ipv4Route>();
  route->SetDestination(destination);
  route->SetGateway(ns3::Ipv4Address(next.gateway));
  route->SetOutputDevice(ipv4_->GetNetDevice(next.interface));
  route->SetSource(ipv4_->GetAddress(next.interface, 0).GetLocal());
  return route;
}

ns3::Ptr<ns3::Ipv4Route> IndexedRouting::RouteOutput(ns3::Ptr<ns3::Packet>,
                                                     const ns3::Ipv4Header& header,
                                                     ns3::Ptr<ns3::NetDevice>,
                                                     ns3::Socket::SocketErrno& sockerr) {
  const ns3::Ipv4Address destination = header.GetDestination();
  std::optional<NextHop> next = Lookup(destination.Get());
  if (!next) {
    sockerr = ns3::Socket::ERROR_NOROUTETOHOST;
    return nullptr;
  }
  sockerr = ns3::Socket::ERROR_NOTERROR;
  return MakeRoute(destination, *next);
}

bool IndexedRouting::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                                ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                                MulticastForwardCallback, LocalDeliverCallback lcb,
                                ErrorCallback ecb) {
  auto in = interface_of_device_.find(ns3::PeekPointer(idev));
  if (in == interface_of_device_.end()) return false;
  const uint32_t iif = in->second;
  const ns3::Ipv4Address destination = header.GetDestination();
  if (destination.IsMulticast()) return false;
  if (destination.IsBroadcast() || local_.count(destination.Get()) != 0) {
    if (lcb.IsNull()) return false;
    lcb(p, header, iif);
    return true;
  }
  if (!ipv4_->IsForwarding(iif)) {
    ecb(p, header, ns3::Socket::ERROR_NOROUTETOHOST);
    return true;
  }
  std::optional<NextHop> next = Lookup(destination.Get());
  if (!next) return false;  // ns-3 drops it as a route input failure
  ucb(MakeRoute(destination, *next), p, header);
  return true;
}

void IndexedRouting::NotifyInterfaceUp(uint32_t) { Rebuild(); }
void IndexedRouting::NotifyInterfaceDown(uint32_t) { Rebuild(); }
void IndexedRouting::NotifyAddAddress(uint32_t, ns3::Ipv4InterfaceAddress) { Rebuild(); }
void IndexedRouting::NotifyRemoveAddress(uint32_t, ns3::Ipv4InterfaceAddress) { Rebuild(); }

void IndexedRouting::SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) {
  ipv4_ = ipv4;
  Rebuild();
}

void IndexedRouting::PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                                       ns3::Time::Unit) const {
  std::ostream& out = *stream->GetStream();
  out << "IndexedRouting, " << route_count() << " routes\n";
  for (const auto& [length, routes] : table_) {
    for (const auto& [network, next] : routes) {
      out << ns3::Ipv4Address(network) << "/" << length << " via " << ns3::Ipv4Address(next.gateway)
          << " if " << next.interface << "\n";
    }
  }
}

void IndexedRouting::DoDispose() {
  ipv4_ = nullptr;
  interface_of_device_.clear();
  ns3::Ipv4RoutingProtocol::DoDispose();
}

ns3::Ptr<ns3::Ipv4RoutingProtocol> IndexedRoutingHelper::Create(ns3::Ptr<ns3::Node>) const {
  return ns3::CreateObject<IndexedRouting>();
}

}  // namespace ikewot::sim
