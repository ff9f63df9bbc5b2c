// PreparedCrypto (core/crypto/prepared.h) and the calls that take one: every prepared path gives
// exactly what the unprepared path gives (HMAC/PRF/prf+ outputs, X25519/X448 secrets, AEAD),
// signatures made from a prepared template verify, a verification template never lets a bad
// signature through, and the buffered OpenSslRng never hands the same octets to two processes.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <string_view>

#include "core/crypto/aead.h"
#include "core/crypto/auth_signature.h"
#include "core/crypto/dh.h"
#include "core/crypto/prepared.h"
#include "core/crypto/prf.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::crypto {
namespace {

using testing::Hex;

Bytes Octets(std::string_view text) { return Bytes(text.begin(), text.end()); }

TEST(PreparedCryptoTest, HmacMatchesRfc4231AndTheUnpreparedPath) {
  // RFC 4231 §4.3 (test case 2): key "Jefe".
  const Bytes key = Octets("Jefe");
  const Bytes data = Octets("what do ya want for nothing?");
  PreparedCrypto prepared;
  for (int round = 0; round < 3; ++round) {  // the template is reused, never consumed
    Result<Mac> mac = Mac::CreateHmac("SHA2-256", key, &prepared);
    ASSERT_TRUE(mac.ok()) << mac.error().ToString();
    Result<Bytes> tag = mac->Compute({data});
    ASSERT_TRUE(tag.ok());
    EXPECT_EQ(*tag, Hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  }
  for (const char* digest : {"SHA1", "SHA2-384", "SHA2-512"}) {
    for (const Bytes& k : {Bytes{}, key, Bytes(200, 0xaa)}) {  // empty, short, longer than a block
      Result<Mac> plain = Mac::CreateHmac(digest, k);
      Result<Mac> fast = Mac::CreateHmac(digest, k, &prepared);
      ASSERT_TRUE(plain.ok() && fast.ok()) << digest;
      EXPECT_EQ(*plain->Compute({data}), *fast->Compute({data})) << digest << " " << k.size();
    }
  }
}

TEST(PreparedCryptoTest, PrfAndPrfPlusMatchTheUnpreparedPath) {
  PreparedCrypto prepared;
  const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  const Bytes seed = Octets("seed for prf+");
  for (uint16_t prf : {kPrfHmacSha1, kPrfHmacSha2_256, kPrfHmacSha2_384, kPrfHmacSha2_512,
                       kPrfAesCmac128, kPrfAesXcbc128}) {
    EXPECT_EQ(*Prf(prf, key, seed), *Prf(prf, key, seed, &prepared)) << prf;
    EXPECT_EQ(*PrfPlus(prf, key, seed, 200), *PrfPlus(prf, key, seed, 200, &prepared)) << prf;
  }
}

TEST(PreparedCryptoTest, FetchedAlgorithmsAreKeptAndUnknownNamesFail) {
  PreparedCrypto prepared;
  const EVP_MD* sha256 = prepared.Digest("SHA2-256");
  ASSERT_NE(sha256, nullptr);
  EXPECT_EQ(prepared.Digest("SHA2-256"), sha256);  // fetched once
  EXPECT_EQ(EVP_MD_get_size(sha256), 32);
  EXPECT_EQ(prepared.Digest("NO-SUCH-DIGEST"), nullptr);
  ASSERT_NE(prepared.Cipher("AES-256-GCM"), nullptr);
  EXPECT_EQ(prepared.Cipher("AES-256-GCM"), prepared.Cipher("AES-256-GCM"));
  EXPECT_EQ(prepared.Cipher("NO-SUCH-CIPHER"), nullptr);
  ossl::DrainErrors();
}

// The scratch peer key changes identity on every call: secrets with peers B, C, B again equal
// the secrets computed without it, and RFC 7748's small-order values are still refused.
TEST(PreparedCryptoTest, EcxScratchPeerKeyGivesTheSameSecrets) {
  for (uint16_t group : {kDhCurve25519, kDhCurve448}) {
    DeterministicRng rng(7, Octets("ecx"));
    PreparedCrypto prepared;
    auto a = KeyExchange::Create(group, rng, &prepared);
    auto b = KeyExchange::Create(group, rng);
    auto c = KeyExchange::Create(group, rng, &prepared);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    for (const auto* peer : {b->get(), c->get(), b->get()}) {
      Result<Bytes> fast = (*a)->ComputeSharedSecret(peer->public_value(), &prepared);
      Result<Bytes> plain = (*a)->ComputeSharedSecret(peer->public_value());
      Result<Bytes> mirrored = peer->ComputeSharedSecret((*a)->public_value());
      ASSERT_TRUE(fast.ok() && plain.ok() && mirrored.ok()) << group;
      EXPECT_EQ(*fast, *plain);
      EXPECT_EQ(*fast, *mirrored);
    }
    const Bytes zero(PublicValueSize(group), 0);
    EXPECT_EQ((*a)->ComputeSharedSecret(zero, &prepared).code(), ErrorCode::kInvalidPublicKey);
    const Bytes short_value(PublicValueSize(group) - 1, 9);
    EXPECT_EQ((*a)->ComputeSharedSecret(short_value, &prepared).code(),
              ErrorCode::kInvalidPublicKey);
    // A refused value leaves the scratch key usable.
    EXPECT_EQ(*(*a)->ComputeSharedSecret((*c)->public_value(), &prepared),
              *(*c)->ComputeSharedSecret((*a)->public_value()));
  }
}

TEST(PreparedCryptoTest, X25519KeyFromTheSameRngBytesIsTheSameKey) {
  DeterministicRng plain_rng(11), prepared_rng(11);
  PreparedCrypto prepared;
  auto plain = KeyExchange::Create(kDhCurve25519, plain_rng);
  auto fast = KeyExchange::Create(kDhCurve25519, prepared_rng, &prepared);
  ASSERT_TRUE(plain.ok() && fast.ok());
  EXPECT_EQ(Bytes((*plain)->public_value().begin(), (*plain)->public_value().end()),
            Bytes((*fast)->public_value().begin(), (*fast)->public_value().end()));
}

struct SignCase {
  KeyType key;
  uint8_t method;
  uint16_t hash;
  RsaPadding padding;
};

TEST(PreparedCryptoTest, SignaturesFromTemplatesVerifyAndTamperingStillFails) {
  const SignCase cases[] = {
      {KeyType::kEcdsaP256, kAuthMethodDigitalSignature, kSigHashSha256, RsaPadding::kPkcs1v15},
      {KeyType::kEcdsaP256, kAuthMethodEcdsaSha256P256, 0, RsaPadding::kPkcs1v15},
      {KeyType::kEd25519, kAuthMethodDigitalSignature, kSigHashIdentity, RsaPadding::kPkcs1v15},
      {KeyType::kRsa2048, kAuthMethodDigitalSignature, kSigHashSha256, RsaPadding::kPkcs1v15},
      {KeyType::kRsa2048, kAuthMethodDigitalSignature, kSigHashSha384, RsaPadding::kPss},
  };
  DeterministicRng rng(21);
  PreparedCrypto prepared;
  const std::vector<uint16_t> acceptable = SupportedSignatureHashes();
  for (const SignCase& c : cases) {
    Result<PrivateKey> key = PrivateKey::Generate(c.key, rng);
    ASSERT_TRUE(key.ok());
    SignatureTemplates verify_templates(1);
    for (int round = 0; round < 3; ++round) {
      const Bytes octets = Octets("signed octets " + std::to_string(round));
      Result<AuthData> auth = SignAuth(*key, c.method, c.hash, octets, c.padding, &prepared);
      ASSERT_TRUE(auth.ok()) << auth.error().ToString();
      // Checked by the unprepared path and by the prepared one (template made, then copied).
      EXPECT_TRUE(VerifyAuth(key->public_key(), auth->method, auth->data, octets, acceptable).ok());
      EXPECT_TRUE(VerifyAuth(key->public_key(), auth->method, auth->data, octets, acceptable,
                             &prepared, &verify_templates)
                      .ok());
      Bytes tampered = auth->data;
      tampered.back() ^= 0x01;
      EXPECT_FALSE(VerifyAuth(key->public_key(), auth->method, tampered, octets, acceptable,
                              &prepared, &verify_templates)
                       .ok());
      EXPECT_EQ(VerifyAuth(key->public_key(), auth->method, auth->data, Octets("other octets"),
                           acceptable, &prepared, &verify_templates)
                    .code(),
                ErrorCode::kAuthFailure);
    }
    EXPECT_EQ(verify_templates.size(), 1u);
  }
  EXPECT_LE(prepared.signing().size(), 4u);  // bounded: five keys were used
}

TEST(PreparedCryptoTest, SignatureTemplatesKeepTheMostRecentlyUsed) {
  DeterministicRng rng(31);
  Result<PrivateKey> k1 = PrivateKey::Generate(KeyType::kEd25519, rng);
  Result<PrivateKey> k2 = PrivateKey::Generate(KeyType::kEd25519, rng);
  Result<PrivateKey> k3 = PrivateKey::Generate(KeyType::kEd25519, rng);
  ASSERT_TRUE(k1.ok() && k2.ok() && k3.ok());
  auto ctx_for = [](const PrivateKey& key) {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey()), 1);
    return ctx;
  };
  SignatureTemplates templates(2);
  templates.Store(k1->pkey(), 1, ctx_for(*k1));
  templates.Store(k2->pkey(), 1, ctx_for(*k2));
  EXPECT_NE(templates.Find(k1->pkey(), 1), nullptr);  // k1 is now the most recent
  EXPECT_EQ(templates.Find(k1->pkey(), 2), nullptr);  // another setup is another template
  templates.Store(k3->pkey(), 1, ctx_for(*k3));       // drops k2
  EXPECT_EQ(templates.size(), 2u);
  EXPECT_NE(templates.Find(k1->pkey(), 1), nullptr);
  EXPECT_EQ(templates.Find(k2->pkey(), 1), nullptr);
  EXPECT_NE(templates.Find(k3->pkey(), 1), nullptr);
  SignatureTemplates none(0);
  none.Store(k1->pkey(), 1, ctx_for(*k1));
  EXPECT_EQ(none.size(), 0u);
}

