// The IKEv1 initiator's exchanges: building AM1, MM1, MM3 and MM5, and taking AM2, MM2, MM4 and
// MM6 apart (RFC 2409 §5; message arrows in initiator.h).
#include <algorithm>
#include <string>

#include "core/ikev1/initiator.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/vendor_ids.h"

namespace ikewot::ikev1 {
namespace {

constexpr size_t kMinNonce = 8;  // RFC 2409 §5: 8..256 octets
constexpr size_t kMaxNonce = 256;
constexpr size_t kOurNonceSize = 32;

// RFC 3947 NAT-T, RFC 3706 DPD, XAUTH, IKE fragmentation: what strongSwan sends too.
void AppendVendorIds(std::vector<Payload>* payloads) {
  for (Payload& vid : VendorIdPayloads(
           {NatTraversalVendorId(), DpdVendorId(), XauthVendorId(), FragmentationVendorId()})) {
    payloads->push_back(std::move(vid));
  }
}

Header InitiatorHeader(const Cookie& cky_i, const Cookie& cky_r, ExchangeType exchange) {
  Header h;
  h.initiator_cookie = cky_i;
  h.responder_cookie = cky_r;
  h.exchange_type = exchange;
  return h;
}

template <typename T>
const T* Only(const std::vector<Payload>& payloads, size_t* count) {
  const T* found = nullptr;
  *count = 0;
  for (const Payload& p : payloads) {
    if (const T* body = p.As<T>()) {
      found = body;
      ++*count;
    }
  }
  return found;
}

// The one payload of type T, or nullptr when it is missing or repeated.
template <typename T>
const T* Single(const std::vector<Payload>& payloads) {
  size_t count = 0;
  const T* found = Only<T>(payloads, &count);
  return count == 1 ? found : nullptr;
}

}  // namespace

Bytes Initiator::OurIdBody() const {
  auto body = PayloadBodyOctets(OurIdPayload());
  return body.ok() ? *body : Bytes{};
}

Payload Initiator::OurIdPayload() const {
  IdentificationPayload id;
  if (identity_.key && !identity_.subject_der.empty()) {
    id.id_type = IdType::kDerAsn1Dn;
    id.data = identity_.subject_der;
  } else {
    id.id_type = IdType::kFqdn;
    id.data.assign(config_.probe_fqdn.begin(), config_.probe_fqdn.end());
  }
  return MakePayload(std::move(id));
}

Result<Bytes> Initiator::BuildAm1() {
  auto ke = crypto::KeyExchange::Create(config_.aggressive_group, rng_);
  if (!ke.ok()) return ke.error();
  ke_ = std::move(*ke);
  ni_.assign(kOurNonceSize, 0);
  rng_.Fill(ni_);
  Message m;
  m.header = InitiatorHeader(cky_i_, Cookie{}, ExchangeType::kAggressive);
  m.payloads.push_back(MakePayload(BuildPhase1Sa(offered_)));
  m.payloads.push_back(MakePayload(
      KeyExchangePayload{Bytes(ke_->public_value().begin(), ke_->public_value().end())}));
  m.payloads.push_back(MakePayload(NoncePayload{ni_}));
  m.payloads.push_back(OurIdPayload());
  m.payloads.push_back(MakePayload(CertificateRequestPayload{CertEncoding::kX509Signature, {}}));
  AppendVendorIds(&m.payloads);
  return SerializeMessage(m);
}

Result<Bytes> Initiator::BuildMm1() {
  Message m;
  m.header = InitiatorHeader(cky_i_, Cookie{}, ExchangeType::kIdentityProtection);
  m.payloads.push_back(MakePayload(BuildPhase1Sa(offered_)));
  AppendVendorIds(&m.payloads);
  return SerializeMessage(m);
}

Result<Bytes> Initiator::BuildMm3(const engine::Datagram& received) {
  Message m;
  m.header = InitiatorHeader(cky_i_, cky_r_, ExchangeType::kIdentityProtection);
  m.payloads.push_back(MakePayload(
      KeyExchangePayload{Bytes(ke_->public_value().begin(), ke_->public_value().end())}));
  m.payloads.push_back(MakePayload(NoncePayload{ni_}));
  if (peer_nat_t_) {
    // Hash the addresses as the responder's datagram showed them to us (RFC 3947 §3.2).
    auto natd = MakeNatDiscoveryPayloads(suite_->hash, cky_i_, cky_r_, received.local,
                                         received.remote, PayloadType::kNatDiscovery);
    if (!natd.ok()) return natd.error();
    m.payloads.insert(m.payloads.end(), natd->begin(), natd->end());
  }
  return SerializeMessage(m);
}

Result<Bytes> Initiator::BuildMm5() {
  const Bytes idii_b = OurIdBody();
  AuthHashInputs in{suite_->hash, keys_.skeyid, ke_->public_value(), g_xr_, cky_i_, cky_r_,
                    sai_b_,       idii_b};
  auto hash_i = ComputeHashI(in);
  if (!hash_i.ok()) return hash_i.error();
  auto sig = SignPhase1Hash(*identity_.key, suite_->auth, *hash_i);
  if (!sig.ok()) return sig.error();

  Message inner;
  inner.header = InitiatorHeader(cky_i_, cky_r_, ExchangeType::kIdentityProtection);
  inner.payloads.push_back(OurIdPayload());
  for (const Bytes& der : identity_.certificate_chain_der) {
    inner.payloads.push_back(MakePayload(CertificatePayload{CertEncoding::kX509Signature, der}));
  }
  inner.payloads.push_back(MakePayload(SignaturePayload{std::move(*sig)}));
  inner.payloads.push_back(
      MakePayload(CertificateRequestPayload{CertEncoding::kX509Signature, {}}));
  auto clear = SerializeMessage(inner);
  if (!clear.ok()) return clear.error();
  Bytes next_iv;
  auto body = cipher_->Encrypt(iv_, ByteView(*clear).subspan(kHeaderSize), &next_iv);
  if (!body.ok()) return body.error();
  iv_ = std::move(next_iv);

  Message outer;
  outer.header = inner.header;
  outer.header.flags = kFlagEncryption;
  outer.header.next_payload = PayloadType::kIdentification;
  outer.encrypted_body = std::move(*body);
  return SerializeMessage(outer);
}

bool Initiator::DeriveKeys(ByteView g_xr, ByteView nr) {
  if (g_xr.size() != crypto::PublicValueSize(suite_->group)) {
    Drop(&counters_.rejected, "KE of " + std::to_string(g_xr.size()) + " octets for group " +
                                  std::to_string(suite_->group));
    return false;
  }
  if (nr.size() < kMinNonce || nr.size() > kMaxNonce) {
    Drop(&counters_.rejected, "nonce of " + std::to_string(nr.size()) + " octets (8..256)");
    return false;
  }
  auto secret = ke_->ComputeSharedSecret(g_xr);
  if (!secret.ok()) {
    Drop(&counters_.rejected, "responder's public value: " + secret.error().ToString());
    return false;
  }
  Phase1KeyInputs in{*suite_, *secret, ni_, nr, cky_i_, cky_r_, ke_->public_value(), g_xr};
  auto keys = DerivePhase1Keys(in);
  if (!keys.ok()) {
    Drop(&counters_.rejected, keys.error().ToString());
    return false;
  }
  auto cipher = Phase1Cipher::Create(*suite_, keys->encryption_key);
  if (!cipher.ok()) {
    Drop(&counters_.rejected, cipher.error().ToString());
    return false;
  }
  keys_ = std::move(*keys);
  cipher_.emplace(std::move(*cipher));
  iv_ = keys_.initial_iv;
  g_xr_.assign(g_xr.begin(), g_xr.end());
  return true;
}

void Initiator::OnAm2(const Message& message, const engine::Datagram& datagram, TimePoint now) {
  const auto& payloads = message.payloads;
  const auto* sa = Single<SaPayload>(payloads);
  const auto* ke = Single<KeyExchangePayload>(payloads);
  const auto* nonce = Single<NoncePayload>(payloads);
  if (sa == nullptr || ke == nullptr || nonce == nullptr) {
    Drop(&counters_.malformed, "AM2 needs exactly one SA, KE and nonce payload");
    return;
  }
  auto suite = AcceptedSuite(*sa, offered_);
  if (!suite.ok()) {
    Drop(&counters_.rejected, "AM2: " + suite.error().message);
    return;
  }
  suite_ = *suite;
  cky_r_ = message.header.responder_cookie;
  if (!DeriveKeys(ke->data, nonce->data)) {
    suite_.reset();
    return;
  }
  result_.behaviour.init_payload_order.clear();
  for (const Payload& p : payloads) {
    result_.behaviour.init_payload_order.push_back(static_cast<uint8_t>(p.type));
  }
  NoteVendorIds(payloads);
  NoteNat(payloads, datagram);
  TakeResponderProof(payloads, now);
}

void Initiator::OnMm2(const Message& message, const engine::Datagram& datagram, TimePoint now) {
  const auto* sa = Single<SaPayload>(message.payloads);
  if (sa == nullptr) {
    Drop(&counters_.malformed, "MM2 needs exactly one SA payload");
    return;
  }
  auto suite = AcceptedSuite(*sa, offered_);
  if (!suite.ok()) {
    Drop(&counters_.rejected, "MM2: " + suite.error().message);
    return;
  }
  auto ke = crypto::KeyExchange::Create(suite->group, rng_);
  if (!ke.ok()) {
    Drop(&counters_.rejected,
         "MM2 chose group " + std::to_string(suite->group) + ": " + ke.error().message);
    return;
  }
  suite_ = *suite;
  ke_ = std::move(*ke);
  ni_.assign(kOurNonceSize, 0);
  rng_.Fill(ni_);
  cky_r_ = message.header.responder_cookie;
  for (const Payload& p : message.payloads) {
    result_.behaviour.init_payload_order.push_back(static_cast<uint8_t>(p.type));
  }
  NoteVendorIds(message.payloads);
  result_.behaviour.chosen_proposal = suite_->ToString();
  auto mm3 = BuildMm3(datagram);
  if (!mm3.ok()) {
    Finish(engine::ProbeStop::kProtocolError, "building MM3: " + mm3.error().ToString(), now);
    return;
  }
  NoteAnswer(now);
  state_ = State::kAwaitMm4;
  Send(std::move(*mm3), now);
}

void Initiator::OnMm4(const Message& message, const engine::Datagram& datagram, TimePoint now) {
  const auto* ke = Single<KeyExchangePayload>(message.payloads);
  const auto* nonce = Single<NoncePayload>(message.payloads);
  if (ke == nullptr || nonce == nullptr) {
    Drop(&counters_.malformed, "MM4 needs exactly one KE and one nonce payload");
    return;
  }
  if (!DeriveKeys(ke->data, nonce->data)) return;
  NoteNat(message.payloads, datagram);
  if (result_.nat.local_behind_nat || result_.nat.peer_behind_nat) {
    // RFC 3947 §4: the initiator moves to port 4500 with the message carrying its identity.
    if (remote_.port == engine::kIkePort) remote_.port = engine::kNatTraversalPort;
    local_ = config_.local_natt.valid()
                 ? config_.local_natt
                 : engine::Endpoint{config_.local.address, engine::kNatTraversalPort};
    floated_ = true;
  }
  auto mm5 = BuildMm5();
  if (!mm5.ok()) {
    Finish(engine::ProbeStop::kProtocolError, "building MM5: " + mm5.error().ToString(), now);
    return;
  }
  NoteAnswer(now);
  state_ = State::kAwaitMm6;
  Send(std::move(*mm5), now);
}

void Initiator::OnMm6(const Message& message, TimePoint now) {
  Bytes next_iv;
  auto plain = cipher_->Decrypt(iv_, message.encrypted_body, &next_iv);
  if (!plain.ok()) {
    Drop(&counters_.undecryptable, "MM6: " + plain.error().ToString());
    return;
  }
  auto body =
      ParseDecryptedBody(*plain, static_cast<uint8_t>(message.header.next_payload), kHeaderSize);
  if (!body.ok()) {
    Drop(&counters_.undecryptable,
         "MM6 does not decrypt to a payload chain: " + body.error().ToString());
    return;
  }
  if (Status padding = CheckPadding(body->padding); !padding.ok()) {
    Drop(&counters_.undecryptable, "MM6 padding: " + padding.error().message);
    return;
  }
  result_.behaviour.auth_payload_order.clear();
  for (const Payload& p : body->payloads) {
    result_.behaviour.auth_payload_order.push_back(static_cast<uint8_t>(p.type));
  }
  if (TakeResponderProof(body->payloads, now)) iv_ = std::move(next_iv);
}

}  // namespace ikewot::ikev1
