// Key exchange: RFC 7748 (X25519/X448), RFC 5903 §8 (ECP) known answers with the private values
// injected through the Rng; MODP agreement; and every class of invalid peer value.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "core/crypto/dh.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::FixedBytesRng;
using testing::Hex;

std::unique_ptr<KeyExchange> MakeWithPrivate(uint16_t group, const Bytes& private_value) {
  FixedBytesRng rng(private_value);
  auto kex = KeyExchange::Create(group, rng);
  EXPECT_TRUE(kex.ok()) << kex.error().ToString();
  EXPECT_EQ(rng.remaining(), 0u) << "the private value must be exactly what the group draws";
  return std::move(*kex);
}

Bytes SharedOrDie(const KeyExchange& kex, ByteView peer) {
  auto secret = kex.ComputeSharedSecret(peer);
  EXPECT_TRUE(secret.ok()) << secret.error().ToString();
  return secret.ok() ? *secret : Bytes();
}

void ExpectInvalid(const KeyExchange& kex, ByteView peer, const std::string& label) {
  auto secret = kex.ComputeSharedSecret(peer);
  ASSERT_FALSE(secret.ok()) << label;
  EXPECT_EQ(secret.code(), ErrorCode::kInvalidPublicKey)
      << label << ": " << secret.error().ToString();
}

// Caught by the cheap small-order table before any scalar multiplication (not only by the
// all-zero check after it).
void ExpectSmallOrder(const KeyExchange& kex, ByteView peer, const std::string& label) {
  auto secret = kex.ComputeSharedSecret(peer);
  ASSERT_EQ(secret.code(), ErrorCode::kInvalidPublicKey) << label;
  EXPECT_NE(secret.error().message.find("small order"), std::string::npos)
      << label << ": " << secret.error().message;
}

// ---- RFC 7748 §5.2: X25519 and X448 as functions of (scalar, u-coordinate).

struct ScalarMultVector {
  uint16_t group;
  const char* scalar;
  const char* u;
  const char* output;
};

