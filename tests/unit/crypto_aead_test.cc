// Raw ciphers: AES-GCM (McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 1-4
// and 13-16), ChaCha20-Poly1305 (RFC 8439 §2.8.2) and AES-CBC (RFC 3602 §4).
#include <gtest/gtest.h>

#include <string>

#include "core/crypto/aead.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::Hex;

struct AeadVector {
  const char* name;
  AeadAlgorithm algorithm;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

constexpr char kGcmPlain64[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr char kGcmPlain60[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr char kGcmAad[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

const AeadVector kVectors[] = {
    {"GCM TC1", AeadAlgorithm::kAesGcm, "00000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    {"GCM TC2", AeadAlgorithm::kAesGcm, "00000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {"GCM TC3", AeadAlgorithm::kAesGcm, "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "", kGcmPlain64,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"GCM TC4", AeadAlgorithm::kAesGcm, "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", kGcmAad, kGcmPlain60,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"GCM TC13", AeadAlgorithm::kAesGcm,
     "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"GCM TC14", AeadAlgorithm::kAesGcm,
     "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"GCM TC15", AeadAlgorithm::kAesGcm,
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "", kGcmPlain64,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"GCM TC16", AeadAlgorithm::kAesGcm,
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     kGcmAad, kGcmPlain60,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    // RFC 8439 §2.8.2: "Ladies and Gentlemen of the class of '99: If I could offer you only one
    // tip for the future, sunscreen would be it."
    {"RFC 8439 2.8.2", AeadAlgorithm::kChaCha20Poly1305,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "070000004041424344454647",
     "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
     "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
     "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
};

TEST(CryptoAeadTest, KnownAnswersSealAndOpen) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.name);
    const Bytes tag = Hex(v.tag);
    auto aead = Aead::Create(v.algorithm, Hex(v.key), tag.size());
    ASSERT_TRUE(aead.ok()) << aead.error().ToString();
    const Bytes plaintext = Hex(v.plaintext);
    Bytes sealed(plaintext.size() + tag.size());
    ASSERT_TRUE(aead->Seal(Hex(v.nonce), Hex(v.aad), plaintext, sealed).ok());
    EXPECT_EQ(ToHex(sealed), ToHex(Concat({Hex(v.ciphertext), tag})));
    // Twice with the same object: the per-call nonce reset leaves no state behind.
    Bytes again(sealed.size());
    ASSERT_TRUE(aead->Seal(Hex(v.nonce), Hex(v.aad), plaintext, again).ok());
    EXPECT_EQ(ToHex(again), ToHex(sealed));
    Bytes opened(plaintext.size());
    ASSERT_TRUE(aead->Open(Hex(v.nonce), Hex(v.aad), sealed, opened).ok());
    EXPECT_EQ(ToHex(opened), ToHex(plaintext));
  }
}

TEST(CryptoAeadTest, TruncatedGcmTagsAreTagPrefixes) {
  // RFC 5282's 8- and 12-octet ICVs are the leading octets of the full GCM tag (TC3).
  for (size_t tag_size : {8u, 12u}) {
    auto aead =
        Aead::Create(AeadAlgorithm::kAesGcm, Hex("feffe9928665731c6d6a8f9467308308"), tag_size);
    ASSERT_TRUE(aead.ok());
    const Bytes plaintext = Hex(kGcmPlain64);
    Bytes sealed(plaintext.size() + tag_size);
    ASSERT_TRUE(aead->Seal(Hex("cafebabefacedbaddecaf888"), {}, plaintext, sealed).ok());
    EXPECT_EQ(ToHex(ByteView(sealed).last(tag_size)),
              std::string("4d5c2af327cd64a62cf35abd2ba6fab4").substr(0, 2 * tag_size));
    Bytes opened(plaintext.size());
    EXPECT_TRUE(aead->Open(Hex("cafebabefacedbaddecaf888"), {}, sealed, opened).ok());
  }
}

TEST(CryptoAeadTest, EveryBitFlipIsRejectedAndOutputWiped) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.name);
    const Bytes tag = Hex(v.tag);
    auto aead = Aead::Create(v.algorithm, Hex(v.key), tag.size());
    ASSERT_TRUE(aead.ok());
    const Bytes sealed = Concat({Hex(v.ciphertext), tag});
    const Bytes aad = Hex(v.aad);
    const Bytes nonce = Hex(v.nonce);
    for (size_t bit = 0; bit < sealed.size() * 8; bit += 3) {
      Bytes damaged(sealed);
      damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      Bytes opened(sealed.size() - tag.size(), 0x5a);
      Status status = aead->Open(nonce, aad, damaged, opened);
      ASSERT_EQ(status.code(), ErrorCode::kAuthFailure) << "bit " << bit;
      for (uint8_t b : opened) ASSERT_EQ(b, 0) << "unauthenticated plaintext left in the output";
    }
    for (size_t bit = 0; bit < aad.size() * 8; ++bit) {
      Bytes damaged(aad);
      damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      Bytes opened(sealed.size() - tag.size());
      EXPECT_EQ(aead->Open(nonce, damaged, sealed, opened).code(), ErrorCode::kAuthFailure);
    }
    Bytes other_nonce(nonce);
    other_nonce[11] ^= 1;
    Bytes opened(sealed.size() - tag.size());
    EXPECT_EQ(aead->Open(other_nonce, aad, sealed, opened).code(), ErrorCode::kAuthFailure);
  }
}

TEST(CryptoAeadTest, InPlaceSealAndOpen) {
  auto aead = Aead::Create(AeadAlgorithm::kChaCha20Poly1305, Bytes(32, 3), 16);
  ASSERT_TRUE(aead.ok());
  const Bytes nonce(12, 9);
  Bytes buffer(100 + 16);
  for (size_t i = 0; i < 100; ++i) buffer[i] = static_cast<uint8_t>(i);
  const Bytes original(buffer.begin(), buffer.begin() + 100);
  ASSERT_TRUE(aead->Seal(nonce, AsBytes("ad"), ByteView(buffer).first(100), buffer).ok());
  EXPECT_NE(ToHex(ByteView(buffer).first(100)), ToHex(original));
  ASSERT_TRUE(aead->Open(nonce, AsBytes("ad"), buffer, std::span<uint8_t>(buffer).first(100)).ok());
  EXPECT_EQ(ToHex(ByteView(buffer).first(100)), ToHex(original));
}

TEST(CryptoAeadTest, RejectsBadKeysTagsAndBuffers) {
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kAesGcm, Bytes(20), 16).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kAesGcm, Bytes(16), 10).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kChaCha20Poly1305, Bytes(16), 16).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Aead::Create(AeadAlgorithm::kChaCha20Poly1305, Bytes(32), 12).code(),
            ErrorCode::kInvalidArgument);
  auto aead = Aead::Create(AeadAlgorithm::kAesGcm, Bytes(16), 16);
  ASSERT_TRUE(aead.ok());
  Bytes out(10);
  EXPECT_EQ(aead->Seal(Bytes(11), {}, Bytes(4), out).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(aead->Seal(Bytes(12), {}, Bytes(4), out).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(aead->Open(Bytes(12), {}, Bytes(15), out).code(), ErrorCode::kInvalidArgument);
}

// RFC 3602 §4, cases #1, #2 and #4.
TEST(CryptoAeadTest, Rfc3602AesCbc) {
  struct CbcVector {
    const char* key;
    const char* iv;
    const char* plaintext;
    const char* ciphertext;
  };
  const CbcVector vectors[] = {
      {"06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
       "53696e676c6520626c6f636b206d7367",  // "Single block msg"
       "e353779c1079aeb82708942dbe77181a"},
      {"c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"},
      {"56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9",
       "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
       "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
       "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
       "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"},
  };
  for (const auto& v : vectors) {
    auto cbc = AesCbc::Create(Hex(v.key));
    ASSERT_TRUE(cbc.ok());
    const Bytes plaintext = Hex(v.plaintext);
    Bytes ciphertext(plaintext.size());
    ASSERT_TRUE(cbc->Encrypt(Hex(v.iv), plaintext, ciphertext).ok());
    EXPECT_EQ(ToHex(ciphertext), v.ciphertext);
    Bytes decrypted(plaintext.size());
    ASSERT_TRUE(cbc->Decrypt(Hex(v.iv), ciphertext, decrypted).ok());
    EXPECT_EQ(ToHex(decrypted), v.plaintext);
  }
  auto cbc = AesCbc::Create(Bytes(32, 1));
  ASSERT_TRUE(cbc.ok());
  Bytes out(17);
  EXPECT_EQ(cbc->Encrypt(Bytes(16), Bytes(17), out).code(), ErrorCode::kInvalidArgument);
  Bytes out16(16);
  EXPECT_EQ(cbc->Encrypt(Bytes(15), Bytes(16), out16).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AesCbc::Create(Bytes(15)).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ikewot::crypto
