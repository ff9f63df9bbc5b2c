// Notify payload (RFC 7296 §3.10).
//
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Protocol ID  |   SPI Size    |      Notify Message Type      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                Security Parameter Index (SPI)                 ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                       Notification Data                       ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The parser enforces the Notification Data size of every type whose data has a defined shape
// (see NotifyDataSizeRule), e.g. NAT_DETECTION_* 20 octets, COOKIE 1..64, INVALID_KE_PAYLOAD 2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

struct NotifyPayload {
  // Ignored by receivers when `spi` is empty (§3.10); kept for byte-exactness.
  ProtocolId protocol = ProtocolId::kNone;
  Bytes spi;  // empty, 4 octets (AH/ESP) or 8 (IKE)
  NotifyType type = NotifyType::kInitialContact;
  Bytes data;

  bool IsError() const { return static_cast<uint16_t>(type) < kFirstNotifyStatusType; }
  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

// Allowed Notification Data sizes of one notify type: min..max, a multiple of `multiple`, or
// exactly `also_exactly` when that is non-zero.
struct NotifyDataSizeRule {
  size_t min = 0;
  size_t max = 0;
  size_t multiple = 1;
  size_t also_exactly = 0;

  bool Allows(size_t size) const;
  std::string Describe() const;  // "20 octets", "1..64 octets", "a multiple of 2 octets", ...
};
// nullopt for types whose data size is free or not defined here.
std::optional<NotifyDataSizeRule> NotifyDataSize(NotifyType type);

// A notify without SPI (protocol 0), as most notifies are sent.
NotifyPayload MakeNotify(NotifyType type, Bytes data = {});

[[nodiscard]] Result<NotifyPayload> ParseNotifyPayload(Reader& body);
[[nodiscard]] Status WriteNotifyPayload(const NotifyPayload& notify, Writer& w);

}  // namespace ikewot::ikev2
