// One captured frame down to UDP: link layer (Ethernet with VLAN tags, raw IP, Linux SLL/SLL2,
// BSD loopback), IPv4 (with options) and IPv6 (walking extension headers), then UDP. Pure
// parsing of bytes; fragments are only described here and put together by reassembly.h.
#pragma once

#include <cstdint>
#include <optional>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/capture/ip_address.h"

namespace ikewot::capture {

inline constexpr uint8_t kIpProtocolUdp = 17;

// The network-layer bytes of a frame, or nullopt when the frame does not carry IP (ARP, LLC,
// unknown EtherType, ...). Errors only for frames whose link header is cut short.
Result<std::optional<ByteView>> StripLinkLayer(uint16_t link_type, ByteView frame,
                                               size_t base_offset);

struct IpPacket {
  uint8_t version = 4;
  IpAddress source;
  IpAddress destination;
  // Upper-layer protocol: after the IPv6 extension headers; for an IPv6 fragment the Next
  // Header of its fragment header.
  uint8_t protocol = 0;
  // Upper-layer bytes (for a fragment: its fragment data), limited to what was captured.
  ByteView payload;
  // The capture holds fewer octets than the IP length says (snap length).
  bool truncated = false;
  // Fragmentation: IPv4 MF/offset or an IPv6 Fragment header.
  bool is_fragment = false;
  uint32_t fragment_id = 0;
  size_t fragment_offset = 0;  // in octets
  bool more_fragments = false;
};

// Parses an IPv4 or IPv6 packet (the version nibble decides). Ethernet padding after the IP
// length is ignored. Errors carry absolute offsets (`base_offset` is where `packet` starts).
Result<IpPacket> ParseIpPacket(ByteView packet, size_t base_offset);

// Walks IPv6 extension headers from `next_header` through `data`; on success `*protocol` is the
// upper-layer protocol and `*payload` its bytes. Used again after an IPv6 reassembly, where the
// fragmentable part may still begin with extension headers.
Status WalkIpv6Extensions(uint8_t next_header, ByteView data, size_t base_offset, uint8_t* protocol,
                          ByteView* payload);

struct UdpDatagram {
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint16_t length = 0;     // UDP length field, header included
  ByteView payload;        // limited to what is present
  bool truncated = false;  // fewer payload octets present than the length says
};

// `allow_truncated`: the IP layer already knows the capture is short, so a UDP length beyond the
// present bytes is expected rather than malformed.
Result<UdpDatagram> ParseUdp(ByteView segment, size_t base_offset, bool allow_truncated);

}  // namespace ikewot::capture
