// IKE_AUTH, both roles, in the three shapes ikewot uses (RFC 7296 §1.2, RFC 7427, RFC 7619):
//
//   probe (the patent's partial negotiation, EAP-style request without AUTH):
//   HDR, SK { IDi, CERTREQ, [SA, TSi, TSr] }  -->
//                                       <--  HDR, SK { IDr, CERT+, AUTH }
//   HDR, SK { D(IKE) }  -->                    (end politely)
//                                       <--  HDR, SK { }
//
//   connect (mutual certificate authentication and one CHILD SA):
//   HDR, SK { IDi, CERT+, CERTREQ, AUTH, SA, TSi, TSr }  -->
//                                       <--  HDR, SK { IDr, CERT+, AUTH, SA, TSi, TSr }
//
//   NULL authentication (opportunistic peers): ID_NULL and AUTH method 13, no CERT.
#include <algorithm>

#include "core/crypto/auth_signature.h"
#include "core/crypto/identification.h"
#include "core/crypto/transforms.h"
#include "core/engine/auth_octets.h"
#include "core/engine/ike_sa.h"
#include "core/engine/sa_convert.h"

namespace ikewot::engine {

using ikev2::IdType;
using ikev2::MakeNotify;
using ikev2::MakePayload;
using ikev2::NotifyType;
using ikev2::Payload;
using ikev2::PayloadType;

namespace {

uint32_t NonZeroSpi32(Rng& rng) {
  uint32_t spi = 0;
  while (spi < 256) spi = rng.NextU32();  // 1..255 are reserved by IANA (RFC 4303 §2.1)
  return spi;
}

Result<Bytes> IdBody(const ikev2::IdPayload& id) {
  Bytes body;
  Writer w(&body);
  IKEWOT_RETURN_IF_ERROR(ikev2::WriteIdPayload(id, w));
  return body;
}

ikev2::TsPayload ToWire(const std::vector<TrafficSelector>& selectors) {
  ikev2::TsPayload ts;
  for (const TrafficSelector& s : selectors) {
    ts.selectors.push_back(ikev2::MakeAddressRangeSelector(s.ip_protocol, s.start_port, s.end_port,
                                                           s.start_address, s.end_address));
  }
  return ts;
}

std::vector<TrafficSelector> FromWire(const ikev2::TsPayload& ts) {
  std::vector<TrafficSelector> out;
  for (const ikev2::TrafficSelector& s : ts.selectors) {
    if (!s.IsAddressRange()) continue;
    out.push_back(TrafficSelector{static_cast<uint8_t>(s.type), s.ip_protocol, s.start_port,
                                  s.end_port, s.start_address, s.end_address});
  }
  return out;
}

std::vector<TrafficSelector> HostSelector(const Endpoint& endpoint) {
  return {TrafficSelector{static_cast<uint8_t>(endpoint.address.size() == 4 ? 7 : 8), 0, 0, 65535,
                          endpoint.address, endpoint.address}};
}

std::string IdToString(const ikev2::IdPayload& id) {
  switch (id.type) {
    case IdType::kFqdn:
    case IdType::kRfc822Addr:
    case IdType::kKeyId:
      return std::string(id.data.begin(), id.data.end());
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr:
      return Endpoint{id.data, 0}.ToString();
    default:
      return ToHex(id.data);
  }
}

// An unknown payload marked critical must make the whole message fail (RFC 7296 §2.5).
const Payload* FindUnknownCritical(const std::vector<Payload>& payloads) {
  for (const Payload& p : payloads) {
    if (p.critical && p.As<ikev2::UnknownPayload>() != nullptr) return &p;
  }
  return nullptr;
}

}  // namespace

ikev2::IdPayload IkeSa::OwnId() const {
  if (policy_.null_auth) return ikev2::IdPayload{IdType::kNull, {}, 0};
  if (!policy_.identity.subject_der.empty()) {
    return ikev2::IdPayload{IdType::kDerAsn1Dn, policy_.identity.subject_der, 0};
  }
  if (!policy_.identity.certificate_chain_der.empty()) {
    Result<crypto::Certificate> cert =
        crypto::Certificate::FromDer(policy_.identity.certificate_chain_der.front());
    if (cert.ok()) return ikev2::IdPayload{IdType::kDerAsn1Dn, cert->SubjectDer(), 0};
  }
  return ikev2::IdPayload{IdType::kKeyId, Bytes{'i', 'k', 'e', 'w', 'o', 't'}, 0};
}

void IkeSa::AppendOwnCertificates(std::vector<Payload>& out) const {
  if (policy_.null_auth) return;
  for (const Bytes& der : policy_.identity.certificate_chain_der) {
    out.push_back(MakePayload(ikev2::CertPayload{ikev2::CertEncoding::kX509Signature, der}));
  }
}

Result<ikev2::AuthPayload> IkeSa::BuildOwnAuth(const ikev2::IdPayload& id,
                                               crypto::PreparedCrypto* prepared) const {
  const bool initiator = role_ == Role::kInitiator;
  Result<Bytes> body = IdBody(id);
  if (!body.ok()) return body.error();
  const Bytes& sk_p = initiator ? keys_.sk_pi : keys_.sk_pr;
  Result<Bytes> octets =
      AuthSignedOctets(suite_->prf, initiator ? init_request_raw_ : init_response_raw_,
                       initiator ? nonce_r_ : nonce_i_, sk_p, *body, prepared);
  if (!octets.ok()) return octets.error();
  if (policy_.null_auth) {
    Result<Bytes> data = NullAuthData(suite_->prf, sk_p, *octets, prepared);
    if (!data.ok()) return data.error();
    return ikev2::AuthPayload{ikev2::AuthMethod::kNull, std::move(*data), 0};
  }
  if (!policy_.identity.key) return MakeError(ErrorCode::kInvalidArgument, "no private key");
  const crypto::PrivateKey& key = *policy_.identity.key;
  uint8_t method = crypto::kAuthMethodDigitalSignature;
  uint16_t hash = crypto::PreferredHash(key.type(), peer_signature_hashes_);
  if (hash == 0) {
    method = crypto::ClassicAuthMethod(key.type());
    if (method == 0) {
      return MakeError(ErrorCode::kUnsupported,
                       "peer announced no RFC 7427 hash usable with our key");
    }
  }
  Result<crypto::AuthData> auth =
      crypto::SignAuth(key, method, hash, *octets, crypto::RsaPadding::kPkcs1v15, prepared);
  if (!auth.ok()) return auth.error();
  return ikev2::AuthPayload{static_cast<ikev2::AuthMethod>(auth->method), std::move(auth->data), 0};
}

Status IkeSa::CheckPeerAuth(const std::vector<Payload>& inner, const ikev2::IdPayload& peer_id,
                            const SaContext& ctx, std::vector<crypto::Certificate>* chain,
                            ResponderAuth* outcome) const {
  PeerCertificateCache* certificates = ctx.certificates;
  for (const Payload& p : inner) {
    const auto* cert = p.As<ikev2::CertPayload>();
    if (cert == nullptr || cert->encoding != ikev2::CertEncoding::kX509Signature) continue;
    Result<crypto::Certificate> parsed = certificates != nullptr
                                             ? certificates->Parse(cert->data)
                                             : crypto::Certificate::FromDer(cert->data);
    if (!parsed.ok()) return parsed.error();
    chain->push_back(std::move(*parsed));
  }
  const Payload* auth_payload = ikev2::FindPayload(inner, PayloadType::kAuthentication);
  if (auth_payload == nullptr) {
    *outcome = ResponderAuth::kAbsent;
    return Status::Ok();
  }
  const ikev2::AuthPayload& auth = *auth_payload->As<ikev2::AuthPayload>();
  const bool peer_is_initiator = role_ == Role::kResponder;
  Result<Bytes> body = IdBody(peer_id);
  if (!body.ok()) return body.error();
  const Bytes& sk_p = peer_is_initiator ? keys_.sk_pi : keys_.sk_pr;
  Result<Bytes> octets =
      AuthSignedOctets(suite_->prf, peer_is_initiator ? init_request_raw_ : init_response_raw_,
                       peer_is_initiator ? nonce_r_ : nonce_i_, sk_p, *body, ctx.prepared);
  if (!octets.ok()) return octets.error();
  *outcome = ResponderAuth::kInvalid;
  if (auth.method == ikev2::AuthMethod::kNull) {
    Result<Bytes> expected = NullAuthData(suite_->prf, sk_p, *octets, ctx.prepared);
    if (!expected.ok()) return expected.error();
    if (!ConstantTimeEqual(auth.data, *expected)) {
      return MakeError(ErrorCode::kAuthFailure, "NULL authentication data does not match");
    }
    *outcome = ResponderAuth::kNullAuth;
    return Status::Ok();
  }
  if (chain->empty()) {
    return MakeError(ErrorCode::kAuthFailure, "signature AUTH without a certificate");
  }
  if (peer_id.type == IdType::kDerAsn1Dn && peer_id.data != chain->front().SubjectDer()) {
    return MakeError(ErrorCode::kAuthFailure, "ID does not name the certificate's subject");
  }
  Result<crypto::PublicKey> key = certificates != nullptr
                                      ? certificates->PublicKeyOf(chain->front())
                                      : chain->front().public_key();
  if (!key.ok()) return key.error();
  std::vector<uint16_t> acceptable = crypto::SupportedSignatureHashes();
  crypto::SignatureTemplates* templates =
      certificates != nullptr ? certificates->VerifyTemplatesOf(chain->front()) : nullptr;
  IKEWOT_RETURN_IF_ERROR(crypto::VerifyAuth(*key, static_cast<uint8_t>(auth.method), auth.data,
                                            *octets, acceptable, ctx.prepared, templates));
  *outcome = ResponderAuth::kVerified;
  return Status::Ok();
}

CertificateDecision IkeSa::AskAcceptance(const std::vector<crypto::Certificate>& chain) const {
  if (!policy_.accept_peer || chain.empty()) return CertificateDecision::kAcceptUnverified;
  std::vector<Bytes> der;
  for (const crypto::Certificate& c : chain) der.push_back(c.ToDer());
  PeerCertificateView view{&der, crypto::SpokenIdentification(chain.front()),
                           chain.front().Sha256Fingerprint(), remote_};
  return policy_.accept_peer(view);
}

Result<ChildSaInfo> IkeSa::DeriveChild(const EspSuiteChoice& suite, uint32_t spi_i, uint32_t spi_r,
                                       std::vector<TrafficSelector> tsi,
                                       std::vector<TrafficSelector> tsr,
                                       crypto::PreparedCrypto* prepared) const {
  Result<crypto::EncrProperties> encr = crypto::LookupEncr(suite.encr.id, suite.encr.key_bits);
  if (!encr.ok()) return encr.error();
  size_t integ_len = 0;
  if (suite.integ != crypto::kIntegNone) {
    Result<crypto::IntegProperties> integ = crypto::LookupInteg(suite.integ);
    if (!integ.ok()) return integ.error();
    integ_len = integ->key_size;
  }
  Result<crypto::ChildSaKeys> keys =
      crypto::DeriveChildSaKeys(suite_->prf, keys_.sk_d, {}, nonce_i_, nonce_r_,
                                encr->key_size + encr->salt_size, integ_len, prepared);
  if (!keys.ok()) return keys.error();
  ChildSaInfo child;
  child.spi_initiator = spi_i;
  child.spi_responder = spi_r;
  child.suite = suite;
  child.encr_key_i_to_r = std::move(keys->encr_i);
  child.integ_key_i_to_r = std::move(keys->integ_i);
  child.encr_key_r_to_i = std::move(keys->encr_r);
  child.integ_key_r_to_i = std::move(keys->integ_r);
  child.ts_initiator = std::move(tsi);
  child.ts_responder = std::move(tsr);
  child.udp_encapsulation = nat_local_ || nat_peer_;
  return child;
}

Status IkeSa::SendAuthRequest(SaContext& ctx) {
  // IKE_AUTH { IDi, [CERT+], CERTREQ, [AUTH], [SA, TSi, TSr] } -->
  const bool with_auth = mode_ == Mode::kConnect || policy_.probe_with_auth || policy_.null_auth;
  ikev2::IdPayload id = OwnId();
  std::vector<Payload> inner;
  inner.push_back(MakePayload(PayloadType::kIdInitiator, id));
  if (with_auth) AppendOwnCertificates(inner);
  if (!policy_.null_auth) {
    inner.push_back(MakePayload(ikev2::CertReqPayload{ikev2::CertEncoding::kX509Signature, {}}));
  }
  if (with_auth) {
    Result<ikev2::AuthPayload> auth = BuildOwnAuth(id, ctx.prepared);
    if (!auth.ok()) return auth.error();
    inner.push_back(MakePayload(std::move(*auth)));
  }
  if (!policy_.esp_proposals.empty()) {
    child_spi_local_ = NonZeroSpi32(ctx.rng);
    inner.push_back(MakePayload(EspOfferToSa(policy_.esp_proposals, child_spi_local_)));
    std::vector<TrafficSelector> tsi =
        policy_.local_selectors.empty() ? HostSelector(local_) : policy_.local_selectors;
    std::vector<TrafficSelector> tsr =
        policy_.remote_selectors.empty() ? HostSelector(remote_) : policy_.remote_selectors;
    inner.push_back(MakePayload(PayloadType::kTsInitiator, ToWire(tsi)));
    inner.push_back(MakePayload(PayloadType::kTsResponder, ToWire(tsr)));
  }
  return SendRequest(ikev2::ExchangeType::kIkeAuth, inner, ctx);
}

void IkeSa::ProcessAuthRequest(const ikev2::Message& message, const std::vector<Payload>& inner,
                               SaContext& ctx) {
  const uint32_t id = message.header.message_id;
  auto refuse = [&](NotifyType type, Bytes data, std::string reason) {
    (void)SendResponse(ikev2::ExchangeType::kIkeAuth, id,
                       {MakePayload(MakeNotify(type, std::move(data)))}, ctx);
    Emit(EventKind::kFailed, ctx, std::move(reason));
    Close();
  };
  if (const Payload* critical = FindUnknownCritical(inner)) {
    ++ctx.counters.dropped_critical;
    refuse(NotifyType::kUnsupportedCriticalPayload, Bytes{static_cast<uint8_t>(critical->type)},
           "unknown critical payload in IKE_AUTH");
    return;
  }
  const Payload* idi = ikev2::FindPayload(inner, PayloadType::kIdInitiator);
  if (idi == nullptr) {
    ++ctx.counters.dropped_malformed;
    refuse(NotifyType::kInvalidSyntax, {}, "IKE_AUTH without IDi");
    return;
  }
  peer_id_ = *idi->As<ikev2::IdPayload>();
  std::vector<crypto::Certificate> chain;
  ResponderAuth outcome = ResponderAuth::kAbsent;
  Status auth_status = CheckPeerAuth(inner, peer_id_, ctx, &chain, &outcome);
  const bool wants_null = outcome == ResponderAuth::kNullAuth;
  if (!auth_status.ok() || (wants_null && !policy_.null_auth)) {
    refuse(NotifyType::kAuthenticationFailed, {},
           auth_status.ok() ? "NULL authentication not allowed" : auth_status.error().message);
    return;
  }
  for (const crypto::Certificate& c : chain) peer_chain_der_.push_back(c.ToDer());
  const bool can_authenticate =
      policy_.null_auth ||
      (policy_.identity.key && !policy_.identity.certificate_chain_der.empty());
  if (!can_authenticate) {
    refuse(NotifyType::kAuthenticationFailed, {}, "no identity to authenticate with");
    return;
  }
  if (outcome == ResponderAuth::kAbsent && !policy_.allow_probes) {
    refuse(NotifyType::kAuthenticationFailed, {}, "AUTH-less probe refused by policy");
    return;
  }
  if (outcome == ResponderAuth::kVerified && AskAcceptance(chain) == CertificateDecision::kReject) {
    refuse(NotifyType::kAuthenticationFailed, {}, "peer certificate rejected");
    return;
  }

  // <-- IKE_AUTH { IDr, CERT+, AUTH, [SA, TSi, TSr] }
  ikev2::IdPayload own_id = OwnId();
  std::vector<Payload> response;
  response.push_back(MakePayload(PayloadType::kIdResponder, own_id));
  AppendOwnCertificates(response);
  Result<ikev2::AuthPayload> auth = BuildOwnAuth(own_id, ctx.prepared);
  if (!auth.ok()) {
    refuse(NotifyType::kAuthenticationFailed, {}, "cannot sign: " + auth.error().message);
    return;
  }
  response.push_back(MakePayload(std::move(*auth)));
  if (outcome == ResponderAuth::kAbsent) {
    // A probe: the peer learns our identity; nothing is established. The SA stays half-open
    // until the peer deletes it or it expires.
    if (Status s = SendResponse(ikev2::ExchangeType::kIkeAuth, id, response, ctx); !s.ok()) {
      Fail(s.error().message, ctx);
      return;
    }
    state_ = State::kProbeAnswered;
    return;
  }
  std::optional<ChildSaInfo> child;
  const Payload* sa = ikev2::FindPayload(inner, PayloadType::kSecurityAssociation);
  const Payload* tsi = ikev2::FindPayload(inner, PayloadType::kTsInitiator);
  const Payload* tsr = ikev2::FindPayload(inner, PayloadType::kTsResponder);
  if (sa != nullptr && tsi != nullptr && tsr != nullptr) {
    EspOffer offer = EspOfferFromSa(*sa->As<ikev2::SaPayload>());
    std::optional<EspChoice> choice = ChooseEspSuite(offer.proposals, policy_.esp_proposals);
    if (!choice) {
      response.push_back(MakePayload(MakeNotify(NotifyType::kNoProposalChosen)));
    } else {
      child_spi_local_ = NonZeroSpi32(ctx.rng);
      const uint32_t peer_spi = offer.spis[choice->proposal_number - 1];
      Result<ChildSaInfo> derived = DeriveChild(
          choice->suite, peer_spi, child_spi_local_, FromWire(*tsi->As<ikev2::TsPayload>()),
          FromWire(*tsr->As<ikev2::TsPayload>()), ctx.prepared);
      if (!derived.ok()) {
        refuse(NotifyType::kNoProposalChosen, {}, derived.error().message);
        return;
      }
      response.push_back(
          MakePayload(EspChoiceToSa(choice->suite, choice->proposal_number, child_spi_local_)));
      response.push_back(MakePayload(PayloadType::kTsInitiator, *tsi->As<ikev2::TsPayload>()));
      response.push_back(MakePayload(PayloadType::kTsResponder, *tsr->As<ikev2::TsPayload>()));
      child = std::move(*derived);
    }
  }
  if (Status s = SendResponse(ikev2::ExchangeType::kIkeAuth, id, response, ctx); !s.ok()) {
    Fail(s.error().message, ctx);
    return;
  }
  state_ = State::kEstablished;
  half_open_deadline_ = kNever;
  if (nat_local_) next_keepalive_ = ctx.now + kNatKeepaliveInterval;
  if (!chain.empty()) {
    probe_.certificates.push_back({chain.front().ToDer(), chain.front().Sha256Fingerprint(),
                                   crypto::SpokenIdentification(chain.front()),
                                   chain.front().Subject()});
  }
  Emit(EventKind::kIkeSaEstablished, ctx);
  if (child) {
    Event event;
    event.kind = EventKind::kChildSaEstablished;
    event.sa = handle_;
    event.peer = remote_;
    event.child = std::move(*child);
    ctx.events.push_back(std::move(event));
  }
}

void IkeSa::FinishProbe(ProbeStop stop, std::string detail, SaContext& ctx) {
  if (probe_reported_) return;
  probe_reported_ = true;
  probe_.stop = stop;
  probe_.detail = std::move(detail);
  probe_.latency = ctx.now - first_request_sent_;
  Event event;
  event.kind = EventKind::kProbeCompleted;
  event.sa = handle_;
  event.initiator = true;
  event.peer = remote_;
  event.probe = probe_;
  if (!probe_.certificates.empty()) {
    event.peer_certificate_der = probe_.certificates.front().der;
    event.peer_identification = probe_.certificates.front().identification;
  }
  ctx.events.push_back(std::move(event));
}

void IkeSa::ProcessAuthResponse(const std::vector<Payload>& inner, SaContext& ctx) {
  ++probe_.round_trips;
  probe_.latency = ctx.now - first_request_sent_;
  probe_.behaviour.auth_notify_types.clear();
  probe_.behaviour.auth_payload_order.clear();
  for (const Payload& p : inner) {
    probe_.behaviour.auth_payload_order.push_back(static_cast<uint8_t>(p.type));
    if (const auto* n = p.As<ikev2::NotifyPayload>()) {
      probe_.behaviour.auth_notify_types.push_back(static_cast<uint16_t>(n->type));
    }
  }
  if (FindUnknownCritical(inner) != nullptr) {
    ++ctx.counters.dropped_critical;
    Fail("unknown critical payload in IKE_AUTH response", ctx);
    return;
  }
  if (ikev2::FindNotify(inner, NotifyType::kAuthenticationFailed) != nullptr) {
    Fail("AUTHENTICATION_FAILED from the responder", ctx, ProbeStop::kAuthenticationFailed);
    return;
  }
  const Payload* idr = ikev2::FindPayload(inner, PayloadType::kIdResponder);
  if (idr != nullptr) {
    peer_id_ = *idr->As<ikev2::IdPayload>();
    probe_.idr_type = std::string(ikev2::Name(peer_id_.type));
    probe_.idr = IdToString(peer_id_);
  }
  std::vector<crypto::Certificate> chain;
  ResponderAuth outcome = ResponderAuth::kAbsent;
  Status auth_status = idr == nullptr
                           ? MakeError(ErrorCode::kBadValue, "IKE_AUTH response without IDr")
                           : CheckPeerAuth(inner, peer_id_, ctx, &chain, &outcome);
  for (const crypto::Certificate& c : chain) {
    peer_chain_der_.push_back(c.ToDer());
    probe_.certificates.push_back(
        {c.ToDer(), c.Sha256Fingerprint(), crypto::SpokenIdentification(c), c.Subject()});
  }
  if (const Payload* auth = ikev2::FindPayload(inner, PayloadType::kAuthentication)) {
    probe_.auth_method = std::string(ikev2::Name(auth->As<ikev2::AuthPayload>()->method));
  }
  probe_.auth = outcome;

  if (mode_ == Mode::kProbe) {
    ProbeStop stop = ProbeStop::kCompleted;
    std::string detail;
    if (!auth_status.ok()) detail = auth_status.error().message;
    if (chain.empty() && outcome != ResponderAuth::kNullAuth) stop = ProbeStop::kNoCertificate;
    FinishProbe(stop, detail, ctx);
    // End politely: the responder holds state for us; tell it to drop it.
    if (Status s = StartDelete(ctx); !s.ok()) Close();
    return;
  }
  const bool authenticated =
      auth_status.ok() && (outcome == ResponderAuth::kVerified ||
                           (outcome == ResponderAuth::kNullAuth && policy_.null_auth));
  if (!authenticated) {
    Fail("responder authentication failed: " +
             (auth_status.ok() ? std::string("no AUTH") : auth_status.error().message),
         ctx);
    return;
  }
  if (AskAcceptance(chain) == CertificateDecision::kReject) {
    (void)StartDelete(ctx);
    Emit(EventKind::kFailed, ctx, "peer certificate rejected");
    return;
  }
  state_ = State::kEstablished;
  if (nat_local_) next_keepalive_ = ctx.now + kNatKeepaliveInterval;
  Emit(EventKind::kIkeSaEstablished, ctx);
  const Payload* sa = ikev2::FindPayload(inner, PayloadType::kSecurityAssociation);
  const Payload* tsi = ikev2::FindPayload(inner, PayloadType::kTsInitiator);
  const Payload* tsr = ikev2::FindPayload(inner, PayloadType::kTsResponder);
  if (policy_.esp_proposals.empty()) return;
  if (sa == nullptr || tsi == nullptr || tsr == nullptr) {
    // RFC 7296 §1.2: the IKE SA stands even when its first CHILD SA is refused (libreswan answers
    // TS_UNACCEPTABLE this way). Connect asked for a CHILD SA, so say why there is none and close.
    std::string why = "no SA/TS payloads";
    for (const Payload& p : inner) {
      if (const auto* n = p.As<ikev2::NotifyPayload>(); n != nullptr && n->IsError()) {
        why = std::string(ikev2::Name(n->type));
        break;
      }
    }
    (void)StartDelete(ctx);
    Emit(EventKind::kFailed, ctx, "CHILD SA refused by the responder: " + why);
    return;
  }
  Result<EspAnswer> answer = EspChoiceFromSa(*sa->As<ikev2::SaPayload>());
  if (!answer.ok() || !OfferAllows(policy_.esp_proposals, answer->suite)) {
    Emit(EventKind::kFailed, ctx, "CHILD SA: responder chose an ESP suite we did not offer");
    return;
  }
  Result<ChildSaInfo> child = DeriveChild(answer->suite, child_spi_local_, answer->spi,
                                          FromWire(*tsi->As<ikev2::TsPayload>()),
                                          FromWire(*tsr->As<ikev2::TsPayload>()), ctx.prepared);
  if (!child.ok()) {
    Emit(EventKind::kFailed, ctx, "CHILD SA keys: " + child.error().message);
    return;
  }
  Event event;
  event.kind = EventKind::kChildSaEstablished;
  event.sa = handle_;
  event.initiator = true;
  event.peer = remote_;
  event.child = std::move(*child);
  ctx.events.push_back(std::move(event));
}

}  // namespace ikewot::engine
