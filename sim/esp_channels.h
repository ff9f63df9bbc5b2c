// Application traffic through a node's CHILD SAs, with the core's ESP code (core/esp/esp_sa.h):
// inner IPv4/UDP packets are encapsulated by OutboundSa and sent as IP protocol 50, or as
// ESP-in-UDP on port 4500 when the engine found a NAT (RFC 3948); received ESP goes through
// InboundSa (ICV, anti-replay, padding) and then the CHILD SA's traffic selectors (RFC 4301
// §5.2: a decrypted packet whose addresses, protocol or ports the SA does not cover is dropped,
// or a peer could inject traffic for addresses it never negotiated) before it counts. The
// sockets belong to the application; this class holds the SAs and builds and checks the packets.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/esp/esp_sa.h"

namespace ikewot::sim {

class EspChannels {
 public:
  // A CHILD SA came up (either role): installs both directions toward `event.peer`.
  Status Install(const engine::Event& event);
  // Drops the SAs toward `peer_address` (the IKE SA was deleted).
  void Remove(const Bytes& peer_address);
  bool HasChannel(const Bytes& peer_address) const { return by_peer_.count(peer_address) != 0; }

  struct Outgoing {
    engine::Datagram datagram;  // ports 0: plain ESP (IP protocol 50); else ESP-in-UDP
    size_t inner_octets = 0;
  };
  // An inner IPv4/UDP (or IPv6/UDP) packet from `local_address` to the peer carrying
  // `payload_octets` zero octets (port 9, discard), protected by the peer's outbound SA.
  Result<Outgoing> Protect(const Bytes& local_address, const Bytes& peer_address,
                           size_t payload_octets, Rng& rng);
  // Any inner IP packet, protected by the peer's outbound SA as it is (no selector check on
  // the way out: this is how a simulated peer that misbehaves injects traffic).
  Result<Outgoing> ProtectPacket(const Bytes& peer_address, const Bytes& inner, Rng& rng);

  // What became of one received ESP packet.
  enum class Verdict {
    kDelivered,         // passed ICV, replay, padding and the selectors
    kDummy,             // RFC 4303 dummy packet (next header 59): valid, discarded
    kDropped,           // unknown SPI or failed ICV / anti-replay / padding
    kOutsideSelectors,  // decrypted fine, but the CHILD SA's selectors do not cover it
  };
  struct Accepted {
    Verdict verdict = Verdict::kDropped;
    size_t inner_octets = 0;
    std::string reason;  // empty when delivered
  };
  // An ESP packet received (the IP payload or the UDP 4500 payload).
  Accepted Accept(ByteView esp_packet);

 private:
  struct Channel {
    std::optional<esp::OutboundSa> out;
    std::optional<esp::InboundSa> in;
    engine::Endpoint remote;
    bool udp_encapsulation = false;
    // Ours (TSi when we initiated, else TSr) and the peer's, as negotiated.
    std::vector<engine::TrafficSelector> local_selectors;
    std::vector<engine::TrafficSelector> remote_selectors;
  };
  std::map<Bytes, std::shared_ptr<Channel>> by_peer_;
  std::map<uint32_t, std::shared_ptr<Channel>> by_inbound_spi_;
};

// A minimal IPv4/UDP packet (RFC 791 header with checksum, RFC 768 header without), or IPv6/UDP
// when both addresses have 16 octets (UDP checksum computed: IPv6 requires it).
Bytes MakeInnerUdpPacket(const Bytes& source, const Bytes& destination, size_t payload_octets);

}  // namespace ikewot::sim
