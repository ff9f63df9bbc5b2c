// IKEv2 key derivation: the IKE SA keys (RFC 7296 §2.14), their rekeyed successors (§2.18) and
// Child SA keying material (§2.17).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::crypto {

class PreparedCrypto;  // prepared.h; every `prepared` below may be null

// The negotiated transforms of an IKE SA.
struct IkeSuite {
  uint16_t encr_id = 0;
  uint16_t encr_key_bits = 0;  // Key Length attribute; 0 when absent (ChaCha20-Poly1305)
  uint16_t prf_id = 0;
  uint16_t integ_id = 0;  // 0 (NONE) for AEAD ciphers
  uint16_t dh_group = 0;
};

// Key sizes a suite implies. kUnsupported for unknown transforms, an AEAD cipher paired with an
// integrity transform, or a non-AEAD cipher without one.
struct SuiteKeySizes {
  size_t encr_key = 0;   // cipher key, without salt
  size_t encr_salt = 0;  // 4 for AES-GCM and ChaCha20-Poly1305 (RFC 5282 §7.1, RFC 7634 §2)
  size_t integ_key = 0;  // 0 for AEAD
  size_t prf_key = 0;    // SK_d, SK_pi, SK_pr
  // SK_ei / SK_er length: key plus salt.
  size_t encr_key_with_salt() const { return encr_key + encr_salt; }
};
Result<SuiteKeySizes> KeySizesFor(const IkeSuite& suite);

struct IkeSaKeys {
  Bytes skeyseed, sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// SKEYSEED = prf(Ni | Nr, g^ir);
// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
// For PRFs with a fixed key size (AES-XCBC/CMAC-PRF-128) whose key Ni | Nr would not fill
// exactly, the key is the first half-key-size octets of Ni followed by those of Nr (§2.14).
Result<IkeSaKeys> DeriveIkeSaKeys(const IkeSuite& suite, ByteView ni, ByteView nr,
                                  ByteView shared_secret, uint64_t spi_i, uint64_t spi_r,
                                  PreparedCrypto* prepared = nullptr);

// Rekeying an IKE SA (§2.18): SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr) with the old
// SA's PRF; the seven keys then follow §2.14 with the new suite's PRF, nonces and SPIs.
Result<IkeSaKeys> DeriveRekeyedIkeSaKeys(const IkeSuite& new_suite, uint16_t old_prf_id,
                                         ByteView old_sk_d, ByteView ni, ByteView nr,
                                         ByteView shared_secret, uint64_t spi_i, uint64_t spi_r);

struct ChildSaKeys {
  Bytes encr_i, integ_i, encr_r, integ_r;
};

// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (§2.17), taken in the order encr_i, integ_i,
// encr_r, integ_r. `shared_secret_or_empty` is empty without PFS. encr_key_len_with_salt
// includes an AEAD salt (RFC 4106 §8.1); integ_key_len is 0 for AEAD.
Result<ChildSaKeys> DeriveChildSaKeys(uint16_t prf_id, ByteView sk_d,
                                      ByteView shared_secret_or_empty, ByteView ni, ByteView nr,
                                      size_t encr_key_len_with_salt, size_t integ_key_len,
                                      PreparedCrypto* prepared = nullptr);

}  // namespace ikewot::crypto
