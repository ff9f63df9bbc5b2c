// What the tunnel needs to know about an inner IP packet before it protects or delivers it: the
// addresses, the upper-layer protocol and ports (RFC 4301 §4.4.1.1 selectors), and whether the
// CHILD SA's traffic selectors cover it. Parsed through Reader from untrusted bytes (the TUN on
// the way out, a decrypted ESP payload on the way in).
//
// IPv4 header (RFC 791 §3.1):               IPv6 header (RFC 8200 §3):
//   |Version|  IHL  |Type of Service|  Total Length  |   |Version| Traffic Class |  Flow Label  |
//   |   Identification  |Flags|  Fragment Offset    |   | Payload Length | Next Hdr | Hop Limit |
//   | Time to Live |   Protocol    | Header Checksum |   |       Source Address (16 octets)      |
//   |             Source Address                     |   |    Destination Address (16 octets)    |
//   |           Destination Address                  |
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/events.h"

namespace ikewot::esp {

struct InnerPacketInfo {
  uint8_t version = 0;  // 4 or 6
  Bytes source;         // 4 or 16 octets
  Bytes destination;
  uint8_t protocol = 0;  // IPv4 Protocol; IPv6 Next Header of the fixed header
  // Ports of TCP (6), UDP (17), SCTP (132) in a first (or unfragmented) packet.
  std::optional<uint16_t> source_port;
  std::optional<uint16_t> destination_port;
};

// Syntax only: version, header length and Total/Payload Length consistent with the bytes.
Result<InnerPacketInfo> ParseInnerPacket(ByteView packet);

// Whether one traffic selector covers an address (same family) and, if it has them, a port and
// protocol. A selector with a protocol or port range other than "any" needs the packet's ports.
bool SelectorCovers(const engine::TrafficSelector& ts, ByteView address, uint8_t protocol,
                    std::optional<uint16_t> port);

// Outbound: source within `local`, destination within `remote`. Inbound: the reverse.
bool SelectorsCover(const std::vector<engine::TrafficSelector>& local,
                    const std::vector<engine::TrafficSelector>& remote,
                    const InnerPacketInfo& packet, bool outbound);

}  // namespace ikewot::esp
