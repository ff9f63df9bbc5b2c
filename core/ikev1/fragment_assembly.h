// Receiving IKEv1 fragments (the Cisco scheme strongSwan and libreswan implement; no RFC): a
// message too large for one datagram -- typically AM2 or MM6 with a big certificate chain --
// arrives as several ISAKMP messages each holding one Fragment payload (type 132):
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ! Next Payload  !   RESERVED    !         Payload Length        !
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   !          Fragment ID          !  Fragment Num !     Flags     !
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                         Fragment Data                         ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The fragments' data, in order of number (1-based, the last flagged), is the whole original
// message including its ISAKMP header. Bounded: a newer fragment ID discards older pieces,
// numbers above kMaxFragments and a total above kMaxReassembled are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

class FragmentAssembly {
 public:
  static constexpr size_t kMaxFragments = 32;
  static constexpr size_t kMaxReassembled = 64 * 1024;

  // Adds one fragment. Returns the whole message once every number up to the last one is
  // present (and forgets it), nullopt while pieces are missing; an impossible fragment (number
  // 0 or too high, a second "last" with another number, too many octets) is kBadValue /
  // kLimitExceeded and leaves the collected pieces alone.
  Result<std::optional<Bytes>> Add(const FragmentPayload& fragment);
  size_t pending() const { return pieces_.size(); }

 private:
  std::optional<uint16_t> id_;
  std::map<uint8_t, Bytes> pieces_;
  uint8_t last_number_ = 0;  // 0: the last fragment has not arrived
  size_t total_ = 0;
};

}  // namespace ikewot::ikev1
