// Addresses between the outside world (host names, "HOST:PORT" text, struct sockaddr) and the
// engine's Endpoint (raw 4- or 16-octet address plus port).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/datagram.h"

namespace ikewot::driver {

// Address family preference for name resolution.
enum class Family { kAny, kIpv4, kIpv6 };

// "host", "host:port", "1.2.3.4", "1.2.3.4:500", "[2001:db8::1]:500", "2001:db8::1" (bare IPv6
// takes no port). port is 0 when the text names none.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> SplitHostPort(std::string_view text);

// A numeric IPv4/IPv6 address (no name lookup) to 4 or 16 octets.
Result<Bytes> ParseIpAddress(std::string_view text);
// Compressed text form ("192.0.2.1", "2001:db8::1").
std::string FormatIpAddress(const Bytes& address);
// "192.0.2.1:500" or "[2001:db8::1]:500", compressed (Endpoint::ToString() is uncompressed).
std::string FormatEndpoint(const engine::Endpoint& endpoint);

// Numeric addresses are taken as they are; names go through getaddrinfo (the resolver
// configured on the machine). Returns the addresses in the resolver's order.
Result<std::vector<Bytes>> ResolveHost(const std::string& host, Family family);

// The source address the kernel would pick to reach `remote` (a routing lookup: a UDP socket is
// connected, which sends nothing).
Result<Bytes> SourceAddressFor(const engine::Endpoint& remote);

// Endpoint <-> sockaddr. IPv6 link-local scope ids are not represented.
socklen_t ToSockaddr(const engine::Endpoint& endpoint, sockaddr_storage* out);
engine::Endpoint FromSockaddr(const sockaddr_storage& address);

bool IsUnspecified(const Bytes& address);  // 0.0.0.0 or ::

}  // namespace ikewot::driver
