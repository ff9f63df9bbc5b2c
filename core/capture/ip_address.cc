#include "core/capture/ip_address.h"

#include <algorithm>

#include "core/crypto/certificate_text.h"

namespace ikewot::capture {

std::optional<IpAddress> IpAddress::FromBytes(ByteView raw) {
  if (raw.size() != 4 && raw.size() != 16) return std::nullopt;
  IpAddress address;
  address.version = raw.size() == 4 ? 4 : 6;
  std::copy(raw.begin(), raw.end(), address.bytes.begin());
  return address;
}

std::string IpAddress::ToString() const {
  return crypto::FormatIpAddress(view()).value_or(ToHex(view()));
}

}  // namespace ikewot::capture
