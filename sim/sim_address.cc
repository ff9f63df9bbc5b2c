#include "sim/sim_address.h"

#include <ns3/inet-socket-address.h>
#include <ns3/inet6-socket-address.h>

#include <algorithm>
#include <sstream>

namespace ikewot::sim {

Bytes AddressBytes(ns3::Ipv4Address address) {
  const uint32_t v = address.Get();
  return Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
               static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

Bytes AddressBytes(ns3::Ipv6Address address) {
  Bytes bytes(16);
  address.GetBytes(bytes.data());
  return bytes;
}

namespace {
ns3::Ipv6Address ToIpv6(const Bytes& a) {
  uint8_t octets[16];
  std::copy(a.begin(), a.begin() + 16, octets);
  return ns3::Ipv6Address(octets);
}

ns3::Ipv4Address ToIpv4(const Bytes& a) {
  if (a.size() != 4) return ns3::Ipv4Address::GetAny();
  return ns3::Ipv4Address(static_cast<uint32_t>(a[0]) << 24 | a[1] << 16 | a[2] << 8 | a[3]);
}
}  // namespace

ns3::Address SocketAddress(const Bytes& address, uint16_t port) {
  if (address.size() == 16) {
    return ns3::Inet6SocketAddress(ToIpv6(address), port);
  }
  return ns3::InetSocketAddress(ToIpv4(address), port);
}

std::optional<AddressAndPort> FromSocketAddress(const ns3::Address& address) {
  if (ns3::InetSocketAddress::IsMatchingType(address)) {
    const ns3::InetSocketAddress a = ns3::InetSocketAddress::ConvertFrom(address);
    return AddressAndPort{AddressBytes(a.GetIpv4()), a.GetPort()};
  }
  if (ns3::Inet6SocketAddress::IsMatchingType(address)) {
    const ns3::Inet6SocketAddress a = ns3::Inet6SocketAddress::ConvertFrom(address);
    return AddressAndPort{AddressBytes(a.GetIpv6()), a.GetPort()};
  }
  return std::nullopt;
}

std::string FormatAddress(const Bytes& address) {
  std::ostringstream text;
  if (address.size() == 16) {
    text << ToIpv6(address);
  } else if (address.size() == 4) {
    text << ToIpv4(address);
  }
  return text.str();
}

}  // namespace ikewot::sim
