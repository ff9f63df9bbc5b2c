// A scripted IKEv1 responder for the initiator tests, built from the captured strongSwan
// exchanges: its answers are the captured AM2 / MM2 / MM4 / MM6 with their real SA, IDr,
// certificate, certificate request and vendor IDs, re-keyed for the initiator under test -- our
// cookies, a fresh KE of the captured group, NAT-D for the test addresses and SIG_R made with
// the captured responder's private key over the new exchange. It also opens what the initiator
// sends (MM5) and checks SIG_I, so the tests see both directions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/writer.h"
#include "core/crypto/dh.h"
#include "core/crypto/random.h"
#include "core/engine/datagram.h"
#include "core/ikev1/message.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/payload_codec.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/phase1_keys.h"
#include "core/ikev1/phase1_proposals.h"
#include "tests/unit/ikev1_phase1_test_support.h"

namespace ikewot::ikev1::testing {

inline const engine::Endpoint kInitiatorEndpoint = engine::Endpoint::V4(192, 0, 2, 1, 500);
inline const engine::Endpoint kResponderEndpoint = engine::Endpoint::V4(192, 0, 2, 2, 500);

class ScriptedResponder {
 public:
  // `capture`: "strongswan/ikev1-aggressive-cert" or "strongswan/ikev1-main-cert".
  explicit ScriptedResponder(const std::string& capture)
      : capture_(CapturedExchange::Load(capture)),
        key_(capture_.PrivateKeyFile("responder-key.pem")),
        rng_(99) {
    cky_r_ = capture_.Parsed(1).header.responder_cookie;
  }

  const CapturedExchange& capture() const { return capture_; }
  // Pretend the initiator is seen from this address (a NAT between us).
  void SeeInitiatorAs(engine::Endpoint e) { seen_initiator_ = std::move(e); }
  const Phase1Keys& keys() const { return keys_; }
  const std::vector<Payload>& mm5_payloads() const { return mm5_payloads_; }
  Bytes last_block() const { return iv_; }

  // AM1 -> AM2 (captured message 1 re-keyed).
  Bytes AnswerAm1(const engine::Datagram& am1) {
    Message request = ParseOurs(am1);
    TakeInitiatorHello(request);
    const auto* ke_i = FindPayload<KeyExchangePayload>(request.payloads, PayloadType::kKeyExchange);
    const auto* ni = FindPayload<NoncePayload>(request.payloads, PayloadType::kNonce);
    Message answer = capture_.Parsed(1);
    answer.header.initiator_cookie = cky_i_;
    answer.header.responder_cookie = cky_r_;
    Rekey(answer.payloads, ke_i->data, ni->data, am1);
    return Serialize(answer);
  }

  // MM1 -> MM2: the captured SA answer and vendor IDs with our cookies.
  Bytes AnswerMm1(const engine::Datagram& mm1) {
    Message request = ParseOurs(mm1);
    TakeInitiatorHello(request);
    Message answer = capture_.Parsed(1);
    answer.header.initiator_cookie = cky_i_;
    answer.header.responder_cookie = cky_r_;
    return Serialize(answer);
  }

  // MM3 -> MM4: a fresh KE, the captured nonce and CR, NAT-D for what we saw.
  Bytes AnswerMm3(const engine::Datagram& mm3) {
    Message request = ParseOurs(mm3);
    const auto* ke_i = FindPayload<KeyExchangePayload>(request.payloads, PayloadType::kKeyExchange);
    const auto* ni = FindPayload<NoncePayload>(request.payloads, PayloadType::kNonce);
    EXPECT_NE(ke_i, nullptr);
    EXPECT_NE(ni, nullptr);
    Message answer = capture_.Parsed(3);
    answer.header.initiator_cookie = cky_i_;
    answer.header.responder_cookie = cky_r_;
    Rekey(answer.payloads, ke_i->data, ni->data, mm3);
    return Serialize(answer);
  }

