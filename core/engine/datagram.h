// What the engine exchanges with its driver: UDP datagrams between endpoints. The engine never
// opens a socket; drivers hand it datagrams and send what it gives back. On the NAT-T port (4500)
// IKE messages carry a 4-byte zero "non-ESP marker" (RFC 3948 §2.2, RFC 7296 §2.23); the engine
// adds and strips it itself so drivers stay dumb.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::engine {

inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNatTraversalPort = 4500;
inline constexpr size_t kNonEspMarkerSize = 4;

// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order plus a UDP port.
struct Endpoint {
  Bytes address;
  uint16_t port = 0;

  static Endpoint V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
    return Endpoint{Bytes{a, b, c, d}, port};
  }
  bool valid() const { return address.size() == 4 || address.size() == 16; }
  // "192.0.2.1:500" or "[2001:db8::1]:500" (IPv6 as RFC 5952 text).
  std::string ToString() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

struct Datagram {
  Endpoint local;
  Endpoint remote;
  Bytes payload;
};

// Wraps an IKE message for the wire: on port 4500 (either side) prepends the non-ESP marker.
Bytes FrameIkeMessage(const Endpoint& local, const Endpoint& remote, ByteView ike_message);

// The result of looking at a received datagram before any IKE parsing.
enum class DatagramKind { kIke, kNatKeepalive, kEsp };

struct UnframedDatagram {
  DatagramKind kind = DatagramKind::kIke;
  ByteView ike_message;  // valid for kIke; points into the datagram
};

// Strips the non-ESP marker on port 4500; recognises NAT-T keepalives (a single 0xFF octet,
// RFC 3948 §2.3) and ESP-in-UDP (non-zero first four octets on 4500). Fails on datagrams too
// short to hold anything meaningful.
Result<UnframedDatagram> UnframeDatagram(const Datagram& datagram);

}  // namespace ikewot::engine
