// Traffic Selector payloads TSi and TSr (RFC 7296 §3.13).
//
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Number of TSs |                 RESERVED                      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                       <Traffic Selectors>                     ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Traffic Selector (§3.13.1):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   TS Type     |IP Protocol ID*|       Selector Length         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |           Start Port*         |           End Port*           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                         Starting Address*                     ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                         Ending Address*                       ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    * the fields of TS_IPV4_ADDR_RANGE (length 16) and TS_IPV6_ADDR_RANGE (length 40).
//
// Other selector types (TS_FC_ADDR_RANGE, TS_SECLABEL, unknown ones) keep their second octet and
// everything after Selector Length as opaque data.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

inline constexpr uint16_t kTsIpv4SelectorLength = 16;
inline constexpr uint16_t kTsIpv6SelectorLength = 40;
// §3.13.1: start port 65535 with end port 0 means OPAQUE ports.
inline constexpr uint16_t kOpaqueStartPort = 65535;
inline constexpr uint16_t kOpaqueEndPort = 0;

struct TrafficSelector {
  TsType type = TsType::kIpv4AddrRange;
  uint8_t ip_protocol = 0;  // 0 = any; for non-range types the raw second octet
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  Bytes start_address;  // 4 octets for IPv4, 16 for IPv6
  Bytes end_address;
  Bytes opaque_data;  // only for types other than the IPv4/IPv6 address ranges

  bool IsAddressRange() const;
  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

struct TsPayload {
  std::vector<TrafficSelector> selectors;  // at least one
  uint32_t reserved = 0;                   // 24 bits
  friend bool operator==(const TsPayload&, const TsPayload&) = default;
};

// A selector over an IPv4 (4-octet) or IPv6 (16-octet) address range; the type follows from the
// address size.
TrafficSelector MakeAddressRangeSelector(uint8_t ip_protocol, uint16_t start_port,
                                         uint16_t end_port, Bytes start_address, Bytes end_address);

[[nodiscard]] Result<TsPayload> ParseTsPayload(Reader& body);
// Refuses address sizes that contradict the TS type (which the parser could not read back).
[[nodiscard]] Status WriteTsPayload(const TsPayload& ts, Writer& w);

}  // namespace ikewot::ikev2
