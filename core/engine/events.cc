#include "core/engine/events.h"

namespace ikewot::engine {
namespace {

// Dotted quad or RFC 5952 IPv6 text, as Endpoint::ToString prints addresses.
std::string AddressText(const Bytes& address) {
  std::string text = Endpoint{address, 0}.ToString();
  text.resize(text.rfind(':'));  // drop the ":0" port
  if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
  return text;
}

// The prefix length when [start, end] is exactly one CIDR block, else -1.
int PrefixLength(const Bytes& start, const Bytes& end) {
  if (start.size() != end.size() || start.empty()) return -1;
  const int bits = static_cast<int>(start.size()) * 8;
  auto bit = [](const Bytes& a, int i) {
    return (a[static_cast<size_t>(i / 8)] >> (7 - i % 8)) & 1;
  };
  int length = bits;
  while (length > 0 && bit(start, length - 1) == 0 && bit(end, length - 1) == 1) --length;
  for (int i = 0; i < length; ++i) {
    if (bit(start, i) != bit(end, i)) return -1;
  }
  return length;
}

}  // namespace

std::string TrafficSelector::ToString() const {
  std::string out = AddressText(start_address);
  const int length = PrefixLength(start_address, end_address);
  if (length < 0) {
    out.append("-").append(AddressText(end_address));
  } else {
    out.append("/").append(std::to_string(length));
  }
  if (ip_protocol != 0 || start_port != 0 || end_port != 65535) {
    out.append("[").append(std::to_string(ip_protocol)).append("/");
    out.append(std::to_string(start_port));
    if (end_port != start_port) out.append("-").append(std::to_string(end_port));
    out.append("]");
  }
  return out;
}

}  // namespace ikewot::engine
