// UDP encapsulation of ESP (RFC 3948) as the tunnel sees it. On port 4500 three things share one
// UDP flow, told apart by their first octets (RFC 3948 §2.2, §2.3; the engine's
// UnframeDatagram does the same for IKE):
//
//   ESP-in-UDP:   UDP header || ESP header (SPI is never 0) ...
//   IKE:          UDP header || Non-ESP Marker (4 zero octets) || IKE header ...
//   keepalive:    UDP header || 0xFF
//
// RFC 3948 §2.1, UDP-encapsulated ESP header format:
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |        Source Port            |      Destination Port         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Length              |           Checksum            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      ESP header [RFC4303]                     |
//   ~                                                               ~
// The UDP header belongs to the socket; this module handles the UDP payload. Tunnel mode needs
// none of the transport-mode checksum fix-ups of §3.1.2.
#pragma once

#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/datagram.h"

namespace ikewot::esp {

enum class UdpPayloadKind { kEsp, kIke, kNatKeepalive };

// Classifies a UDP payload received on port 4500. kTruncated when it is shorter than the 8-octet
// ESP header and not a keepalive (nothing on 4500 can be that short).
Result<UdpPayloadKind> ClassifyUdp4500(ByteView payload);

// The SPI of an ESP packet (first four octets), or kTruncated.
Result<uint32_t> PeekSpi(ByteView esp_packet);

// RFC 3948 §2.3: a one-octet 0xFF datagram on the SA's 4500 flow keeps a NAT mapping open.
engine::Datagram MakeNatKeepalive(const engine::Endpoint& local, const engine::Endpoint& remote);

// An ESP packet on the CHILD SA's outer endpoints: as the UDP payload when `udp_encapsulation`
// (the endpoints' ports, normally 4500), otherwise as plain ESP with ports 0 (IP protocol 50).
engine::Datagram MakeEspDatagram(const engine::Endpoint& local, const engine::Endpoint& remote,
                                 bool udp_encapsulation, Bytes esp_packet);

}  // namespace ikewot::esp
