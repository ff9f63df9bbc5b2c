// IKE SA and Child SA key derivation (RFC 7296 §2.14, §2.17, §2.18), checked against the
// formulas written out with OpenSSL's one-shot HMAC and with the PRFs tested elsewhere.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "core/crypto/ikev2_keys.h"
#include "core/crypto/prf.h"
#include "core/crypto/sk_cipher.h"
#include "core/crypto/transforms.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::Hex;

Bytes OneShotHmac(const char* digest, ByteView key, ByteView data) {
  uint8_t out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                      data.data(), data.size(), out, sizeof(out), &len),
            nullptr);
  return Bytes(out, out + len);
}

// prf+ with HMAC-SHA-256, written out block by block.
Bytes PrfPlusSha256ByHand(ByteView key, ByteView seed, size_t length) {
  Bytes out, previous;
  for (uint8_t n = 1; out.size() < length; ++n) {
    previous = OneShotHmac("SHA256", key, Concat({previous, seed, ByteView(&n, 1)}));
    out.insert(out.end(), previous.begin(), previous.end());
  }
  out.resize(length);
  return out;
}

const Bytes kNi = Hex("a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0");  // 32
const Bytes kNr = Hex("0102030405060708090a0b0c0d0e0f101112131415161718");                  // 24
const Bytes kSharedSecret = Hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
constexpr uint64_t kSpiI = 0x0011223344556677;
constexpr uint64_t kSpiR = 0x8899aabbccddeeff;

TEST(CryptoIkev2KeysTest, CbcSha256SuiteMatchesTheFormulas) {
  const IkeSuite suite{kEncrAesCbc, 256, kPrfHmacSha2_256, kIntegHmacSha2_256_128, kDhCurve25519};
  auto keys = DeriveIkeSaKeys(suite, kNi, kNr, kSharedSecret, kSpiI, kSpiR);
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  // SKEYSEED = prf(Ni | Nr, g^ir)
  const Bytes skeyseed = OneShotHmac("SHA256", Concat({kNi, kNr}), kSharedSecret);
  EXPECT_EQ(ToHex(keys->skeyseed), ToHex(skeyseed));
  // prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) = SK_d(32) SK_ai(32) SK_ar(32) SK_ei(32) SK_er(32)
  //                                         SK_pi(32) SK_pr(32)
  const Bytes seed = Concat({kNi, kNr, Hex("0011223344556677 8899aabbccddeeff")});
  const Bytes material = PrfPlusSha256ByHand(skeyseed, seed, 7 * 32);
  auto part = [&](int index) { return ToHex(ByteView(material).subspan(32 * index, 32)); };
  EXPECT_EQ(ToHex(keys->sk_d), part(0));
  EXPECT_EQ(ToHex(keys->sk_ai), part(1));
  EXPECT_EQ(ToHex(keys->sk_ar), part(2));
  EXPECT_EQ(ToHex(keys->sk_ei), part(3));
  EXPECT_EQ(ToHex(keys->sk_er), part(4));
  EXPECT_EQ(ToHex(keys->sk_pi), part(5));
  EXPECT_EQ(ToHex(keys->sk_pr), part(6));
}

