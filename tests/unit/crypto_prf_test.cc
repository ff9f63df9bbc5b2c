// PRFs: RFC 4231 (HMAC-SHA2), RFC 2202 (HMAC-SHA1), RFC 4615 (AES-CMAC-PRF-128), RFC 3566 and
// RFC 4434 (AES-XCBC) known answers; prf+ against a computation written out with OpenSSL's
// one-shot HMAC.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "core/crypto/mac.h"
#include "core/crypto/prf.h"
#include "core/crypto/transforms.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::Hex;

Bytes Repeat(uint8_t value, size_t n) { return Bytes(n, value); }

std::string PrfHex(uint16_t prf_id, ByteView key, ByteView data) {
  auto out = Prf(prf_id, key, data);
  EXPECT_TRUE(out.ok()) << out.error().ToString();
  return out.ok() ? ToHex(*out) : "";
}

// RFC 4231 §4: key, data and the HMAC-SHA-256/384/512 outputs of test cases 1-7.
struct Rfc4231Case {
  int number;
  Bytes key;
  Bytes data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

TEST(CryptoPrfTest, Rfc4231HmacSha2TestCases1To7) {
  const Bytes key_131 = Repeat(0xaa, 131);
  const Rfc4231Case cases[] = {
      {1, Repeat(0x0b, 20), Bytes(AsBytes("Hi There").begin(), AsBytes("Hi There").end()),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2"
       "fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eae"
       "a3f4e4be9d914eeb61f1702e696c203a126854"},
      {2, Hex("4a656665"), Hex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfa"
       "b21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8"
       "f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {3, Repeat(0xaa, 20), Repeat(0xdd, 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101"
       "a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e"
       "67c807b946a337bee8942674278859e13292fb"},
      {4, Hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Repeat(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c6"
       "74cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5"
       "788063a5f19741120c4f2de2adebeb10a298dd"},
      // Test case 5 publishes only the first 128 bits.
      {5, Repeat(0x0c, 20), Hex("546573742057697468205472756e636174696f6e"),
       "a3b6167473100ee06e0c796c2955552b", "3abf34c3503b2a23a46efc619baef897",
       "415fad6271580a531d4179bc891d87a6"},
      {6, key_131,
       Hex("54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d204861736"
           "8"
           "204b6579204669727374"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163"
       "f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d"
       "6a1e5295e64f73f63f0aec8b915a985d786598"},
      {7, key_131,
       Hex("5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697"
           "a"
           "65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e205468"
           "65206b6579206e6565647320746f20626520686173686564206265666f7265206265696e67207573656420"
           "62792074686520484d414320616c676f726974686d2e"),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c"
       "46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3"
       "e4de15134676fb6de0446065c97440fa8c6a58"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("RFC 4231 test case " + std::to_string(c.number));
    const std::string h256 = PrfHex(kPrfHmacSha2_256, c.key, c.data);
    const std::string h384 = PrfHex(kPrfHmacSha2_384, c.key, c.data);
    const std::string h512 = PrfHex(kPrfHmacSha2_512, c.key, c.data);
    EXPECT_EQ(h256.substr(0, std::string(c.sha256).size()), c.sha256);
    EXPECT_EQ(h384.substr(0, std::string(c.sha384).size()), c.sha384);
    EXPECT_EQ(h512.substr(0, std::string(c.sha512).size()), c.sha512);
    EXPECT_EQ(h256.size(), 64u);
    EXPECT_EQ(h384.size(), 96u);
    EXPECT_EQ(h512.size(), 128u);
  }
}

TEST(CryptoPrfTest, Rfc2202HmacSha1) {
  EXPECT_EQ(PrfHex(kPrfHmacSha1, Repeat(0x0b, 20), AsBytes("Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(PrfHex(kPrfHmacSha1, AsBytes("Jefe"), AsBytes("what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(CryptoPrfTest, Rfc4615AesCmacPrf128) {
  const Bytes message = Hex("000102030405060708090a0b0c0d0e0f10111213");
  EXPECT_EQ(PrfHex(kPrfAesCmac128, Hex("000102030405060708090a0b0c0d0e0fedcb"), message),
            "84a348a4a45d235babfffc0d2b4da09a");
  EXPECT_EQ(PrfHex(kPrfAesCmac128, Hex("000102030405060708090a0b0c0d0e0f"), message),
            "980ae87b5f4c9c5214f5b6a8455e4c2d");
  EXPECT_EQ(PrfHex(kPrfAesCmac128, Hex("00010203040506070809"), message),
            "290d9e112edb09ee141fcf64c0b72f3d");
}

TEST(CryptoPrfTest, Rfc3566AesXcbcMacAndRfc4434Prf) {
  const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  auto mac = Mac::CreateAesXcbc(key);
  ASSERT_TRUE(mac.ok());
  // RFC 3566 §4.6 test cases 1-5 (full 128-bit outputs), through one keyed object.
  const std::pair<const char*, const char*> cases[] = {
      {"", "75f0251d528ac01c4573dfd584d79f29"},
      {"000102", "5b376580ae2f19afe7219ceef172756f"},
      {"000102030405060708090a0b0c0d0e0f", "d2a246fa349b68a79998a4394ff7a263"},
      {"000102030405060708090a0b0c0d0e0f10111213", "47f51b4564966215b8985c63055ed308"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       "f54f0ec8d2b9f3d36807734bd5283fd4"},
  };
  for (const auto& [message, tag] : cases) {
    auto out = mac->Compute({Hex(message)});
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(ToHex(*out), tag) << "message " << message;
  }
  // The same tag when the message arrives in pieces that straddle block boundaries.
  const Bytes m = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto split =
      mac->Compute({ByteView(m).first(5), ByteView(m).subspan(5, 11), ByteView(m).subspan(16)});
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(ToHex(*split), "f54f0ec8d2b9f3d36807734bd5283fd4");

  // RFC 4434 §6: AES-XCBC-PRF-128 with 16-, 10- and 18-octet keys.
  const Bytes message = Hex("000102030405060708090a0b0c0d0e0f10111213");
  EXPECT_EQ(PrfHex(kPrfAesXcbc128, key, message), "47f51b4564966215b8985c63055ed308");
  EXPECT_EQ(PrfHex(kPrfAesXcbc128, Hex("00010203040506070809"), message),
            "0fa087af7d866e7653434e602fdde835");
  EXPECT_EQ(PrfHex(kPrfAesXcbc128, Hex("000102030405060708090a0b0c0d0e0fedcb"), message),
            "8cd3c93ae598a9803006ffb67c40e9e4");
}

TEST(CryptoPrfTest, SizesAndUnsupportedIds) {
  EXPECT_EQ(PrfOutputSize(kPrfHmacSha1), 20u);
  EXPECT_EQ(PrfOutputSize(kPrfHmacSha2_256), 32u);
  EXPECT_EQ(PrfOutputSize(kPrfHmacSha2_384), 48u);
  EXPECT_EQ(PrfOutputSize(kPrfHmacSha2_512), 64u);
  EXPECT_EQ(PrfOutputSize(kPrfAesCmac128), 16u);
  EXPECT_EQ(PrfPreferredKeySize(kPrfHmacSha2_256), 32u);
  EXPECT_EQ(PrfPreferredKeySize(kPrfAesXcbc128), 16u);
  EXPECT_TRUE(PrfHasFixedKeySize(kPrfAesXcbc128));
  EXPECT_FALSE(PrfHasFixedKeySize(kPrfHmacSha2_256));
  for (uint16_t id : {0, 1, 3, 9, 100}) {
    EXPECT_FALSE(IsSupportedPrf(id));
    EXPECT_EQ(Prf(id, AsBytes("k"), AsBytes("d")).code(), ErrorCode::kUnsupported);
    EXPECT_EQ(PrfPlus(id, AsBytes("k"), AsBytes("d"), 10).code(), ErrorCode::kUnsupported);
  }
}

TEST(CryptoPrfTest, KeyedMacGivesTheSameTagOnEveryReuse) {
  // The MAC context is re-initialised per message; a stale state would change later tags.
  auto mac = Mac::CreateHmac("SHA2-256", AsBytes("key"));
  ASSERT_TRUE(mac.ok());
  auto first = mac->Compute({AsBytes("message one")});
  auto other = mac->Compute({AsBytes("message two")});
  auto again = mac->Compute({AsBytes("message"), AsBytes(" one")});
  ASSERT_TRUE(first.ok() && other.ok() && again.ok());
  EXPECT_EQ(ToHex(*first), ToHex(*again));
  EXPECT_NE(ToHex(*first), ToHex(*other));
  auto cmac = Mac::CreateAesCmac(Bytes(16, 1));
  ASSERT_TRUE(cmac.ok());
  auto c1 = cmac->Compute({AsBytes("abc")});
  auto c2 = cmac->Compute({AsBytes("xyz")});
  auto c3 = cmac->Compute({AsBytes("a"), AsBytes("bc")});
  ASSERT_TRUE(c1.ok() && c2.ok() && c3.ok());
  EXPECT_EQ(ToHex(*c1), ToHex(*c3));
  EXPECT_NE(ToHex(*c1), ToHex(*c2));
}

// prf+ written out by hand (RFC 7296 §2.13) with OpenSSL's one-shot HMAC.
Bytes OneShotHmac(const char* digest, ByteView key, ByteView data) {
  uint8_t out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                      data.data(), data.size(), out, sizeof(out), &len),
            nullptr);
  return Bytes(out, out + len);
}

TEST(CryptoPrfTest, PrfPlusMatchesTheDefinitionWrittenOut) {
  const std::string_view key_text = "a prf+ key";
  const Bytes key(key_text.begin(), key_text.end());
  const Bytes seed = Hex("0102030405060708090a0b0c0d0e0f10111213141516");
  const Bytes t1 = OneShotHmac("SHA256", key, Concat({seed, Hex("01")}));
  const Bytes t2 = OneShotHmac("SHA256", key, Concat({t1, seed, Hex("02")}));
  const Bytes t3 = OneShotHmac("SHA256", key, Concat({t2, seed, Hex("03")}));
  const Bytes t4 = OneShotHmac("SHA256", key, Concat({t3, seed, Hex("04")}));
  const Bytes expected = Concat({t1, t2, t3, t4});
  for (size_t length : {0u, 1u, 31u, 32u, 33u, 64u, 100u, 128u}) {
    auto out = PrfPlus(kPrfHmacSha2_256, key, seed, length);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(ToHex(*out), ToHex(ByteView(expected).first(length))) << length;
  }
  // SHA-1 and SHA-512 too, three blocks each.
  for (auto [prf_id, digest] :
       {std::pair<uint16_t, const char*>{kPrfHmacSha1, "SHA1"}, {kPrfHmacSha2_512, "SHA512"}}) {
    const Bytes s1 = OneShotHmac(digest, key, Concat({seed, Hex("01")}));
    const Bytes s2 = OneShotHmac(digest, key, Concat({s1, seed, Hex("02")}));
    const Bytes s3 = OneShotHmac(digest, key, Concat({s2, seed, Hex("03")}));
    const Bytes whole = Concat({s1, s2, s3});
    auto out = PrfPlus(prf_id, key, seed, whole.size() - 3);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(ToHex(*out), ToHex(ByteView(whole).first(whole.size() - 3))) << digest;
  }
}

TEST(CryptoPrfTest, PrfPlusStopsAt255Blocks) {
  const Bytes key(32, 7);
  auto max = PrfPlus(kPrfHmacSha2_256, key, AsBytes("seed"), 255 * 32);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), 255u * 32);
  // The last block is T255 = prf(K, T254 | S | 0xff).
  const Bytes t254(max->end() - 64, max->end() - 32);
  EXPECT_EQ(ToHex(ByteView(*max).last(32)),
            ToHex(OneShotHmac("SHA256", key, Concat({t254, AsBytes("seed"), Hex("ff")}))));
  auto too_long = PrfPlus(kPrfHmacSha2_256, key, AsBytes("seed"), 255 * 32 + 1);
  EXPECT_EQ(too_long.code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ikewot::crypto
