// Randomness is injected: the core never draws from the world itself. Drivers pass a
// cryptographic RNG (crypto/random.h: OpenSslRng); simulations and tests pass a seeded one
// (DeterministicRng) so the same seed gives byte-identical runs.
#pragma once

#include <cstdint>
#include <span>

namespace ikewot {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;

  uint32_t NextU32() {
    uint8_t b[4];
    Fill(b);
    return static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3];
  }
  uint64_t NextU64() { return static_cast<uint64_t>(NextU32()) << 32 | NextU32(); }
};

}  // namespace ikewot
