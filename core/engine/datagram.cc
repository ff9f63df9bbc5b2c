#include "core/engine/datagram.h"

#include <cstdio>
#include <optional>

#include "core/crypto/certificate_text.h"

namespace ikewot::engine {

std::string Endpoint::ToString() const {
  // RFC 5952 text (2001:db8::1), as strongSwan, ip(8) and Wireshark print addresses.
  std::optional<std::string> text = crypto::FormatIpAddress(address);
  if (!text) return "<invalid>";
  char port_text[8];
  std::snprintf(port_text, sizeof(port_text), ":%u", port);
  return (address.size() == 16 ? "[" + *text + "]" : *text) + port_text;
}

Bytes FrameIkeMessage(const Endpoint& local, const Endpoint& remote, ByteView ike_message) {
  Bytes out;
  if (local.port == kNatTraversalPort || remote.port == kNatTraversalPort) {
    out.assign(kNonEspMarkerSize, 0);
  }
  out.insert(out.end(), ike_message.begin(), ike_message.end());
  return out;
}

Result<UnframedDatagram> UnframeDatagram(const Datagram& datagram) {
  ByteView data(datagram.payload);
  const bool nat_t =
      datagram.local.port == kNatTraversalPort || datagram.remote.port == kNatTraversalPort;
  if (!nat_t) return UnframedDatagram{DatagramKind::kIke, data};
  if (data.size() == 1 && data[0] == 0xFF) return UnframedDatagram{DatagramKind::kNatKeepalive, {}};
  if (data.size() < kNonEspMarkerSize) {
    return MakeError(ErrorCode::kTruncated,
                     "datagram on port 4500 shorter than the 4-octet non-ESP marker, got " +
                         std::to_string(data.size()));
  }
  if (data[0] != 0 || data[1] != 0 || data[2] != 0 || data[3] != 0) {
    return UnframedDatagram{DatagramKind::kEsp, {}};
  }
  return UnframedDatagram{DatagramKind::kIke, data.subspan(kNonEspMarkerSize)};
}

}  // namespace ikewot::engine
