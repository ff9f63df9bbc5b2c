#include "sim/middlebox_routing.h"

#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/trace-source-accessor.h>
#include <ns3/uinteger.h>

#include <vector>

namespace ikewot::sim {

NS_LOG_COMPONENT_DEFINE("IkewotMiddleboxRouting");
NS_OBJECT_ENSURE_REGISTERED(MiddleboxRouting);

namespace {
constexpr uint8_t kUdp = 17;

bool IsFragment(const ns3::Ipv4Header& header) {
  return header.GetFragmentOffset() != 0 || !header.IsLastFragment();
}

// The UDP header is rewritten as octets (RFC 768: ports at 0 and 2, length at 4, checksum at
// 6): the length stays exactly as the sender wrote it, which also holds for a first fragment.
// The checksum covers the pseudo-header's addresses and the ports, so it is updated
// incrementally for what changed (RFC 1624 eqn. 3), as real NATs do; that also works for a first
// fragment, which does not hold the whole datagram. A checksum of 0 ("none") stays 0. Real
// checksums matter where ns-3 computes them (ChecksumEnabled): with a real host on a TAP.
struct UdpPorts {
  uint16_t source = 0;
  uint16_t destination = 0;
};

bool ReadUdpPorts(ns3::Ptr<const ns3::Packet> packet, UdpPorts* ports) {
  uint8_t header[8];
  if (packet->GetSize() < sizeof(header) || packet->CopyData(header, sizeof(header)) != 8) {
    return false;
  }
  ports->source = static_cast<uint16_t>(header[0] << 8 | header[1]);
  ports->destination = static_cast<uint16_t>(header[2] << 8 | header[3]);
  return true;
}

// RFC 1624 eqn. 3 for one 16-bit word that changed from `was` to `now`: HC' = ~(~HC + ~m + m').
uint16_t AdjustChecksum(uint16_t checksum, uint16_t was, uint16_t now) {
  uint32_t sum =
      static_cast<uint16_t>(~checksum) + static_cast<uint32_t>(static_cast<uint16_t>(~was)) + now;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

ns3::Ptr<ns3::Packet> WithUdpPorts(ns3::Ptr<const ns3::Packet> packet, const UdpPorts& ports,
                                   ns3::Ipv4Address old_address, ns3::Ipv4Address new_address) {
  std::vector<uint8_t> bytes(packet->GetSize());
  packet->CopyData(bytes.data(), static_cast<uint32_t>(bytes.size()));
  const uint16_t old_source = static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
  const uint16_t old_destination = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
  bytes[0] = static_cast<uint8_t>(ports.source >> 8);
  bytes[1] = static_cast<uint8_t>(ports.source);
  bytes[2] = static_cast<uint8_t>(ports.destination >> 8);
  bytes[3] = static_cast<uint8_t>(ports.destination);
  uint16_t checksum = static_cast<uint16_t>(bytes[6] << 8 | bytes[7]);
  if (checksum != 0) {
    const uint32_t was = old_address.Get(), now = new_address.Get();
    checksum = AdjustChecksum(checksum, static_cast<uint16_t>(was >> 16),
                              static_cast<uint16_t>(now >> 16));
    checksum = AdjustChecksum(checksum, static_cast<uint16_t>(was), static_cast<uint16_t>(now));
    checksum = AdjustChecksum(checksum, old_source, ports.source);
    checksum = AdjustChecksum(checksum, old_destination, ports.destination);
    if (checksum == 0) checksum = 0xffff;  // RFC 768: a computed 0 is sent as all ones
    bytes[6] = static_cast<uint8_t>(checksum >> 8);
    bytes[7] = static_cast<uint8_t>(checksum);
  }
  return ns3::Create<ns3::Packet>(bytes.data(), static_cast<uint32_t>(bytes.size()));
}
}  // namespace

ns3::TypeId MiddleboxRouting::GetTypeId() {
  static ns3::TypeId tid =
      ns3::TypeId("ikewot::sim::MiddleboxRouting")
          .SetParent<ns3::Ipv4RoutingProtocol>()
          .SetGroupName("Ikewot")
          .AddConstructor<MiddleboxRouting>()
          .AddAttribute("MappingTimeout", "Idle time after which a NAPT mapping is forgotten.",
                        ns3::TimeValue(ns3::Seconds(30)),
                        ns3::MakeTimeAccessor(&MiddleboxRouting::mapping_timeout_),
                        ns3::MakeTimeChecker(ns3::MilliSeconds(1)))
          .AddAttribute("FirstPort", "First public port the NAPT hands out.",
                        ns3::UintegerValue(40000),
                        ns3::MakeUintegerAccessor(&MiddleboxRouting::first_port_),
                        ns3::MakeUintegerChecker<uint16_t>(1024))
          .AddTraceSource("Drop", "A packet the middlebox dropped, with the reason.",
                          ns3::MakeTraceSourceAccessor(&MiddleboxRouting::drop_trace_),
                          "ikewot::sim::MiddleboxRouting::DropCallback");
  return tid;
}

MiddleboxRouting::MiddleboxRouting()
    : inner_(ns3::CreateObject<ns3::Ipv4StaticRouting>()), mapping_timeout_(ns3::Seconds(30)) {}

void MiddleboxRouting::DoDispose() {
  inner_ = nullptr;
  ipv4_ = nullptr;
  ns3::Ipv4RoutingProtocol::DoDispose();
}

void MiddleboxRouting::EnableNapt(uint32_t inside_interface, uint32_t outside_interface,
                                  ns3::Ipv4Address public_address) {
  napt_ = true;
  inside_interface_ = inside_interface;
  outside_interface_ = outside_interface;
  public_address_ = public_address;
  next_port_ = first_port_;
}

bool MiddleboxRouting::Expired(const Mapping& m) const {
  return ns3::Simulator::Now() - m.last_used > mapping_timeout_;
}

bool MiddleboxRouting::TranslateOutbound(ns3::Ptr<ns3::Packet>& packet, ns3::Ipv4Header& header) {
  UdpPorts ports;
  if (header.GetFragmentOffset() == 0 && header.GetProtocol() == kUdp &&
      ReadUdpPorts(packet, &ports)) {
    const auto key = std::make_pair(header.GetSource().Get(), ports.source);
    auto found = by_inside_.find(key);
    if (found != by_inside_.end() && Expired(mappings_[found->second])) {
      mappings_.erase(found->second);
      by_inside_.erase(found);
      found = by_inside_.end();
    }
    uint16_t public_port = 0;
    if (found != by_inside_.end()) {
      public_port = found->second;
    } else {
      // Next free port; wraps within [first_port_, 65535].
      for (uint32_t tries = 0; tries < 65536; ++tries) {
        uint16_t candidate = next_port_;
        next_port_ = next_port_ == 65535 ? first_port_ : static_cast<uint16_t>(next_port_ + 1);
        auto used = mappings_.find(candidate);
        if (used == mappings_.end() || Expired(used->second)) {
          if (used != mappings_.end()) {
            by_inside_.erase({used->second.inside_address.Get(), used->second.inside_port});
          }
          public_port = candidate;
          break;
        }
      }
      if (public_port == 0) return false;
      by_inside_[key] = public_port;
    }
    mappings_[public_port] = Mapping{header.GetSource(), ports.source, ns3::Simulator::Now()};
    ports.source = public_port;
    packet = WithUdpPorts(packet, ports, header.GetSource(), public_address_);
  }
  header.SetSource(public_address_);
  ++translated_;
  return true;
}

bool MiddleboxRouting::TranslateInbound(ns3::Ptr<ns3::Packet>& packet, ns3::Ipv4Header& header) {
  const auto fragment_key = std::make_pair(header.GetSource().Get(), header.GetIdentification());
  if (header.GetFragmentOffset() != 0) {
    auto it = inbound_fragments_.find(fragment_key);
    if (it == inbound_fragments_.end()) return false;
    header.SetDestination(it->second);
    if (header.IsLastFragment()) inbound_fragments_.erase(it);
    ++translated_;
    return true;
  }
  UdpPorts ports;
  if (header.GetProtocol() != kUdp || !ReadUdpPorts(packet, &ports)) return false;
  auto it = mappings_.find(ports.destination);
  if (it == mappings_.end()) return false;
  if (Expired(it->second)) {
    ++expired_drops_;
    return false;
  }
  it->second.last_used = ns3::Simulator::Now();
  ports.destination = it->second.inside_port;
  packet = WithUdpPorts(packet, ports, header.GetDestination(), it->second.inside_address);
  header.SetDestination(it->second.inside_address);
  if (!header.IsLastFragment()) inbound_fragments_[fragment_key] = it->second.inside_address;
  ++translated_;
  return true;
}

bool MiddleboxRouting::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                                  ErrorCallback ecb) {
  const int32_t in_interface = ipv4_->GetInterfaceForDevice(idev);
  const bool to_public = napt_ && header.GetDestination() == public_address_;
  if (drop_fragments_ && IsFragment(header) && !to_public &&
      ipv4_->GetInterfaceForAddress(header.GetDestination()) < 0) {
    ++fragments_dropped_;
    drop_trace_(p, header, "fragment");
    return true;  // taken responsibility: silently dropped
  }
  if (napt_ && in_interface == static_cast<int32_t>(inside_interface_) &&
      ipv4_->GetInterfaceForAddress(header.GetDestination()) < 0) {
    ns3::Ptr<ns3::Packet> copy = p->Copy();
    ns3::Ipv4Header rewritten = header;
    if (!TranslateOutbound(copy, rewritten)) {
      drop_trace_(p, header, "napt: no free port");
      return true;
    }
    return inner_->RouteInput(copy, rewritten, idev, ucb, mcb, lcb, ecb);
  }
  if (to_public && in_interface == static_cast<int32_t>(outside_interface_)) {
    ns3::Ptr<ns3::Packet> copy = p->Copy();
    ns3::Ipv4Header rewritten = header;
    if (!TranslateInbound(copy, rewritten)) {
      drop_trace_(p, header, "napt: no mapping");
      return true;
    }
    return inner_->RouteInput(copy, rewritten, idev, ucb, mcb, lcb, ecb);
  }
  return inner_->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
}

ns3::Ptr<ns3::Ipv4Route> MiddleboxRouting::RouteOutput(ns3::Ptr<ns3::Packet> p,
                                                       const ns3::Ipv4Header& header,
                                                       ns3::Ptr<ns3::NetDevice> oif,
                                                       ns3::Socket::SocketErrno& sockerr) {
  return inner_->RouteOutput(p, header, oif, sockerr);
}

void MiddleboxRouting::NotifyInterfaceUp(uint32_t i) { inner_->NotifyInterfaceUp(i); }
void MiddleboxRouting::NotifyInterfaceDown(uint32_t i) { inner_->NotifyInterfaceDown(i); }
void MiddleboxRouting::NotifyAddAddress(uint32_t i, ns3::Ipv4InterfaceAddress a) {
  inner_->NotifyAddAddress(i, a);
}
void MiddleboxRouting::NotifyRemoveAddress(uint32_t i, ns3::Ipv4InterfaceAddress a) {
  inner_->NotifyRemoveAddress(i, a);
}
void MiddleboxRouting::SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) {
  ipv4_ = ipv4;
  inner_->SetIpv4(ipv4);
}
void MiddleboxRouting::PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                                         ns3::Time::Unit unit) const {
  inner_->PrintRoutingTable(stream, unit);
}

ns3::Ptr<ns3::Ipv4RoutingProtocol> MiddleboxRoutingHelper::Create(ns3::Ptr<ns3::Node>) const {
  return ns3::CreateObject<MiddleboxRouting>();
}

}  // namespace ikewot::sim
