// The Encrypted (SK) payload: RFC 7634 Appendix B known answer, round trips for every suite,
// rejection of every single-bit change, of every truncation, and of bad padding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/aead.h"
#include "core/crypto/mac.h"
#include "core/crypto/random.h"
#include "core/crypto/sk_cipher.h"
#include "core/crypto/transforms.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::FixedBytesRng;
using testing::Hex;

// RFC 7634 Appendix B: an INFORMATIONAL request protected with ChaCha20-Poly1305.
constexpr char kRfc7634Key[] =
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3";  // key || salt
constexpr char kRfc7634Associated[] =
    "c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d7"   // SPIs
    "2e202500000000090000004529000029";  // next payload SK, version, exchange, flags, IDs, lengths
constexpr char kRfc7634Iv[] = "1011121314151617";
constexpr char kRfc7634Payloads[] = "0000000c000040010000000a";  // a NOTIFY payload
constexpr char kRfc7634Sealed[] =
    "610394701f8d017f7c12924889"         // ciphertext of payloads || pad length 0
    "6b71bfe25236efd7cdc67066906315b2";  // tag

TEST(CryptoSkCipherTest, Rfc7634AppendixBEncryptAndDecrypt) {
  auto sk = SkCipher::Create(kEncrChaCha20Poly1305, 0, kIntegNone, Hex(kRfc7634Key), {});
  ASSERT_TRUE(sk.ok()) << sk.error().ToString();
  EXPECT_EQ(sk->iv_size(), 8u);
  EXPECT_EQ(sk->icv_size(), 16u);
  // 41 (SK payload length) - 4 (generic header).
  EXPECT_EQ(sk->EncryptedSize(12), 37u);
  FixedBytesRng iv_rng(Hex(kRfc7634Iv));
  auto encrypted = sk->Encrypt(Hex(kRfc7634Associated), Hex(kRfc7634Payloads), iv_rng);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
  EXPECT_EQ(ToHex(*encrypted), ToHex(Concat({Hex(kRfc7634Iv), Hex(kRfc7634Sealed)})));
  auto decrypted = sk->Decrypt(Hex(kRfc7634Associated), *encrypted);
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().ToString();
  EXPECT_EQ(ToHex(*decrypted), kRfc7634Payloads);
}

struct Suite {
  uint16_t encr_id;
  uint16_t key_bits;
  uint16_t integ_id;
};

std::vector<Suite> AllSuites() {
  std::vector<Suite> suites;
  for (uint16_t bits : {128, 192, 256}) {
    for (uint16_t integ : {kIntegHmacSha1_96, kIntegHmacSha2_256_128, kIntegHmacSha2_384_192,
                           kIntegHmacSha2_512_256}) {
      suites.push_back({kEncrAesCbc, bits, integ});
    }
    for (uint16_t gcm : {kEncrAesGcm8, kEncrAesGcm12, kEncrAesGcm16}) {
      suites.push_back({gcm, bits, kIntegNone});
    }
  }
  suites.push_back({kEncrChaCha20Poly1305, 0, kIntegNone});
  suites.push_back({kEncrChaCha20Poly1305, 256, kIntegNone});
  return suites;
}

std::string Name(const Suite& s) {
  return "encr " + std::to_string(s.encr_id) + "/" + std::to_string(s.key_bits) + " integ " +
         std::to_string(s.integ_id);
}

SkCipher MakeCipher(const Suite& s, uint64_t seed) {
  auto encr = LookupEncr(s.encr_id, s.key_bits);
  EXPECT_TRUE(encr.ok());
  DeterministicRng key_rng(seed);
  Bytes encr_key(encr->key_size + encr->salt_size);
  key_rng.Fill(encr_key);
  Bytes integ_key;
  if (s.integ_id != kIntegNone) {
    auto integ = LookupInteg(s.integ_id);
    EXPECT_TRUE(integ.ok());
    integ_key.resize(integ->key_size);
    key_rng.Fill(integ_key);
  }
  auto sk = SkCipher::Create(s.encr_id, s.key_bits, s.integ_id, encr_key, integ_key);
  EXPECT_TRUE(sk.ok()) << Name(s) << ": " << sk.error().ToString();
  return std::move(*sk);
}

Bytes Pattern(size_t n, uint8_t start) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + 13 * i);
  return out;
}

