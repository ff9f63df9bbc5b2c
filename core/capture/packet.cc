#include "core/capture/packet.h"

#include <string>

#include "core/base/reader.h"
#include "core/capture/capture_file.h"

namespace ikewot::capture {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // IEEE 802.1Q
constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // IEEE 802.1ad
constexpr uint16_t kEtherTypeQinQLegacy = 0x9100;
constexpr int kMaxVlanTags = 8;
constexpr int kMaxIpv6ExtensionHeaders = 16;

constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kIpv6Routing = 43;
constexpr uint8_t kIpv6Fragment = 44;
constexpr uint8_t kIpv6Ah = 51;
constexpr uint8_t kIpv6DestinationOptions = 60;
constexpr uint8_t kIpv6Mobility = 135;
constexpr uint8_t kIpv6Hip = 139;
constexpr uint8_t kIpv6Shim6 = 140;

// After the EtherType: 802.1Q/802.1ad tags are TCI (16) + inner EtherType (16) each.
Result<std::optional<ByteView>> FromEtherType(uint16_t ether_type, Reader* r) {
  for (int tags = 0; ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ ||
                     ether_type == kEtherTypeQinQLegacy;
       ++tags) {
    uint16_t tci = 0;
    if (tags == kMaxVlanTags) {
      return r->Fail(ErrorCode::kLimitExceeded, "more than 8 stacked VLAN tags");
    }
    if (!r->ReadU16(&tci) || !r->ReadU16(&ether_type)) {
      return r->Fail(ErrorCode::kTruncated, "VLAN tag cut short");
    }
  }
  if (ether_type != kEtherTypeIpv4 && ether_type != kEtherTypeIpv6) {
    return std::optional<ByteView>();
  }
  return std::optional<ByteView>(r->Rest());
}

// BSD loopback: the address family in the capturing host's byte order. AF_INET is 2 everywhere;
// AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS) or 10 (Linux).
Result<std::optional<ByteView>> FromNullHeader(Reader* r) {
  ByteView family_bytes;
  if (!r->ReadBytes(4, &family_bytes)) {
    return r->Fail(ErrorCode::kTruncated, "loopback header needs 4 octets");
  }
  uint32_t little = uint32_t{family_bytes[0]} | uint32_t{family_bytes[1]} << 8 |
                    uint32_t{family_bytes[2]} << 16 | uint32_t{family_bytes[3]} << 24;
  uint32_t big = uint32_t{family_bytes[3]} | uint32_t{family_bytes[2]} << 8 |
                 uint32_t{family_bytes[1]} << 16 | uint32_t{family_bytes[0]} << 24;
  uint32_t family = little <= 0xff ? little : big;
  switch (family) {
    case 2:
    case 10:
    case 24:
    case 28:
    case 30:
      return std::optional<ByteView>(r->Rest());
    default:
      return std::optional<ByteView>();
  }
}

bool IsPlainExtension(uint8_t header) {
  return header == kIpv6HopByHop || header == kIpv6Routing || header == kIpv6DestinationOptions ||
         header == kIpv6Mobility || header == kIpv6Hip || header == kIpv6Shim6;
}

// RFC 8200 §4: extension headers are (Next Header, Hdr Ext Len, ...) of (len + 1) * 8 octets;
// AH (RFC 4302) counts 4-octet words minus 2. Stops at the upper layer or a Fragment header.
Status WalkExtensions(uint8_t next, Reader* r, bool stop_at_fragment, uint8_t* protocol) {
  for (int count = 0; IsPlainExtension(next) || next == kIpv6Ah; ++count) {
    if (count == kMaxIpv6ExtensionHeaders) {
      return r->Fail(ErrorCode::kLimitExceeded, "more than 16 IPv6 extension headers");
    }
    uint8_t following = 0;
    uint8_t length_field = 0;
    if (!r->ReadU8(&following) || !r->ReadU8(&length_field)) {
      return r->Fail(ErrorCode::kTruncated, "IPv6 extension header cut short");
    }
    size_t length =
        next == kIpv6Ah ? (size_t{length_field} + 2) * 4 : (size_t{length_field} + 1) * 8;
    if (!r->Skip(length - 2)) {
      return r->Fail(ErrorCode::kTruncated, "IPv6 extension header of " + std::to_string(length) +
                                                " octets runs past the packet");
    }
    next = following;
  }
  if (next == kIpv6Fragment && !stop_at_fragment) {
    return r->Fail(ErrorCode::kUnsupported, "a second IPv6 fragment header");
  }
  *protocol = next;
  return Status::Ok();
}

// RFC 791 §3.1:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |Type of Service|          Total Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |Flags|      Fragment Offset    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       Source Address                          |
// |                    Destination Address                        |
// |                    Options                    |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<IpPacket> ParseIpv4(ByteView packet, size_t base_offset) {
  Reader r(packet, base_offset);
  uint8_t version_ihl = 0;
  uint8_t tos = 0;
  uint16_t total_length = 0;
  uint16_t id = 0;
  uint16_t flags_offset = 0;
  uint8_t ttl = 0;
  uint8_t protocol = 0;
  uint16_t checksum = 0;
  ByteView source;
  ByteView destination;
  if (!r.ReadU8(&version_ihl) || !r.ReadU8(&tos) || !r.ReadU16(&total_length) || !r.ReadU16(&id) ||
      !r.ReadU16(&flags_offset) || !r.ReadU8(&ttl) || !r.ReadU8(&protocol) ||
      !r.ReadU16(&checksum) || !r.ReadBytes(4, &source) || !r.ReadBytes(4, &destination)) {
    return r.Fail(ErrorCode::kTruncated,
                  "IPv4 header needs 20 octets, " + std::to_string(packet.size()) + " captured");
  }
  size_t header_length = size_t{version_ihl & 0x0fu} * 4;
  if (header_length < 20) {
    return MakeError(ErrorCode::kBadValue,
                     "IPv4 header length " + std::to_string(header_length / 4) +
                         " words is below the minimum of 5",
                     base_offset);
  }
  if (total_length < header_length) {
    return MakeError(
        ErrorCode::kBadLength,
        "IPv4 total length " + std::to_string(total_length) + " is shorter than its header",
        base_offset + 2);
  }
  if (!r.Skip(header_length - 20)) {
    return r.Fail(ErrorCode::kTruncated, "IPv4 options cut short");
  }
  IpPacket ip;
  ip.version = 4;
  ip.source = *IpAddress::FromBytes(source);
  ip.destination = *IpAddress::FromBytes(destination);
  ip.protocol = protocol;
  size_t body_length = total_length - header_length;
  ip.truncated = body_length > r.remaining();
  ip.payload = r.Rest().first(ip.truncated ? r.remaining() : body_length);
  ip.more_fragments = (flags_offset & 0x2000) != 0;
  ip.fragment_offset = size_t{flags_offset & 0x1fffu} * 8;
  ip.is_fragment = ip.more_fragments || ip.fragment_offset != 0;
  ip.fragment_id = id;
  return ip;
}

