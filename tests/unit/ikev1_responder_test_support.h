// For the IKEv1 responder tests: a scripted initiator that builds MM1/MM3/MM5 and AM1/AM3 from
// the codec and the shared phase-1 crypto (so a test can send exactly what it wants: tampered,
// truncated, replayed, fragmented) and checks the responder's answers as an initiator would;
// and a harness that drives one ikev1::Responder with a deterministic clock and RNG.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/base/writer.h"
#include "core/crypto/dh.h"
#include "core/crypto/random.h"
#include "core/engine/datagram.h"
#include "core/engine/ike_sa.h"
#include "core/ikev1/message.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/phase1_keys.h"
#include "core/ikev1/phase1_proposals.h"
#include "core/ikev1/responder.h"
#include "core/ikev1/responder_sa.h"
#include "core/ikev1/vendor_ids.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::ikev1::testing {

using engine::Datagram;
using engine::Endpoint;

inline Endpoint InitiatorAt() { return Endpoint::V4(192, 0, 2, 10, 500); }
inline Endpoint ResponderAt() { return Endpoint::V4(198, 51, 100, 20, 500); }

inline Phase1Suite Suite(uint16_t group, AuthenticationMethod auth, uint16_t key_bits = 256,
                         HashAlgorithm hash = HashAlgorithm::kSha2_256) {
  Phase1Suite s;
  s.key_bits = key_bits;
  s.hash = hash;
  s.group = group;
  s.auth = auth;
  s.lifetime_seconds = kDefaultPhase1Lifetime;
  return s;
}

template <typename T>
const T* Find(const std::vector<Payload>& payloads) {
  for (const Payload& p : payloads) {
    if (const T* body = p.As<T>()) return body;
  }
  return nullptr;
}

// Drives one Responder: datagrams in, answers out, virtual time.
struct ResponderHarness {
  DeterministicRng rng{7};
  TimePoint now{};
  engine::NodeCounters node_counters;
  std::vector<Datagram> outgoing;
  std::vector<engine::Event> events;
  std::unique_ptr<Responder> responder;

  explicit ResponderHarness(ResponderConfig config)
      : responder(std::make_unique<Responder>(std::move(config))) {}

  engine::SaContext Context() { return {rng, now, node_counters, outgoing, events}; }

  // Hands `raw` to the responder as if it came from `from` to `to`; returns what it sent.
  std::vector<Datagram> Deliver(ByteView raw, Endpoint from = InitiatorAt(),
                                Endpoint to = ResponderAt()) {
    Datagram d{to, from, engine::FrameIkeMessage(to, from, raw)};
    engine::SaContext ctx = Context();
    Result<engine::UnframedDatagram> unframed = engine::UnframeDatagram(d);
    EXPECT_TRUE(unframed.ok());
    if (unframed.ok()) responder->HandleMessage(unframed->ike_message, d, ctx);
    return std::exchange(outgoing, {});
  }
  void AdvanceTo(TimePoint t) {
    now = t;
    engine::SaContext ctx = Context();
    responder->HandleTimeout(ctx);
  }
  const ResponderCounters& counters() const { return responder->counters(); }
};

// The IKE message inside an answer datagram (non-ESP marker removed on 4500).
inline Bytes IkeOf(const Datagram& d) {
  Result<engine::UnframedDatagram> u = engine::UnframeDatagram(d);
  EXPECT_TRUE(u.ok());
  return u.ok() ? Bytes(u->ike_message.begin(), u->ike_message.end()) : Bytes{};
}

class ScriptedInitiator {
 public:
  struct Options {
    bool nat_t = false;
    bool fragmentation = false;
  };

  ScriptedInitiator(ExchangeType exchange, std::vector<Phase1Suite> offer,
                    engine::LocalIdentity identity, uint64_t seed, Options options)
      : exchange_(exchange),
        offer_(std::move(offer)),
        identity_(std::move(identity)),
        rng_(seed),
        options_(options) {
    cky_i_.resize(kCookieSize);
    rng_.Fill(cky_i_);
    ni_.resize(32);
    rng_.Fill(ni_);
  }

  const Bytes& cky_i() const { return cky_i_; }
  const Bytes& cky_r() const { return cky_r_; }
  const Phase1Suite& suite() const { return suite_; }
  const std::vector<Bytes>& responder_chain() const { return responder_chain_; }
  const Phase1Keys& keys() const { return keys_; }

