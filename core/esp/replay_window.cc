#include "core/esp/replay_window.h"

#include <algorithm>
#include <string>

namespace ikewot::esp {
namespace {

constexpr uint64_t kWordBits = 64;

}  // namespace

Result<ReplayWindow> ReplayWindow::Create(uint32_t size, bool extended_sequence_numbers) {
  if (size < kMinSize || size > kMaxSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "anti-replay window must hold " + std::to_string(kMinSize) + " to " +
                         std::to_string(kMaxSize) + " packets, got " + std::to_string(size));
  }
  // One word more than the window needs: the word holding T is only partly inside the window.
  const size_t words = (size + kWordBits - 1) / kWordBits + 1;
  return ReplayWindow(size, extended_sequence_numbers, words);
}

uint64_t ReplayWindow::InferSequence(uint32_t low) const {
  if (!esn_) return low;
  // RFC 4303 Appendix A2.2. Tl, Th: halves of T; Bl: low half of the window's bottom.
  const uint32_t top_high = static_cast<uint32_t>(top_ >> 32);
  const uint32_t top_low = static_cast<uint32_t>(top_);
  const uint32_t bottom_low = top_low - size_ + 1;  // modulo 2^32 by design
  uint32_t high = top_high;
  if (top_low >= size_ - 1) {
    // Case A: the window lies within one subspace. Below its bottom means the next subspace.
    if (low < bottom_low) high = top_high + 1;
  } else if (low >= bottom_low && top_high > 0) {
    // Case B: the window spans two subspaces; at or above Bl is the lower one. (Before the
    // first wrap there is no lower subspace: such a number is ahead, in subspace 0.)
    high = top_high - 1;
  }
  return static_cast<uint64_t>(high) << 32 | low;
}

bool ReplayWindow::Seen(uint64_t sequence) const {
  const uint64_t word = (sequence / kWordBits) % bits_.size();
  return (bits_[word] >> (sequence % kWordBits)) & 1;
}

ReplayWindow::Verdict ReplayWindow::Check(uint64_t sequence) const {
  if (sequence == 0) return Verdict::kZero;  // never sent (§3.3.3: the first packet is 1)
  if (sequence > top_) return Verdict::kNew;
  if (top_ - sequence >= size_) return Verdict::kTooOld;
  return Seen(sequence) ? Verdict::kDuplicate : Verdict::kNew;
}

void ReplayWindow::Accept(uint64_t sequence) {
  if (sequence > top_) {
    // Clear the words between the old and the new right edge (at most the whole ring).
    const uint64_t old_word = top_ / kWordBits;
    const uint64_t new_word = sequence / kWordBits;
    const uint64_t to_clear = std::min<uint64_t>(new_word - old_word, bits_.size());
    for (uint64_t i = 1; i <= to_clear; ++i) bits_[(old_word + i) % bits_.size()] = 0;
    top_ = sequence;
  }
  const uint64_t word = (sequence / kWordBits) % bits_.size();
  bits_[word] |= uint64_t{1} << (sequence % kWordBits);
}

}  // namespace ikewot::esp