  // MM5 -> MM6: decrypts MM5, checks SIG_I against the CERT it carries, answers with the
  // captured IDir and CERT and a fresh SIG_R, encrypted on the IV chain.
  Bytes AnswerMm5(const engine::Datagram& mm5) {
    OpenMm5(mm5);
    // The captured MM6 payloads (decrypted with the captured keys), SIG_R replaced.
    std::vector<Payload> mm6 = CapturedMm6Payloads();
    for (Payload& p : mm6) {
      if (p.As<SignaturePayload>()) p = MakePayload(SignaturePayload{SigR(mm6)});
    }
    last_mm6_ = mm6;
    return Encrypted(ExchangeType::kIdentityProtection, 0, mm6, &iv_);
  }
  // The payloads of the last MM6 built, before encryption.
  const std::vector<Payload>& last_mm6() const { return last_mm6_; }

  // Decrypts MM5 and checks SIG_I, as a responder that then refuses us does.
  void OpenMm5(const engine::Datagram& mm5) {
    Message request = ParseOurs(mm5);
    EXPECT_TRUE(request.header.encrypted());
    auto cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
    Bytes next;
    auto plain = cipher->Decrypt(iv_, request.encrypted_body, &next);
    EXPECT_TRUE(plain.ok());
    auto body =
        ParseDecryptedBody(*plain, static_cast<uint8_t>(request.header.next_payload), kHeaderSize);
    EXPECT_TRUE(body.ok()) << body.error().ToString();
    EXPECT_TRUE(CheckPadding(body->padding).ok());
    mm5_payloads_ = body->payloads;
    iv_ = next;
    const Payload* idii = nullptr;
    const CertificatePayload* cert = nullptr;
    const SignaturePayload* sig = nullptr;
    for (const Payload& p : body->payloads) {
      if (p.As<IdentificationPayload>()) idii = &p;
      if (p.As<CertificatePayload>() && !cert) cert = p.As<CertificatePayload>();
      if (p.As<SignaturePayload>()) sig = p.As<SignaturePayload>();
    }
    EXPECT_TRUE(idii && cert && sig);
    auto idii_b = PayloadBodyOctets(*idii);
    AuthHashInputs h{suite_.hash, keys_.skeyid, g_xi_,  ke_->public_value(),
                     cky_i_,      cky_r_,       sai_b_, *idii_b};
    auto hash_i = ComputeHashI(h);
    auto initiator_cert = crypto::Certificate::FromDer(cert->data);
    EXPECT_TRUE(initiator_cert.ok());
    sig_i_verified_ =
        VerifyPhase1Signature(*initiator_cert->public_key(), suite_.auth, *hash_i, sig->data).ok();
  }

  // An encrypted INFORMATIONAL { HASH(1), N(type) } as a responder sends it after MM5.
  Bytes EncryptedNotify(NotifyType type, uint32_t message_id) {
    NotificationPayload n;
    n.doi = Doi::kIpsec;
    n.protocol = ProtocolId::kIsakmp;
    n.type = type;
    n.spi = Bytes(cky_i_.begin(), cky_i_.end());
    n.spi.insert(n.spi.end(), cky_r_.begin(), cky_r_.end());
    Payload notify = MakePayload(n);
    Bytes chain;
    Writer w(&chain);
    EXPECT_TRUE(SerializePayload(notify, PayloadType::kNone, &w).ok());
    const uint8_t mid[4] = {
        static_cast<uint8_t>(message_id >> 24), static_cast<uint8_t>(message_id >> 16),
        static_cast<uint8_t>(message_id >> 8), static_cast<uint8_t>(message_id)};
    auto hash1 = Phase1Prf(suite_.hash, keys_.skeyid_a, {ByteView(mid, 4), chain});
    std::vector<Payload> payloads = {MakePayload(HashPayload{*hash1}), notify};
    auto iv = ExchangeIv(suite_.hash, iv_, message_id);
    Bytes scratch = *iv;
    return Encrypted(ExchangeType::kInformational, message_id, payloads, &scratch);
  }