// One AEAD context serves both directions: interleaved seals and opens round-trip, and a
// damaged message is still refused with the plaintext wiped.
TEST(PreparedCryptoTest, OneAeadContextSealsAndOpensInterleaved) {
  PreparedCrypto prepared;
  for (AeadAlgorithm algorithm : {AeadAlgorithm::kAesGcm, AeadAlgorithm::kChaCha20Poly1305}) {
    const Bytes key(32, 0x42);
    Result<Aead> aead = Aead::Create(algorithm, key, 16, &prepared);
    Result<Aead> other = Aead::Create(algorithm, key, 16);
    ASSERT_TRUE(aead.ok() && other.ok());
    const Bytes aad = Octets("header");
    for (int i = 0; i < 4; ++i) {
      const Bytes nonce(12, static_cast<uint8_t>(i));
      const Bytes plain = Octets("message number " + std::to_string(i));
      Bytes sealed(plain.size() + 16);
      ASSERT_TRUE(aead->Seal(nonce, aad, plain, sealed).ok());
      Bytes sealed_elsewhere(plain.size() + 16);
      ASSERT_TRUE(other->Seal(nonce, aad, plain, sealed_elsewhere).ok());
      EXPECT_EQ(sealed, sealed_elsewhere);
      Bytes opened(plain.size());
      ASSERT_TRUE(aead->Open(nonce, aad, sealed, opened).ok());
      EXPECT_EQ(opened, plain);
      sealed[0] ^= 1;
      EXPECT_EQ(aead->Open(nonce, aad, sealed, opened).code(), ErrorCode::kAuthFailure);
      EXPECT_EQ(opened, Bytes(plain.size(), 0));
    }
  }
}

TEST(OpenSslRngTest, SmallAndLargeDrawsDoNotRepeat) {
  OpenSslRng rng;
  std::set<Bytes> seen;
  for (size_t size : {4, 8, 32, 32, 63, 64, 65, 200, 1000, 8, 4}) {
    for (int i = 0; i < 20; ++i) {
      Bytes out(size, 0);
      rng.Fill(out);
      EXPECT_TRUE(seen.insert(out).second) << size;  // 2^-32 chance of a false alarm at 4 octets
    }
  }
}

// After fork() the child must not hand out the octets the parent's block still holds.
TEST(OpenSslRngTest, ForkedChildDrawsOtherOctetsThanItsParent) {
  OpenSslRng rng;
  Bytes first(16);
  rng.Fill(first);  // the block now holds 240 unread octets
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Bytes mine(32);
    rng.Fill(mine);
    const bool ok = write(pipe_fds[1], mine.data(), mine.size()) == 32;
    _exit(ok ? 0 : 1);
  }
  Bytes parents(32);
  rng.Fill(parents);
  Bytes childs(32);
  ASSERT_EQ(read(pipe_fds[0], childs.data(), childs.size()), 32);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_NE(parents, childs);
}

}  // namespace
}  // namespace ikewot::crypto
