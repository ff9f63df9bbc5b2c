// The two RNGs drivers inject into the core (core/base/rng.h).
#pragma once

#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot {

// OpenSSL's DRBG: for real nodes (CLI, UDP driver). The only place in core/ that draws entropy;
// it is constructed by drivers, never by protocol code.
class OpenSslRng final : public Rng {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// A ChaCha20 keystream keyed by SHA-256(label || seed): the same seed gives the same bytes on
// every run and machine, so simulations and tests are reproducible. Cryptographically strong
// output, but predictable by anyone who knows the seed -- never for real keys.
class DeterministicRng final : public Rng {
 public:
  explicit DeterministicRng(uint64_t seed, ByteView label = {});
  void Fill(std::span<uint8_t> out) override;

 private:
  ossl::CipherCtxPtr ctx_;
};

}  // namespace ikewot
