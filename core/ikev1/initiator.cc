// The IKEv1 initiator's transport side: sending and retransmitting, taking datagrams apart
// (non-ESP marker, fragments), dispatching by state, notifications and the end of the probe.
#include "core/ikev1/initiator.h"

#include <algorithm>
#include <string>

#include "core/crypto/certificate.h"
#include "core/ikev1/phase1_auth.h"

namespace ikewot::ikev1 {
namespace {

// Notifications by which a responder says it will not talk to an initiator it does not know.
bool IsInitiatorAuthRefusal(NotifyType type) {
  switch (type) {
    case NotifyType::kAuthenticationFailed:
    case NotifyType::kInvalidIdInformation:
    case NotifyType::kInvalidSignature:
    case NotifyType::kInvalidCertificate:
    case NotifyType::kInvalidCertAuthority:
    case NotifyType::kCertificateUnavailable:
    case NotifyType::kInvalidCertEncoding:
    case NotifyType::kCertTypeUnsupported:
    case NotifyType::kInvalidHashInformation:
      return true;
    default:
      return false;
  }
}

// libreswan pads unencrypted IKEv1 messages to a multiple of 4 octets inside the header's
// length (up to 3 zero octets after the last payload, found by the interop run): take them off
// and parse again. Anything else after the last payload is still an error.
Result<Message> ParseAnswer(ByteView raw) {
  auto message = ParseMessage(raw);
  if (message.ok() || message.code() != ErrorCode::kTrailingData) return message;
  const size_t at = message.error().offset;
  if (at <= kHeaderSize || at >= raw.size() || raw.size() - at > 3 ||
      !std::all_of(raw.begin() + at, raw.end(), [](uint8_t b) { return b == 0; })) {
    return message;
  }
  Bytes trimmed(raw.begin(), raw.begin() + at);
  for (int k = 0; k < 4; ++k) trimmed[24 + k] = static_cast<uint8_t>(at >> (24 - 8 * k));
  auto again = ParseMessage(trimmed);
  return again.ok() ? again : message;
}

}  // namespace

std::string_view Phase1ModeName(Phase1Mode mode) {
  return mode == Phase1Mode::kAggressive ? "aggressive" : "main";
}

Initiator::Initiator(InitiatorConfig config, Rng& rng)
    : config_(std::move(config)),
      rng_(rng),
      local_(config_.local),
      remote_(config_.remote),
      timer_(config_.retransmit) {}

Result<std::unique_ptr<Initiator>> Initiator::Start(InitiatorConfig config, Rng& rng,
                                                    TimePoint now) {
  if (!config.local.valid() || !config.remote.valid() ||
      config.local.address.size() != config.remote.address.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "IKEv1 probe needs a local and a remote address of the same family");
  }
  std::unique_ptr<Initiator> initiator(new Initiator(std::move(config), rng));
  IKEWOT_RETURN_IF_ERROR(initiator->Begin(now));
  return initiator;
}