TEST(CryptoSkCipherTest, RoundTripEverySuiteAndLength) {
  const Bytes associated = Pattern(32, 1);
  DeterministicRng rng(10);
  for (const Suite& s : AllSuites()) {
    SCOPED_TRACE(Name(s));
    SkCipher sender = MakeCipher(s, 77);
    SkCipher receiver = MakeCipher(s, 77);
    for (size_t length : {0u, 1u, 14u, 15u, 16u, 17u, 31u, 100u, 1024u}) {
      const Bytes payloads = Pattern(length, 5);
      auto encrypted = sender.Encrypt(associated, payloads, rng);
      ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
      EXPECT_EQ(encrypted->size(), sender.EncryptedSize(length));
      const size_t body = encrypted->size() - sender.iv_size() - sender.icv_size();
      EXPECT_EQ(body % sender.block_size(), 0u);
      EXPECT_LT(body - length - 1, sender.block_size()) << "padding must be minimal";
      auto decrypted = receiver.Decrypt(associated, *encrypted);
      ASSERT_TRUE(decrypted.ok()) << length << ": " << decrypted.error().ToString();
      EXPECT_EQ(ToHex(*decrypted), ToHex(payloads));
    }
    // A different key never decrypts.
    SkCipher stranger = MakeCipher(s, 78);
    auto encrypted = sender.Encrypt(associated, Pattern(40, 2), rng);
    ASSERT_TRUE(encrypted.ok());
    EXPECT_EQ(stranger.Decrypt(associated, *encrypted).code(), ErrorCode::kAuthFailure);
  }
}

TEST(CryptoSkCipherTest, EverySingleBitFlipIsRejected) {
  const Bytes associated = Pattern(32, 3);
  DeterministicRng rng(11);
  for (const Suite& s : AllSuites()) {
    SCOPED_TRACE(Name(s));
    SkCipher sk = MakeCipher(s, 5);
    auto encrypted = sk.Encrypt(associated, Pattern(37, 9), rng);
    ASSERT_TRUE(encrypted.ok());
    ASSERT_TRUE(sk.Decrypt(associated, *encrypted).ok());
    // IV, ciphertext and ICV.
    for (size_t bit = 0; bit < encrypted->size() * 8; ++bit) {
      Bytes damaged(*encrypted);
      damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      ASSERT_EQ(sk.Decrypt(associated, damaged).code(), ErrorCode::kAuthFailure) << "bit " << bit;
    }
    // Associated data (IKE header and generic payload header).
    for (size_t bit = 0; bit < associated.size() * 8; ++bit) {
      Bytes damaged(associated);
      damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      ASSERT_EQ(sk.Decrypt(damaged, *encrypted).code(), ErrorCode::kAuthFailure) << "bit " << bit;
    }
  }
}

TEST(CryptoSkCipherTest, EveryTruncationAndExtensionIsRejected) {
  const Bytes associated = Pattern(28, 4);
  DeterministicRng rng(12);
  for (const Suite& s : AllSuites()) {
    SCOPED_TRACE(Name(s));
    SkCipher sk = MakeCipher(s, 6);
    auto encrypted = sk.Encrypt(associated, Pattern(20, 1), rng);
    ASSERT_TRUE(encrypted.ok());
    for (size_t n = 0; n < encrypted->size(); ++n) {
      EXPECT_EQ(sk.Decrypt(associated, ByteView(*encrypted).first(n)).code(),
                ErrorCode::kAuthFailure)
          << "prefix " << n;
    }
    Bytes longer(*encrypted);
    longer.push_back(0);
    EXPECT_EQ(sk.Decrypt(associated, longer).code(), ErrorCode::kAuthFailure);
  }
}

// Builds IV || ciphertext || ICV around a chosen padded body, with a valid ICV, so that only
// the padding is wrong.
Bytes SealCbcBody(ByteView encr_key, ByteView integ_key, ByteView associated, ByteView body) {
  const Bytes iv = Pattern(16, 7);
  auto cbc = AesCbc::Create(encr_key);
  auto mac = Mac::CreateHmac("SHA2-256", integ_key);
  EXPECT_TRUE(cbc.ok() && mac.ok());
  Bytes ciphertext(body.size());
  EXPECT_TRUE(cbc->Encrypt(iv, body, ciphertext).ok());
  auto tag = mac->Compute({associated, iv, ciphertext});
  EXPECT_TRUE(tag.ok());
  return Concat({iv, ciphertext, ByteView(*tag).first(16)});
}

