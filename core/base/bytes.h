// Byte containers and helpers shared by the whole core.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace ikewot {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Lower-case hex, no separators.
std::string ToHex(ByteView data);
// Hex grouped with a separator every `group` bytes, e.g. "ab:cd:ef" for group 1, sep ':'.
std::string ToHexGrouped(ByteView data, size_t group, char separator);
// Accepts upper/lower case and ignores white space, ':' and '-' between digits.
Result<Bytes> FromHex(std::string_view text);

// Compares without an early exit, for MACs, ICVs and cookies.
bool ConstantTimeEqual(ByteView a, ByteView b);

inline Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  size_t total = 0;
  for (ByteView p : parts) total += p.size();
  out.reserve(total);
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace ikewot
