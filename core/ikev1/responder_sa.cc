#include "core/ikev1/responder_sa.h"

#include <algorithm>

#include "core/crypto/identification.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/vendor_ids.h"

namespace ikewot::ikev1 {
namespace {

// RFC 2409 §5: nonces of 8..256 octets.
constexpr size_t kMinNonce = 8;
constexpr size_t kMaxNonce = 256;
constexpr size_t kOurNonceSize = 32;

template <typename T>
const T* Find(const std::vector<Payload>& payloads) {
  for (const Payload& p : payloads) {
    if (const T* body = p.As<T>()) return body;
  }
  return nullptr;
}

const Payload* FindPayload(const std::vector<Payload>& payloads, PayloadType type) {
  for (const Payload& p : payloads) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

Bytes ToBytes(const Cookie& c) { return Bytes(c.begin(), c.end()); }

}  // namespace

ResponderSa::ResponderSa(engine::SaHandle handle, const Message& first, ByteView first_raw,
                         const engine::Datagram& datagram, Bytes cky_r, Phase1Suite suite,
                         size_t chosen_proposal, size_t chosen_transform)
    : handle_(handle),
      state_(first.header.exchange_type == ExchangeType::kAggressive ? State::kAggressiveSent
                                                                     : State::kMainSaSent),
      exchange_(first.header.exchange_type),
      cky_i_(ToBytes(first.header.initiator_cookie)),
      cky_r_(std::move(cky_r)),
      local_(datagram.local),
      remote_(datagram.remote),
      suite_(suite),
      first_(first),
      first_raw_(first_raw.begin(), first_raw.end()),
      first_source_(datagram.remote.address),
      chosen_proposal_(chosen_proposal),
      chosen_transform_(chosen_transform) {}

Status ResponderSa::Start(ResponderEnv& env) {
  Result<Bytes> sai_b = PayloadBodyOctets(first_.payloads.front());
  if (!sai_b.ok()) return sai_b.error();
  sai_b_ = std::move(*sai_b);
  for (const Payload& p : first_.payloads) {
    if (const VendorIdPayload* vid = p.As<VendorIdPayload>()) {
      peer_nat_t_ = peer_nat_t_ || IsNatTraversalVendorId(vid->data);
      peer_fragmentation_ = peer_fragmentation_ || IsFragmentationVendorId(vid->data);
    }
  }
  deadline_ = env.ctx.now + env.config.half_open_timeout;
  if (exchange_ == ExchangeType::kAggressive) return StartAggressive(env);

  // MM1 { SA [, VID...] } -->  <-- MM2 { SA [, VID...] }
  std::vector<Payload> mm2{MakePayload(ChosenSa())};
  for (Payload& vid : VendorIds()) mm2.push_back(std::move(vid));
  Result<Bytes> raw = Encode(ExchangeType::kIdentityProtection, std::move(mm2));
  if (!raw.ok()) return raw.error();
  Send(std::move(*raw), first_raw_, env);
  state_ = State::kMainSaSent;
  return Status::Ok();
}

Status ResponderSa::CheckKeAndNonce(const std::vector<Payload>& payloads, ResponderEnv& env,
                                    ByteView* g_xi, ByteView* ni) {
  const KeyExchangePayload* ke = Find<KeyExchangePayload>(payloads);
  const NoncePayload* nonce = Find<NoncePayload>(payloads);
  if (ke == nullptr || nonce == nullptr) {
    ++env.counters.dropped_invalid;
    return MakeError(ErrorCode::kBadValue, "KE and nonce payloads are required");
  }
  const size_t want = crypto::PublicValueSize(suite_.group);
  if (ke->data.size() != want) {
    ++env.counters.dropped_bad_ke;
    return MakeError(ErrorCode::kBadLength, "KE data for group " + std::to_string(suite_.group) +
                                                " must be " + std::to_string(want) +
                                                " octets, got " + std::to_string(ke->data.size()));
  }
  if (nonce->data.size() < kMinNonce || nonce->data.size() > kMaxNonce) {
    ++env.counters.dropped_invalid;
    return MakeError(ErrorCode::kBadLength, "nonce must be 8..256 octets (RFC 2409 §5), got " +
                                                std::to_string(nonce->data.size()));
  }
  *g_xi = ke->data;
  *ni = nonce->data;
  return Status::Ok();
}

Status ResponderSa::ComputeKeys(ByteView g_xi, ByteView ni, ResponderEnv& env) {
  Result<std::unique_ptr<crypto::KeyExchange>> dh =
      crypto::KeyExchange::Create(suite_.group, env.ctx.rng);
  if (!dh.ok()) return dh.error();
  ++env.counters.dh_computations;
  Result<Bytes> shared = (*dh)->ComputeSharedSecret(g_xi);
  if (!shared.ok()) {
    ++env.counters.dropped_bad_ke;
    return shared.error();
  }
  Bytes nr(kOurNonceSize);
  env.ctx.rng.Fill(nr);
  Phase1KeyInputs in{suite_, *shared, ni, nr, cky_i_, cky_r_, g_xi, (*dh)->public_value()};
  Result<Phase1Keys> keys = DerivePhase1Keys(in);
  if (!keys.ok()) return keys.error();
  dh_ = std::move(*dh);
  g_xi_.assign(g_xi.begin(), g_xi.end());
  ni_.assign(ni.begin(), ni.end());
  nr_ = std::move(nr);
  keys_ = std::move(*keys);
  iv_ = keys_.initial_iv;
  return Status::Ok();
}

Status ResponderSa::StartAggressive(ResponderEnv& env) {
  ByteView g_xi;
  ByteView ni;
  IKEWOT_RETURN_IF_ERROR(CheckKeAndNonce(first_.payloads, env, &g_xi, &ni));
  if (FindPayload(first_.payloads, PayloadType::kIdentification) == nullptr) {
    ++env.counters.dropped_invalid;
    return MakeError(ErrorCode::kBadValue, "AM1 without IDii");
  }
  IKEWOT_RETURN_IF_ERROR(ComputeKeys(g_xi, ni, env));
  // AM1 { SA, KE, Ni, IDii } -->  <-- AM2 { SA, KE, Nr, IDir, CERT, SIG_R [, VID] [, NAT-D x2] }
  std::vector<Payload> am2{MakePayload(ChosenSa()),
                           MakePayload(KeyExchangePayload{
                               Bytes(dh_->public_value().begin(), dh_->public_value().end())}),
                           MakePayload(NoncePayload{nr_})};
  Result<std::vector<Payload>> auth = OwnAuthPayloads(env);
  if (!auth.ok()) return auth.error();
  for (Payload& p : *auth) am2.push_back(std::move(p));
  for (Payload& vid : VendorIds()) am2.push_back(std::move(vid));
  if (peer_nat_t_) {
    Result<std::vector<Payload>> natd = NatDiscoveryPayloads();
    if (!natd.ok()) return natd.error();
    for (Payload& p : *natd) am2.push_back(std::move(p));
  }
  Result<Bytes> raw = Encode(ExchangeType::kAggressive, std::move(am2));
  if (!raw.ok()) return raw.error();
  Send(std::move(*raw), first_raw_, env);
  state_ = State::kAggressiveSent;
  return Status::Ok();
}

void ResponderSa::HandleMessage(ByteView raw, const Message& message,
                                const engine::Datagram& datagram, ResponderEnv& env) {
  if (std::equal(raw.begin(), raw.end(), last_request_.begin(), last_request_.end())) {
    // The initiator missed our answer: the same bytes again get the same answer.
    ResendCached(datagram, env);
    return;
  }
  const Header& h = message.header;
  const bool phase1 = h.exchange_type == exchange_ && h.message_id == 0;
  if (state_ == State::kMainSaSent && phase1 && !h.encrypted()) {
    HandleMainKe(raw, message, datagram, env);
  } else if ((state_ == State::kMainKeSent && phase1 && h.encrypted()) ||
             (state_ == State::kAggressiveSent && phase1)) {
    HandleAuth(raw, message, datagram, env);
  } else {
    ++env.counters.dropped_unexpected;
    ++env.ctx.counters.dropped_unexpected;
  }
}

void ResponderSa::HandleMainKe(ByteView raw, const Message& message,
                               const engine::Datagram& datagram, ResponderEnv& env) {
  // MM3 { KE, Ni [, NAT-D, NAT-D] } -->
  ByteView g_xi;
  ByteView ni;
  if (!CheckKeAndNonce(message.payloads, env, &g_xi, &ni).ok()) {
    ++env.ctx.counters.dropped_malformed;
    return;
  }
  if (!ComputeKeys(g_xi, ni, env).ok()) {
    ++env.ctx.counters.dropped_malformed;
    return;
  }
  if (peer_nat_t_ && !CheckNatDiscovery(message.payloads, datagram).ok()) {
    ++env.counters.dropped_invalid;
    ++env.ctx.counters.dropped_malformed;
    return;
  }
  local_ = datagram.local;
  remote_ = datagram.remote;
  // <-- MM4 { KE, Nr, CR [, NAT-D, NAT-D] }: CR asks for the initiator's certificate.
  std::vector<Payload> mm4{
      MakePayload(
          KeyExchangePayload{Bytes(dh_->public_value().begin(), dh_->public_value().end())}),
      MakePayload(NoncePayload{nr_}),
      MakePayload(CertificateRequestPayload{CertEncoding::kX509Signature, {}})};
  if (peer_nat_t_) {
    Result<std::vector<Payload>> natd = NatDiscoveryPayloads();
    if (!natd.ok()) return;
    for (Payload& p : *natd) mm4.push_back(std::move(p));
  }
  Result<Bytes> out = Encode(ExchangeType::kIdentityProtection, std::move(mm4));
  if (!out.ok()) return;
  Send(std::move(*out), raw, env);
  state_ = State::kMainKeSent;
}

Status ResponderSa::CheckNatDiscovery(const std::vector<Payload>& payloads,
                                      const engine::Datagram& received) {
  std::vector<Bytes> hashes;
  for (const Payload& p : payloads) {
    if (p.type == PayloadType::kNatDiscovery) hashes.push_back(p.As<NatDiscoveryPayload>()->hash);
  }
  if (hashes.empty()) return Status::Ok();  // the peer chose not to detect NATs after all
  // RFC 3947 §3.2: the first hash is of the destination (us), the others of the sender.
  Result<engine::NatDetectionResult> nat =
      EvaluateNatDiscovery(suite_.hash, cky_i_, cky_r_, received, hashes);
  if (!nat.ok()) return nat.error();
  nat_local_ = nat->local_behind_nat;
  nat_peer_ = nat->peer_behind_nat;
  return Status::Ok();
}

void ResponderSa::HandleAuth(ByteView raw, const Message& message, const engine::Datagram& datagram,
                             ResponderEnv& env) {
  // MM5 { IDii, CERT, SIG_I } --> (encrypted), or AM3 { CERT, SIG_I [, NAT-D x2] } -->
  Bytes next_iv = iv_;
  std::vector<Payload> payloads;
  if (message.header.encrypted()) {
    Result<std::vector<Payload>> plain = Decrypt(message, &next_iv);
    if (!plain.ok()) {
      ++env.counters.dropped_decrypt;
      ++env.ctx.counters.dropped_integrity;
      return;
    }
    payloads = std::move(*plain);
  } else {
    payloads = message.payloads;
  }
  if (exchange_ == ExchangeType::kAggressive && peer_nat_t_ &&
      !CheckNatDiscovery(payloads, datagram).ok()) {
    ++env.counters.dropped_invalid;
    ++env.ctx.counters.dropped_malformed;
    return;
  }
  iv_ = std::move(next_iv);
  local_ = datagram.local;
  remote_ = datagram.remote;
  last_request_.assign(raw.begin(), raw.end());
  cached_response_.clear();
  if (Status verified = VerifyInitiator(payloads, env); !verified.ok()) {
    Refuse("initiator authentication failed: " + verified.error().message, raw, env);
    return;
  }
  if (AskAcceptance(env) == engine::CertificateDecision::kReject) {
    Refuse("initiator's certificate is not trusted", raw, env);
    return;
  }
  if (exchange_ == ExchangeType::kIdentityProtection) {
    // <-- MM6 { IDir, CERT, SIG_R } (encrypted)
    Result<std::vector<Payload>> own = OwnAuthPayloads(env);
    if (!own.ok()) {
      Refuse("cannot sign MM6: " + own.error().message, raw, env);
      return;
    }
    Bytes after_mm6;
    Result<Bytes> mm6 =
        EncodeEncrypted(ExchangeType::kIdentityProtection, 0, iv_, std::move(*own), &after_mm6);
    if (!mm6.ok()) return;
    iv_ = std::move(after_mm6);
    Send(std::move(*mm6), raw, env);
  }
  Establish(env);
}

Status ResponderSa::VerifyInitiator(const std::vector<Payload>& payloads, ResponderEnv& env) {
  const Payload* id = FindPayload(payloads, PayloadType::kIdentification);
  if (exchange_ == ExchangeType::kAggressive) {
    id = FindPayload(first_.payloads, PayloadType::kIdentification);
  }
  const SignaturePayload* sig = Find<SignaturePayload>(payloads);
  if (id == nullptr) return MakeError(ErrorCode::kBadValue, "no IDii");
  if (sig == nullptr) return MakeError(ErrorCode::kBadValue, "no SIG_I");
  std::vector<crypto::Certificate> chain;
  for (const Payload& p : payloads) {
    const CertificatePayload* cert = p.As<CertificatePayload>();
    if (cert == nullptr || cert->encoding != CertEncoding::kX509Signature) continue;
    Result<crypto::Certificate> parsed = crypto::Certificate::FromDer(cert->data);
    if (!parsed.ok()) return parsed.error();
    chain.push_back(std::move(*parsed));
  }
  if (chain.empty()) {
    return MakeError(ErrorCode::kBadValue, "no X.509 certificate (we know no initiator's key)");
  }
  const IdentificationPayload& idii = *id->As<IdentificationPayload>();
  if (idii.id_type == IdType::kDerAsn1Dn && idii.data != chain.front().SubjectDer()) {
    return MakeError(ErrorCode::kAuthFailure, "IDii does not name the certificate's subject");
  }
  Result<Bytes> idii_b = PayloadBodyOctets(*id);
  if (!idii_b.ok()) return idii_b.error();
  AuthHashInputs in{suite_.hash, keys_.skeyid, g_xi_,  dh_->public_value(),
                    cky_i_,      cky_r_,       sai_b_, *idii_b};
  Result<Bytes> hash_i = ComputeHashI(in);
  if (!hash_i.ok()) return hash_i.error();
  Result<crypto::PublicKey> key = chain.front().public_key();
  if (!key.ok()) return key.error();
  ++env.counters.signatures_verified;
  IKEWOT_RETURN_IF_ERROR(VerifyPhase1Signature(*key, suite_.auth, *hash_i, sig->data));
  peer_chain_der_.clear();
  for (const crypto::Certificate& c : chain) peer_chain_der_.push_back(c.ToDer());
  peer_identification_ = crypto::SpokenIdentification(chain.front());
  peer_fingerprint_ = chain.front().Sha256Fingerprint();
  return Status::Ok();
}

engine::CertificateDecision ResponderSa::AskAcceptance(ResponderEnv& env) const {
  if (!env.config.policy.accept_peer) return engine::CertificateDecision::kAcceptUnverified;
  engine::PeerCertificateView view{&peer_chain_der_, peer_identification_, peer_fingerprint_,
                                   remote_};
  return env.config.policy.accept_peer(view);
}

void ResponderSa::Refuse(const std::string& why, ByteView raw, ResponderEnv& env) {
  if (SendAuthenticationFailed(raw, env).ok()) ++env.counters.authentication_failed;
  state_ = State::kClosed;
  engine::Event e;
  e.kind = engine::EventKind::kFailed;
  e.sa = handle_;
  e.peer = remote_;
  e.reason = "IKEv1 " +
             std::string(exchange_ == ExchangeType::kAggressive ? "aggressive" : "main") +
             " mode: " + why;
  e.peer_identification = peer_identification_;
  if (!peer_chain_der_.empty()) e.peer_certificate_der = peer_chain_der_.front();
  env.ctx.events.push_back(std::move(e));
}

void ResponderSa::Establish(ResponderEnv& env) {
  state_ = State::kEstablished;
  ++env.counters.established;
  Duration lifetime = env.config.established_lifetime;
  if (suite_.lifetime_seconds != 0) {
    lifetime = std::min<Duration>(lifetime, std::chrono::seconds(suite_.lifetime_seconds));
  }
  deadline_ = env.ctx.now + lifetime;
  engine::Event e;
  e.kind = engine::EventKind::kIkeSaEstablished;
  e.sa = handle_;
  e.peer = remote_;
  e.reason = std::string("IKEv1 ") +
             (exchange_ == ExchangeType::kAggressive ? "aggressive" : "main") + " mode, " +
             suite_.ToString();
  e.peer_identification = peer_identification_;
  if (!peer_chain_der_.empty()) e.peer_certificate_der = peer_chain_der_.front();
  env.ctx.events.push_back(std::move(e));
}

void ResponderSa::HandleTimeout(ResponderEnv& env) {
  if (env.ctx.now < deadline_) return;
  if (half_open()) {
    // A probe (AM1 without AM3, MM1/MM3 without MM5) or a lost initiator.
    ++env.counters.half_open_expired;
    ++env.ctx.counters.half_open_expired;
  } else if (state_ == State::kEstablished) {
    engine::Event e;
    e.kind = engine::EventKind::kDeleted;
    e.sa = handle_;
    e.peer = remote_;
    e.reason = "IKEv1 SA lifetime ended";
    env.ctx.events.push_back(std::move(e));
  }
  state_ = State::kClosed;
  deadline_ = kNever;
}

}  // namespace ikewot::ikev1
