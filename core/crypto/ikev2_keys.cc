#include "core/crypto/ikev2_keys.h"

#include <openssl/crypto.h>

#include <string>

#include "core/crypto/prf.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto {
namespace {

Bytes SpiBytes(uint64_t spi_i, uint64_t spi_r) {
  Bytes out(16);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(spi_r >> (56 - 8 * i));
  }
  return out;
}

// Cuts consecutive slices off a keying-material buffer.
class KeySlicer {
 public:
  explicit KeySlicer(const Bytes& material) : material_(material) {}
  Bytes Next(size_t n) {
    Bytes out(material_.begin() + pos_, material_.begin() + pos_ + n);
    pos_ += n;
    return out;
  }

 private:
  const Bytes& material_;
  size_t pos_ = 0;
};

// The key for SKEYSEED = prf(Ni | Nr, g^ir), with the §2.14 rule for fixed-key-size PRFs.
Result<Bytes> SkeyseedKey(uint16_t prf_id, ByteView ni, ByteView nr) {
  if (!PrfHasFixedKeySize(prf_id)) return Concat({ni, nr});
  const size_t key_size = PrfPreferredKeySize(prf_id);
  if (ni.size() + nr.size() == key_size) return Concat({ni, nr});
  const size_t half = key_size / 2;
  if (ni.size() < half || nr.size() < half) {
    return MakeError(ErrorCode::kInvalidArgument, "nonces too short for PRF " +
                                                      std::to_string(prf_id) + ": need " +
                                                      std::to_string(half) + " octets of each");
  }
  return Concat({ni.first(half), nr.first(half)});
}

// §2.14 second half: the seven keys from SKEYSEED.
Result<IkeSaKeys> ExpandIkeSaKeys(const IkeSuite& suite, const SuiteKeySizes& sizes, Bytes skeyseed,
                                  ByteView ni, ByteView nr, uint64_t spi_i, uint64_t spi_r,
                                  PreparedCrypto* prepared) {
  const Bytes spis = SpiBytes(spi_i, spi_r);
  const Bytes seed = Concat({ni, nr, spis});
  const size_t total = 3 * sizes.prf_key + 2 * sizes.integ_key + 2 * sizes.encr_key_with_salt();
  auto material = PrfPlus(suite.prf_id, skeyseed, seed, total, prepared);
  if (!material.ok()) return material.error();
  IkeSaKeys keys;
  KeySlicer slice(*material);
  keys.sk_d = slice.Next(sizes.prf_key);
  keys.sk_ai = slice.Next(sizes.integ_key);
  keys.sk_ar = slice.Next(sizes.integ_key);
  keys.sk_ei = slice.Next(sizes.encr_key_with_salt());
  keys.sk_er = slice.Next(sizes.encr_key_with_salt());
  keys.sk_pi = slice.Next(sizes.prf_key);
  keys.sk_pr = slice.Next(sizes.prf_key);
  keys.skeyseed = std::move(skeyseed);
  OPENSSL_cleanse(material->data(), material->size());
  return keys;
}

}  // namespace

Result<SuiteKeySizes> KeySizesFor(const IkeSuite& suite) {
  auto encr = LookupEncr(suite.encr_id, suite.encr_key_bits);
  if (!encr.ok()) return encr.error();
  if (!IsSupportedPrf(suite.prf_id)) {
    return MakeError(ErrorCode::kUnsupported,
                     "PRF " + std::to_string(suite.prf_id) + " is not supported");
  }
  SuiteKeySizes sizes;
  sizes.encr_key = encr->key_size;
  sizes.encr_salt = encr->salt_size;
  sizes.prf_key = PrfPreferredKeySize(suite.prf_id);
  if (encr->aead) {
    if (suite.integ_id != kIntegNone) {
      return MakeError(ErrorCode::kUnsupported,
                       "an AEAD cipher must not be combined with an integrity transform");
    }
    return sizes;
  }
  if (suite.integ_id == kIntegNone) {
    return MakeError(ErrorCode::kUnsupported, "a non-AEAD cipher needs an integrity transform");
  }
  auto integ = LookupInteg(suite.integ_id);
  if (!integ.ok()) return integ.error();
  sizes.integ_key = integ->key_size;
  return sizes;
}

Result<IkeSaKeys> DeriveIkeSaKeys(const IkeSuite& suite, ByteView ni, ByteView nr,
                                  ByteView shared_secret, uint64_t spi_i, uint64_t spi_r,
                                  PreparedCrypto* prepared) {
  auto sizes = KeySizesFor(suite);
  if (!sizes.ok()) return sizes.error();
  auto key = SkeyseedKey(suite.prf_id, ni, nr);
  if (!key.ok()) return key.error();
  auto skeyseed = Prf(suite.prf_id, *key, shared_secret, prepared);
  if (!skeyseed.ok()) return skeyseed.error();
  return ExpandIkeSaKeys(suite, *sizes, std::move(*skeyseed), ni, nr, spi_i, spi_r, prepared);
}

Result<IkeSaKeys> DeriveRekeyedIkeSaKeys(const IkeSuite& new_suite, uint16_t old_prf_id,
                                         ByteView old_sk_d, ByteView ni, ByteView nr,
                                         ByteView shared_secret, uint64_t spi_i, uint64_t spi_r) {
  auto sizes = KeySizesFor(new_suite);
  if (!sizes.ok()) return sizes.error();
  const Bytes data = Concat({shared_secret, ni, nr});
  auto skeyseed = Prf(old_prf_id, old_sk_d, data);
  if (!skeyseed.ok()) return skeyseed.error();
  return ExpandIkeSaKeys(new_suite, *sizes, std::move(*skeyseed), ni, nr, spi_i, spi_r, nullptr);
}

Result<ChildSaKeys> DeriveChildSaKeys(uint16_t prf_id, ByteView sk_d,
                                      ByteView shared_secret_or_empty, ByteView ni, ByteView nr,
                                      size_t encr_key_len_with_salt, size_t integ_key_len,
                                      PreparedCrypto* prepared) {
  const Bytes seed = Concat({shared_secret_or_empty, ni, nr});
  auto material =
      PrfPlus(prf_id, sk_d, seed, 2 * encr_key_len_with_salt + 2 * integ_key_len, prepared);
  if (!material.ok()) return material.error();
  ChildSaKeys keys;
  KeySlicer slice(*material);
  keys.encr_i = slice.Next(encr_key_len_with_salt);
  keys.integ_i = slice.Next(integ_key_len);
  keys.encr_r = slice.Next(encr_key_len_with_salt);
  keys.integ_r = slice.Next(integ_key_len);
  OPENSSL_cleanse(material->data(), material->size());
  return keys;
}

}  // namespace ikewot::crypto
