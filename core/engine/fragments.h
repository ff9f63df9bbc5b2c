// RFC 7383 IKE message fragmentation: the reassembly buffer (receiver) and the splitter (sender).
// Both work on the *decrypted* content of Encrypted Fragment (SKF) payloads: each fragment is
// integrity-protected on its own (RFC 7383 §2.5), so only authenticated fragments reach here.
// The buffer is bounded in fragment count, bytes and time, ignores duplicates and follows the
// RFC's rule for a changed Total Fragments value (§2.6.2: a larger total restarts reassembly, a
// smaller one is discarded).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/base/time.h"

namespace ikewot::engine {

struct ReassemblyLimits {
  uint16_t max_fragments = 64;
  size_t max_bytes = 64 * 1024;
  Duration max_age = std::chrono::seconds(30);
};

// A reassembled message body: the inner payload chain and the type of its first payload (carried
// in the Next Payload field of fragment number 1).
struct ReassembledMessage {
  uint8_t first_payload = 0;
  Bytes payload_chain;
};

class FragmentReassembler {
 public:
  enum class Outcome { kStored, kDuplicate, kDiscarded, kComplete };

  explicit FragmentReassembler(ReassemblyLimits limits = {}) : limits_(limits) {}

  // Adds one authenticated fragment of the message with `message_id`. `next_payload` is the SKF
  // Next Payload field (meaningful only for fragment 1). Errors report hostile values (number 0,
  // number > total, total over the bound, byte bound hit); the buffer is then reset.
  Result<Outcome> Add(uint32_t message_id, uint16_t fragment_number, uint16_t total_fragments,
                      uint8_t next_payload, ByteView content, TimePoint now);
  // When Add returned kComplete: the message, and the buffer is emptied.
  std::optional<ReassembledMessage> Take();
  // Drops a partial message that is older than max_age.
  void Expire(TimePoint now);
  bool in_progress() const { return total_ != 0; }
  TimePoint deadline() const { return in_progress() ? started_ + limits_.max_age : kNever; }

 private:
  void Reset();

  ReassemblyLimits limits_;
  uint32_t message_id_ = 0;
  uint16_t total_ = 0;
  uint16_t received_ = 0;
  size_t bytes_ = 0;
  uint8_t first_payload_ = 0;
  TimePoint started_{};
  std::vector<std::optional<Bytes>> parts_;
  std::optional<ReassembledMessage> complete_;
};

// Splits a payload chain into at most 65535 pieces of at most `max_chunk` bytes each, in order.
Result<std::vector<Bytes>> SplitIntoFragments(ByteView payload_chain, size_t max_chunk);

}  // namespace ikewot::engine
