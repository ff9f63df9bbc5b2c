// IKEv2 pseudorandom functions (RFC 7296 §2.13) and prf+ (the key expansion of §2.13).
// HMAC PRFs take keys of any length (RFC 2104). The AES-based PRFs accept any key length too
// (RFC 4434 §2, RFC 4615 §3) but have a fixed "real" key size, which matters for SKEYSEED
// (§2.14: the nonce halves; see ikev2_keys.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/mac.h"

namespace ikewot::crypto {

bool IsSupportedPrf(uint16_t prf_id);
// Output length in octets (0 if unsupported).
size_t PrfOutputSize(uint16_t prf_id);
// Length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14: the PRF's preferred key size, which for the
// HMAC PRFs is the output length). 0 if unsupported.
size_t PrfPreferredKeySize(uint16_t prf_id);
// True for PRFs whose underlying key has a fixed size (AES-XCBC-PRF-128, AES-CMAC-PRF-128).
bool PrfHasFixedKeySize(uint16_t prf_id);

// A PRF keyed once, for several computations with the same key (prf+ blocks, AUTH payloads).
class KeyedPrf {
 public:
  // kUnsupported for unknown ids. `prepared` (may be null) supplies HMAC templates.
  static Result<KeyedPrf> Create(uint16_t prf_id, ByteView key, PreparedCrypto* prepared = nullptr);
  size_t output_size() const { return mac_.output_size(); }
  Result<Bytes> Compute(std::initializer_list<ByteView> data_parts);

 private:
  explicit KeyedPrf(Mac mac) : mac_(std::move(mac)) {}
  Mac mac_;
};

// prf(key, data).
Result<Bytes> Prf(uint16_t prf_id, ByteView key, ByteView data, PreparedCrypto* prepared = nullptr);

// prf+(key, seed) truncated to `length` octets: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
// The counter is one octet, so at most 255 blocks; longer requests are kInvalidArgument.
Result<Bytes> PrfPlus(uint16_t prf_id, ByteView key, ByteView seed, size_t length,
                      PreparedCrypto* prepared = nullptr);

}  // namespace ikewot::crypto
