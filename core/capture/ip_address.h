// IPv4/IPv6 addresses as the capture reader reports them.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "core/base/bytes.h"

namespace ikewot::capture {

struct IpAddress {
  uint8_t version = 4;              // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // 4 octets -> IPv4, 16 -> IPv6, anything else -> nullopt.
  static std::optional<IpAddress> FromBytes(ByteView raw);
  ByteView view() const { return ByteView(bytes.data(), version == 4 ? 4 : 16); }
  // Dotted quad or RFC 5952 text.
  std::string ToString() const;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

}  // namespace ikewot::capture