TEST(CryptoIkev2KeysTest, AeadSuitesCarryTheSaltAndNoIntegrityKeys) {
  struct Case {
    IkeSuite suite;
    size_t sk_e;
    size_t sk_d;
  };
  const Case cases[] = {
      {{kEncrAesGcm16, 128, kPrfHmacSha2_256, kIntegNone, kDhEcp256}, 20, 32},
      {{kEncrAesGcm16, 256, kPrfHmacSha2_384, kIntegNone, kDhEcp384}, 36, 48},
      {{kEncrAesGcm8, 192, kPrfHmacSha2_512, kIntegNone, kDhEcp521}, 28, 64},
      {{kEncrChaCha20Poly1305, 0, kPrfHmacSha2_256, kIntegNone, kDhCurve25519}, 36, 32},
  };
  for (const auto& c : cases) {
    auto keys = DeriveIkeSaKeys(c.suite, kNi, kNr, kSharedSecret, kSpiI, kSpiR);
    ASSERT_TRUE(keys.ok()) << keys.error().ToString();
    EXPECT_TRUE(keys->sk_ai.empty() && keys->sk_ar.empty());
    EXPECT_EQ(keys->sk_ei.size(), c.sk_e);
    EXPECT_EQ(keys->sk_er.size(), c.sk_e);
    EXPECT_EQ(keys->sk_d.size(), c.sk_d);
    EXPECT_EQ(keys->sk_pi.size(), c.sk_d);
    EXPECT_EQ(keys->sk_pr.size(), c.sk_d);
    // The derived keys drive an SK cipher pair: initiator encrypts, responder decrypts.
    auto initiator = SkCipher::Create(c.suite.encr_id, c.suite.encr_key_bits, c.suite.integ_id,
                                      keys->sk_ei, keys->sk_ai);
    auto responder = SkCipher::Create(c.suite.encr_id, c.suite.encr_key_bits, c.suite.integ_id,
                                      keys->sk_ei, keys->sk_ai);
    ASSERT_TRUE(initiator.ok() && responder.ok());
    testing::FixedBytesRng iv(Bytes(8, 1));
    auto sealed = initiator->Encrypt(AsBytes("header"), AsBytes("payloads"), iv);
    ASSERT_TRUE(sealed.ok());
    auto opened = responder->Decrypt(AsBytes("header"), *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(std::string(opened->begin(), opened->end()), "payloads");
  }
}

TEST(CryptoIkev2KeysTest, FixedKeySizePrfTakesHalfOfEachNonce) {
  // AES-CMAC-PRF-128: 16-octet key = first 8 octets of Ni | first 8 octets of Nr (§2.14).
  const IkeSuite suite{kEncrAesGcm16, 128, kPrfAesCmac128, kIntegNone, kDhEcp256};
  auto keys = DeriveIkeSaKeys(suite, kNi, kNr, kSharedSecret, kSpiI, kSpiR);
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  const Bytes key = Concat({ByteView(kNi).first(8), ByteView(kNr).first(8)});
  auto skeyseed = Prf(kPrfAesCmac128, key, kSharedSecret);
  ASSERT_TRUE(skeyseed.ok());
  EXPECT_EQ(ToHex(keys->skeyseed), ToHex(*skeyseed));
  // Using all of Ni | Nr (what an HMAC PRF does) would give a different SKEYSEED.
  auto whole = Prf(kPrfAesCmac128, Concat({kNi, kNr}), kSharedSecret);
  ASSERT_TRUE(whole.ok());
  EXPECT_NE(ToHex(keys->skeyseed), ToHex(*whole));
  // The expansion still uses the full nonces.
  auto material =
      PrfPlus(kPrfAesCmac128, *skeyseed,
              Concat({kNi, kNr, Hex("0011223344556677 8899aabbccddeeff")}), 16 + 20 + 20 + 16 + 16);
  ASSERT_TRUE(material.ok());
  EXPECT_EQ(ToHex(keys->sk_d), ToHex(ByteView(*material).first(16)));
  EXPECT_EQ(ToHex(keys->sk_pr), ToHex(ByteView(*material).last(16)));
  EXPECT_EQ(keys->sk_ei.size(), 20u);

  // Nonces that add up exactly to the key size are used as they are.
  const Bytes short_ni = Hex("0102030405"), short_nr = Hex("060708090a0b0c0d0e0f10");
  auto exact = DeriveIkeSaKeys(suite, short_ni, short_nr, kSharedSecret, kSpiI, kSpiR);
  auto expected = Prf(kPrfAesCmac128, Concat({short_ni, short_nr}), kSharedSecret);
  ASSERT_TRUE(exact.ok() && expected.ok());
  EXPECT_EQ(ToHex(exact->skeyseed), ToHex(*expected));
  // A nonce shorter than half the key (and not adding up) cannot supply its half.
  EXPECT_EQ(DeriveIkeSaKeys(suite, Hex("01020304"), kNr, kSharedSecret, kSpiI, kSpiR).code(),
            ErrorCode::kInvalidArgument);
}

TEST(CryptoIkev2KeysTest, RekeyUsesTheOldPrfAndOldSkD) {
  const IkeSuite old_suite{kEncrAesCbc, 128, kPrfHmacSha1, kIntegHmacSha1_96, kDhModp2048};
  auto old_keys = DeriveIkeSaKeys(old_suite, kNi, kNr, kSharedSecret, kSpiI, kSpiR);
  ASSERT_TRUE(old_keys.ok());
  const IkeSuite new_suite{kEncrAesGcm16, 256, kPrfHmacSha2_256, kIntegNone, kDhCurve25519};
  const Bytes new_ni = Hex("1111111111111111111111111111111111111111");
  const Bytes new_nr = Hex("2222222222222222222222222222222222222222");
  const Bytes new_secret = Hex("33333333333333333333333333333333");
  constexpr uint64_t kNewSpiI = 0x0102030405060708, kNewSpiR = 0x1112131415161718;
  auto rekeyed = DeriveRekeyedIkeSaKeys(new_suite, old_suite.prf_id, old_keys->sk_d, new_ni, new_nr,
                                        new_secret, kNewSpiI, kNewSpiR);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.error().ToString();
  // SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr), HMAC-SHA1 here.
  const Bytes skeyseed = OneShotHmac("SHA1", old_keys->sk_d, Concat({new_secret, new_ni, new_nr}));
  EXPECT_EQ(ToHex(rekeyed->skeyseed), ToHex(skeyseed));
  // ... and then prf+ with the new PRF (HMAC-SHA-256) over the new nonces and SPIs.
  const Bytes seed = Concat({new_ni, new_nr, Hex("0102030405060708 1112131415161718")});
  const Bytes material = PrfPlusSha256ByHand(skeyseed, seed, 32 + 36 + 36 + 32 + 32);
  EXPECT_EQ(ToHex(rekeyed->sk_d), ToHex(ByteView(material).first(32)));
  EXPECT_EQ(ToHex(rekeyed->sk_ei), ToHex(ByteView(material).subspan(32, 36)));
  EXPECT_EQ(ToHex(rekeyed->sk_er), ToHex(ByteView(material).subspan(68, 36)));
  EXPECT_EQ(ToHex(rekeyed->sk_pr), ToHex(ByteView(material).last(32)));
}

TEST(CryptoIkev2KeysTest, ChildSaKeysWithAndWithoutPfs) {
  const Bytes sk_d = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  // AES-CBC-128 + HMAC-SHA-256-128 without PFS: KEYMAT = prf+(SK_d, Ni | Nr).
  auto no_pfs = DeriveChildSaKeys(kPrfHmacSha2_256, sk_d, {}, kNi, kNr, 16, 32);
  ASSERT_TRUE(no_pfs.ok());
  const Bytes keymat = PrfPlusSha256ByHand(sk_d, Concat({kNi, kNr}), 2 * 16 + 2 * 32);
  EXPECT_EQ(ToHex(no_pfs->encr_i), ToHex(ByteView(keymat).subspan(0, 16)));
  EXPECT_EQ(ToHex(no_pfs->integ_i), ToHex(ByteView(keymat).subspan(16, 32)));
  EXPECT_EQ(ToHex(no_pfs->encr_r), ToHex(ByteView(keymat).subspan(48, 16)));
  EXPECT_EQ(ToHex(no_pfs->integ_r), ToHex(ByteView(keymat).subspan(64, 32)));
  // AES-GCM-256 with PFS: KEYMAT = prf+(SK_d, g^ir(new) | Ni | Nr), 36 octets each way.
  auto pfs = DeriveChildSaKeys(kPrfHmacSha2_256, sk_d, kSharedSecret, kNi, kNr, 36, 0);
  ASSERT_TRUE(pfs.ok());
  const Bytes keymat_pfs = PrfPlusSha256ByHand(sk_d, Concat({kSharedSecret, kNi, kNr}), 72);
  EXPECT_EQ(ToHex(pfs->encr_i), ToHex(ByteView(keymat_pfs).first(36)));
  EXPECT_EQ(ToHex(pfs->encr_r), ToHex(ByteView(keymat_pfs).last(36)));
  EXPECT_TRUE(pfs->integ_i.empty() && pfs->integ_r.empty());
}

TEST(CryptoIkev2KeysTest, SuiteValidation) {
  auto sizes = KeySizesFor({kEncrAesCbc, 256, kPrfHmacSha2_384, kIntegHmacSha2_512_256, 20});
  ASSERT_TRUE(sizes.ok());
  EXPECT_EQ(sizes->encr_key, 32u);
  EXPECT_EQ(sizes->encr_salt, 0u);
  EXPECT_EQ(sizes->integ_key, 64u);
  EXPECT_EQ(sizes->prf_key, 48u);
  auto gcm = KeySizesFor({kEncrAesGcm12, 128, kPrfHmacSha2_256, kIntegNone, 19});
  ASSERT_TRUE(gcm.ok());
  EXPECT_EQ(gcm->encr_key_with_salt(), 20u);
  EXPECT_EQ(KeySizesFor({kEncrAesGcm16, 128, kPrfHmacSha2_256, kIntegHmacSha1_96, 19}).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(KeySizesFor({kEncrAesCbc, 128, kPrfHmacSha2_256, kIntegNone, 19}).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(KeySizesFor({kEncrAesCbc, 128, 1, kIntegHmacSha1_96, 19}).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(DeriveIkeSaKeys({3, 0, kPrfHmacSha1, kIntegHmacSha1_96, 14}, kNi, kNr, kSharedSecret,
                            kSpiI, kSpiR)
                .code(),
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace ikewot::crypto
