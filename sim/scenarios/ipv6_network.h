// IPv6 versions of the networks the scenarios build (their --ipv6 option). Addresses are unique
// local addresses (RFC 4193) under fd6b:6577:6f74::/48 -- not the documentation prefix
// 2001:db8::/32, which ns-3's IPv6 routers refuse to forward -- and are usable at once:
// duplicate address detection is off on these nodes (it would hold every address for about a
// second, as `ip addr add ... nodad` avoids on Linux), and every LAN's neighbour caches are
// filled at set-up.
//
//   LAN        host i: fd6b:6577:6f74::(i+1)/64 on one switched LAN
//   grouped    host k of group g: fd6b:6577:6f74:g::(k+2)/64 on group g's switched LAN, whose
//              access router is fd6b:6577:6f74:g::1; access router g reaches the root over
//              fd6b:6577:6f74:(8000+g)::/64 (root ::1, access ::2). Static routes: hosts default
//              to their access router, access routers to the root, the root has one /64 route
//              per group. At most 32768 groups.
// With up to 64 groups the path between two groups has the same delays as the IPv4 grouped
// network under one aggregation router (access, core, core, access).
#pragma once

#include <ns3/node-container.h>
#include <ns3/nstime.h>

#include <cstdint>

#include "sim/grouped_network.h"

namespace ikewot::sim {

// `hosts` nodes with the IPv6 (and an unused IPv4) stack on one switched LAN with a one-way
// `delay`.
ns3::NodeContainer BuildLanIpv6(uint32_t hosts, ns3::Time delay);

// The grouped network in IPv6: up to `group_size` (1..63) hosts per access router; when all
// hosts fit in one group, one switched LAN and no router.
GroupedNetwork BuildGroupedNetworkIpv6(uint32_t hosts, uint32_t group_size, ns3::Time access_delay,
                                       ns3::Time core_delay);

}  // namespace ikewot::sim
