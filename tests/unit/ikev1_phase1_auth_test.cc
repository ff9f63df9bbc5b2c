// SIG_I/SIG_R made by us verify with our own and OpenSSL's view of the key; the RSA form is the
// raw PKCS#1 type-1 block without DigestInfo; ECDSA is r | s of fixed width.
#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "core/crypto/random.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/phase1_keys.h"
#include "tests/unit/ikev1_phase1_test_support.h"

namespace ikewot::ikev1 {
namespace {

TEST(Ikev1Phase1AuthTest, SignAndVerifyWithEveryKeyType) {
  DeterministicRng rng(7);
  struct Case {
    crypto::KeyType type;
    AuthenticationMethod method;
    size_t size;
  };
  const Case cases[] = {
      {crypto::KeyType::kEcdsaP256, AuthenticationMethod::kEcdsaSha256P256, 64},
      {crypto::KeyType::kEcdsaP384, AuthenticationMethod::kEcdsaSha384P384, 96},
      {crypto::KeyType::kEcdsaP521, AuthenticationMethod::kEcdsaSha512P521, 132},
  };
  Bytes hash(32, 0x5a);
  for (const Case& c : cases) {
    auto key = crypto::PrivateKey::Generate(c.type, rng);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(*SignatureMethodForKey(c.type), c.method);
    auto sig = SignPhase1Hash(*key, c.method, hash);
    ASSERT_TRUE(sig.ok()) << sig.error().ToString();
    EXPECT_EQ(sig->size(), c.size);
    EXPECT_TRUE(VerifyPhase1Signature(key->public_key(), c.method, hash, *sig).ok());
    Bytes other = hash;
    other[0] ^= 1;
    EXPECT_EQ(VerifyPhase1Signature(key->public_key(), c.method, other, *sig).code(),
              ErrorCode::kAuthFailure);
    Bytes short_sig(sig->begin(), sig->end() - 1);
    EXPECT_EQ(VerifyPhase1Signature(key->public_key(), c.method, hash, short_sig).code(),
              ErrorCode::kBadLength);
    EXPECT_EQ(SignPhase1Hash(*key, AuthenticationMethod::kRsaSignature, hash).code(),
              ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(SignatureMethodForKey(crypto::KeyType::kEd25519).code(), ErrorCode::kUnsupported);
}

TEST(Ikev1Phase1AuthTest, RsaSignatureIsRawType1BlockWithoutDigestInfo) {
  testing::CapturedExchange c = testing::CapturedExchange::Load("strongswan/ikev1-main-cert");
  crypto::PrivateKey key = c.PrivateKeyFile("responder-key.pem");
  Bytes hash(32, 0xa5);
  auto sig = SignPhase1Hash(key, AuthenticationMethod::kRsaSignature, hash);
  ASSERT_TRUE(sig.ok()) << sig.error().ToString();
  EXPECT_EQ(sig->size(), 256u);
  // Recover the block with the public key and no padding removal: 00 01 FF..FF 00 hash.
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.public_key().pkey(), nullptr));
  ASSERT_TRUE(ctx && EVP_PKEY_verify_recover_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1);
  Bytes block(256);
  size_t len = block.size();
  ASSERT_EQ(EVP_PKEY_verify_recover(ctx.get(), block.data(), &len, sig->data(), sig->size()), 1);
  ASSERT_EQ(len, 256u);
  EXPECT_EQ(block[0], 0x00);
  EXPECT_EQ(block[1], 0x01);
  EXPECT_EQ(block[256 - 33], 0x00);
  EXPECT_EQ(Bytes(block.end() - 32, block.end()), hash);
  for (size_t i = 2; i < 256 - 33; ++i) ASSERT_EQ(block[i], 0xff) << i;
  EXPECT_TRUE(
      VerifyPhase1Signature(key.public_key(), AuthenticationMethod::kRsaSignature, hash, *sig)
          .ok());
}

TEST(Ikev1Phase1AuthTest, HashIAndHashRDifferInOrder) {
  Bytes skeyid(32, 1), gi(64, 2), gr(64, 3), ci(8, 4), cr(8, 5), sa(40, 6), id(20, 7);
  AuthHashInputs in{HashAlgorithm::kSha2_256, skeyid, gi, gr, ci, cr, sa, id};
  auto hi = ComputeHashI(in);
  auto hr = ComputeHashR(in);
  ASSERT_TRUE(hi.ok() && hr.ok());
  EXPECT_NE(*hi, *hr);
  auto expected = Phase1Prf(HashAlgorithm::kSha2_256, skeyid, {gr, gi, cr, ci, sa, id});
  EXPECT_EQ(*hr, *expected);
  in.cky_i = ByteView(ci).subspan(1);
  EXPECT_EQ(ComputeHashI(in).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ikewot::ikev1
