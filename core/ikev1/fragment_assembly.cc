#include "core/ikev1/fragment_assembly.h"

#include <string>

namespace ikewot::ikev1 {

Result<std::optional<Bytes>> FragmentAssembly::Add(const FragmentPayload& fragment) {
  if (fragment.number == 0 || fragment.number > kMaxFragments) {
    return MakeError(ErrorCode::kBadValue, "fragment number " + std::to_string(fragment.number) +
                                               " is outside 1.." + std::to_string(kMaxFragments));
  }
  if (id_ && fragment.fragment_id != *id_) {
    // Wrapping IDs make "newer" meaningless; the sender's retransmission uses a new ID, so the
    // pieces of the previous ID will never be completed: start over.
    pieces_.clear();
    last_number_ = 0;
    total_ = 0;
  }
  id_ = fragment.fragment_id;
  if (fragment.last()) {
    if (last_number_ != 0 && last_number_ != fragment.number) {
      return MakeError(ErrorCode::kBadValue, "two fragments claim to be the last");
    }
    for (const auto& [number, piece] : pieces_) {
      if (number > fragment.number) {
        return MakeError(ErrorCode::kBadValue, "a fragment numbered after the last one");
      }
    }
  } else if (last_number_ != 0 && fragment.number >= last_number_) {
    return MakeError(ErrorCode::kBadValue, "a fragment numbered after the last one");
  }
  if (pieces_.count(fragment.number) != 0) return std::optional<Bytes>();  // duplicate
  if (total_ + fragment.data.size() > kMaxReassembled) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "fragmented message exceeds " + std::to_string(kMaxReassembled) + " octets");
  }
  if (fragment.last()) last_number_ = fragment.number;
  pieces_[fragment.number] = fragment.data;
  total_ += fragment.data.size();
  if (last_number_ == 0 || pieces_.size() != last_number_) return std::optional<Bytes>();
  Bytes whole;
  whole.reserve(total_);
  for (const auto& [number, piece] : pieces_) whole.insert(whole.end(), piece.begin(), piece.end());
  pieces_.clear();
  last_number_ = 0;
  total_ = 0;
  id_.reset();
  return std::optional<Bytes>(std::move(whole));
}

}  // namespace ikewot::ikev1
