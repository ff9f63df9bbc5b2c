// Addresses between the core (octets: 4 for IPv4, 16 for IPv6, as engine::Endpoint holds them)
// and ns-3 (Ipv4Address / Ipv6Address inside InetSocketAddress / Inet6SocketAddress), so that
// IkewotApplication speaks both families through one code path.
#pragma once

#include <ns3/address.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv6-address.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/bytes.h"

namespace ikewot::sim {

Bytes AddressBytes(ns3::Ipv4Address address);
Bytes AddressBytes(ns3::Ipv6Address address);
// The socket address for (octets, port): Inet6SocketAddress for 16 octets, else InetSocketAddress
// (any other length gives 0.0.0.0).
ns3::Address SocketAddress(const Bytes& address, uint16_t port);
// The (octets, port) of an InetSocketAddress / Inet6SocketAddress; nullopt for anything else.
struct AddressAndPort {
  Bytes address;
  uint16_t port = 0;
};
std::optional<AddressAndPort> FromSocketAddress(const ns3::Address& address);
// "10.0.0.1" / "2001:db8::1" (ns-3's text form).
std::string FormatAddress(const Bytes& address);

}  // namespace ikewot::sim
