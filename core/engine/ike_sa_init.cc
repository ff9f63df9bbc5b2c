// IKE_SA_INIT, both roles (RFC 7296 §1.2, §2.6 cookies, §1.3 INVALID_KE_PAYLOAD, §2.23 NAT
// detection, RFC 7383 fragmentation support, RFC 7427 hash announcement) and key derivation.
//
//   Initiator                         Responder
//   HDR, [N(COOKIE)], SA, KE, Ni,
//     N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
//     N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS)  -->
//                                 <--  HDR, SA, KE, Nr, N(NAT_DETECTION_*), N(FRAG_SUP),
//                                        N(SIGNATURE_HASH_ALGORITHMS), CERTREQ, [V]
//   (or <-- N(COOKIE) / N(INVALID_KE_PAYLOAD) / N(NO_PROPOSAL_CHOSEN), sent statelessly by the
//   node before any SA exists)
#include <algorithm>

#include "core/base/writer.h"
#include "core/crypto/auth_signature.h"
#include "core/crypto/certificate_request.h"
#include "core/engine/ike_sa.h"
#include "core/engine/nat_detection.h"
#include "core/engine/sa_convert.h"
#include "core/engine/vendor_ids.h"

namespace ikewot::engine {

using ikev2::MakeNotify;
using ikev2::MakePayload;
using ikev2::NotifyType;
using ikev2::Payload;

namespace {

constexpr size_t kNonceSize = 32;

uint64_t NonZeroSpi(Rng& rng) {
  uint64_t spi = 0;
  while (spi == 0) spi = rng.NextU64();
  return spi;
}

Bytes U16List(const std::vector<uint16_t>& values) {
  Bytes out;
  Writer w(&out);
  for (uint16_t v : values) w.U16(v);
  return out;
}

std::vector<uint16_t> ParseU16List(ByteView data) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i + 1 < data.size(); i += 2)
    out.push_back(static_cast<uint16_t>(data[i] << 8 | data[i + 1]));
  return out;
}

bool OfferHasGroup(const std::vector<IkeProposalSpec>& offer, uint16_t group) {
  return std::any_of(offer.begin(), offer.end(), [&](const IkeProposalSpec& p) {
    return std::find(p.ke_groups.begin(), p.ke_groups.end(), group) != p.ke_groups.end();
  });
}

void RecordShape(const std::vector<Payload>& payloads, std::vector<uint16_t>* notifies,
                 std::vector<uint8_t>* order) {
  notifies->clear();
  order->clear();
  for (const Payload& p : payloads) {
    order->push_back(static_cast<uint8_t>(p.type));
    if (const auto* n = p.As<ikev2::NotifyPayload>())
      notifies->push_back(static_cast<uint16_t>(n->type));
  }
}

}  // namespace

Result<std::unique_ptr<IkeSa>> IkeSa::StartInitiator(SaHandle handle, Mode mode, Policy policy,
                                                     Endpoint local, Endpoint remote,
                                                     SaContext& ctx) {
  if (policy.ike_proposals.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "policy has no IKE proposals");
  }
  if (mode == Mode::kConnect && !policy.null_auth &&
      (!policy.identity.key || policy.identity.certificate_chain_der.empty())) {
    return MakeError(ErrorCode::kInvalidArgument, "connect needs a key and a certificate");
  }
  std::unique_ptr<IkeSa> sa(new IkeSa(handle, Role::kInitiator, mode, std::move(policy),
                                      std::move(local), std::move(remote)));
  sa->offer_ = sa->policy_.ike_proposals;
  const uint16_t group = sa->policy_.ke_guess.value_or(
      sa->offer_.front().ke_groups.empty() ? 0 : sa->offer_.front().ke_groups.front());
  if (!OfferHasGroup(sa->offer_, group)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "KE guess " + std::to_string(group) + " is not in the offered groups");
  }
  Result<std::unique_ptr<crypto::KeyExchange>> ke =
      crypto::KeyExchange::Create(group, ctx.rng, ctx.prepared);
  if (!ke.ok()) return ke.error();
  sa->ke_ = std::move(*ke);
  sa->spi_i_ = NonZeroSpi(ctx.rng);
  sa->nonce_i_.resize(kNonceSize);
  ctx.rng.Fill(sa->nonce_i_);
  sa->created_ = ctx.now;
  sa->first_request_sent_ = ctx.now;
  sa->probe_.target = sa->remote_.ToString();
  IKEWOT_RETURN_IF_ERROR(sa->SendInitRequest(ctx));
  return sa;
}

