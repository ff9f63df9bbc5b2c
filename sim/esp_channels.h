// Application traffic through a node's CHILD SAs, with the core's ESP code (core/esp/esp_sa.h):
// inner IPv4/UDP packets are encapsulated by OutboundSa and sent as IP protocol 50, or as
// ESP-in-UDP on port 4500 when the engine found a NAT (RFC 3948); received ESP goes through
// InboundSa (ICV, anti-replay, padding) before it counts. The sockets belong to the
// application; this class holds the SAs and builds and checks the packets.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

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
  // An inner IPv4/UDP packet from `local_address` to the peer carrying `payload_octets` zero
  // octets (port 9, discard), protected by the peer's outbound SA.
  Result<Outgoing> Protect(const Bytes& local_address, const Bytes& peer_address,
                           size_t payload_octets, Rng& rng);
  // An ESP packet received (the IP payload or the UDP 4500 payload). Returns the inner packet's
  // size, or the reason it was dropped.
  Result<size_t> Accept(ByteView esp_packet);

 private:
  struct Channel {
    std::optional<esp::OutboundSa> out;
    std::optional<esp::InboundSa> in;
    engine::Endpoint local;
    engine::Endpoint remote;
    bool udp_encapsulation = false;
  };
  std::map<Bytes, std::shared_ptr<Channel>> by_peer_;
  std::map<uint32_t, std::shared_ptr<Channel>> by_inbound_spi_;
};

// A minimal IPv4/UDP packet (RFC 791 header with checksum, RFC 768 header without).
Bytes MakeInnerUdpPacket(const Bytes& source, const Bytes& destination, size_t payload_octets);

}  // namespace ikewot::sim