  // MM1 { SA [, VID] } or AM1 { SA, KE, Ni, IDii [, VID] }.
  Bytes First() {
    std::vector<Payload> payloads{MakePayload(BuildPhase1Sa(offer_))};
    sai_b_ = *PayloadBodyOctets(payloads.front());
    if (exchange_ == ExchangeType::kAggressive) {
      MakeDh(offer_.front().group);
      payloads.push_back(MakePayload(KeyExchangePayload{Public()}));
      payloads.push_back(MakePayload(NoncePayload{ni_}));
      payloads.push_back(OwnId());
    }
    AddVendorIds(payloads);
    return *Encode(std::move(payloads));
  }

  // Reads MM2 (the chosen suite) or AM2 (also derives keys and verifies SIG_R).
  Status TakeSecond(ByteView raw) {
    Result<Message> m = ParseMessage(raw);
    if (!m.ok()) return m.error();
    IKEWOT_RETURN_IF_ERROR(ValidateMessage(*m));
    cky_r_.assign(m->header.responder_cookie.begin(), m->header.responder_cookie.end());
    const SaPayload* sa = Find<SaPayload>(m->payloads);
    if (sa == nullptr) return MakeError(ErrorCode::kBadValue, "no SA in the answer");
    Result<Phase1Suite> suite = AcceptedSuite(*sa, offer_);
    if (!suite.ok()) return suite.error();
    suite_ = *suite;
    if (exchange_ != ExchangeType::kAggressive) return Status::Ok();
    IKEWOT_RETURN_IF_ERROR(TakeKeAndNonce(m->payloads));
    return VerifyResponder(m->payloads);
  }

  // MM3 { KE, Ni [, NAT-D(dest), NAT-D(source)] }.
  Bytes MainKe(const Endpoint& claimed_local = InitiatorAt(),
               const Endpoint& responder = ResponderAt()) {
    MakeDh(suite_.group);
    std::vector<Payload> payloads{MakePayload(KeyExchangePayload{Public()}),
                                  MakePayload(NoncePayload{ni_})};
    if (options_.nat_t) AddNatD(payloads, responder, claimed_local);
    return *Encode(std::move(payloads));
  }

  // Reads MM4 and derives the keys.
  Status TakeMainKe(ByteView raw) {
    Result<Message> m = ParseMessage(raw);
    if (!m.ok()) return m.error();
    IKEWOT_RETURN_IF_ERROR(ValidateMessage(*m));
    if (Find<CertificateRequestPayload>(m->payloads) == nullptr) {
      return MakeError(ErrorCode::kBadValue, "MM4 without CR");
    }
    natd_in_answer_ = 0;
    for (const Payload& p : m->payloads) natd_in_answer_ += p.type == PayloadType::kNatDiscovery;
    return TakeKeAndNonce(m->payloads);
  }
  size_t natd_in_answer() const { return natd_in_answer_; }

  // MM5 { IDii, CERT, SIG_I } or AM3 { CERT, SIG_I }, encrypted. `corrupt_signature` flips a
  // bit of SIG_I (the message still decrypts).
  Bytes Auth(bool corrupt_signature = false) {
    Payload id = OwnId();
    Bytes id_b = *PayloadBodyOctets(id);
    const Bytes g_xi = Public();  // AuthHashInputs holds views: keep the octets alive
    AuthHashInputs in{suite_.hash, keys_.skeyid, g_xi, g_xr_, cky_i_, cky_r_, sai_b_, id_b};
    Bytes hash_i = *ComputeHashI(in);
    Bytes sig = *SignPhase1Hash(*identity_.key, suite_.auth, hash_i);
    if (corrupt_signature) sig[sig.size() / 2] ^= 0x01;
    std::vector<Payload> payloads;
    if (exchange_ != ExchangeType::kAggressive) payloads.push_back(std::move(id));
    for (const Bytes& der : identity_.certificate_chain_der) {
      payloads.push_back(MakePayload(CertificatePayload{CertEncoding::kX509Signature, der}));
    }
    payloads.push_back(MakePayload(SignaturePayload{std::move(sig)}));
    const Bytes iv = iv_;
    return EncodeEncrypted(0, iv, std::move(payloads), &iv_);
  }

  // Reads MM6: decrypts it and verifies SIG_R.
  Status TakeMainAuth(ByteView raw) {
    Result<std::vector<Payload>> payloads = DecryptPhase1(raw);
    if (!payloads.ok()) return payloads.error();
    return VerifyResponder(*payloads);
  }