std::vector<Payload> IkeSa::NatDetectionNotifies(crypto::PreparedCrypto* prepared) const {
  std::vector<Payload> out;
  Result<Bytes> source = NatDetectionHash(spi_i_, spi_r_, local_, prepared);
  Result<Bytes> destination = NatDetectionHash(spi_i_, spi_r_, remote_, prepared);
  if (source.ok() && destination.ok()) {
    out.push_back(MakePayload(MakeNotify(NotifyType::kNatDetectionSourceIp, *source)));
    out.push_back(MakePayload(MakeNotify(NotifyType::kNatDetectionDestinationIp, *destination)));
  }
  return out;
}

std::vector<Payload> IkeSa::BuildInitRequestPayloads(crypto::PreparedCrypto* prepared) const {
  std::vector<Payload> payloads;
  // RFC 7296 §2.6: the COOKIE notify comes first, everything else unchanged.
  if (!cookie_.empty()) payloads.push_back(MakePayload(MakeNotify(NotifyType::kCookie, cookie_)));
  payloads.push_back(MakePayload(IkeOfferToSa(offer_)));
  ikev2::KePayload ke;
  ke.dh_group = ke_->group();
  ke.data.assign(ke_->public_value().begin(), ke_->public_value().end());
  payloads.push_back(MakePayload(std::move(ke)));
  payloads.push_back(MakePayload(ikev2::NoncePayload{nonce_i_}));
  for (Payload& p : NatDetectionNotifies(prepared)) payloads.push_back(std::move(p));
  payloads.push_back(MakePayload(MakeNotify(NotifyType::kIkev2FragmentationSupported)));
  payloads.push_back(MakePayload(MakeNotify(NotifyType::kSignatureHashAlgorithms,
                                            U16List(crypto::SupportedSignatureHashes()))));
  return payloads;
}

Status IkeSa::SendInitRequest(SaContext& ctx) {
  ikev2::Message message{MakeHeader(ikev2::ExchangeType::kIkeSaInit, false, 0),
                         BuildInitRequestPayloads(ctx.prepared)};
  Result<Bytes> raw = ikev2::SerializeMessage(message);
  if (!raw.ok()) return raw.error();
  init_request_raw_ = *raw;
  pending_exchange_ = ikev2::ExchangeType::kIkeSaInit;
  pending_request_ = {std::move(*raw)};
  next_request_id_ = 0;
  state_ = State::kInitSent;
  timer_.Start(ctx.now);
  SendRaw(pending_request_, ctx);
  return Status::Ok();
}

Status IkeSa::RestartWithFallback(SaContext& ctx) {
  std::vector<IkeProposalSpec> restricted =
      RestrictToMinimum(policy_.fallback_proposals, policy_.minimum_strength_bits);
  if (restricted.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "every fallback proposal is below the minimum strength of " +
                         std::to_string(policy_.minimum_strength_bits) + " bits");
  }
  Result<std::unique_ptr<crypto::KeyExchange>> ke =
      crypto::KeyExchange::Create(restricted.front().ke_groups.front(), ctx.rng, ctx.prepared);
  if (!ke.ok()) return ke.error();
  ke_ = std::move(*ke);
  offer_ = std::move(restricted);
  using_fallback_ = true;
  cookie_.clear();
  invalid_ke_retries_ = 0;
  return SendInitRequest(ctx);
}

