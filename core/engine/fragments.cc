#include "core/engine/fragments.h"

#include <string>

namespace ikewot::engine {

void FragmentReassembler::Reset() {
  total_ = 0;
  received_ = 0;
  bytes_ = 0;
  first_payload_ = 0;
  parts_.clear();
}

Result<FragmentReassembler::Outcome> FragmentReassembler::Add(uint32_t message_id,
                                                              uint16_t fragment_number,
                                                              uint16_t total_fragments,
                                                              uint8_t next_payload,
                                                              ByteView content, TimePoint now) {
  if (fragment_number == 0 || fragment_number > total_fragments) {
    return MakeError(ErrorCode::kBadValue, "fragment number " + std::to_string(fragment_number) +
                                               " outside 1.." + std::to_string(total_fragments));
  }
  if (total_fragments > limits_.max_fragments) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "total fragments " + std::to_string(total_fragments) + " exceeds the bound " +
                         std::to_string(limits_.max_fragments));
  }
  Expire(now);
  if (in_progress() && message_id != message_id_) {
    // A different exchange: the old partial message is no longer wanted.
    Reset();
  }
  if (in_progress() && total_fragments != total_) {
    // RFC 7383 §2.6.2: the sender re-fragmented with a smaller size (more fragments): restart.
    // Fewer fragments than before belongs to an older transmission: discard it.
    if (total_fragments < total_) return Outcome::kDiscarded;
    Reset();
  }
  if (!in_progress()) {
    message_id_ = message_id;
    total_ = total_fragments;
    started_ = now;
    parts_.assign(total_fragments, std::nullopt);
  }
  std::optional<Bytes>& slot = parts_[fragment_number - 1];
  if (slot) return Outcome::kDuplicate;
  if (bytes_ + content.size() > limits_.max_bytes) {
    Reset();
    return MakeError(ErrorCode::kLimitExceeded, "reassembled message would exceed " +
                                                    std::to_string(limits_.max_bytes) + " bytes");
  }
  slot = Bytes(content.begin(), content.end());
  bytes_ += content.size();
  ++received_;
  if (fragment_number == 1) first_payload_ = next_payload;
  if (received_ < total_) return Outcome::kStored;

  ReassembledMessage message;
  message.first_payload = first_payload_;
  message.payload_chain.reserve(bytes_);
  for (const std::optional<Bytes>& part : parts_) {
    message.payload_chain.insert(message.payload_chain.end(), part->begin(), part->end());
  }
  Reset();
  complete_ = std::move(message);
  return Outcome::kComplete;
}

std::optional<ReassembledMessage> FragmentReassembler::Take() {
  std::optional<ReassembledMessage> out = std::move(complete_);
  complete_.reset();
  return out;
}

void FragmentReassembler::Expire(TimePoint now) {
  if (in_progress() && now >= deadline()) Reset();
}

Result<std::vector<Bytes>> SplitIntoFragments(ByteView payload_chain, size_t max_chunk) {
  if (max_chunk == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "fragment size must be positive");
  }
  std::vector<Bytes> out;
  size_t pos = 0;
  do {
    size_t n = std::min(max_chunk, payload_chain.size() - pos);
    out.emplace_back(payload_chain.begin() + pos, payload_chain.begin() + pos + n);
    pos += n;
    if (out.size() > 0xFFFF) {
      return MakeError(ErrorCode::kLimitExceeded, "message needs more than 65535 fragments");
    }
  } while (pos < payload_chain.size());
  return out;
}

}  // namespace ikewot::engine
