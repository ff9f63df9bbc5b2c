// Keyed message authentication codes: HMAC (PRFs and IKE integrity), AES-CMAC (RFC 4493) and
// AES-XCBC-MAC (RFC 3566). A Mac is keyed once and then computes many tags; OpenSSL's key
// schedule is not redone per message.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

class PreparedCrypto;

class Mac {
 public:
  // HMAC with an OpenSSL digest name ("SHA1", "SHA2-256", ...). Any key length (RFC 2104).
  // With `prepared`, the context is a copy of its HMAC template (no fetch, no set-up).
  static Result<Mac> CreateHmac(std::string_view digest_name, ByteView key,
                                PreparedCrypto* prepared = nullptr);
  // AES-CMAC with a 16-, 24- or 32-octet AES key.
  static Result<Mac> CreateAesCmac(ByteView key);
  // AES-XCBC-MAC (RFC 3566) with a 16-octet key; the full 16-octet tag.
  static Result<Mac> CreateAesXcbc(ByteView key);

  size_t output_size() const { return output_size_; }

  // Tag over the concatenation of `parts`; out.size() must equal output_size().
  Status Compute(std::initializer_list<ByteView> parts, std::span<uint8_t> out);
  Result<Bytes> Compute(std::initializer_list<ByteView> parts);

 private:
  Mac() = default;
  Status ComputeXcbc(std::initializer_list<ByteView> parts, std::span<uint8_t> out);

  size_t output_size_ = 0;
  // EVP_MAC (HMAC, CMAC): a keyed context, re-initialised without a key per message.
  ossl::MacCtxPtr mac_ctx_;
  // XCBC: AES-ECB keyed with K1, and the two subkeys K2, K3 of RFC 3566 §4.
  ossl::CipherCtxPtr xcbc_k1_;
  std::array<uint8_t, 16> xcbc_k2_{};
  std::array<uint8_t, 16> xcbc_k3_{};
};

}  // namespace ikewot::crypto