  // Reads an encrypted Informational: checks HASH(1) and returns the notify type.
  Result<NotifyType> TakeInformational(ByteView raw) {
    Result<Message> m = ParseMessage(raw);
    if (!m.ok()) return m.error();
    if (m->header.exchange_type != ExchangeType::kInformational || !m->header.encrypted()) {
      return MakeError(ErrorCode::kBadValue, "not an encrypted Informational");
    }
    Result<Bytes> iv = ExchangeIv(suite_.hash, iv_, m->header.message_id);
    if (!iv.ok()) return iv.error();
    Result<Phase1Cipher> cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
    Bytes unused;
    Result<Bytes> plain = cipher->Decrypt(*iv, m->encrypted_body, &unused);
    if (!plain.ok()) return plain.error();
    Result<DecryptedBody> body =
        ParseDecryptedBody(*plain, static_cast<uint8_t>(m->header.next_payload), kHeaderSize);
    if (!body.ok()) return body.error();
    if (body->payloads.size() != 2) return MakeError(ErrorCode::kBadValue, "want HASH, N");
    const HashPayload* hash = body->payloads[0].As<HashPayload>();
    const NotificationPayload* n = body->payloads[1].As<NotificationPayload>();
    if (hash == nullptr || n == nullptr) return MakeError(ErrorCode::kBadValue, "want HASH, N");
    Bytes n_octets = *Encode({body->payloads[1]});
    Bytes mid;
    Writer(&mid).U32(m->header.message_id);
    Result<Bytes> want =
        Phase1Prf(suite_.hash, keys_.skeyid_a, {mid, ByteView(n_octets).subspan(kHeaderSize)});
    if (!want.ok() || *want != hash->data) return MakeError(ErrorCode::kAuthFailure, "HASH(1)");
    return n->type;
  }

  // Splits `message` into IKEv1 fragments of at most `budget` octets each.
  std::vector<Bytes> Fragment(ByteView message, size_t budget, uint16_t id = 1) const {
    std::vector<Bytes> out;
    const size_t chunk = budget - kHeaderSize - 8;
    const size_t count = (message.size() + chunk - 1) / chunk;
    for (size_t i = 0; i < count; ++i) {
      size_t len = std::min(chunk, message.size() - i * chunk);
      FragmentPayload f{id, static_cast<uint8_t>(i + 1),
                        static_cast<uint8_t>(i + 1 == count ? kFragmentFlagLast : 0),
                        Bytes(message.begin() + i * chunk, message.begin() + i * chunk + len)};
      out.push_back(*Encode({MakePayload(std::move(f))}));
    }
    return out;
  }

  Result<Bytes> Encode(std::vector<Payload> payloads, uint32_t message_id = 0,
                       ExchangeType exchange = ExchangeType::kNone) const {
    Message m;
    std::copy(cky_i_.begin(), cky_i_.end(), m.header.initiator_cookie.begin());
    if (!cky_r_.empty()) std::copy(cky_r_.begin(), cky_r_.end(), m.header.responder_cookie.begin());
    m.header.exchange_type = exchange == ExchangeType::kNone ? exchange_ : exchange;
    m.header.message_id = message_id;
    m.payloads = std::move(payloads);
    return SerializeMessage(m);
  }

 private:
  void MakeDh(uint16_t group) {
    auto dh = crypto::KeyExchange::Create(group, rng_);
    EXPECT_TRUE(dh.ok());
    dh_ = std::move(*dh);
  }
  Bytes Public() const { return Bytes(dh_->public_value().begin(), dh_->public_value().end()); }

  Payload OwnId() const {
    auto cert = crypto::Certificate::FromDer(identity_.certificate_chain_der.front());
    return MakePayload(IdentificationPayload{IdType::kDerAsn1Dn, 0, 0, cert->SubjectDer()});
  }

  void AddVendorIds(std::vector<Payload>& payloads) const {
    if (options_.nat_t) {
      payloads.push_back(MakePayload(
          VendorIdPayload{Bytes(NatTraversalVendorId().begin(), NatTraversalVendorId().end())}));
    }
    if (options_.fragmentation) {
      payloads.push_back(MakePayload(
          VendorIdPayload{Bytes(FragmentationVendorId().begin(), FragmentationVendorId().end())}));
    }
  }

  void AddNatD(std::vector<Payload>& payloads, const Endpoint& destination,
               const Endpoint& source) const {
    payloads.push_back(MakePayload(
        NatDiscoveryPayload{*ComputeNatDiscoveryHash(suite_.hash, cky_i_, cky_r_, destination)}));
    payloads.push_back(MakePayload(
        NatDiscoveryPayload{*ComputeNatDiscoveryHash(suite_.hash, cky_i_, cky_r_, source)}));
  }