// RFC 8200 §3:
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                Source Address (128 bits)                      |
// |             Destination Address (128 bits)                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// RFC 8200 §4.5 Fragment header:
// |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
// |                         Identification                        |
Result<IpPacket> ParseIpv6(ByteView packet, size_t base_offset) {
  Reader r(packet, base_offset);
  uint32_t first_word = 0;
  uint16_t payload_length = 0;
  uint8_t next = 0;
  uint8_t hop_limit = 0;
  ByteView source;
  ByteView destination;
  if (!r.ReadU32(&first_word) || !r.ReadU16(&payload_length) || !r.ReadU8(&next) ||
      !r.ReadU8(&hop_limit) || !r.ReadBytes(16, &source) || !r.ReadBytes(16, &destination)) {
    return r.Fail(ErrorCode::kTruncated,
                  "IPv6 header needs 40 octets, " + std::to_string(packet.size()) + " captured");
  }
  if (payload_length == 0 && next == kIpv6HopByHop) {
    return MakeError(ErrorCode::kUnsupported, "IPv6 jumbogram", base_offset + 4);
  }
  IpPacket ip;
  ip.version = 6;
  ip.source = *IpAddress::FromBytes(source);
  ip.destination = *IpAddress::FromBytes(destination);
  ip.truncated = payload_length > r.remaining();
  Reader body(r.Rest().first(ip.truncated ? r.remaining() : payload_length), r.offset());
  IKEWOT_RETURN_IF_ERROR(WalkExtensions(next, &body, true, &ip.protocol));
  if (ip.protocol == kIpv6Fragment) {
    uint8_t reserved = 0;
    uint16_t offset_flags = 0;
    if (!body.ReadU8(&ip.protocol) || !body.ReadU8(&reserved) || !body.ReadU16(&offset_flags) ||
        !body.ReadU32(&ip.fragment_id)) {
      return body.Fail(ErrorCode::kTruncated, "IPv6 fragment header cut short");
    }
    ip.is_fragment = true;
    ip.fragment_offset = static_cast<size_t>(offset_flags >> 3) * 8;
    ip.more_fragments = (offset_flags & 1) != 0;
  }
  ip.payload = body.Rest();
  return ip;
}

}  // namespace