Status Initiator::Begin(TimePoint now) {
  result_.target = remote_.ToString();
  result_.ike_version = 1;
  result_.ike_mode = std::string(Phase1ModeName(config_.mode));
  rng_.Fill(cky_i_);
  if (std::all_of(cky_i_.begin(), cky_i_.end(), [](uint8_t b) { return b == 0; })) cky_i_[0] = 1;
  identity_ = config_.identity;

  if (config_.mode == Phase1Mode::kMain && !identity_.key) {
    auto key = crypto::PrivateKey::Generate(config_.ephemeral_key_type, rng_);
    if (!key.ok()) return key.error();
    crypto::SelfSignedOptions options;
    options.common_name = "ikewot ephemeral probe";
    auto cert = crypto::MakeSelfSigned(*key, options, now, rng_);
    if (!cert.ok()) return cert.error();
    identity_.certificate_chain_der = {cert->ToDer()};
    identity_.subject_der = cert->SubjectDer();
    identity_.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  }
  if (identity_.key && identity_.subject_der.empty() && !identity_.certificate_chain_der.empty()) {
    auto cert = crypto::Certificate::FromDer(identity_.certificate_chain_der.front());
    if (!cert.ok()) return cert.error();
    identity_.subject_der = cert->SubjectDer();
  }

  Phase1OfferOptions offer = config_.offer;
  if (config_.mode == Phase1Mode::kMain) {
    // One authentication method binds both sides: the one our key can make.
    auto method = SignatureMethodForKey(identity_.key->type());
    if (!method.ok()) return method.error();
    offer.auth_methods = {*method};
  } else if (config_.aggressive_group == 2) {
    if (!config_.offer.include_group2) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "group 2 (MODP-1024) is offered only when asked for (include_group2)");
    }
    offer.groups = {};
  } else {
    offer.groups = {config_.aggressive_group};
    offer.include_group2 = false;
  }
  offered_ = DefaultPhase1Suites(offer);
  if (offered_.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the IKEv1 offer is empty (no groups)");
  }
  auto sa_body = PayloadBodyOctets(MakePayload(BuildPhase1Sa(offered_)));
  if (!sa_body.ok()) return sa_body.error();
  sai_b_ = std::move(*sa_body);

  auto first = config_.mode == Phase1Mode::kAggressive ? BuildAm1() : BuildMm1();
  if (!first.ok()) return first.error();
  state_ = config_.mode == Phase1Mode::kAggressive ? State::kAwaitAm2 : State::kAwaitMm2;
  first_sent_ = now;
  Send(std::move(*first), now);
  return Status::Ok();
}

void Initiator::Send(Bytes message, TimePoint now) {
  last_request_ = std::move(message);
  outgoing_.push_back(
      engine::Datagram{local_, remote_, engine::FrameIkeMessage(local_, remote_, last_request_)});
  timer_ = engine::RetransmitTimer(config_.retransmit);
  timer_.Start(now);
}

void Initiator::HandleTimeout(TimePoint now) {
  if (done_) return;
  switch (timer_.OnTimeout(now)) {
    case engine::RetransmitTimer::Action::kNone:
      return;
    case engine::RetransmitTimer::Action::kResend:
      ++result_.retransmissions;
      outgoing_.push_back(engine::Datagram{
          local_, remote_, engine::FrameIkeMessage(local_, remote_, last_request_)});
      return;
    case engine::RetransmitTimer::Action::kGiveUp:
      break;
  }
  if (unverified_) {
    // A complete answer came, but its signature did not verify, and no genuine one followed.
    engine::ProbeResult keep = std::move(*unverified_);
    unverified_.reset();
    result_ = std::move(keep);
    Finish(engine::ProbeStop::kCompleted, "the responder's signature (SIG_R) did not verify", now);
    return;
  }
  const std::string tries = std::to_string(timer_.tries());
  const std::string problem =
      last_problem_.empty() ? "" : " (last answer dropped: " + last_problem_ + ")";
  if (state_ == State::kAwaitMm6) {
    Finish(engine::ProbeStop::kAuthenticationFailed,
           std::string(kRequiresInitiatorAuth) + ": no answer to MM5 (our identity) after " +
               tries + " tries" + problem,
           now);
    return;
  }
  const char* what = state_ == State::kAwaitAm2   ? "AM1"
                     : state_ == State::kAwaitMm2 ? "MM1"
                                                  : "MM3";
  Finish(engine::ProbeStop::kTimeout,
         std::string("no IKEv1 answer to ") + what + " after " + tries + " tries" + problem, now);
}

