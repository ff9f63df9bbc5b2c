// RFC 2409 phase-1 keying and authentication proven on real captures: from the captured nonces,
// public values, cookies and g^xy (the only value taken from the daemon's log) we derive the
// logged SKEYID family, decrypt the captured encrypted messages with the derived IV chain and
// verify the captured SIG_I/SIG_R with the certificates that were used.
#include <gtest/gtest.h>

#include <string>

#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/phase1_keys.h"
#include "core/ikev1/phase1_proposals.h"
#include "tests/unit/ikev1_phase1_test_support.h"

namespace ikewot::ikev1 {
namespace {

using testing::CapturedExchange;
using testing::FindPayload;

struct CaseLayout {
  const char* name;
  bool aggressive;
  // Index of the message carrying the responder's SA (the accepted transform).
  size_t responder_sa;
  size_t initiator_ke;
  size_t responder_ke;
  // First encrypted phase-1 message and how many phase-1 messages are encrypted after it.
  size_t first_encrypted;
  size_t encrypted_count;
  size_t quick_mode_first;
};

constexpr CaseLayout kCases[] = {
    {"strongswan/ikev1-main-cert", false, 1, 2, 3, 4, 2, 6},
    {"libreswan/ikev1-main-rsa", false, 1, 2, 3, 4, 2, 6},
    {"strongswan/ikev1-aggressive-cert", true, 1, 0, 1, 2, 1, 3},
};

// Everything a phase-1 derivation needs, taken from the captured messages.
struct Phase1Inputs {
  Phase1Suite suite;
  Bytes g_xi, g_xr, ni, nr, sai_b;
  Cookie cky_i{}, cky_r{};
  Payload idii, idir;
};

Phase1Inputs ReadInputs(const CapturedExchange& c, const CaseLayout& layout) {
  Phase1Inputs in;
  Message first = c.Parsed(0);
  in.cky_i = first.header.initiator_cookie;
  const auto* sa_i = FindPayload<SaPayload>(first.payloads, PayloadType::kSecurityAssociation);
  EXPECT_NE(sa_i, nullptr);
  auto sai_b = PayloadBodyOctets(MakePayload(*sa_i));
  EXPECT_TRUE(sai_b.ok());
  in.sai_b = *sai_b;
  Message answer = c.Parsed(layout.responder_sa);
  in.cky_r = answer.header.responder_cookie;
  const auto* sa_r = FindPayload<SaPayload>(answer.payloads, PayloadType::kSecurityAssociation);
  EXPECT_NE(sa_r, nullptr);
  auto suite = SuiteFromTransform(sa_r->proposals.at(0).transforms.at(0));
  EXPECT_TRUE(suite.ok()) << suite.error().ToString();
  in.suite = *suite;
  Message mi = c.Parsed(layout.initiator_ke);
  Message mr = c.Parsed(layout.responder_ke);
  in.g_xi = FindPayload<KeyExchangePayload>(mi.payloads, PayloadType::kKeyExchange)->data;
  in.g_xr = FindPayload<KeyExchangePayload>(mr.payloads, PayloadType::kKeyExchange)->data;
  in.ni = FindPayload<NoncePayload>(mi.payloads, PayloadType::kNonce)->data;
  in.nr = FindPayload<NoncePayload>(mr.payloads, PayloadType::kNonce)->data;
  return in;
}

Phase1Keys Derive(const CapturedExchange& c, const Phase1Inputs& in) {
  Bytes secret = c.Key("shared_secret");
  Phase1KeyInputs k{in.suite, secret, in.ni, in.nr, in.cky_i, in.cky_r, in.g_xi, in.g_xr};
  auto keys = DerivePhase1Keys(k);
  EXPECT_TRUE(keys.ok()) << keys.error().ToString();
  return keys.ok() ? *keys : Phase1Keys{};
}

TEST(Ikev1Phase1KeysTest, DerivesTheLoggedKeysFromEveryCapture) {
  for (const CaseLayout& layout : kCases) {
    SCOPED_TRACE(layout.name);
    CapturedExchange c = CapturedExchange::Load(layout.name);
    ASSERT_FALSE(c.raw.empty());
    Phase1Inputs in = ReadInputs(c, layout);
    EXPECT_EQ(ToHex(in.ni), ToHex(c.Key("ni")));
    EXPECT_EQ(ToHex(in.nr), ToHex(c.Key("nr")));
    Phase1Keys keys = Derive(c, in);
    EXPECT_EQ(ToHex(keys.skeyid), ToHex(c.Key("skeyid")));
    EXPECT_EQ(ToHex(keys.skeyid_d), ToHex(c.Key("skeyid_d")));
    EXPECT_EQ(ToHex(keys.skeyid_a), ToHex(c.Key("skeyid_a")));
    EXPECT_EQ(ToHex(keys.skeyid_e), ToHex(c.Key("skeyid_e")));
    EXPECT_EQ(ToHex(keys.encryption_key), ToHex(c.Key("encryption_key")));
    EXPECT_EQ(keys.initial_iv.size(), kPhase1BlockSize);
  }
}

TEST(Ikev1Phase1KeysTest, StrongSwanLoggedInitialIv) {
  // charon-initiator.log: "initial IV => 16 bytes: 95 16 37 52 CF 78 C3 2D ...".
  CapturedExchange c = CapturedExchange::Load("strongswan/ikev1-aggressive-cert");
  Phase1Keys keys = Derive(c, ReadInputs(c, kCases[2]));
  EXPECT_EQ(ToHex(keys.initial_iv), "95163752cf78c32d170d343cc9c09230");
}

TEST(Ikev1Phase1KeysTest, KeyExtensionOfAppendixB) {
  // SKEYID_e shorter than the key: K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1).
  Bytes skeyid_e(20, 0x42);
  auto key = ExpandCipherKey(HashAlgorithm::kSha1, skeyid_e, 32);
  ASSERT_TRUE(key.ok());
  const uint8_t zero = 0;
  auto k1 = Phase1Prf(HashAlgorithm::kSha1, skeyid_e, {ByteView(&zero, 1)});
  auto k2 = Phase1Prf(HashAlgorithm::kSha1, skeyid_e, {*k1});
  Bytes expected = Concat({*k1, *k2});
  expected.resize(32);
  EXPECT_EQ(ToHex(*key), ToHex(expected));
  // Long enough: simply cut.
  auto cut = ExpandCipherKey(HashAlgorithm::kSha2_256, Bytes(32, 7), 16);
  EXPECT_EQ(*cut, Bytes(16, 7));
}

// Decrypts the encrypted phase-1 messages with the IV chain, checks their payloads and padding,
// verifies SIG_I and SIG_R, then opens the first quick-mode message with its own IV.
TEST(Ikev1Phase1KeysTest, DecryptsAndVerifiesEveryCapture) {
  for (const CaseLayout& layout : kCases) {
    SCOPED_TRACE(layout.name);
    CapturedExchange c = CapturedExchange::Load(layout.name);
    Phase1Inputs in = ReadInputs(c, layout);
    Phase1Keys keys = Derive(c, in);
    auto cipher = Phase1Cipher::Create(in.suite, keys.encryption_key);
    ASSERT_TRUE(cipher.ok()) << cipher.error().ToString();
    Bytes iv = keys.initial_iv;
    std::vector<std::vector<Payload>> opened;
    for (size_t i = layout.first_encrypted; i < layout.first_encrypted + layout.encrypted_count;
         ++i) {
      Message m = c.Parsed(i);
      ASSERT_TRUE(m.header.encrypted());
      Bytes next_iv;
      auto plain = cipher->Decrypt(iv, m.encrypted_body, &next_iv);
      ASSERT_TRUE(plain.ok()) << plain.error().ToString();
      auto body =
          ParseDecryptedBody(*plain, static_cast<uint8_t>(m.header.next_payload), kHeaderSize);
      ASSERT_TRUE(body.ok()) << i << ": " << body.error().ToString();
      Status padding = CheckPadding(body->padding);
      EXPECT_TRUE(padding.ok()) << i << ": " << padding.error().ToString() << " "
                                << ToHex(body->padding);
      opened.push_back(body->payloads);
      iv = next_iv;
    }
    // The responder's signed payloads: AM2 in the clear, MM6 encrypted.
    std::vector<Payload> responder_payloads =
        layout.aggressive ? c.Parsed(1).payloads : opened.back();
    std::vector<Payload> initiator_payloads =
        layout.aggressive ? c.Parsed(0).payloads : opened.front();
    const std::vector<Payload>& sig_i_payloads = opened.front();
    auto id_b = [](const std::vector<Payload>& ps) {
      for (const Payload& p : ps) {
        if (p.type == PayloadType::kIdentification) return *PayloadBodyOctets(p);
      }
      return Bytes{};
    };
    AuthHashInputs h{in.suite.hash, keys.skeyid, in.g_xi,  in.g_xr,
                     in.cky_i,      in.cky_r,    in.sai_b, {}};
    Bytes idir_b = id_b(responder_payloads);
    h.id_b = idir_b;
    auto hash_r = ComputeHashR(h);
    ASSERT_TRUE(hash_r.ok());
    Bytes idii_b = id_b(initiator_payloads);
    h.id_b = idii_b;
    auto hash_i = ComputeHashI(h);
    ASSERT_TRUE(hash_i.ok());

    auto responder_key = c.Cert("responder.der").public_key();
    auto initiator_key = c.Cert("initiator.der").public_key();
    ASSERT_TRUE(responder_key.ok() && initiator_key.ok());
    const auto* sig_r = FindPayload<SignaturePayload>(responder_payloads, PayloadType::kSignature);
    const auto* sig_i = FindPayload<SignaturePayload>(sig_i_payloads, PayloadType::kSignature);
    ASSERT_NE(sig_r, nullptr);
    ASSERT_NE(sig_i, nullptr);
    Status r_ok = VerifyPhase1Signature(*responder_key, in.suite.auth, *hash_r, sig_r->data);
    EXPECT_TRUE(r_ok.ok()) << r_ok.error().ToString();
    Status i_ok = VerifyPhase1Signature(*initiator_key, in.suite.auth, *hash_i, sig_i->data);
    EXPECT_TRUE(i_ok.ok()) << i_ok.error().ToString();
    // The other side's hash, a flipped bit or the wrong key never verify.
    EXPECT_EQ(VerifyPhase1Signature(*responder_key, in.suite.auth, *hash_i, sig_r->data).code(),
              ErrorCode::kAuthFailure);
    Bytes flipped = sig_r->data;
    flipped[flipped.size() / 2] ^= 0x01;
    EXPECT_EQ(VerifyPhase1Signature(*responder_key, in.suite.auth, *hash_r, flipped).code(),
              ErrorCode::kAuthFailure);
    EXPECT_EQ(VerifyPhase1Signature(*initiator_key, in.suite.auth, *hash_r, sig_r->data).code(),
              ErrorCode::kAuthFailure);

    // Quick mode's first message: IV = hash(last phase-1 block | M-ID); it starts with HASH(1).
    Message qm = c.Parsed(layout.quick_mode_first);
    ASSERT_EQ(qm.header.exchange_type, ExchangeType::kQuickMode);
    auto qm_iv = ExchangeIv(in.suite.hash, iv, qm.header.message_id);
    ASSERT_TRUE(qm_iv.ok());
    Bytes after_qm;
    auto qm_plain = cipher->Decrypt(*qm_iv, qm.encrypted_body, &after_qm);
    ASSERT_TRUE(qm_plain.ok());
    auto qm_body =
        ParseDecryptedBody(*qm_plain, static_cast<uint8_t>(qm.header.next_payload), kHeaderSize);
    ASSERT_TRUE(qm_body.ok()) << qm_body.error().ToString();
    ASSERT_FALSE(qm_body->payloads.empty());
    EXPECT_EQ(qm_body->payloads[0].type, PayloadType::kHash);
  }
}

TEST(Ikev1Phase1KeysTest, EncryptDecryptRoundTripAndBadLengths) {
  Phase1Suite suite;
  suite.key_bits = 256;
  auto cipher = Phase1Cipher::Create(suite, Bytes(32, 0x11));
  ASSERT_TRUE(cipher.ok());
  Bytes iv(16, 0x22);
  for (size_t n : {1u, 15u, 16u, 17u, 100u}) {
    Bytes plain(n, 0x33);
    Bytes next_enc, next_dec;
    auto ct = cipher->Encrypt(iv, plain, &next_enc);
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(ct->size() % 16, 0u);
    auto back = cipher->Decrypt(iv, *ct, &next_dec);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(next_enc, next_dec);
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), back->begin()));
    Status pad = CheckPadding(ByteView(*back).subspan(n));
    EXPECT_TRUE(pad.ok()) << n;
  }
  Bytes next;
  EXPECT_EQ(cipher->Decrypt(iv, Bytes(15, 0), &next).code(), ErrorCode::kBadLength);
  EXPECT_EQ(cipher->Decrypt(iv, Bytes{}, &next).code(), ErrorCode::kBadLength);
  EXPECT_EQ(Phase1Cipher::Create(suite, Bytes(16, 0)).code(), ErrorCode::kInvalidArgument);
  suite.encryption = EncryptionAlgorithm::kTripleDesCbc;
  EXPECT_EQ(Phase1Cipher::Create(suite, Bytes(24, 0)).code(), ErrorCode::kUnsupported);
  EXPECT_TRUE(CheckPadding(Bytes(16, 0)).ok()) << "strongSwan pads aligned bodies by a block";
  EXPECT_EQ(CheckPadding(Bytes(17, 0)).code(), ErrorCode::kBadValue);
}

}  // namespace
}  // namespace ikewot::ikev1
