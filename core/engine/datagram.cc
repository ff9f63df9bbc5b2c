#include "core/engine/datagram.h"

#include <cstdio>

namespace ikewot::engine {

std::string Endpoint::ToString() const {
  std::string out;
  char buf[16];
  if (address.size() == 4) {
    for (size_t i = 0; i < 4; ++i) {
      std::snprintf(buf, sizeof(buf), i ? ".%u" : "%u", address[i]);
      out += buf;
    }
  } else if (address.size() == 16) {
    out = "[";
    for (size_t i = 0; i < 16; i += 2) {
      std::snprintf(buf, sizeof(buf), i ? ":%x" : "%x", (address[i] << 8) | address[i + 1]);
      out += buf;
    }
    out += "]";
  } else {
    out = "<invalid>";
  }
  std::snprintf(buf, sizeof(buf), ":%u", port);
  return out + buf;
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
