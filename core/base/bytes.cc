#include "core/base/bytes.h"

namespace ikewot {
namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string ToHex(ByteView data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xf]);
  }
  return out;
}

std::string ToHexGrouped(ByteView data, size_t group, char separator) {
  std::string out;
  for (size_t i = 0; i < data.size(); ++i) {
    if (i != 0 && group != 0 && i % group == 0) out.push_back(separator);
    out.push_back(kHexDigits[data[i] >> 4]);
    out.push_back(kHexDigits[data[i] & 0xf]);
  }
  return out;
}

Result<Bytes> FromHex(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 2);
  int high = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':' || c == '-') {
      if (high >= 0) return MakeError(ErrorCode::kBadValue, "hex digit pair split by a separator", i);
      continue;
    }
    int v = HexValue(c);
    if (v < 0) return MakeError(ErrorCode::kBadValue, std::string("not a hex digit: '") + c + "'", i);
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return MakeError(ErrorCode::kTruncated, "odd number of hex digits", text.size());
  return out;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

}  // namespace ikewot