Status IkeSa::DeriveKeys(const IkeSuiteChoice& suite, ByteView peer_ke, ByteView ni, ByteView nr,
                         crypto::PreparedCrypto* prepared) {
  Result<Bytes> shared = ke_->ComputeSharedSecret(peer_ke, prepared);
  if (!shared.ok()) return shared.error();
  crypto::IkeSuite ike_suite{suite.encr.id, suite.encr.key_bits, suite.prf, suite.integ,
                             suite.ke_group};
  Result<crypto::IkeSaKeys> keys =
      crypto::DeriveIkeSaKeys(ike_suite, ni, nr, *shared, spi_i_, spi_r_, prepared);
  if (!keys.ok()) return keys.error();
  keys_ = std::move(*keys);
  const bool initiator = role_ == Role::kInitiator;
  Result<crypto::SkCipher> out = crypto::SkCipher::Create(
      suite.encr.id, suite.encr.key_bits, suite.integ, initiator ? keys_.sk_ei : keys_.sk_er,
      initiator ? keys_.sk_ai : keys_.sk_ar, prepared);
  if (!out.ok()) return out.error();
  Result<crypto::SkCipher> in = crypto::SkCipher::Create(
      suite.encr.id, suite.encr.key_bits, suite.integ, initiator ? keys_.sk_er : keys_.sk_ei,
      initiator ? keys_.sk_ar : keys_.sk_ai, prepared);
  if (!in.ok()) return in.error();
  out_cipher_.emplace(std::move(*out));
  in_cipher_.emplace(std::move(*in));
  suite_ = suite;
  return Status::Ok();
}

void IkeSa::RecordNatDetection(const std::vector<Payload>& payloads, const Datagram& datagram,
                               crypto::PreparedCrypto* prepared) {
  std::vector<Bytes> sources;
  Bytes destination;
  for (const Payload& p : payloads) {
    const auto* n = p.As<ikev2::NotifyPayload>();
    if (n == nullptr) continue;
    if (n->type == NotifyType::kNatDetectionSourceIp) sources.push_back(n->data);
    if (n->type == NotifyType::kNatDetectionDestinationIp) destination = n->data;
  }
  if (role_ == Role::kInitiator)
    probe_.nat.source_port_changed = datagram.remote.port != remote_.port;
  if (sources.empty() || destination.empty()) return;
  probe_.nat.notifies_present = true;
  // In the request SPIr was still zero when the initiator computed its hashes.
  const uint64_t spi_r_for_hashes = role_ == Role::kInitiator ? spi_r_ : 0;
  Result<NatDetectionResult> nat =
      EvaluateNatDetection(spi_i_, spi_r_for_hashes, datagram, sources, destination, prepared);
  if (!nat.ok()) return;
  nat_local_ = nat->local_behind_nat;
  nat_peer_ = nat->peer_behind_nat;
  probe_.nat.local_behind_nat = nat_local_;
  probe_.nat.peer_behind_nat = nat_peer_;
}

