#include "sim/pcap_tap.h"

#include <ns3/callback.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv6-l3-protocol.h>
#include <ns3/packet.h>
#include <ns3/pcap-file.h>
#include <ns3/simulator.h>
#include <ns3/trace-helper.h>

namespace ikewot::sim {

PcapTap::PcapTap(ns3::Ptr<ns3::Node> node, const std::string& path) {
  ns3::PcapHelper helper;
  file_ = helper.CreateFile(path, std::ios::out, ns3::PcapHelper::DLT_RAW);
  ns3::Ptr<ns3::Ipv4L3Protocol> ipv4 = node->GetObject<ns3::Ipv4L3Protocol>();
  ipv4->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&PcapTap::Capture, this));
  ipv4->TraceConnectWithoutContext("Rx", ns3::MakeCallback(&PcapTap::Capture, this));
  if (ns3::Ptr<ns3::Ipv6L3Protocol> ipv6 = node->GetObject<ns3::Ipv6L3Protocol>()) {
    ipv6->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&PcapTap::Capture6, this));
    ipv6->TraceConnectWithoutContext("Rx", ns3::MakeCallback(&PcapTap::Capture6, this));
  }
}

void PcapTap::Capture(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  file_->Write(ns3::Simulator::Now(), packet);
}

void PcapTap::Capture6(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv6>, uint32_t) {
  file_->Write(ns3::Simulator::Now(), packet);
}

}  // namespace ikewot::sim
