// IkewotApplication: application traffic through CHILD SAs (the ESP half of the driver).
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-raw-socket-factory.h>
#include <ns3/ipv6-raw-socket-factory.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include "sim/ikewot_application.h"
#include "sim/sim_address.h"

namespace ikewot::sim {

namespace {
constexpr uint8_t kIpProtocolEsp = 50;
constexpr size_t kIpv6HeaderOctets = 40;

// Whether `bytes` starts with an IPv6 header (no extension headers) whose payload is ESP and
// fills the rest exactly: then the raw socket handed us the header too.
bool StartsWithIpv6EspHeader(const Bytes& bytes) {
  if (bytes.size() < kIpv6HeaderOctets || bytes[0] >> 4 != 6 || bytes[6] != kIpProtocolEsp) {
    return false;
  }
  const size_t payload = static_cast<size_t>(bytes[4] << 8 | bytes[5]);
  return payload == bytes.size() - kIpv6HeaderOctets;
}

}  // namespace

void IkewotApplication::OpenEspSocket() {
  socket_esp_ =
      ns3::Socket::CreateSocket(GetNode(), use_ipv6_ ? ns3::Ipv6RawSocketFactory::GetTypeId()
                                                     : ns3::Ipv4RawSocketFactory::GetTypeId());
  socket_esp_->SetAttribute("Protocol", ns3::UintegerValue(kIpProtocolEsp));
  socket_esp_->Bind();
  socket_esp_->SetRecvCallback(ns3::MakeCallback(&IkewotApplication::ReceiveEsp, this));
}

void IkewotApplication::ReceiveEsp(ns3::Ptr<ns3::Socket> socket) {
  ns3::Address from;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
    Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    if (use_ipv6_) {
      std::optional<AddressAndPort> source = FromSocketAddress(from);
      if (!source) continue;
      const size_t header = StartsWithIpv6EspHeader(bytes) ? kIpv6HeaderOctets : 0;
      AcceptEsp(source->address, ByteView(bytes).subspan(header));
      continue;
    }
    // ns-3's IPv4 raw sockets deliver the IPv4 header too; skip it by its IHL.
    if (bytes.empty() || bytes[0] >> 4 != 4) continue;
    const size_t header = static_cast<size_t>(bytes[0] & 0x0f) * 4;
    if (header < 20 || bytes.size() < header) continue;
    Bytes source(bytes.begin() + 12, bytes.begin() + 16);
    AcceptEsp(source, ByteView(bytes).subspan(header));
  }
}

void IkewotApplication::AcceptEsp(const Bytes& from, ByteView esp_packet) {
  const EspChannels::Accepted accepted = esp_.Accept(esp_packet);
  EspTally& tally = esp_in_[from];
  switch (accepted.verdict) {
    case EspChannels::Verdict::kDelivered:
      ++tally.packets;
      tally.bytes += accepted.inner_octets;
      ++esp_counters_.delivered;
      break;
    case EspChannels::Verdict::kDummy:
      ++esp_counters_.dummies;
      break;
    case EspChannels::Verdict::kDropped:
      ++tally.dropped;
      ++esp_counters_.dropped;
      break;
    case EspChannels::Verdict::kOutsideSelectors:
      ++tally.outside_selectors;
      ++esp_counters_.outside_selectors;
      break;
  }
  // One "esp" event per burst: flushed a second after the first packet of it.
  if (!esp_flush_.IsRunning()) {
    esp_flush_ = ns3::Simulator::Schedule(ns3::Seconds(1), &IkewotApplication::FlushEspIn, this);
  }
}

void IkewotApplication::FlushEspIn() {
  for (const auto& [peer, tally] : esp_in_) {
    Json fields = Json::MakeObject();
    fields.Set("peer", PeerJson(peer));
    fields.Set("packets", tally.packets);
    fields.Set("bytes", tally.bytes);
    fields.Set("direction", "in");
    fields.Set("dropped", tally.dropped);
    fields.Set("outside_selectors", tally.outside_selectors);
    Emit("esp", std::move(fields));
  }
  esp_in_.clear();
}

Status IkewotApplication::SendEsp(const engine::Datagram& datagram) {
  ns3::Ptr<ns3::Packet> packet = ns3::Create<ns3::Packet>(
      datagram.payload.data(), static_cast<uint32_t>(datagram.payload.size()));
  const int sent =
      datagram.remote.port != 0
          ? socket_natt_->SendTo(packet, 0,
                                 SocketAddress(datagram.remote.address, datagram.remote.port))
          : socket_esp_->SendTo(packet, 0, SocketAddress(datagram.remote.address, 0));
  if (sent < 0) return MakeError(ErrorCode::kIo, "the simulated socket refused the packet");
  return Status::Ok();
}

Status IkewotApplication::SendInnerPacket(const Bytes& peer_address, const Bytes& inner) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  Result<EspChannels::Outgoing> out = esp_.ProtectPacket(peer_address, inner, *rng_);
  if (!out.ok()) return out.error();
  Status sent = SendEsp(out->datagram);
  if (!sent.ok()) return sent;
  Json fields = Json::MakeObject();
  fields.Set("peer", PeerJson(peer_address));
  fields.Set("packets", 1);
  fields.Set("bytes", static_cast<uint64_t>(out->inner_octets));
  fields.Set("direction", "out");
  Emit("esp", std::move(fields));
  return Status::Ok();
}

Status IkewotApplication::SendTraffic(const Bytes& peer_address, uint32_t packets,
                                      uint32_t payload_octets) {
  SyncEngine();  // the node's store and rng are the engine call's until it has run
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < packets; ++i) {
    Result<EspChannels::Outgoing> out = esp_.Protect(address_, peer_address, payload_octets, *rng_);
    if (!out.ok()) return out.error();
    Status sent = SendEsp(out->datagram);
    if (!sent.ok()) return sent;
    bytes += out->inner_octets;
  }
  Json fields = Json::MakeObject();
  fields.Set("peer", PeerJson(peer_address));
  fields.Set("packets", packets);
  fields.Set("bytes", bytes);
  fields.Set("direction", "out");
  Emit("esp", std::move(fields));
  return Status::Ok();
}

}  // namespace ikewot::sim