TEST(CryptoDhTest, Rfc7748Section52FunctionVectors) {
  const ScalarMultVector vectors[] = {
      {kDhCurve25519, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
       "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
       "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
      {kDhCurve25519, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
       "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
       "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
      {kDhCurve448,
       "3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba3"
       "68f54b29259a4f1c600ad3",
       "06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db"
       "94ada18aa7a7fb4ef8a086",
       "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961"
       "111e21766282f73dd96b6f"},
      {kDhCurve448,
       "203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c538345dd77c3e4806e25f46d3315c44e0a5"
       "b4371282dd2c8d5be3095f",
       "0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b165d015894e56c4d3570bee52fe205e28a"
       "78b91cdfbde71ce8d157db",
       "884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7ad1b3ee3a5700df34321d62077e63633c5"
       "75c1c954514e99da7c179d"},
  };
  for (const auto& v : vectors) {
    auto kex = MakeWithPrivate(v.group, Hex(v.scalar));
    EXPECT_EQ(ToHex(SharedOrDie(*kex, Hex(v.u))), v.output) << "group " << v.group;
  }
}

// RFC 7748 §5.2 iteration: k = u = the base point (9 for X25519, 5 for X448); each step
// k, u = X(k, u), k.
Bytes Iterate(uint16_t group, size_t size, int iterations) {
  Bytes k(size, 0), u(size, 0);
  k[0] = u[0] = group == kDhCurve25519 ? 9 : 5;
  for (int i = 0; i < iterations; ++i) {
    auto kex = MakeWithPrivate(group, k);
    Bytes out = SharedOrDie(*kex, u);
    u = k;
    k = out;
  }
  return k;
}

TEST(CryptoDhTest, Rfc7748Section52Iterations) {
  EXPECT_EQ(ToHex(Iterate(kDhCurve25519, 32, 1)),
            "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
  EXPECT_EQ(ToHex(Iterate(kDhCurve25519, 32, 1000)),
            "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  EXPECT_EQ(ToHex(Iterate(kDhCurve448, 56, 1)),
            "3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a4d23a8cd0db897086239492caf350b"
            "51f833868b9bc2b3bca9cf4113");
  EXPECT_EQ(ToHex(Iterate(kDhCurve448, 56, 1000)),
            "aa3b4749d55b9daf1e5b00288826c467274ce3ebbdd5c17b975e09d4af6c67cf10d087202db88286e2b7"
            "9fceea3ec353ef54faa26e219f38");
}

// ---- RFC 7748 §6: the Diffie-Hellman exchanges between Alice and Bob.

struct ExchangeVector {
  uint16_t group;
  const char* private_i;
  const char* public_i;
  const char* private_r;
  const char* public_r;
  const char* shared;
};

void CheckExchange(const ExchangeVector& v) {
  SCOPED_TRACE("group " + std::to_string(v.group));
  auto initiator = MakeWithPrivate(v.group, Hex(v.private_i));
  auto responder = MakeWithPrivate(v.group, Hex(v.private_r));
  EXPECT_EQ(ToHex(initiator->public_value()), ToHex(Hex(v.public_i)));
  EXPECT_EQ(ToHex(responder->public_value()), ToHex(Hex(v.public_r)));
  EXPECT_EQ(ToHex(SharedOrDie(*initiator, responder->public_value())), ToHex(Hex(v.shared)));
  EXPECT_EQ(ToHex(SharedOrDie(*responder, initiator->public_value())), ToHex(Hex(v.shared)));
}

TEST(CryptoDhTest, Rfc7748Section6AliceAndBob) {
  CheckExchange({kDhCurve25519, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                 "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                 "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                 "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                 "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"});
  CheckExchange({kDhCurve448,
                 "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391"
                 "006382a6f127ab1d9ac2d8c0a598726b",
                 "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d4"
                 "0c5b12da88120d53177f80e532c41fa0",
                 "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21"
                 "374c9c921b09d1b0366f10b65173992d",
                 "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13c"
                 "a706dcb57aec3dae07bdc1c67bf33609",
                 "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936"
                 "521c24403085d59a449a5037514a879d"});
}

// ---- RFC 5903 §8: ECP test vectors. Public values are gx || gy; the shared secret is girx.

TEST(CryptoDhTest, Rfc5903Section81Ecp256) {
  CheckExchange({kDhEcp256,
                 "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
                 "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
                 "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
                 "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
                 "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
                 "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
                 "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"});
}

TEST(CryptoDhTest, Rfc5903Section82Ecp384) {
  CheckExchange({kDhEcp384,
                 "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
                 "E35B5380 41E649EE 3FAEF896 783AB194",
                 "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
                 "DE3AC808 ACB4BDB4 C88732AE E95F41AA"
                 "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
                 "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
                 "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
                 "E0308312 916B8ED2 960E4BD5 5A7448FC",
                 "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
                 "0D1AC43A 0336DEF9 6FDA41D0 774A3571"
                 "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
                 "F83FA401 42209DFF 5EAAD96D B9E6386C",
                 "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
                 "D6031355 69B9E9D0 9CF5D4A2 70F59746"});
}

TEST(CryptoDhTest, Rfc5903Section83Ecp521) {
  CheckExchange({kDhEcp521,
                 "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0 95AA85A3"
                 "0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D 4A52",
                 "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE E1E3BF42"
                 "E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C ED3E"
                 "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A D8A78801"
                 "5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F 9582",
                 "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E 9C677D60"
                 "0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168 5EB9",
                 "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21 9B97C356"
                 "436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9 460F"
                 "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87 220B6536"
                 "C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F C56A",
                 "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04 D1427E73"
                 "CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3 DDEA"});
}

// ---- Every group: two instances agree, values have the advertised size, seeds reproduce.

TEST(CryptoDhTest, EverySupportedGroupAgreesAndIsDeterministicPerSeed) {
  for (uint16_t group : {kDhModp2048, kDhModp3072, kDhModp4096, kDhEcp256, kDhEcp384, kDhEcp521,
                         kDhCurve25519, kDhCurve448}) {
    SCOPED_TRACE("group " + std::to_string(group));
    ASSERT_TRUE(IsSupportedGroup(group));
    DeterministicRng rng_a(1), rng_b(2), rng_a_again(1);
    auto a = KeyExchange::Create(group, rng_a);
    auto b = KeyExchange::Create(group, rng_b);
    auto a_again = KeyExchange::Create(group, rng_a_again);
    ASSERT_TRUE(a.ok() && b.ok() && a_again.ok());
    EXPECT_EQ((*a)->group(), group);
    EXPECT_EQ((*a)->public_value().size(), PublicValueSize(group));
    EXPECT_EQ(ToHex((*a)->public_value()), ToHex((*a_again)->public_value()));
    EXPECT_NE(ToHex((*a)->public_value()), ToHex((*b)->public_value()));
    Bytes ab = SharedOrDie(**a, (*b)->public_value());
    Bytes ba = SharedOrDie(**b, (*a)->public_value());
    EXPECT_EQ(ToHex(ab), ToHex(ba));
    EXPECT_FALSE(ab.empty());
  }
}

TEST(CryptoDhTest, UnsupportedGroupsAreRefused) {
  DeterministicRng rng(3);
  for (uint16_t group : {0, 1, 2, 5, 22, 23, 24, 30, 33, 0xffff}) {
    EXPECT_FALSE(IsSupportedGroup(group));
    EXPECT_EQ(PublicValueSize(group), 0u);
    auto kex = KeyExchange::Create(group, rng);
    EXPECT_EQ(kex.code(), ErrorCode::kUnsupported) << group;
  }
}

// ---- MODP: the public value is 2^x mod p for the injected x; invalid y are refused.

Bytes BnBytes(const BIGNUM* bn, size_t size) {
  Bytes out(size);
  EXPECT_EQ(BN_bn2binpad(bn, out.data(), static_cast<int>(size)), static_cast<int>(size));
  return out;
}

TEST(CryptoDhTest, Modp2048PublicValueIsTwoToThePrivateExponent) {
  // Group 14 draws a 320-bit exponent (RFC 3526 §8): 40 octets from the Rng.
  Bytes x_bytes(40);
  for (size_t i = 0; i < x_bytes.size(); ++i) x_bytes[i] = static_cast<uint8_t>(0xa5 ^ (7 * i));
  auto kex = MakeWithPrivate(kDhModp2048, x_bytes);
  ossl::BnPtr p(BN_get_rfc3526_prime_2048(nullptr));
  ossl::BnPtr x(BN_bin2bn(x_bytes.data(), static_cast<int>(x_bytes.size()), nullptr));
  ossl::BnPtr two(BN_new()), y(BN_new());
  ossl::BnCtxPtr ctx(BN_CTX_new());
  ASSERT_TRUE(p && x && two && y && ctx && BN_set_word(two.get(), 2) == 1);
  ASSERT_EQ(BN_mod_exp(y.get(), two.get(), x.get(), p.get(), ctx.get()), 1);
  EXPECT_EQ(ToHex(kex->public_value()), ToHex(BnBytes(y.get(), 256)));
}

TEST(CryptoDhTest, ModpRejectsOutOfRangeAndWrongLengthValues) {
  DeterministicRng rng(4);
  auto kex = KeyExchange::Create(kDhModp2048, rng);
  ASSERT_TRUE(kex.ok());
  ossl::BnPtr p(BN_get_rfc3526_prime_2048(nullptr));
  ossl::BnPtr v(BN_new());
  ASSERT_TRUE(p && v);
  Bytes zero(256, 0);
  Bytes one(256, 0);
  one.back() = 1;
  Bytes p_bytes = BnBytes(p.get(), 256);
  ASSERT_EQ(BN_sub(v.get(), p.get(), BN_value_one()), 1);
  Bytes p_minus_1 = BnBytes(v.get(), 256);
  ASSERT_EQ(BN_add(v.get(), p.get(), BN_value_one()), 1);
  Bytes p_plus_1 = BnBytes(v.get(), 256);
  Bytes all_ones(256, 0xff);
  ExpectInvalid(**kex, zero, "y = 0");
  ExpectInvalid(**kex, one, "y = 1");
  ExpectInvalid(**kex, p_minus_1, "y = p-1");
  ExpectInvalid(**kex, p_bytes, "y = p");
  ExpectInvalid(**kex, p_plus_1, "y = p+1");
  ExpectInvalid(**kex, all_ones, "y = 2^2048-1");
  // Range limits are exclusive, so 2 and p-2 are accepted.
  Bytes two(256, 0);
  two.back() = 2;
  EXPECT_TRUE((*kex)->ComputeSharedSecret(two).ok());
  ASSERT_EQ(BN_sub_word(v.get(), 3), 1);  // p+1-3 = p-2
  EXPECT_TRUE((*kex)->ComputeSharedSecret(BnBytes(v.get(), 256)).ok());
  // Lengths: the value must be padded to exactly the modulus size.
  Bytes valid(one);
  valid.back() = 5;
  ExpectInvalid(**kex, ByteView(valid).first(255), "255 octets");
  valid.push_back(0);
  ExpectInvalid(**kex, valid, "257 octets");
  ExpectInvalid(**kex, {}, "empty");
}

// ---- ECP: wrong length, coordinates out of the field, points off the curve.

TEST(CryptoDhTest, EcpRejectsInvalidPoints) {
  for (uint16_t group : {kDhEcp256, kDhEcp384, kDhEcp521}) {
    SCOPED_TRACE("group " + std::to_string(group));
    DeterministicRng rng(5), peer_rng(6);
    auto kex = KeyExchange::Create(group, rng);
    auto peer = KeyExchange::Create(group, peer_rng);
    ASSERT_TRUE(kex.ok() && peer.ok());
    const Bytes good((*peer)->public_value().begin(), (*peer)->public_value().end());
    const size_t half = good.size() / 2;
    ASSERT_TRUE((*kex)->ComputeSharedSecret(good).ok());

    ExpectInvalid(**kex, ByteView(good).first(good.size() - 1), "one octet short");
    Bytes longer(good);
    longer.push_back(0);
    ExpectInvalid(**kex, longer, "one octet long");
    Bytes sec1(good);
    sec1.insert(sec1.begin(), 0x04);  // SEC 1 uncompressed form: RFC 5903 has no prefix
    ExpectInvalid(**kex, sec1, "0x04 prefix");
    ExpectInvalid(**kex, ByteView(good).first(half), "x only");
    // (0, 0) stands for the point at infinity in some encodings; it is not on these curves.
    ExpectInvalid(**kex, Bytes(good.size(), 0), "(0, 0)");
    Bytes off_curve(good);
    off_curve.back() ^= 0x01;
    ExpectInvalid(**kex, off_curve, "y changed");
    Bytes x_changed(good);
    x_changed[half - 1] ^= 0x01;
    ExpectInvalid(**kex, x_changed, "x changed");
    // Every coordinate octet set: above the field prime.
    Bytes over_field(good);
    std::fill(over_field.begin(), over_field.begin() + half, 0xff);
    ExpectInvalid(**kex, over_field, "x >= p");
  }
}

TEST(CryptoDhTest, EcpRejectsCoordinateEqualToFieldPrimePlusValidX) {
  // x + p encodes the same field element as x but is not a field element itself: a lenient
  // decoder would reduce it; we must refuse it. P-256's prime leaves room for x + p < 2^256
  // only when x is small, so take x < 2^256 - p from a point we search for.
  DeterministicRng rng(7);
  auto kex = KeyExchange::Create(kDhEcp256, rng);
  ASSERT_TRUE(kex.ok());
  ossl::BnPtr p(BN_new()), a(BN_new()), b(BN_new()), x(BN_new()), y(BN_new()), x_plus_p(BN_new());
  ossl::BnCtxPtr ctx(BN_CTX_new());
  std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP_free>> curve(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  std::unique_ptr<EC_POINT, ossl::Deleter<EC_POINT_free>> point(EC_POINT_new(curve.get()));
  ASSERT_EQ(EC_GROUP_get_curve(curve.get(), p.get(), a.get(), b.get(), ctx.get()), 1);
  bool found = false;
  for (unsigned long candidate = 0; candidate < 64 && !found; ++candidate) {
    ASSERT_EQ(BN_set_word(x.get(), candidate), 1);
    if (EC_POINT_set_compressed_coordinates(curve.get(), point.get(), x.get(), 0, ctx.get()) == 1) {
      found = true;
    }
  }
  ASSERT_TRUE(found);
  ASSERT_EQ(EC_POINT_get_affine_coordinates(curve.get(), point.get(), x.get(), y.get(), ctx.get()),
            1);
  ASSERT_EQ(BN_add(x_plus_p.get(), x.get(), p.get()), 1);
  ASSERT_LE(BN_num_bytes(x_plus_p.get()), 32);
  Bytes valid = Concat({BnBytes(x.get(), 32), BnBytes(y.get(), 32)});
  Bytes aliased = Concat({BnBytes(x_plus_p.get(), 32), BnBytes(y.get(), 32)});
  EXPECT_TRUE((*kex)->ComputeSharedSecret(valid).ok());
  ExpectInvalid(**kex, aliased, "x + p");
}

// ---- X25519 / X448: small-order points, in every encoding, never reach the derivation.

Bytes LittleEndian(const BIGNUM* bn, size_t size) {
  Bytes out(size);
  EXPECT_EQ(BN_bn2lebinpad(bn, out.data(), static_cast<int>(size)), static_cast<int>(size));
  return out;
}

// Independent check of the small-order table: OpenSSL itself yields no shared secret.
bool OpenSslRefuses(int pkey_type, ByteView private_key, ByteView peer) {
  ossl::PkeyPtr own(
      EVP_PKEY_new_raw_private_key(pkey_type, nullptr, private_key.data(), private_key.size()));
  ossl::PkeyPtr other(EVP_PKEY_new_raw_public_key(pkey_type, nullptr, peer.data(), peer.size()));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(own.get(), nullptr));
  uint8_t out[56];
  size_t len = sizeof(out);
  const bool derived = own && other && ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
                       EVP_PKEY_derive_set_peer(ctx.get(), other.get()) == 1 &&
                       EVP_PKEY_derive(ctx.get(), out, &len) == 1;
  ossl::DrainErrors();
  return !derived;
}

TEST(CryptoDhTest, X25519RejectsSmallOrderPointsInEveryEncoding) {
  ossl::BnPtr p(BN_new()), v(BN_new());
  ASSERT_TRUE(p && v);
  ASSERT_EQ(BN_set_bit(p.get(), 255), 1);
  ASSERT_EQ(BN_sub_word(p.get(), 19), 1);
  std::vector<Bytes> small_order;
  auto add = [&](const BIGNUM* bn) { small_order.push_back(LittleEndian(bn, 32)); };
  // Canonical: 0, 1, p-1 and the two points of order 8.
  for (const char* hex :
       {"0", "1", "00b8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0",
        "57119fd0dd4e22d8868e1c58c45c44045bef839c55b1d0b1248c50a3bc959c5f"}) {
    BIGNUM* raw = nullptr;
    ASSERT_NE(BN_hex2bn(&raw, hex), 0);
    ossl::BnPtr u(raw);
    add(u.get());
    // Non-canonical u + p where it still fits in 255 bits.
    ASSERT_EQ(BN_add(v.get(), u.get(), p.get()), 1);
    if (BN_num_bits(v.get()) <= 255) add(v.get());
  }
  ASSERT_EQ(BN_sub_word(BN_copy(v.get(), p.get()), 1), 1);
  add(v.get());
  const size_t without_top_bit = small_order.size();
  // X25519 ignores bit 255: the same values with it set.
  for (size_t i = 0; i < without_top_bit; ++i) {
    Bytes high = small_order[i];
    high.back() |= 0x80;
    small_order.push_back(high);
  }
  // 5 canonical values, p and p + 1 (u + p exceeds 255 bits for the others), times two.
  ASSERT_EQ(small_order.size(), 14u);

  DeterministicRng rng(8);
  auto kex = KeyExchange::Create(kDhCurve25519, rng);
  ASSERT_TRUE(kex.ok());
  Bytes scalar(32, 0x42);
  for (const Bytes& u : small_order) {
    EXPECT_TRUE(OpenSslRefuses(EVP_PKEY_X25519, scalar, u)) << ToHex(u) << " is not small order";
    ExpectSmallOrder(**kex, u, ToHex(u));
  }
  // The other non-canonical encodings p+2 .. p+18 (= 2 .. 18) are ordinary points.
  for (unsigned long delta = 2; delta <= 18; ++delta) {
    ASSERT_EQ(BN_add_word(BN_copy(v.get(), p.get()), delta), 1);
    EXPECT_TRUE((*kex)->ComputeSharedSecret(LittleEndian(v.get(), 32)).ok()) << "p + " << delta;
  }
  ExpectInvalid(**kex, Bytes(31, 9), "31 octets");
  ExpectInvalid(**kex, Bytes(33, 9), "33 octets");
  ExpectInvalid(**kex, {}, "empty");
}

TEST(CryptoDhTest, X448RejectsSmallOrderPointsInEveryEncoding) {
  ossl::BnPtr p(BN_new()), term(BN_new()), v(BN_new());
  ASSERT_TRUE(p && term && v);
  ASSERT_EQ(BN_set_bit(p.get(), 448), 1);
  ASSERT_EQ(BN_set_bit(term.get(), 224), 1);
  ASSERT_EQ(BN_sub(p.get(), p.get(), term.get()), 1);
  ASSERT_EQ(BN_sub_word(p.get(), 1), 1);
  std::vector<Bytes> small_order = {Bytes(56, 0), LittleEndian(BN_value_one(), 56),
                                    LittleEndian(p.get(), 56)};
  ASSERT_EQ(BN_add(v.get(), p.get(), BN_value_one()), 1);
  small_order.push_back(LittleEndian(v.get(), 56));
  ASSERT_EQ(BN_sub(v.get(), p.get(), BN_value_one()), 1);
  small_order.push_back(LittleEndian(v.get(), 56));

  DeterministicRng rng(9);
  auto kex = KeyExchange::Create(kDhCurve448, rng);
  ASSERT_TRUE(kex.ok());
  Bytes scalar(56, 0x42);
  for (const Bytes& u : small_order) {
    EXPECT_TRUE(OpenSslRefuses(EVP_PKEY_X448, scalar, u)) << ToHex(u) << " is not small order";
    ExpectSmallOrder(**kex, u, ToHex(u));
  }
  ExpectInvalid(**kex, Bytes(55, 9), "55 octets");
  ExpectInvalid(**kex, Bytes(57, 9), "57 octets");
}

}  // namespace
}  // namespace ikewot::crypto
