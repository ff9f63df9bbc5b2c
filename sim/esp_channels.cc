#include "sim/esp_channels.h"

#include <algorithm>

#include "core/esp/inner_packet.h"
#include "core/esp/udp_encapsulation.h"

namespace ikewot::sim {

namespace {

// RFC 8200 §3 header + RFC 768 header with the checksum over the RFC 8200 §8.1 pseudo-header
// (mandatory for UDP over IPv6).
Bytes MakeInnerUdp6Packet(const Bytes& source, const Bytes& destination, size_t payload_octets) {
  const size_t udp_length = 8 + payload_octets;
  Bytes packet(40 + udp_length, 0);
  packet[0] = 0x60;  // version 6
  packet[4] = static_cast<uint8_t>(udp_length >> 8);
  packet[5] = static_cast<uint8_t>(udp_length);
  packet[6] = 17;  // UDP
  packet[7] = 64;  // hop limit
  std::copy(source.begin(), source.end(), packet.begin() + 8);
  std::copy(destination.begin(), destination.end(), packet.begin() + 24);
  packet[40] = 0x30;  // source port 12345
  packet[41] = 0x39;
  packet[43] = 9;  // discard
  packet[44] = static_cast<uint8_t>(udp_length >> 8);
  packet[45] = static_cast<uint8_t>(udp_length);
  uint32_t sum = 17 + static_cast<uint32_t>(udp_length);
  for (size_t i = 8; i < 40; i += 2) sum += static_cast<uint32_t>(packet[i] << 8 | packet[i + 1]);
  for (size_t i = 40; i < packet.size(); i += 2) {
    sum += static_cast<uint32_t>(packet[i] << 8 | (i + 1 < packet.size() ? packet[i + 1] : 0));
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  uint16_t checksum = static_cast<uint16_t>(~sum);
  if (checksum == 0) checksum = 0xffff;
  packet[46] = static_cast<uint8_t>(checksum >> 8);
  packet[47] = static_cast<uint8_t>(checksum);
  return packet;
}

}  // namespace

Bytes MakeInnerUdpPacket(const Bytes& source, const Bytes& destination, size_t payload_octets) {
  if (source.size() == 16 && destination.size() == 16) {
    return MakeInnerUdp6Packet(source, destination, payload_octets);
  }
  const size_t total = 20 + 8 + payload_octets;
  Bytes packet(total, 0);
  packet[0] = 0x45;  // version 4, IHL 5
  packet[2] = static_cast<uint8_t>(total >> 8);
  packet[3] = static_cast<uint8_t>(total);
  packet[8] = 64;  // TTL
  packet[9] = 17;  // UDP
  for (size_t i = 0; i < 4 && i < source.size(); ++i) packet[12 + i] = source[i];
  for (size_t i = 0; i < 4 && i < destination.size(); ++i) packet[16 + i] = destination[i];
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(packet[i] << 8 | packet[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum);
  packet[10] = static_cast<uint8_t>(checksum >> 8);
  packet[11] = static_cast<uint8_t>(checksum);
  const size_t udp_length = 8 + payload_octets;
  packet[20] = 0x30;  // source port 12345
  packet[21] = 0x39;
  packet[23] = 9;  // discard
  packet[24] = static_cast<uint8_t>(udp_length >> 8);
  packet[25] = static_cast<uint8_t>(udp_length);
  return packet;
}

Status EspChannels::Install(const engine::Event& event) {
  auto channel = std::make_shared<Channel>();
  Result<esp::OutboundSa> out =
      esp::OutboundSa::Create(esp::OutboundParameters(event.child, event.initiator));
  if (!out.ok()) return out.error();
  Result<esp::InboundSa> in =
      esp::InboundSa::Create(esp::InboundParameters(event.child, event.initiator));
  if (!in.ok()) return in.error();
  channel->out.emplace(std::move(*out));
  channel->in.emplace(std::move(*in));
  channel->remote = event.peer;
  channel->udp_encapsulation = event.child.udp_encapsulation;
  channel->local_selectors = event.initiator ? event.child.ts_initiator : event.child.ts_responder;
  channel->remote_selectors = event.initiator ? event.child.ts_responder : event.child.ts_initiator;
  Remove(event.peer.address);
  by_inbound_spi_[channel->in->spi()] = channel;
  by_peer_[event.peer.address] = std::move(channel);
  return Status::Ok();
}

void EspChannels::Remove(const Bytes& peer_address) {
  auto it = by_peer_.find(peer_address);
  if (it == by_peer_.end()) return;
  by_inbound_spi_.erase(it->second->in->spi());
  by_peer_.erase(it);
}

Result<EspChannels::Outgoing> EspChannels::Protect(const Bytes& local_address,
                                                   const Bytes& peer_address, size_t payload_octets,
                                                   Rng& rng) {
  return ProtectPacket(peer_address,
                       MakeInnerUdpPacket(local_address, peer_address, payload_octets), rng);
}

Result<EspChannels::Outgoing> EspChannels::ProtectPacket(const Bytes& peer_address,
                                                         const Bytes& inner, Rng& rng) {
  auto it = by_peer_.find(peer_address);
  if (it == by_peer_.end()) {
    return MakeError(ErrorCode::kNotFound, "no CHILD SA toward that peer");
  }
  Channel& channel = *it->second;
  Result<Bytes> esp_packet = channel.out->Encapsulate(inner, rng);
  if (!esp_packet.ok()) return esp_packet.error();
  // The local address only matters for the port: the socket fills in the source address.
  engine::Endpoint local{{}, channel.udp_encapsulation ? engine::kNatTraversalPort : uint16_t{0}};
  Outgoing outgoing;
  outgoing.datagram = esp::MakeEspDatagram(local, channel.remote, channel.udp_encapsulation,
                                           std::move(*esp_packet));
  outgoing.inner_octets = inner.size();
  return outgoing;
}

EspChannels::Accepted EspChannels::Accept(ByteView esp_packet) {
  Accepted accepted;
  Result<uint32_t> spi = esp::PeekSpi(esp_packet);
  if (!spi.ok()) {
    accepted.reason = spi.error().message;
    return accepted;
  }
  auto it = by_inbound_spi_.find(*spi);
  if (it == by_inbound_spi_.end()) {
    accepted.reason = "ESP packet for an unknown SPI";
    return accepted;
  }
  Channel& channel = *it->second;
  Result<esp::Decapsulated> decapsulated = channel.in->Decapsulate(esp_packet);
  if (!decapsulated.ok()) {
    accepted.reason = decapsulated.error().message;
    return accepted;
  }
  if (decapsulated->next_header == esp::kNextHeaderNoNext) {
    accepted.verdict = Verdict::kDummy;
    return accepted;
  }
  accepted.inner_octets = decapsulated->inner.size();
  Result<esp::InnerPacketInfo> info = esp::ParseInnerPacket(decapsulated->inner);
  if (!info.ok()) {
    accepted.verdict = Verdict::kOutsideSelectors;
    accepted.reason = "decrypted packet is not a well-formed IP packet: " + info.error().message;
    return accepted;
  }
  if (!esp::SelectorsCover(channel.local_selectors, channel.remote_selectors, *info, false)) {
    accepted.verdict = Verdict::kOutsideSelectors;
    accepted.reason = "decrypted packet lies outside the CHILD SA's traffic selectors";
    return accepted;
  }
  accepted.verdict = Verdict::kDelivered;
  return accepted;
}

}  // namespace ikewot::sim
