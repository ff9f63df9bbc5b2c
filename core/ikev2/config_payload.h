// Configuration payload CP (RFC 7296 §3.15).
//
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   CFG Type    |                    RESERVED                   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                   Configuration Attributes                    ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Configuration attribute (§3.15.1):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |R|         Attribute Type      |            Length             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                             Value                             ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

struct ConfigAttribute {
  uint16_t type = 0;          // 15 bits
  Bytes value;                // empty in requests; sizes per type in §3.15.1
  bool reserved_bit = false;  // R
  friend bool operator==(const ConfigAttribute&, const ConfigAttribute&) = default;
};

struct ConfigurationPayload {
  CfgType type = CfgType::kRequest;
  std::vector<ConfigAttribute> attributes;
  uint32_t reserved = 0;  // 24 bits
  friend bool operator==(const ConfigurationPayload&, const ConfigurationPayload&) = default;
};

[[nodiscard]] Result<ConfigurationPayload> ParseConfigurationPayload(Reader& body);
[[nodiscard]] Status WriteConfigurationPayload(const ConfigurationPayload& cp, Writer& w);

}  // namespace ikewot::ikev2
