// Packet captures of what a node sends and receives at the IP layer, as a pcap file with link
// type raw IP (LINKTYPE_RAW, 101; IPv4 and IPv6 told apart by the version nibble): tshark and
// Wireshark dissect IKE, NAT-T and ESP in it. Hooks the Ipv4L3Protocol and (on nodes with IPv6)
// Ipv6L3Protocol "Tx"/"Rx" trace sources (the packets carry their IP header there).
#pragma once

#include <ns3/ipv4.h>
#include <ns3/ipv6.h>
#include <ns3/node.h>
#include <ns3/pcap-file-wrapper.h>

#include <string>

namespace ikewot::sim {

class PcapTap {
 public:
  // Opens `path` and captures every IPv4 and IPv6 packet `node` sends or receives from now on.
  PcapTap(ns3::Ptr<ns3::Node> node, const std::string& path);

 private:
  void Capture(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t interface);
  void Capture6(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv6> ipv6, uint32_t interface);
  ns3::Ptr<ns3::PcapFileWrapper> file_;
};

}  // namespace ikewot::sim