void IkeSa::ProcessInitResponse(const ikev2::Message& message, ByteView raw,
                                const Datagram& datagram, SaContext& ctx) {
  const std::vector<Payload>& payloads = message.payloads;
  ++probe_.round_trips;
  probe_.latency = ctx.now - first_request_sent_;

  // IKE_SA_INIT { N(COOKIE) } <-- : retry with the cookie first, same SPIi, nonce and KE.
  if (const ikev2::NotifyPayload* cookie = ikev2::FindNotify(payloads, NotifyType::kCookie)) {
    probe_.cookie_required = true;
    if (++cookie_retries_ > policy_.max_cookie_retries) {
      Fail("responder keeps demanding cookies", ctx, ProbeStop::kProtocolError);
      return;
    }
    cookie_ = cookie->data;
    timer_.Stop();
    if (Status s = SendInitRequest(ctx); !s.ok()) Fail(s.error().message, ctx);
    return;
  }
  // IKE_SA_INIT { N(INVALID_KE_PAYLOAD) } <-- : retry with the asked group, only if we offered it.
  if (const ikev2::NotifyPayload* invalid_ke =
          ikev2::FindNotify(payloads, NotifyType::kInvalidKePayload)) {
    const uint16_t group = static_cast<uint16_t>(invalid_ke->data[0] << 8 | invalid_ke->data[1]);
    probe_.behaviour.invalid_ke_group = group;
    if (group == ke_->group() && invalid_ke_retries_ > 0) {
      // A late duplicate of the INVALID_KE we already followed (our first request was
      // retransmitted before the answer came): it asks for the group we now use. Stale, not fatal.
      ++ctx.counters.dropped_unexpected;
      return;
    }
    if (!OfferHasGroup(offer_, group) || group == ke_->group() ||
        ++invalid_ke_retries_ > policy_.max_invalid_ke_retries) {
      Fail("responder wants KE group " + std::to_string(group) + ", which we cannot use", ctx,
           ProbeStop::kInvalidKeExhausted);
      return;
    }
    Result<std::unique_ptr<crypto::KeyExchange>> ke =
        crypto::KeyExchange::Create(group, ctx.rng, ctx.prepared);
    if (!ke.ok()) {
      Fail(ke.error().message, ctx, ProbeStop::kInvalidKeExhausted);
      return;
    }
    ke_ = std::move(*ke);
    timer_.Stop();
    if (Status s = SendInitRequest(ctx); !s.ok()) Fail(s.error().message, ctx);
    return;
  }
  if (ikev2::FindNotify(payloads, NotifyType::kNoProposalChosen) != nullptr) {
    Fail("responder accepted none of our proposals", ctx, ProbeStop::kNoProposalChosen);
    return;
  }
  for (const Payload& p : payloads) {
    const auto* n = p.As<ikev2::NotifyPayload>();
    if (n != nullptr && n->IsError()) {
      Fail("IKE_SA_INIT refused with " + std::string(ikev2::Name(n->type)), ctx);
      return;
    }
  }
  const Payload* sa = ikev2::FindPayload(payloads, ikev2::PayloadType::kSecurityAssociation);
  const Payload* ke = ikev2::FindPayload(payloads, ikev2::PayloadType::kKeyExchange);
  const Payload* nonce = ikev2::FindPayload(payloads, ikev2::PayloadType::kNonce);
  if (sa == nullptr || ke == nullptr || nonce == nullptr || message.header.spi_r == 0) {
    ++ctx.counters.dropped_malformed;  // keep waiting: a forged answer must not end the exchange
    return;
  }
  Result<IkeSuiteChoice> choice = IkeChoiceFromSa(*sa->As<ikev2::SaPayload>());
  if (!choice.ok() || !OfferAllows(offer_, *choice)) {
    Fail("responder chose a suite we did not offer", ctx);
    return;
  }
  if (SuiteStrengthBits(*choice) < policy_.minimum_strength_bits) {
    Fail("chosen suite " + choice->ToString() + " is below the minimum strength", ctx);
    return;
  }
  const ikev2::KePayload& peer_ke = *ke->As<ikev2::KePayload>();
  if (peer_ke.dh_group != choice->ke_group || choice->ke_group != ke_->group()) {
    Fail("KE group does not match the chosen proposal", ctx);
    return;
  }
  spi_r_ = message.header.spi_r;
  nonce_r_ = nonce->As<ikev2::NoncePayload>()->data;
  init_response_raw_.assign(raw.begin(), raw.end());
  if (Status s = DeriveKeys(*choice, peer_ke.data, nonce_i_, nonce_r_, ctx.prepared); !s.ok()) {
    Fail("key derivation failed: " + s.error().message, ctx);
    return;
  }
  RecordNatDetection(payloads, datagram, ctx.prepared);
  RecordShape(payloads, &probe_.behaviour.init_notify_types, &probe_.behaviour.init_payload_order);
  peer_fragmentation_ =
      ikev2::FindNotify(payloads, NotifyType::kIkev2FragmentationSupported) != nullptr;
  probe_.fragmentation_supported = peer_fragmentation_;
  if (const auto* hashes = ikev2::FindNotify(payloads, NotifyType::kSignatureHashAlgorithms)) {
    peer_signature_hashes_ = ParseU16List(hashes->data);
    probe_.behaviour.signature_hashes = peer_signature_hashes_;
  }
  for (const Payload& p : payloads) {
    if (const auto* vid = p.As<ikev2::VendorIdPayload>()) {
      probe_.vendor_ids.push_back({vid->data, NameVendorId(vid->data)});
    }
    if (const auto* certreq = p.As<ikev2::CertReqPayload>()) {
      Result<std::vector<Bytes>> ids = crypto::ParseCertReqAuthorities(certreq->authorities);
      if (ids.ok()) {
        for (Bytes& id : *ids) probe_.behaviour.certreq_ca_key_ids.push_back(std::move(id));
      }
    }
  }
  probe_.behaviour.chosen_proposal = choice->ToString();
  probe_.used_fallback_proposals = using_fallback_;
  if (nat_local_ || nat_peer_) {
    // RFC 7296 §2.23: with a NAT on the path, continue on port 4500 with the non-ESP marker.
    local_.port = kNatTraversalPort;
    remote_.port = kNatTraversalPort;
  }
  timer_.Stop();
  pending_exchange_.reset();
  next_request_id_ = 1;
  state_ = State::kAuthSent;
  if (Status s = SendAuthRequest(ctx); !s.ok()) Fail("IKE_AUTH: " + s.error().message, ctx);
}