  // A notification in the clear (NO_PROPOSAL_CHOSEN to MM1/AM1, or a lazy refusal of MM5).
  Bytes ClearNotify(NotifyType type, bool with_responder_cookie) const {
    Message m;
    m.header.initiator_cookie = cky_i_;
    if (with_responder_cookie) m.header.responder_cookie = cky_r_;
    m.header.exchange_type = ExchangeType::kInformational;
    NotificationPayload n;
    n.type = type;
    m.payloads.push_back(MakePayload(n));
    return Serialize(m);
  }

  bool sig_i_verified() const { return sig_i_verified_; }

  engine::Datagram ToInitiator(Bytes message, uint16_t local_port = 500,
                               uint16_t remote_port = 500) const {
    engine::Endpoint from = kResponderEndpoint;
    from.port = remote_port;
    engine::Endpoint to = kInitiatorEndpoint;
    to.port = local_port;
    return engine::Datagram{to, from, engine::FrameIkeMessage(to, from, message)};
  }

 private:
  Message ParseOurs(const engine::Datagram& d) {
    auto unframed = engine::UnframeDatagram(d);
    EXPECT_TRUE(unframed.ok());
    auto m = ParseMessage(unframed->ike_message);
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    if (!m->header.encrypted()) {
      Status valid = ValidateMessage(*m);
      EXPECT_TRUE(valid.ok()) << valid.error().ToString();
    }
    return *m;
  }

  void TakeInitiatorHello(const Message& request) {
    cky_i_ = request.header.initiator_cookie;
    const auto* sa = FindPayload<SaPayload>(request.payloads, PayloadType::kSecurityAssociation);
    EXPECT_NE(sa, nullptr);
    sai_b_ = *PayloadBodyOctets(MakePayload(*sa));
    Message captured_answer = capture_.Parsed(1);
    const auto* chosen =
        FindPayload<SaPayload>(captured_answer.payloads, PayloadType::kSecurityAssociation);
    auto suite = SuiteFromTransform(chosen->proposals[0].transforms[0]);
    EXPECT_TRUE(suite.ok()) << suite.error().ToString();
    suite_ = *suite;
  }

  // Replaces KE, NAT-D and (if present) SIG_R of a captured answer for this exchange.
  void Rekey(std::vector<Payload>& payloads, ByteView g_xi, ByteView ni,
             const engine::Datagram& request) {
    auto ke = crypto::KeyExchange::Create(suite_.group, rng_);
    ASSERT_TRUE(ke.ok());
    ke_ = std::move(*ke);
    g_xi_.assign(g_xi.begin(), g_xi.end());
    const auto* nr = FindPayload<NoncePayload>(payloads, PayloadType::kNonce);
    auto secret = ke_->ComputeSharedSecret(g_xi);
    ASSERT_TRUE(secret.ok());
    Phase1KeyInputs in{suite_, *secret, ni, nr->data, cky_i_, cky_r_, g_xi, ke_->public_value()};
    auto keys = DerivePhase1Keys(in);
    ASSERT_TRUE(keys.ok());
    keys_ = *keys;
    iv_ = keys_.initial_iv;
    // `request` is the initiator's datagram: its local is the initiator, its remote is us.
    engine::Endpoint initiator = seen_initiator_ ? *seen_initiator_ : request.local;
    auto natd = MakeNatDiscoveryPayloads(suite_.hash, cky_i_, cky_r_, request.remote, initiator,
                                         PayloadType::kNatDiscovery);
    size_t natd_index = 0;
    for (Payload& p : payloads) {
      if (p.As<KeyExchangePayload>()) {
        p = MakePayload(
            KeyExchangePayload{Bytes(ke_->public_value().begin(), ke_->public_value().end())});
      } else if (p.As<NatDiscoveryPayload>()) {
        p = (*natd)[std::min<size_t>(natd_index++, 1)];
      }
    }
    for (Payload& p : payloads) {
      if (p.As<SignaturePayload>()) p = MakePayload(SignaturePayload{SigR(payloads)});
    }
  }