TEST(CryptoSkCipherTest, CbcPaddingRules) {
  const Bytes encr_key(16, 0x11), integ_key(32, 0x22), associated = Pattern(32, 0);
  auto sk = SkCipher::Create(kEncrAesCbc, 128, kIntegHmacSha2_256_128, encr_key, integ_key);
  ASSERT_TRUE(sk.ok());
  // Pad Length 16 where 0 would do: longer than needed but aligned, which must be accepted.
  Bytes generous = Pattern(15, 3);
  generous.resize(31, 0xee);  // padding content is the sender's choice
  generous.push_back(16);
  auto accepted = sk->Decrypt(associated, SealCbcBody(encr_key, integ_key, associated, generous));
  ASSERT_TRUE(accepted.ok()) << accepted.error().ToString();
  EXPECT_EQ(ToHex(*accepted), ToHex(Pattern(15, 3)));
  // Pad Length 32 in a 32-octet body: it would have to cover itself and more.
  Bytes too_long = generous;
  too_long.back() = 32;
  EXPECT_EQ(sk->Decrypt(associated, SealCbcBody(encr_key, integ_key, associated, too_long)).code(),
            ErrorCode::kAuthFailure);
  // Pad Length 255 in a single block.
  Bytes one_block(16, 0);
  one_block.back() = 255;
  EXPECT_EQ(sk->Decrypt(associated, SealCbcBody(encr_key, integ_key, associated, one_block)).code(),
            ErrorCode::kAuthFailure);
  // Pad Length 31 exactly consumes everything before it: valid, no payloads.
  too_long.back() = 31;
  auto empty = sk->Decrypt(associated, SealCbcBody(encr_key, integ_key, associated, too_long));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(CryptoSkCipherTest, AeadPaddingRules) {
  const Bytes key_and_salt = Pattern(20, 9);
  auto sk = SkCipher::Create(kEncrAesGcm16, 128, kIntegNone, key_and_salt, {});
  auto aead = Aead::Create(AeadAlgorithm::kAesGcm, ByteView(key_and_salt).first(16), 16);
  ASSERT_TRUE(sk.ok() && aead.ok());
  const Bytes associated = Pattern(32, 1), iv = Pattern(8, 4);
  const Bytes nonce = Concat({ByteView(key_and_salt).last(4), iv});
  auto seal = [&](const Bytes& body) {
    Bytes sealed(body.size() + 16);
    EXPECT_TRUE(aead->Seal(nonce, associated, body, sealed).ok());
    return Concat({iv, sealed});
  };
  // Padding 3 octets: accepted, stripped.
  auto ok = sk->Decrypt(associated, seal(Hex("0102030400000003")));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ToHex(*ok), "01020304");
  // Pad Length 8 in 8 octets: too long.
  EXPECT_EQ(sk->Decrypt(associated, seal(Hex("0102030400000008"))).code(), ErrorCode::kAuthFailure);
  // No octet at all (not even Pad Length).
  EXPECT_EQ(sk->Decrypt(associated, seal({})).code(), ErrorCode::kAuthFailure);
}

TEST(CryptoSkCipherTest, CreateRejectsMismatchedTransformsAndKeys) {
  const Bytes k16(16), k20(20), k32(32), k36(36);
  EXPECT_EQ(SkCipher::Create(3, 0, kIntegHmacSha1_96, Bytes(24), Bytes(20)).code(),
            ErrorCode::kUnsupported);  // 3DES
  EXPECT_EQ(SkCipher::Create(kEncrAesCbc, 100, kIntegHmacSha1_96, k16, k20).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(SkCipher::Create(kEncrAesCbc, 128, kIntegNone, k16, {}).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(SkCipher::Create(kEncrAesCbc, 128, 5, k16, k16).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(SkCipher::Create(kEncrAesGcm16, 128, kIntegHmacSha2_256_128, k20, k32).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(SkCipher::Create(kEncrChaCha20Poly1305, 128, kIntegNone, k36, {}).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(SkCipher::Create(kEncrAesCbc, 128, kIntegHmacSha1_96, k20, k20).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SkCipher::Create(kEncrAesCbc, 128, kIntegHmacSha1_96, k16, k16).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SkCipher::Create(kEncrAesGcm16, 128, kIntegNone, k16, {}).code(),
            ErrorCode::kInvalidArgument);  // salt missing
  EXPECT_TRUE(SkCipher::Create(kEncrChaCha20Poly1305, 0, kIntegNone, k36, {}).ok());
}

}  // namespace
}  // namespace ikewot::crypto
