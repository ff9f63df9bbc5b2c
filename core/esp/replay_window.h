// The receiver's anti-replay window (RFC 4303 §3.4.3 and Appendix A): a sliding bitmap of the
// last W sequence numbers, right edge T = highest authentic number seen. With Extended Sequence
// Numbers only the low 32 bits travel; the high 32 bits are inferred from the window position
// (Appendix A2.2) before the ICV is checked, because the ICV covers them.
//
// The bitmap is a ring of 64-bit words (the idea of RFC 6479): advancing the window clears only
// the words it passes, so a large window costs no shifting.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/status.h"

namespace ikewot::esp {

class ReplayWindow {
 public:
  static constexpr uint32_t kMinSize = 32;     // RFC 4303 §3.4.3 minimum
  static constexpr uint32_t kMaxSize = 65536;  // a bound on memory (8 KiB of bitmap)

  // kInvalidArgument for a size outside [kMinSize, kMaxSize].
  static Result<ReplayWindow> Create(uint32_t size, bool extended_sequence_numbers);

  uint32_t size() const { return size_; }
  bool extended_sequence_numbers() const { return esn_; }
  uint64_t top() const { return top_; }  // 0 before the first packet

  // The full sequence number a received low half stands for: itself without ESN; with ESN the
  // high half from Appendix A2.2 (same subspace as T, the next one, or the previous one).
  uint64_t InferSequence(uint32_t low) const;

  enum class Verdict { kNew, kDuplicate, kTooOld, kZero };
  // Whether `sequence` may be accepted; does not change the window.
  Verdict Check(uint64_t sequence) const;
  // Marks `sequence` (which Check found kNew) as seen, sliding the window when it is beyond T.
  void Accept(uint64_t sequence);

 private:
  ReplayWindow(uint32_t size, bool esn, size_t words) : size_(size), esn_(esn), bits_(words, 0) {}
  bool Seen(uint64_t sequence) const;

  uint32_t size_ = 0;
  bool esn_ = false;
  uint64_t top_ = 0;
  std::vector<uint64_t> bits_;  // ring: bit (n mod 64*words) records sequence number n
};

}  // namespace ikewot::esp
