// The parts of an IKE SA that every exchange shares: headers, protection, sending with
// retransmission, message-ID bookkeeping, the response cache and timers.
#include "core/engine/ike_sa.h"

#include <algorithm>

#include "core/engine/protection.h"

namespace ikewot::engine {

using ikev2::ExchangeType;

namespace {
constexpr Duration kHalfOpenLifetime = std::chrono::seconds(30);
}  // namespace

ikev2::Header IkeSa::MakeHeader(ExchangeType exchange, bool response, uint32_t message_id) const {
  ikev2::Header header;
  header.spi_i = spi_i_;
  header.spi_r = spi_r_;
  header.exchange_type = exchange;
  header.response = response;
  header.initiator = role_ == Role::kInitiator;
  header.message_id = message_id;
  return header;
}

void IkeSa::SendRaw(const std::vector<Bytes>& messages, SaContext& ctx) {
  for (const Bytes& message : messages) {
    ctx.outgoing.push_back(Datagram{local_, remote_, FrameIkeMessage(local_, remote_, message)});
    ++ctx.counters.datagrams_out;
  }
}

Status IkeSa::SendRequest(ExchangeType exchange, const std::vector<ikev2::Payload>& inner,
                          SaContext& ctx) {
  if (!out_cipher_) return MakeError(ErrorCode::kState, "no keys for a protected request");
  std::optional<size_t> budget;
  if (peer_fragmentation_)
    budget = policy_.fragment_budget - (local_.port == kNatTraversalPort ? kNonEspMarkerSize : 0);
  Result<std::vector<Bytes>> messages = ProtectMessage(
      MakeHeader(exchange, false, next_request_id_), inner, *out_cipher_, ctx.rng, budget);
  if (!messages.ok()) return messages.error();
  pending_exchange_ = exchange;
  pending_request_ = std::move(*messages);
  timer_.Start(ctx.now);
  SendRaw(pending_request_, ctx);
  return Status::Ok();
}

Status IkeSa::SendResponse(ExchangeType exchange, uint32_t message_id,
                           const std::vector<ikev2::Payload>& inner, SaContext& ctx) {
  if (!out_cipher_) return MakeError(ErrorCode::kState, "no keys for a protected response");
  std::optional<size_t> budget;
  if (peer_fragmentation_)
    budget = policy_.fragment_budget - (local_.port == kNatTraversalPort ? kNonEspMarkerSize : 0);
  Result<std::vector<Bytes>> messages =
      ProtectMessage(MakeHeader(exchange, true, message_id), inner, *out_cipher_, ctx.rng, budget);
  if (!messages.ok()) return messages.error();
  cached_response_ = std::move(*messages);
  cached_response_id_ = message_id;
  expected_peer_request_id_ = message_id + 1;
  SendRaw(cached_response_, ctx);
  return Status::Ok();
}

std::optional<std::vector<ikev2::Payload>> IkeSa::Unprotect(const ikev2::Message& message,
                                                            ByteView raw, SaContext& ctx) {
  if (!in_cipher_ || message.payloads.empty()) {
    ++ctx.counters.dropped_unexpected;
    return std::nullopt;
  }
  const ikev2::Payload& last = message.payloads.back();
  if (last.As<ikev2::EncryptedPayload>() != nullptr) {
    Result<std::vector<ikev2::Payload>> inner = UnprotectSk(raw, message, *in_cipher_);
    if (!inner.ok()) {
      if (inner.code() == ErrorCode::kAuthFailure) {
        ++ctx.counters.dropped_integrity;
      } else {
        ++ctx.counters.dropped_malformed;
      }
      return std::nullopt;
    }
    return std::move(*inner);
  }
  if (last.As<ikev2::EncryptedFragmentPayload>() != nullptr) {
    Result<DecryptedFragment> fragment = UnprotectSkf(raw, message, *in_cipher_);
    if (!fragment.ok()) {
      if (fragment.code() == ErrorCode::kAuthFailure) {
        ++ctx.counters.dropped_integrity;
      } else {
        ++ctx.counters.dropped_malformed;
      }
      return std::nullopt;
    }
    Result<FragmentReassembler::Outcome> outcome =
        reassembler_.Add(message.header.message_id, fragment->number, fragment->total,
                         fragment->first_inner_payload, fragment->content, ctx.now);
    if (!outcome.ok()) {
      ++ctx.counters.dropped_malformed;
      return std::nullopt;
    }
    if (*outcome != FragmentReassembler::Outcome::kComplete) return std::nullopt;
    std::optional<ReassembledMessage> whole = reassembler_.Take();
    Result<std::vector<ikev2::Payload>> inner =
        ikev2::ParsePayloadChain(whole->payload_chain, whole->first_payload);
    if (!inner.ok()) {
      ++ctx.counters.dropped_malformed;
      return std::nullopt;
    }
    return std::move(*inner);
  }
  ++ctx.counters.dropped_malformed;  // after IKE_SA_INIT everything must be protected
  return std::nullopt;
}

void IkeSa::HandleMessage(const ikev2::Message& message, ByteView raw, const Datagram& datagram,
                          SaContext& ctx) {
  const ikev2::Header& h = message.header;
  if (state_ == State::kClosed) return;
  if (h.response) {
    // Answers only to our one outstanding request; anything else is stale or forged.
    if (!pending_exchange_ || h.exchange_type != *pending_exchange_ ||
        h.message_id != next_request_id_ || h.initiator == (role_ == Role::kInitiator)) {
      ++ctx.counters.dropped_unexpected;
      return;
    }
    if (h.exchange_type == ExchangeType::kIkeSaInit) {
      ProcessInitResponse(message, raw, datagram, ctx);
      return;
    }
    std::optional<std::vector<ikev2::Payload>> inner = Unprotect(message, raw, ctx);
    if (!inner) return;
    // Authenticated: the peer's address may have moved (NAT mapping change).
    remote_ = datagram.remote;
    timer_.Stop();
    pending_exchange_.reset();
    ++next_request_id_;
    if (h.exchange_type == ExchangeType::kIkeAuth) {
      ProcessAuthResponse(*inner, ctx);
    } else if (h.exchange_type == ExchangeType::kInformational) {
      ProcessInformationalResponse(*inner, ctx);
    } else {
      ++ctx.counters.dropped_unexpected;
    }
    return;
  }
  // A request from the peer.
  if (h.exchange_type == ExchangeType::kIkeSaInit) {
    // A retransmitted IKE_SA_INIT for a responder SA: the node resends the cached answer.
    ++ctx.counters.dropped_unexpected;
    return;
  }
  if (cached_response_id_ && h.message_id == *cached_response_id_) {
    // Retransmission: answer from the cache without processing (RFC 7296 §2.1). For fragmented
    // requests answer on fragment 1 only, so one lost answer costs one resend, not N.
    const auto* skf = message.payloads.empty()
                          ? nullptr
                          : message.payloads.back().As<ikev2::EncryptedFragmentPayload>();
    if (skf == nullptr || skf->fragment_number == 1) {
      SendRaw(cached_response_, ctx);
      ++ctx.counters.responses_resent;
    }
    return;
  }
  if (h.message_id != expected_peer_request_id_) {
    ++ctx.counters.dropped_unexpected;
    return;
  }
  const bool auth_expected = role_ == Role::kResponder && state_ == State::kInitDone;
  if ((h.exchange_type == ExchangeType::kIkeAuth) != auth_expected) {
    // IKE_AUTH only right after IKE_SA_INIT; nothing else before it (e.g. an INFORMATIONAL
    // before IKE_AUTH is dropped).
    ++ctx.counters.dropped_unexpected;
    return;
  }
  std::optional<std::vector<ikev2::Payload>> inner = Unprotect(message, raw, ctx);
  if (!inner) return;
  remote_ = datagram.remote;
  local_ = datagram.local;
  if (h.exchange_type == ExchangeType::kIkeAuth) {
    ProcessAuthRequest(message, *inner, ctx);
  } else if (h.exchange_type == ExchangeType::kInformational) {
    ProcessInformationalRequest(*inner, ctx);
  } else {
    // CREATE_CHILD_SA and others are not implemented: answer so the peer does not retransmit.
    (void)SendResponse(h.exchange_type, h.message_id,
                       {ikev2::MakePayload(ikev2::MakeNotify(ikev2::NotifyType::kNoAdditionalSas))},
                       ctx);
  }
}

TimePoint IkeSa::NextDeadline() const {
  if (state_ == State::kClosed) return kNever;
  return std::min(
      {timer_.deadline(), half_open_deadline_, next_keepalive_, reassembler_.deadline()});
}

void IkeSa::HandleTimeout(SaContext& ctx) {
  if (state_ == State::kClosed) return;
  reassembler_.Expire(ctx.now);
  if (ctx.now >= half_open_deadline_ && half_open()) {
    ++ctx.counters.half_open_expired;
    Close();
    return;
  }
  if (ctx.now >= next_keepalive_) {
    // RFC 3948 §2.3: a single 0xFF octet keeps the NAT mapping alive.
    ctx.outgoing.push_back(Datagram{local_, remote_, Bytes{0xFF}});
    ++ctx.counters.keepalives_out;
    ++ctx.counters.datagrams_out;
    next_keepalive_ = ctx.now + kNatKeepaliveInterval;
  }
  switch (timer_.OnTimeout(ctx.now)) {
    case RetransmitTimer::Action::kNone:
      break;
    case RetransmitTimer::Action::kResend:
      ++ctx.counters.retransmissions_sent;
      ++probe_.retransmissions;
      SendRaw(pending_request_, ctx);
      break;
    case RetransmitTimer::Action::kGiveUp:
      pending_exchange_.reset();
      if (state_ == State::kInitSent && !using_fallback_ && !policy_.fallback_proposals.empty()) {
        // The patent's restricted second negotiation: a large first message may have been
        // dropped (fragments filtered); try the short list, never below the minimum.
        Status restarted = RestartWithFallback(ctx);
        if (restarted.ok()) return;
        Fail("no answer to IKE_SA_INIT, and " + restarted.error().message, ctx,
             ProbeStop::kTimeout);
        return;
      }
      if (state_ == State::kDeleting) {
        Emit(EventKind::kDeleted, ctx, "delete not acknowledged");
        Close();
        return;
      }
      Fail("no answer after " + std::to_string(timer_.tries()) + " transmissions", ctx,
           ProbeStop::kTimeout);
      break;
  }
}

void IkeSa::Emit(EventKind kind, SaContext& ctx, std::string reason) {
  Event event;
  event.kind = kind;
  event.sa = handle_;
  event.initiator = role_ == Role::kInitiator;
  event.peer = remote_;
  event.reason = std::move(reason);
  if (!peer_chain_der_.empty()) event.peer_certificate_der = peer_chain_der_.front();
  if (!probe_.certificates.empty())
    event.peer_identification = probe_.certificates.front().identification;
  ctx.events.push_back(std::move(event));
}

void IkeSa::Fail(std::string reason, SaContext& ctx, ProbeStop stop) {
  if (mode_ == Mode::kProbe && role_ == Role::kInitiator && !probe_reported_) {
    FinishProbe(stop, reason, ctx);
  }
  Emit(EventKind::kFailed, ctx, std::move(reason));
  Close();
}

void IkeSa::StartHalfOpenClock(TimePoint now) { half_open_deadline_ = now + kHalfOpenLifetime; }

}  // namespace ikewot::engine
