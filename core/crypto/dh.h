// IKEv2 key exchange (the KE payload's Key Exchange Data and the shared secret g^ir):
//   groups 14/15/16  MODP 2048/3072/4096 (RFC 3526): public value y = g^x mod p, padded to |p|;
//   groups 19/20/21  ECP P-256/P-384/P-521 (RFC 5903 §7): public value x || y without the 0x04
//                    prefix, each coordinate padded to the field size; the secret is x alone;
//   groups 31/32     Curve25519/Curve448 (RFC 8031 §2): the 32/56-octet u-coordinate.
// The private value is drawn from the injected Rng, so a seeded Rng reproduces a whole exchange.
// Peer values are validated completely before any scalar multiplication or exponentiation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"

namespace ikewot::crypto {

class PreparedCrypto;  // prepared.h; every `prepared` below may be null

bool IsSupportedGroup(uint16_t group);
// Octets of the Key Exchange Data for `group` (0 if unsupported).
size_t PublicValueSize(uint16_t group);

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  KeyExchange(const KeyExchange&) = delete;
  KeyExchange& operator=(const KeyExchange&) = delete;

  // A fresh key pair for `group` with its private value from `rng`. kUnsupported for unknown
  // groups. `prepared` saves X25519/X448 a key-import context per key.
  static Result<std::unique_ptr<KeyExchange>> Create(uint16_t group, Rng& rng,
                                                     PreparedCrypto* prepared = nullptr);

  uint16_t group() const { return group_; }
  // Our Key Exchange Data, PublicValueSize(group()) octets.
  ByteView public_value() const { return public_value_; }

  // g^ir from the peer's Key Exchange Data. A value of the wrong length, out of range, off the
  // curve or of small order is kInvalidPublicKey; nothing expensive runs before it is checked.
  // `prepared` lets X25519/X448 reuse one scratch key for the peer's value.
  Result<Bytes> ComputeSharedSecret(ByteView peer_public,
                                    PreparedCrypto* prepared = nullptr) const {
    return Derive(peer_public, prepared);
  }

 protected:
  explicit KeyExchange(uint16_t group) : group_(group) {}
  virtual Result<Bytes> Derive(ByteView peer_public, PreparedCrypto* prepared) const = 0;
  Bytes public_value_;

 private:
  uint16_t group_;
};

}  // namespace ikewot::crypto
