#include "core/ikev2/internal/address_text.h"

#include <cstdio>

namespace ikewot::ikev2::internal {
namespace {

std::string Ipv4Text(ByteView a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

// RFC 5952 §4: lower case, no leading zeros, the longest run (first on a tie) of two or more
// zero groups shortened to "::".
std::string Ipv6Text(ByteView a) {
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length && j - i >= 2) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  std::string text;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      text += "::";
      i += best_length - 1;
      continue;
    }
    if (!text.empty() && text.back() != ':') text += ':';
    char group[5];
    std::snprintf(group, sizeof(group), "%x", groups[i]);
    text += group;
  }
  return text;
}

}  // namespace

std::string AddressText(ByteView address) {
  if (address.size() == 4) return Ipv4Text(address);
  if (address.size() == 16) return Ipv6Text(address);
  return ToHex(address);
}

}  // namespace ikewot::ikev2::internal