void Initiator::HandleDatagram(const engine::Datagram& datagram, TimePoint now) {
  if (done_) return;
  auto unframed = engine::UnframeDatagram(datagram);
  if (!unframed.ok() || unframed->kind != engine::DatagramKind::kIke) {
    ++counters_.not_ours;
    return;
  }
  ByteView raw = unframed->ike_message;
  // Cheapest check first: is this an IKEv1 message of our exchange at all?
  if (raw.size() < kHeaderSize || (raw[17] >> 4) != kMajorVersion ||
      !std::equal(cky_i_.begin(), cky_i_.end(), raw.begin())) {
    ++counters_.not_ours;
    return;
  }
  auto message = ParseAnswer(raw);
  if (!message.ok()) {
    Drop(&counters_.malformed, "malformed answer: " + message.error().ToString());
    return;
  }
  if (!message->header.encrypted() && message->payloads.size() == 1 &&
      message->payloads[0].As<FragmentPayload>() != nullptr) {
    ++counters_.fragments;
    auto whole = fragments_.Add(*message->payloads[0].As<FragmentPayload>());
    if (!whole.ok()) {
      Drop(&counters_.malformed, "bad fragment: " + whole.error().ToString());
      return;
    }
    if (!whole->has_value()) return;
    Bytes reassembled = std::move(**whole);
    auto inner = ParseAnswer(reassembled);
    if (!inner.ok() || !std::equal(cky_i_.begin(), cky_i_.end(), reassembled.begin()) ||
        (!inner->header.encrypted() && !inner->payloads.empty() &&
         inner->payloads[0].As<FragmentPayload>() != nullptr)) {
      Drop(&counters_.malformed, "reassembled fragments are not a message of this exchange");
      return;
    }
    result_.fragmentation_supported = true;
    Dispatch(*inner, datagram, now);
    return;
  }
  Dispatch(*message, datagram, now);
}

void Initiator::Dispatch(const Message& message, const engine::Datagram& datagram, TimePoint now) {
  const Header& h = message.header;
  if (h.exchange_type == ExchangeType::kInformational) {
    HandleInformational(message, now);
    return;
  }
  const ExchangeType expected = config_.mode == Phase1Mode::kAggressive
                                    ? ExchangeType::kAggressive
                                    : ExchangeType::kIdentityProtection;
  if (h.exchange_type != expected || h.message_id != 0) {
    Drop(&counters_.unexpected, "answer of exchange " + ExchangeTypeName(h.exchange_type));
    return;
  }
  const bool zero_r = std::all_of(h.responder_cookie.begin(), h.responder_cookie.end(),
                                  [](uint8_t b) { return b == 0; });
  if (zero_r ||
      (state_ != State::kAwaitAm2 && state_ != State::kAwaitMm2 && h.responder_cookie != cky_r_)) {
    Drop(&counters_.unexpected, "answer with a responder cookie not of this exchange");
    return;
  }
  const bool want_encrypted = state_ == State::kAwaitMm6;
  if (h.encrypted() != want_encrypted) {
    Drop(&counters_.unexpected, want_encrypted ? "MM6 must be encrypted"
                                               : "a phase-1 answer before the keys is encrypted");
    return;
  }
  if (!h.encrypted()) {
    Status valid = ValidateMessage(message);
    if (!valid.ok()) {
      Drop(&counters_.malformed, "answer breaks the rules: " + valid.error().ToString());
      return;
    }
  }
  switch (state_) {
    case State::kAwaitAm2:
      OnAm2(message, datagram, now);
      return;
    case State::kAwaitMm2:
      OnMm2(message, datagram, now);
      return;
    case State::kAwaitMm4:
      OnMm4(message, datagram, now);
      return;
    case State::kAwaitMm6:
      OnMm6(message, now);
      return;
  }
}

