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
#include <ns3/ipv6-address.h>
#include <ns3/mac48-address.h>
#include <ns3/node-container.h>
#include <ns3/nstime.h>
#include <ns3/simple-channel.h>
#include <ns3/simple-net-device.h>

#include <cstdint>
#include <map>
#include <vector>

namespace ikewot::sim {

// A switched LAN: unicast frames reach only the device with that MAC address, broadcasts reach
// everyone (ns-3's SimpleChannel schedules a reception on every attached device for every
// frame, which makes a LAN of N hosts cost N events per packet).
class SwitchedLan : public ns3::SimpleChannel {
 public:
  static ns3::TypeId GetTypeId();
  void SetLanDelay(ns3::Time delay) { delay_ = delay; }
  void Send(ns3::Ptr<ns3::Packet> p, uint16_t protocol, ns3::Mac48Address to,
            ns3::Mac48Address from, ns3::Ptr<ns3::SimpleNetDevice> sender) override;
  void Add(ns3::Ptr<ns3::SimpleNetDevice> device) override;
  std::size_t GetNDevices() const override { return devices_.size(); }
  ns3::Ptr<ns3::NetDevice> GetDevice(std::size_t i) const override { return devices_[i]; }

 protected:
  void DoDispose() override;

 private:
  ns3::Time delay_;
  std::vector<ns3::Ptr<ns3::SimpleNetDevice>> devices_;
  std::map<ns3::Mac48Address, ns3::Ptr<ns3::SimpleNetDevice>> by_mac_;
};

// A switched LAN with a one-way delay.
ns3::Ptr<ns3::SimpleChannel> MakeLan(ns3::Time delay);

// Installs the IPv4 stack with plain static routing (no global routing, no IPv6).
void InstallStack(const ns3::NodeContainer& nodes);

// Attaches `node` to `lan` with `address`/`mask` on a new interface (MTU in octets); returns the
// interface index.
uint32_t Attach(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu = 1500);

// The same over a point-to-point SimpleNetDevice (no ARP, no broadcast): `lan` joins exactly two.
uint32_t AttachPointToPoint(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                            ns3::Ipv4Address address, ns3::Ipv4Mask mask, uint16_t mtu = 1500);

// Installs IPv4 and IPv6 (static routing for both; IPv6 duplicate address detection is left to
// ns-3: addresses become usable about a second after they are added).
void InstallDualStack(const ns3::NodeContainer& nodes);

// Attaches `node` to `lan` with the IPv6 `address`/`prefix` on a new interface (and its
// link-local address); returns the IPv6 interface index.
uint32_t AttachIpv6(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::SimpleChannel> lan,
                    ns3::Ipv6Address address, ns3::Ipv6Prefix prefix, uint16_t mtu = 1500);

// The node's static routing, also when it is wrapped by a MiddleboxRouting.
ns3::Ptr<ns3::Ipv4StaticRouting> StaticRoutingOf(ns3::Ptr<ns3::Node> node);
void AddDefaultRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address gateway, uint32_t interface);
void AddNetworkRoute(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address network, ns3::Ipv4Mask mask,
                     ns3::Ipv4Address gateway, uint32_t interface);

// 10.a.b.c from an integer index (host part first): for many hosts without a helper.
ns3::Ipv4Address Ipv4FromIndex(uint8_t first_octet, uint32_t index);

}  // namespace ikewot::sim
