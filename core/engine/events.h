// What the engine tells its driver: events out, alongside the datagrams to send.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/engine/datagram.h"
#include "core/engine/probe_result.h"
#include "core/engine/proposals.h"

namespace ikewot::engine {

// Identifies one IKE SA inside an IkeNode for the lifetime of the node.
using SaHandle = uint64_t;

// A traffic selector range (RFC 7296 §3.13.1) in engine terms.
struct TrafficSelector {
  uint8_t ts_type = 7;      // TS_IPV4_ADDR_RANGE (7) or TS_IPV6_ADDR_RANGE (8)
  uint8_t ip_protocol = 0;  // 0: any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  Bytes start_address;
  Bytes end_address;
  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
  // "192.0.2.0/24", "192.0.2.7/32", "10.0.0.5-10.0.0.9"; "[protocol/ports]" appended when
  // narrowed ("10.1.0.0/16[6/80]"). IPv6 as eight uncompressed hex groups.
  std::string ToString() const;
};

// Everything a kernel needs to install one ESP CHILD SA pair (RFC 7296 §2.17 KEYMAT order:
// initiator-to-responder encryption, integrity, then responder-to-initiator).
struct ChildSaInfo {
  uint32_t spi_initiator = 0;  // inbound SPI of the initiator
  uint32_t spi_responder = 0;  // inbound SPI of the responder
  EspSuiteChoice suite;
  Bytes encr_key_i_to_r;
  Bytes integ_key_i_to_r;
  Bytes encr_key_r_to_i;
  Bytes integ_key_r_to_i;
  std::vector<TrafficSelector> ts_initiator;
  std::vector<TrafficSelector> ts_responder;
  bool udp_encapsulation = false;  // NAT detected: ESP-in-UDP on 4500
};

enum class EventKind {
  kProbeCompleted,      // probe: `probe` holds what was learned (also when it failed)
  kIkeSaEstablished,    // IKE_AUTH done, peer authenticated
  kChildSaEstablished,  // `child` holds SPIs, keys, algorithms, selectors
  kFailed,              // `reason` says why; the SA is gone
  kDeleted,             // the SA was deleted (by either side) or expired
};

struct Event {
  EventKind kind = EventKind::kFailed;
  SaHandle sa = 0;
  bool initiator = false;
  Endpoint peer;
  std::string reason;
  std::string peer_identification;  // identification string of the peer's certificate
  Bytes peer_certificate_der;
  ProbeResult probe;
  ChildSaInfo child;
};

}  // namespace ikewot::engine