// Link layers (https://www.tcpdump.org/linktypes.html):
//   Ethernet: destination (6), source (6), EtherType (2), [802.1Q tags (4) ...]
//   Linux SLL: packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2)
//   Linux SLL2: protocol (2), reserved (2), interface index (4), ARPHRD type (2),
//               packet type (1), address length (1), address (8)
//   NULL: address family (4, host byte order); RAW / IPV4 / IPV6: the IP packet itself.
Result<std::optional<ByteView>> StripLinkLayer(uint16_t link_type, ByteView frame,
                                               size_t base_offset) {
  Reader r(frame, base_offset);
  uint16_t ether_type = 0;
  switch (link_type) {
    case kLinkTypeEthernet:
      if (!r.Skip(12) || !r.ReadU16(&ether_type)) {
        return r.Fail(ErrorCode::kTruncated, "Ethernet header needs 14 octets");
      }
      return FromEtherType(ether_type, &r);
    case kLinkTypeLinuxSll:
      if (!r.Skip(14) || !r.ReadU16(&ether_type)) {
        return r.Fail(ErrorCode::kTruncated, "Linux cooked (SLL) header needs 16 octets");
      }
      return FromEtherType(ether_type, &r);
    case kLinkTypeLinuxSll2:
      if (!r.ReadU16(&ether_type) || !r.Skip(18)) {
        return r.Fail(ErrorCode::kTruncated, "Linux cooked (SLL2) header needs 20 octets");
      }
      return FromEtherType(ether_type, &r);
    case kLinkTypeNull:
      return FromNullHeader(&r);
    case kLinkTypeRaw:
    case kLinkTypeIpv4:
    case kLinkTypeIpv6:
      return std::optional<ByteView>(frame);
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "link type " + std::to_string(link_type) + " is not supported", base_offset);
  }
}

Result<IpPacket> ParseIpPacket(ByteView packet, size_t base_offset) {
  if (packet.empty()) {
    return MakeError(ErrorCode::kTruncated, "empty IP packet", base_offset);
  }
  switch (packet[0] >> 4) {
    case 4:
      return ParseIpv4(packet, base_offset);
    case 6:
      return ParseIpv6(packet, base_offset);
    default:
      return MakeError(ErrorCode::kBadValue,
                       "IP version " + std::to_string(packet[0] >> 4) + " is neither 4 nor 6",
                       base_offset);
  }
}

Status WalkIpv6Extensions(uint8_t next_header, ByteView data, size_t base_offset, uint8_t* protocol,
                          ByteView* payload) {
  Reader r(data, base_offset);
  IKEWOT_RETURN_IF_ERROR(WalkExtensions(next_header, &r, false, protocol));
  *payload = r.Rest();
  return Status::Ok();
}

// RFC 768:
//  0      7 8     15 16    23 24    31
// +--------+--------+--------+--------+
// |     Source      |   Destination   |
// |      Port       |      Port       |
// +--------+--------+--------+--------+
// |     Length      |    Checksum     |
// +--------+--------+--------+--------+
Result<UdpDatagram> ParseUdp(ByteView segment, size_t base_offset, bool allow_truncated) {
  Reader r(segment, base_offset);
  UdpDatagram udp;
  uint16_t checksum = 0;
  if (!r.ReadU16(&udp.source_port) || !r.ReadU16(&udp.destination_port) ||
      !r.ReadU16(&udp.length) || !r.ReadU16(&checksum)) {
    return r.Fail(ErrorCode::kTruncated, "UDP header needs 8 octets");
  }
  if (udp.length < 8) {
    return MakeError(ErrorCode::kBadLength,
                     "UDP length " + std::to_string(udp.length) + " is below its 8-octet header",
                     base_offset + 4);
  }
  size_t wanted = udp.length - 8u;
  if (wanted > r.remaining()) {
    if (!allow_truncated) {
      return MakeError(ErrorCode::kBadLength,
                       "UDP length " + std::to_string(udp.length) + " exceeds the " +
                           std::to_string(segment.size()) + " octets of its IP payload",
                       base_offset + 4);
    }
    udp.truncated = true;
    wanted = r.remaining();
  }
  udp.payload = r.Rest().first(wanted);
  return udp;
}

}  // namespace ikewot::capture