Result<std::unique_ptr<IkeSa>> IkeSa::StartResponder(SaHandle handle, Policy policy,
                                                     InitRequestFacts facts, SaContext& ctx) {
  std::unique_ptr<IkeSa> sa(new IkeSa(handle, Role::kResponder, Mode::kConnect, std::move(policy),
                                      facts.datagram.local, facts.datagram.remote));
  sa->created_ = ctx.now;
  IKEWOT_RETURN_IF_ERROR(sa->AnswerInitRequest(facts, ctx));
  return sa;
}

Status IkeSa::AnswerInitRequest(const InitRequestFacts& facts, SaContext& ctx) {
  const std::vector<Payload>& request = facts.message.payloads;
  const auto* peer_ke =
      ikev2::FindPayload(request, ikev2::PayloadType::kKeyExchange)->As<ikev2::KePayload>();
  spi_i_ = facts.message.header.spi_i;
  spi_r_ = NonZeroSpi(ctx.rng);
  nonce_i_ =
      ikev2::FindPayload(request, ikev2::PayloadType::kNonce)->As<ikev2::NoncePayload>()->data;
  nonce_r_.resize(kNonceSize);
  ctx.rng.Fill(nonce_r_);
  Result<std::unique_ptr<crypto::KeyExchange>> ke =
      crypto::KeyExchange::Create(facts.choice.suite.ke_group, ctx.rng, ctx.prepared);
  if (!ke.ok()) return ke.error();
  ke_ = std::move(*ke);
  IKEWOT_RETURN_IF_ERROR(
      DeriveKeys(facts.choice.suite, peer_ke->data, nonce_i_, nonce_r_, ctx.prepared));
  init_request_raw_ = facts.raw;
  RecordNatDetection(request, facts.datagram, ctx.prepared);
  peer_fragmentation_ =
      ikev2::FindNotify(request, NotifyType::kIkev2FragmentationSupported) != nullptr;
  if (const auto* hashes = ikev2::FindNotify(request, NotifyType::kSignatureHashAlgorithms)) {
    peer_signature_hashes_ = ParseU16List(hashes->data);
  }

  // <-- IKE_SA_INIT { SA, KE, Nr, N(NAT_DETECTION_*), N(FRAG_SUP), N(SIG_HASH), CERTREQ, V* }
  std::vector<Payload> payloads;
  payloads.push_back(MakePayload(IkeChoiceToSa(facts.choice.suite, facts.choice.proposal_number)));
  ikev2::KePayload own_ke;
  own_ke.dh_group = ke_->group();
  own_ke.data.assign(ke_->public_value().begin(), ke_->public_value().end());
  payloads.push_back(MakePayload(std::move(own_ke)));
  payloads.push_back(MakePayload(ikev2::NoncePayload{nonce_r_}));
  for (Payload& p : NatDetectionNotifies(ctx.prepared)) payloads.push_back(std::move(p));
  if (peer_fragmentation_) {
    payloads.push_back(MakePayload(MakeNotify(NotifyType::kIkev2FragmentationSupported)));
  }
  payloads.push_back(MakePayload(MakeNotify(NotifyType::kSignatureHashAlgorithms,
                                            U16List(crypto::SupportedSignatureHashes()))));
  payloads.push_back(MakePayload(ikev2::CertReqPayload{ikev2::CertEncoding::kX509Signature, {}}));
  for (const Bytes& vid : policy_.vendor_ids)
    payloads.push_back(MakePayload(ikev2::VendorIdPayload{vid}));

  ikev2::Message response{MakeHeader(ikev2::ExchangeType::kIkeSaInit, true, 0),
                          std::move(payloads)};
  Result<Bytes> raw = ikev2::SerializeMessage(response);
  if (!raw.ok()) return raw.error();
  init_response_raw_ = *raw;
  cached_response_ = {std::move(*raw)};
  cached_response_id_ = 0;
  expected_peer_request_id_ = 1;
  state_ = State::kInitDone;
  StartHalfOpenClock(ctx.now);
  SendRaw(cached_response_, ctx);
  return Status::Ok();
}

}  // namespace ikewot::engine
