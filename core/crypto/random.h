// The two RNGs drivers inject into the core (core/base/rng.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot {

// OpenSSL's DRBG: for real nodes (CLI, UDP driver). The only place in core/ that draws entropy;
// it is constructed by drivers, never by protocol code.
//
// Small requests (SPIs, nonces, IVs, X25519 keys: a handshake makes about a dozen) are served
// from a block drawn with one RAND_bytes call, since each call costs about as much for 4 octets
// as for 256 (locks, a fork check, DRBG set-up). Served octets are wiped from the block at once;
// the rest is wiped on destruction. After fork() the child discards the parent's block, so the
// two never hand out the same octets. One object is for one thread, like every Rng.
class OpenSslRng final : public Rng {
 public:
  OpenSslRng() = default;
  ~OpenSslRng() override;
  OpenSslRng(const OpenSslRng&) = delete;
  OpenSslRng& operator=(const OpenSslRng&) = delete;

  void Fill(std::span<uint8_t> out) override;

 private:
  static constexpr size_t kBlockSize = 256;
  std::array<uint8_t, kBlockSize> block_{};
  size_t used_ = kBlockSize;  // octets of block_ already handed out (and wiped)
  long block_pid_ = 0;        // the process that drew block_
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