  Status TakeKeAndNonce(const std::vector<Payload>& payloads) {
    const KeyExchangePayload* ke = Find<KeyExchangePayload>(payloads);
    const NoncePayload* nr = Find<NoncePayload>(payloads);
    if (ke == nullptr || nr == nullptr) return MakeError(ErrorCode::kBadValue, "no KE/Nr");
    g_xr_ = ke->data;
    nr_ = nr->data;
    Result<Bytes> shared = dh_->ComputeSharedSecret(g_xr_);
    if (!shared.ok()) return shared.error();
    Bytes g_xi = Public();
    Result<Phase1Keys> keys =
        DerivePhase1Keys({suite_, *shared, ni_, nr_, cky_i_, cky_r_, g_xi, g_xr_});
    if (!keys.ok()) return keys.error();
    keys_ = *keys;
    iv_ = keys_.initial_iv;
    return Status::Ok();
  }

  Status VerifyResponder(const std::vector<Payload>& payloads) {
    const Payload* id = nullptr;
    for (const Payload& p : payloads) {
      if (p.type == PayloadType::kIdentification) id = &p;
    }
    const SignaturePayload* sig = Find<SignaturePayload>(payloads);
    if (id == nullptr || sig == nullptr) return MakeError(ErrorCode::kBadValue, "no IDr/SIG_R");
    responder_chain_.clear();
    for (const Payload& p : payloads) {
      if (const CertificatePayload* c = p.As<CertificatePayload>())
        responder_chain_.push_back(c->data);
    }
    if (responder_chain_.empty()) return MakeError(ErrorCode::kBadValue, "no CERT");
    auto cert = crypto::Certificate::FromDer(responder_chain_.front());
    if (!cert.ok()) return cert.error();
    Bytes id_b = *PayloadBodyOctets(*id);
    Bytes g_xi = Public();
    AuthHashInputs in{suite_.hash, keys_.skeyid, g_xi, g_xr_, cky_i_, cky_r_, sai_b_, id_b};
    Result<Bytes> hash_r = ComputeHashR(in);
    if (!hash_r.ok()) return hash_r.error();
    auto key = cert->public_key();
    if (!key.ok()) return key.error();
    return VerifyPhase1Signature(*key, suite_.auth, *hash_r, sig->data);
  }

  Result<std::vector<Payload>> DecryptPhase1(ByteView raw) {
    Result<Message> m = ParseMessage(raw);
    if (!m.ok()) return m.error();
    if (!m->header.encrypted()) return MakeError(ErrorCode::kBadValue, "not encrypted");
    Result<Phase1Cipher> cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
    Bytes next;
    Result<Bytes> plain = cipher->Decrypt(iv_, m->encrypted_body, &next);
    if (!plain.ok()) return plain.error();
    Result<DecryptedBody> body =
        ParseDecryptedBody(*plain, static_cast<uint8_t>(m->header.next_payload), kHeaderSize);
    if (!body.ok()) return body.error();
    iv_ = next;
    return body->payloads;
  }

  Bytes EncodeEncrypted(uint32_t message_id, ByteView iv, std::vector<Payload> payloads,
                        Bytes* next_iv) const {
    const PayloadType first = payloads.front().type;
    Bytes plain = *Encode(std::move(payloads), message_id);
    auto cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
    Bytes body = *cipher->Encrypt(iv, ByteView(plain).subspan(kHeaderSize), next_iv);
    Message m;
    std::copy(cky_i_.begin(), cky_i_.end(), m.header.initiator_cookie.begin());
    std::copy(cky_r_.begin(), cky_r_.end(), m.header.responder_cookie.begin());
    m.header.exchange_type = exchange_;
    m.header.next_payload = first;
    m.header.flags = kFlagEncryption;
    m.header.message_id = message_id;
    m.encrypted_body = std::move(body);
    return *SerializeMessage(m);
  }

  ExchangeType exchange_;
  std::vector<Phase1Suite> offer_;
  engine::LocalIdentity identity_;
  DeterministicRng rng_;
  Options options_;
  Bytes cky_i_;
  Bytes cky_r_;
  Bytes ni_;
  Bytes nr_;
  Bytes g_xr_;
  Bytes sai_b_;
  std::unique_ptr<crypto::KeyExchange> dh_;
  Phase1Suite suite_;
  Phase1Keys keys_;
  Bytes iv_;
  size_t natd_in_answer_ = 0;
  std::vector<Bytes> responder_chain_;
};

}  // namespace ikewot::ikev1::testing