  Bytes SigR(const std::vector<Payload>& payloads) {
    Bytes idir_b;
    for (const Payload& p : payloads) {
      if (p.As<IdentificationPayload>()) idir_b = *PayloadBodyOctets(p);
    }
    AuthHashInputs h{suite_.hash, keys_.skeyid, g_xi_,  ke_->public_value(),
                     cky_i_,      cky_r_,       sai_b_, idir_b};
    auto hash_r = ComputeHashR(h);
    auto sig = SignPhase1Hash(key_, suite_.auth, *hash_r);
    EXPECT_TRUE(sig.ok()) << sig.error().ToString();
    return *sig;
  }

  std::vector<Payload> CapturedMm6Payloads() const {
    Phase1Suite suite = suite_;
    auto cipher = Phase1Cipher::Create(suite, capture_.Key("encryption_key"));
    // The captured IV chain: IV0 from the captured KEs, then the captured MM5's last block.
    Message mm3 = capture_.Parsed(2), mm4 = capture_.Parsed(3);
    auto g_xi = FindPayload<KeyExchangePayload>(mm3.payloads, PayloadType::kKeyExchange)->data;
    auto g_xr = FindPayload<KeyExchangePayload>(mm4.payloads, PayloadType::kKeyExchange)->data;
    auto iv0 = Phase1Hash(suite.hash, {g_xi, g_xr});
    iv0->resize(kPhase1BlockSize);
    Message mm5 = capture_.Parsed(4), mm6 = capture_.Parsed(5);
    Bytes iv = *iv0, next;
    EXPECT_TRUE(cipher->Decrypt(iv, mm5.encrypted_body, &next).ok());
    auto plain = cipher->Decrypt(next, mm6.encrypted_body, &iv);
    auto body =
        ParseDecryptedBody(*plain, static_cast<uint8_t>(mm6.header.next_payload), kHeaderSize);
    EXPECT_TRUE(body.ok());
    return body->payloads;
  }

  Bytes Encrypted(ExchangeType exchange, uint32_t message_id, const std::vector<Payload>& payloads,
                  Bytes* iv) {
    Message inner;
    inner.header.initiator_cookie = cky_i_;
    inner.header.responder_cookie = cky_r_;
    inner.header.exchange_type = exchange;
    inner.header.message_id = message_id;
    inner.payloads = payloads;
    Bytes clear = Serialize(inner);
    auto cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
    Bytes next;
    auto body = cipher->Encrypt(*iv, ByteView(clear).subspan(kHeaderSize), &next);
    *iv = next;
    Message outer;
    outer.header = inner.header;
    outer.header.flags = kFlagEncryption;
    outer.header.next_payload = payloads.front().type;
    outer.encrypted_body = *body;
    return Serialize(outer);
  }

  static Bytes Serialize(const Message& m) {
    auto bytes = SerializeMessage(m);
    EXPECT_TRUE(bytes.ok()) << bytes.error().ToString();
    return bytes.ok() ? *bytes : Bytes{};
  }

  CapturedExchange capture_;
  crypto::PrivateKey key_;
  DeterministicRng rng_;
  Cookie cky_i_{}, cky_r_{};
  Phase1Suite suite_;
  Bytes sai_b_, g_xi_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Phase1Keys keys_;
  Bytes iv_;
  std::optional<engine::Endpoint> seen_initiator_;
  std::vector<Payload> mm5_payloads_;
  std::vector<Payload> last_mm6_;
  bool sig_i_verified_ = false;
};

}  // namespace ikewot::ikev1::testing