void Initiator::HandleInformational(const Message& message, TimePoint now) {
  if (!message.header.encrypted()) {
    // Unauthenticated, as every IKEv1 notification before the keys: believed like ike-scan
    // does, since our cookie shows the sender saw our request.
    for (const Payload& p : message.payloads) {
      if (const auto* n = p.As<NotificationPayload>()) {
        HandleNotify(*n, false, now);
        return;
      }
    }
    Drop(&counters_.unexpected, "an informational exchange without a notification");
    return;
  }
  if (!cipher_ || !suite_) {
    Drop(&counters_.undecryptable, "an encrypted informational before the keys exist");
    return;
  }
  // RFC 2409 §5.7 (informational in phase 1): IV = hash(last phase-1 block | M-ID), and
  // HASH(1) = prf(SKEYID_a, M-ID | N/D) proves the sender has the keys.
  auto iv = ExchangeIv(suite_->hash, iv_, message.header.message_id);
  if (!iv.ok()) return;
  Bytes ignored_next;
  auto plain = cipher_->Decrypt(*iv, message.encrypted_body, &ignored_next);
  if (!plain.ok()) {
    Drop(&counters_.undecryptable, "informational: " + plain.error().ToString());
    return;
  }
  auto body =
      ParseDecryptedBody(*plain, static_cast<uint8_t>(message.header.next_payload), kHeaderSize);
  if (!body.ok() || body->payloads.size() < 2 || body->payloads[0].As<HashPayload>() == nullptr) {
    Drop(&counters_.undecryptable, "informational does not decrypt to HASH(1) and a payload");
    return;
  }
  auto hash_octets = PayloadBodyOctets(body->payloads[0]);
  if (!hash_octets.ok()) return;
  const size_t hash_payload_size = kGenericHeaderSize + hash_octets->size();
  const size_t chain_end = plain->size() - body->padding.size();
  const uint32_t mid = message.header.message_id;
  const uint8_t mid_octets[4] = {static_cast<uint8_t>(mid >> 24), static_cast<uint8_t>(mid >> 16),
                                 static_cast<uint8_t>(mid >> 8), static_cast<uint8_t>(mid)};
  auto expected =
      Phase1Prf(suite_->hash, keys_.skeyid_a,
                {ByteView(mid_octets, 4),
                 ByteView(*plain).subspan(hash_payload_size, chain_end - hash_payload_size)});
  if (!expected.ok() || !ConstantTimeEqual(*expected, body->payloads[0].As<HashPayload>()->data)) {
    Drop(&counters_.undecryptable, "informational HASH(1) does not verify");
    return;
  }
  for (const Payload& p : body->payloads) {
    if (const auto* n = p.As<NotificationPayload>()) {
      HandleNotify(*n, true, now);
      return;
    }
  }
  Drop(&counters_.unexpected, "an informational exchange without a notification");
}

void Initiator::HandleNotify(const NotificationPayload& notify, bool authenticated, TimePoint now) {
  const uint16_t type = static_cast<uint16_t>(notify.type);
  result_.behaviour.init_notify_types.push_back(type);
  const std::string name = NotifyTypeName(notify.type);
  const std::string how = authenticated ? " (encrypted, HASH verified)" : " (in the clear)";
  if (type >= 16384) {
    // Status notifications (RESPONDER-LIFETIME, DPD) say nothing about our request.
    ++counters_.unexpected;
    return;
  }
  NoteAnswer(now);
  if (notify.type == NotifyType::kNoProposalChosen) {
    Finish(engine::ProbeStop::kNoProposalChosen, "responder answered NO_PROPOSAL_CHOSEN" + how,
           now);
    return;
  }
  if (state_ == State::kAwaitMm6 && IsInitiatorAuthRefusal(notify.type)) {
    Finish(engine::ProbeStop::kAuthenticationFailed,
           std::string(kRequiresInitiatorAuth) + ": it answered MM5 with " + name + how, now);
    return;
  }
  if (notify.type == NotifyType::kInvalidKeyInformation && state_ == State::kAwaitAm2) {
    Finish(engine::ProbeStop::kInvalidKeExhausted,
           "responder refused the KE of group " + std::to_string(config_.aggressive_group) +
               " (INVALID_KEY_INFORMATION)" + how,
           now);
    return;
  }
  Finish(engine::ProbeStop::kProtocolError, "responder answered " + name + how, now);
}

void Initiator::Drop(uint64_t* counter, std::string reason) {
  ++*counter;
  last_problem_ = std::move(reason);
}

void Initiator::NoteAnswer(TimePoint now) {
  ++result_.round_trips;
  result_.latency = now - first_sent_;
}

void Initiator::Finish(engine::ProbeStop stop, std::string detail, TimePoint now) {
  if (done_) return;
  done_ = true;
  timer_.Stop();
  result_.stop = stop;
  result_.detail = std::move(detail);
  result_.ike_version = 1;
  result_.ike_mode = std::string(Phase1ModeName(config_.mode));
  engine::Event event;
  event.kind = engine::EventKind::kProbeCompleted;
  event.sa = config_.handle;
  event.initiator = true;
  event.peer = config_.remote;
  event.reason = result_.detail;
  if (!result_.certificates.empty()) {
    event.peer_identification = result_.certificates.front().identification;
    event.peer_certificate_der = result_.certificates.front().der;
  }
  event.probe = result_;
  events_.push_back(std::move(event));
}

}  // namespace ikewot::ikev1
