// Building blocks for simulated networks that scale (the measured advice): delay-only
// links (SimpleNetDevice with infinite rate over a SimpleChannel, so timing never depends on a
// message's size and runs are reproducible byte for byte even where ECDSA signature lengths
// vary), addresses assigned directly on the interface (Ipv4AddressHelper is quadratic and
// installs an FqCoDel queue disc we do not want), static routes (global routing does not scale),
// and hierarchies of LANs instead of routers with hundreds of interfaces.
#pragma once

#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simple-channel.h>

#include <cstdint>

namespace ikewot::sim {

// A broadcast LAN (like one Ethernet switch) with a one-way delay.
ns3::Ptr<ns3::SimpleChannel> MakeLan(ns3::Time delay);

// Installs the IPv4 stack with plain static routing (no global routing, no IPv6).
void InstallStack(const ns3::NodeContainer& nodes);

// Attaches `node` to `lan` with `address`/`mask` on a new interface (MTU in octets); returns the
// interface index.
uint32_t Attach(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu = 1500);

// The node's static routing, also when it is wrapped by a MiddleboxRouting.
ns3::Ptr<ns3::Ipv4StaticRouting> StaticRoutingOf(ns3::Ptr<ns3::Node> node);
void AddDefaultRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address gateway, uint32_t interface);
void AddNetworkRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address network, ns3::Ipv4Mask mask,
                     ns3::Ipv4Address gateway, uint32_t interface);

// 10.a.b.c from an integer index (host part first): for many hosts without a helper.
ns3::Ipv4Address Ipv4FromIndex(uint8_t first_octet, uint32_t index);

}  // namespace ikewot::sim
