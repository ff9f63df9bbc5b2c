#include "sim/topology.h"

#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4.h>
#include <ns3/ipv6.h>
#include <ns3/log.h>
#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/simple-net-device-helper.h>
#include <ns3/simple-net-device.h>
#include <ns3/simulator.h>

#include "sim/middlebox_routing.h"

namespace ikewot::sim {

NS_OBJECT_ENSURE_REGISTERED(SwitchedLan);

ns3::TypeId SwitchedLan::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("ikewot::sim::SwitchedLan")
                               .SetParent<ns3::SimpleChannel>()
                               .SetGroupName("Ikewot")
                               .AddConstructor<SwitchedLan>();
  return tid;
}

void SwitchedLan::Add(ns3::Ptr<ns3::SimpleNetDevice> device) {
  devices_.push_back(device);
  by_mac_[ns3::Mac48Address::ConvertFrom(device->GetAddress())] = device;
}

void SwitchedLan::Send(ns3::Ptr<ns3::Packet> p, uint16_t protocol, ns3::Mac48Address to,
                       ns3::Mac48Address from, ns3::Ptr<ns3::SimpleNetDevice> sender) {
  auto deliver = [&](ns3::Ptr<ns3::SimpleNetDevice> device) {
    ns3::Simulator::ScheduleWithContext(device->GetNode()->GetId(), delay_,
                                        &ns3::SimpleNetDevice::Receive, device, p->Copy(), protocol,
                                        to, from);
  };
  if (to.IsBroadcast() || to.IsGroup()) {
    for (const ns3::Ptr<ns3::SimpleNetDevice>& device : devices_) {
      if (device != sender) deliver(device);
    }
    return;
  }
  auto it = by_mac_.find(to);
  if (it != by_mac_.end() && it->second != sender) deliver(it->second);
}

void SwitchedLan::DoDispose() {
  devices_.clear();
  by_mac_.clear();
  ns3::SimpleChannel::DoDispose();
}

ns3::Ptr<ns3::SimpleChannel> MakeLan(ns3::Time delay) {
  ns3::Ptr<SwitchedLan> lan = ns3::CreateObject<SwitchedLan>();
  lan->SetLanDelay(delay);
  return lan;
}

void InstallStack(const ns3::NodeContainer& nodes) {
  ns3::InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  ns3::Ipv4StaticRoutingHelper static_routing;
  stack.SetRoutingHelper(static_routing);
  stack.Install(nodes);
}

void InstallDualStack(const ns3::NodeContainer& nodes) {
  ns3::InternetStackHelper stack;
  ns3::Ipv4StaticRoutingHelper static_routing;
  stack.SetRoutingHelper(static_routing);
  stack.Install(nodes);
}

uint32_t AttachIpv6(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                    ns3::Ipv6Address address, ns3::Ipv6Prefix prefix, uint16_t mtu) {
  ns3::SimpleNetDeviceHelper devices;
  ns3::Ptr<ns3::NetDevice> device = devices.Install(node, lan).Get(0);
  device->SetMtu(mtu);
  ns3::Ptr<ns3::Ipv6> ipv6 = node->GetObject<ns3::Ipv6>();
  NS_ABORT_MSG_IF(!ipv6, "AttachIpv6: install the IPv6 stack first");
  const int32_t interface = ipv6->AddInterface(device);
  ipv6->AddAddress(interface, ns3::Ipv6InterfaceAddress(address, prefix));
  ipv6->SetMetric(interface, 1);
  ipv6->SetUp(interface);
  return static_cast<uint32_t>(interface);
}

namespace {
uint32_t AttachDevice(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                      ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu,
                      bool point_to_point) {
  ns3::SimpleNetDeviceHelper devices;  // DataRate 0: infinitely fast, only the channel delay
  devices.SetNetDevicePointToPointMode(point_to_point);
  ns3::Ptr<ns3::NetDevice> device = devices.Install(node, lan).Get(0);
  device->SetMtu(mtu);
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  NS_ABORT_MSG_IF(!ipv4, "Attach: install the IPv4 stack first");
  const int32_t interface = ipv4->AddInterface(device);
  ipv4->AddAddress(interface, ns3::Ipv4InterfaceAddress(address, mask));
  ipv4->SetMetric(interface, 1);
  ipv4->SetUp(interface);
  return static_cast<uint32_t>(interface);
}
}  // namespace

uint32_t Attach(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu) {
  return AttachDevice(node, lan, address, mask, mtu, false);
}

uint32_t AttachPointToPoint(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                            ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu) {
  return AttachDevice(node, lan, address, mask, mtu, true);
}

ns3::Ptr<ns3::Ipv4StaticRouting> StaticRoutingOf(ns3::Ptr<ns3::Node> node) {
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  ns3::Ptr<ns3::Ipv4RoutingProtocol> protocol = ipv4->GetRoutingProtocol();
  if (ns3::Ptr<MiddleboxRouting> middlebox = ns3::DynamicCast<MiddleboxRouting>(protocol)) {
    return middlebox->inner();
  }
  ns3::Ipv4StaticRoutingHelper helper;
  return helper.GetStaticRouting(ipv4);
}

void AddDefaultRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address gateway, uint32_t interface) {
  StaticRoutingOf(node)->SetDefaultRoute(gateway, interface);
}

void AddNetworkRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address network, ns3::Ipv4Mask mask,
                     ns3::Ipv4Address gateway, uint32_t interface) {
  StaticRoutingOf(node)->AddNetworkRouteTo(network, mask, gateway, interface);
}

ns3::Ipv4Address Ipv4FromIndex(uint8_t first_octet, uint32_t index) {
  return ns3::Ipv4Address(static_cast<uint32_t>(first_octet) << 24 | (index & 0xffffff));
}

}  // namespace ikewot::sim
