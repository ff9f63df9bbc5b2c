// Text form of IP addresses in payloads, without the socket headers core/ may not include.
#pragma once

#include <string>

#include "core/base/bytes.h"

namespace ikewot::ikev2::internal {

// Dotted quad for 4 octets, RFC 5952 text for 16 octets, hex for anything else.
std::string AddressText(ByteView address);

}  // namespace ikewot::ikev2::internal
