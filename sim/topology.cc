#include "sim/topology.h"

#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/net-device-container.h>
#include <ns3/simple-net-device-helper.h>
#include <ns3/simple-net-device.h>

#include "sim/middlebox_routing.h"

namespace ikewot::sim {

ns3::Ptr<ns3::SimpleChannel> MakeLan(ns3::Time delay) {
  ns3::Ptr<ns3::SimpleChannel> channel = ns3::CreateObject<ns3::SimpleChannel>();
  channel->SetAttribute("Delay", ns3::TimeValue(delay));
  return channel;
}

void InstallStack(const ns3::NodeContainer& nodes) {
  ns3::InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  ns3::Ipv4StaticRoutingHelper static_routing;
  stack.SetRoutingHelper(static_routing);
  stack.Install(nodes);
}

uint32_t Attach(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu) {
  ns3::SimpleNetDeviceHelper devices;  // DataRate 0: infinitely fast, only the channel delay
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
