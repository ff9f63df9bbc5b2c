#include "core/trust/address.h"

#include <cstdio>
#include <vector>

namespace ikewot::trust {
namespace {

Error BadAddress(std::string_view text, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "\"" + std::string(text.substr(0, 64)) + "\" is not an IP address: " + why);
}

bool ParseIpv4(std::string_view text, uint8_t* out) {
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    const size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const size_t digits = pos - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
    out[part] = static_cast<uint8_t>(value);
  }
  return pos == text.size();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses colon-separated 16-bit groups (no "::") into `groups`; an IPv4 tail counts as two.
bool ParseGroups(std::string_view text, bool allow_ipv4_tail, std::vector<uint16_t>* groups) {
  if (text.empty()) return true;
  size_t pos = 0;
  while (true) {
    size_t end = text.find(':', pos);
    std::string_view part = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (end == std::string_view::npos && allow_ipv4_tail &&
        part.find('.') != std::string_view::npos) {
      uint8_t v4[4];
      if (!ParseIpv4(part, v4)) return false;
      groups->push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
      groups->push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
      return true;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned value = 0;
    for (char c : part) {
      const int h = HexValue(c);
      if (h < 0) return false;
      value = value << 4 | static_cast<unsigned>(h);
    }
    groups->push_back(static_cast<uint16_t>(value));
    if (end == std::string_view::npos) return true;
    pos = end + 1;
  }
}

bool ParseIpv6(std::string_view text, uint8_t* out) {
  std::vector<uint16_t> head, tail;
  const size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!ParseGroups(text, true, &head) || head.size() != 8) return false;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return false;
    if (!ParseGroups(text.substr(0, gap), false, &head) ||
        !ParseGroups(text.substr(gap + 2), true, &tail) || head.size() + tail.size() > 7) {
      return false;
    }
  }
  std::vector<uint16_t> all(head);
  all.resize(8 - tail.size(), 0);
  all.insert(all.end(), tail.begin(), tail.end());
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(all[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(all[i]);
  }
  return true;
}

bool PrefixMatches(const IpAddress& net, uint8_t length, const IpAddress& a) {
  if (net.v6 != a.v6) return false;
  const size_t full = length / 8;
  for (size_t i = 0; i < full; ++i) {
    if (net.bytes[i] != a.bytes[i]) return false;
  }
  const unsigned rest = length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (net.bytes[full] & mask) == (a.bytes[full] & mask);
}

}  // namespace

std::string IpAddress::ToString() const {
  char buf[64];
  if (!v6) {
    std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buf;
  }
  uint16_t g[8];
  for (size_t i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  // RFC 5952 §4.2: compress the longest run (first on ties) of two or more zero groups.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof(buf), "%x", g[i]);
    out += buf;
  }
  return out;
}

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  IpAddress a;
  if (text.find(':') != std::string_view::npos) {
    a.v6 = true;
    if (!ParseIpv6(text, a.bytes.data())) return BadAddress(text, "malformed IPv6 text");
  } else if (!ParseIpv4(text, a.bytes.data())) {
    return BadAddress(text, "expected a dotted quad without leading zeros");
  }
  return a;
}

Result<IpAddress> IpAddress::FromBytes(ByteView raw) {
  if (raw.size() != 4 && raw.size() != 16) {
    return MakeError(ErrorCode::kBadLength,
                     "an IP address has 4 or 16 octets, got " + std::to_string(raw.size()));
  }
  IpAddress a;
  a.v6 = raw.size() == 16;
  for (size_t i = 0; i < raw.size(); ++i) a.bytes[i] = raw[i];
  return a;
}

bool IpPrefix::Contains(const IpAddress& a) const { return PrefixMatches(address, length, a); }

bool IpPrefix::Contains(const IpPrefix& p) const {
  return p.length >= length && PrefixMatches(address, length, p.address);
}

std::string IpPrefix::ToString() const { return address.ToString() + "/" + std::to_string(length); }

Result<IpPrefix> IpPrefix::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address.ok()) return address.error();
  IpPrefix p;
  p.address = *address;
  const unsigned max = address->v6 ? 128 : 32;
  p.length = static_cast<uint8_t>(max);
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    unsigned value = 0;
    if (len.empty() || len.size() > 3 || (len.size() > 1 && len[0] == '0')) {
      return BadAddress(text, "prefix length must be a decimal number");
    }
    for (char c : len) {
      if (c < '0' || c > '9') return BadAddress(text, "prefix length must be a decimal number");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > max) return BadAddress(text, "prefix length exceeds " + std::to_string(max));
    p.length = static_cast<uint8_t>(value);
  }
  IpPrefix masked = p;
  for (size_t bit = p.length; bit < max; ++bit) {
    masked.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  if (!(masked.address == p.address)) return BadAddress(text, "host bits are set after the prefix");
  return p;
}

Bytes IpPrefix::Encode() const {
  Bytes out(address.view().begin(), address.view().end());
  out.push_back(length);
  return out;
}

Result<IpPrefix> IpPrefix::Decode(ByteView raw) {
  if (raw.size() != 5 && raw.size() != 17) {
    return MakeError(ErrorCode::kBadLength,
                     "an address constraint has 5 or 17 octets, got " + std::to_string(raw.size()));
  }
  auto address = IpAddress::FromBytes(raw.first(raw.size() - 1));
  if (!address.ok()) return address.error();
  const unsigned length = raw.back();
  if (length > address->size() * 8) {
    return MakeError(ErrorCode::kBadValue,
                     "prefix length " + std::to_string(length) + " exceeds the address size");
  }
  auto parsed = IpPrefix::Parse(address->ToString() + "/" + std::to_string(length));
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kBadValue, "address constraint has host bits set");
  }
  return parsed;
}

}  // namespace ikewot::trust
