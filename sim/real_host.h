// A real host on a simulated network: a Linux TAP device attached to an ns-3 node as an
// FdNetDevice, so that a real daemon (strongSwan's charon in a network namespace) exchanges
// Ethernet frames with simulated nodes. It needs ns-3's real-time scheduler and checksums
// (UseRealTime, before any simulator use: Linux drops IPv4 headers whose checksum ns-3 left 0).
//
// Why not ns-3's TapBridge: Debian's libns3-tap-bridge execs its tap-creator helper by the path
// of the package build tree (/build/ns3-.../ns3.37-tap-creator), which does not exist on an
// installed system. An FdNetDevice on a TAP we open ourselves is the same data path without
// the helper: the TAP is created and addressed beforehand (`ip tuntap add ... mode tap`) in the
// namespace where this process runs.
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>

#include <cstdint>
#include <string>

#include "core/base/status.h"

namespace ikewot::sim {

// Real-time scheduler (simulated time follows the wall clock) and real IPv4/UDP checksums.
void UseRealTime();

struct RealHostLink {
  ns3::Ptr<ns3::NetDevice> device;
  uint32_t interface = 0;  // the node's IPv4 interface on the TAP
};

// Opens the existing TAP `tap_name` (IFF_TAP | IFF_NO_PI) and attaches it to `node` as an
// FdNetDevice with `address`/`mask` (the simulated side of the link).
Result<RealHostLink> AttachTap(ns3::Ptr<ns3::Node> node, const std::string& tap_name,
                               ns3::Ipv4Address address, ns3::Ipv4Mask mask);

}  // namespace ikewot::sim
