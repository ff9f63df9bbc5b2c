// Middleboxes as an IPv4 routing protocol that wraps the node's own static routing. ns-3 has no
// NAT or firewall model; a routing protocol is the one hook that sees every packet a node
// receives -- forwarded ones and those addressed to the box itself -- before the stack acts on
// it. ns-3's IPv4 fragments above the MTU and reassembles only at the destination, so a box in
// the path sees raw fragments, exactly like a real one.
//
//  - NAPT (RFC 4787 / RFC 3022 style, "endpoint-independent mapping"): UDP datagrams from the
//    inside interface leave with the public address and a mapped port; answers to a mapped port
//    go back in. Mappings expire after an idle timeout (then answers are dropped, and the next
//    datagram from inside gets a new port, as real NATs do). Non-first fragments carry no ports:
//    they follow the mapping their first fragment chose (matched by source and IP id).
//  - Fragment filter: drops every IPv4 fragment it would forward (a firewall that "drops
//    fragments", the reason IKEv2 fragmentation, RFC 7383, exists).
#pragma once

#include <ns3/ipv4-routing-helper.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/traced-callback.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace ikewot::sim {

class MiddleboxRouting : public ns3::Ipv4RoutingProtocol {
 public:
  static ns3::TypeId GetTypeId();
  MiddleboxRouting();

  ns3::Ptr<ns3::Ipv4StaticRouting> inner() const { return inner_; }

  // Turns this box into a NAPT between `inside_interface` and `outside_interface`, translating
  // to `public_address` (one of the box's outside addresses).
  void EnableNapt(uint32_t inside_interface, uint32_t outside_interface,
                  ns3::Ipv4Address public_address);
  void SetDropFragments(bool drop) { drop_fragments_ = drop; }

  uint64_t fragments_dropped() const { return fragments_dropped_; }
  uint64_t translated() const { return translated_; }
  uint64_t expired_drops() const { return expired_drops_; }
  size_t mapping_count() const { return mappings_.size(); }

  // Ipv4RoutingProtocol.
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
  struct Mapping {
    ns3::Ipv4Address inside_address;
    uint16_t inside_port = 0;
    ns3::Time last_used;
  };
  // Rewrites an outbound (inside -> outside) packet; false: drop it.
  bool TranslateOutbound(ns3::Ptr<ns3::Packet>& packet, ns3::Ipv4Header& header);
  // Rewrites an inbound packet to the public address; false: no live mapping, drop it.
  bool TranslateInbound(ns3::Ptr<ns3::Packet>& packet, ns3::Ipv4Header& header);
  bool Expired(const Mapping& m) const;

  ns3::Ptr<ns3::Ipv4StaticRouting> inner_;
  ns3::Ptr<ns3::Ipv4> ipv4_;
  bool napt_ = false;
  uint32_t inside_interface_ = 0;
  uint32_t outside_interface_ = 0;
  ns3::Ipv4Address public_address_;
  ns3::Time mapping_timeout_;
  uint16_t first_port_ = 40000;
  uint16_t next_port_ = 40000;
  bool drop_fragments_ = false;

  std::map<uint16_t, Mapping> mappings_;                         // public port -> inside endpoint
  std::map<std::pair<uint32_t, uint16_t>, uint16_t> by_inside_;  // (address, port) -> public port
  // Inbound first fragments seen: (remote source, IP id) -> inside address for the rest.
  std::map<std::pair<uint32_t, uint16_t>, ns3::Ipv4Address> inbound_fragments_;

  uint64_t fragments_dropped_ = 0;
  uint64_t translated_ = 0;
  uint64_t expired_drops_ = 0;
  ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, const ns3::Ipv4Header&, const std::string&>
      drop_trace_;
};

// For InternetStackHelper::SetRoutingHelper on middlebox nodes.
class MiddleboxRoutingHelper : public ns3::Ipv4RoutingHelper {
 public:
  MiddleboxRoutingHelper* Copy() const override { return new MiddleboxRoutingHelper(*this); }
  ns3::Ptr<ns3::Ipv4RoutingProtocol> Create(ns3::Ptr<ns3::Node> node) const override;
};

}  // namespace ikewot::sim
