// Helpers for the crypto_*_test.cc files: an Rng that replays given octets (to inject RFC
// private values and IVs), and hex decoding that fails the test on bad input.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/rng.h"

namespace ikewot::crypto::testing {

// Decodes hex typed from an RFC (spaces allowed); aborts the test binary on a typo.
inline Bytes Hex(std::string_view text) {
  auto decoded = FromHex(text);
  if (!decoded.ok()) {
    ADD_FAILURE() << "bad hex in test vector: " << text;
    std::abort();
  }
  return *decoded;
}

// Hands out the given octets in order, then fails loudly: a test that draws more randomness
// than it scripted is wrong.
class FixedBytesRng final : public Rng {
 public:
  explicit FixedBytesRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  void Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size() - pos_) {
      ADD_FAILURE() << "FixedBytesRng exhausted: " << out.size() << " octets wanted, "
                    << bytes_.size() - pos_ << " left";
      std::fill(out.begin(), out.end(), 0);
      return;
    }
    std::copy(bytes_.begin() + pos_, bytes_.begin() + pos_ + out.size(), out.begin());
    pos_ += out.size();
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  Bytes bytes_;
  size_t pos_ = 0;
};

}  // namespace ikewot::crypto::testing
