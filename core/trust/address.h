// IP addresses and prefixes for trust policies ("this certificate only for peers in 192.0.2.0/24").
// Text parsing is our own (inet_pton would pull socket headers into core/).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::trust {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  size_t size() const { return v6 ? 16 : 4; }
  ByteView view() const { return ByteView(bytes.data(), size()); }
  // Dotted quad, or RFC 5952 canonical IPv6 text.
  std::string ToString() const;
  // "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1". Leading zeros in IPv4 octets are refused.
  static Result<IpAddress> Parse(std::string_view text);
  // 4 or 16 raw octets (IKE ID_IPV4_ADDR / ID_IPV6_ADDR, SAN iPAddress).
  static Result<IpAddress> FromBytes(ByteView raw);

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

struct IpPrefix {
  IpAddress address;  // host bits are zero
  uint8_t length = 0;

  bool Contains(const IpAddress& a) const;
  bool Contains(const IpPrefix& p) const;
  std::string ToString() const;
  // "192.0.2.0/24", "2001:db8::/32"; a bare address is a host prefix. Host bits must be zero.
  static Result<IpPrefix> Parse(std::string_view text);
  // Wire form in trust policies: the address octets followed by one prefix-length octet
  // (5 octets for IPv4, 17 for IPv6).
  Bytes Encode() const;
  static Result<IpPrefix> Decode(ByteView raw);

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace ikewot::trust
