#include "core/ikev1/responder.h"

#include <algorithm>

#include "core/crypto/certificate.h"
#include "core/crypto/dh.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/phase1_proposals.h"
#include "core/ikev1/responder_sa.h"

namespace ikewot::ikev1 {
namespace {

bool Contains(const auto& list, const auto& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A suite we take: AES-CBC, a listed hash and group we implement, our key's signature method.
bool Acceptable(const Phase1Suite& suite, const Phase1Acceptance& accept,
                AuthenticationMethod our_method) {
  return suite.encryption == EncryptionAlgorithm::kAesCbc &&
         Contains(accept.aes_key_bits, suite.key_bits) && Contains(accept.hashes, suite.hash) &&
         LookupHash(suite.hash).ok() && Contains(accept.groups, suite.group) &&
         crypto::IsSupportedGroup(suite.group) && suite.auth == our_method;
}

struct Choice {
  Phase1Suite suite;
  size_t proposal = 0;
  size_t transform = 0;
};

// The first of the initiator's transforms (in its order of preference) that we accept.
std::optional<Choice> ChooseTransform(const SaPayload& sa, const Phase1Acceptance& accept,
                                      AuthenticationMethod our_method) {
  for (size_t p = 0; p < sa.proposals.size(); ++p) {
    const Proposal& proposal = sa.proposals[p];
    if (proposal.protocol != ProtocolId::kIsakmp) continue;
    for (size_t t = 0; t < proposal.transforms.size(); ++t) {
      if (proposal.transforms[t].transform_id != kTransformKeyIke) continue;
      Result<Phase1Suite> suite = SuiteFromTransform(proposal.transforms[t]);
      if (suite.ok() && Acceptable(*suite, accept, our_method)) return Choice{*suite, p, t};
    }
  }
  return std::nullopt;
}

bool AllZero(const Cookie& c) {
  return std::all_of(c.begin(), c.end(), [](uint8_t b) { return b == 0; });
}

Bytes ToBytes(const Cookie& c) { return Bytes(c.begin(), c.end()); }

}  // namespace

Responder::Responder(ResponderConfig config, engine::SaHandle first_handle)
    : config_(std::move(config)), next_handle_(first_handle), half_open_(config_.limits) {
  engine::LocalIdentity& identity = config_.policy.identity;
  if (identity.subject_der.empty() && !identity.certificate_chain_der.empty()) {
    Result<crypto::Certificate> cert =
        crypto::Certificate::FromDer(identity.certificate_chain_der.front());
    if (cert.ok()) identity.subject_der = cert->SubjectDer();
  }
}

Responder::~Responder() = default;

void Responder::HandleMessage(ByteView raw, const engine::Datagram& datagram,
                              engine::SaContext& ctx) {
  Result<Message> message = ParseMessage(raw);
  if (!message.ok() || !ValidateMessage(*message).ok()) {
    ++counters_.dropped_invalid;
    ++ctx.counters.dropped_malformed;
    return;
  }
  const Header& h = message->header;
  if (AllZero(h.responder_cookie)) {
    HandleFirstMessage(raw, *message, datagram, ctx);
    Sweep();
    return;
  }
  auto found = sas_.find({ToBytes(h.initiator_cookie), ToBytes(h.responder_cookie)});
  if (found == sas_.end()) {
    ++counters_.dropped_unknown_cookies;
    ++ctx.counters.dropped_unknown_spi;
    return;
  }
  ResponderSa& sa = *found->second;
  ResponderEnv env{config_, counters_, ctx};
  const FragmentPayload* fragment =
      message->payloads.empty() ? nullptr : message->payloads.front().As<FragmentPayload>();
  if (fragment != nullptr) {
    std::optional<Bytes> whole = sa.AddFragment(*fragment);
    if (!whole) return;
    Result<Message> inner = ParseMessage(*whole);
    if (!inner.ok() || !ValidateMessage(*inner).ok() ||
        inner->header.initiator_cookie != h.initiator_cookie ||
        inner->header.responder_cookie != h.responder_cookie ||
        (!inner->payloads.empty() && inner->payloads.front().As<FragmentPayload>() != nullptr)) {
      ++counters_.dropped_invalid;
      ++ctx.counters.dropped_malformed;
      return;
    }
    sa.HandleMessage(*whole, *inner, datagram, env);
  } else {
    sa.HandleMessage(raw, *message, datagram, env);
  }
  Sweep();
}

void Responder::HandleFirstMessage(ByteView raw, const Message& message,
                                   const engine::Datagram& datagram, engine::SaContext& ctx) {
  const Header& h = message.header;
  const Bytes& source = datagram.remote.address;
  const bool aggressive = h.exchange_type == ExchangeType::kAggressive;
  if ((!aggressive && h.exchange_type != ExchangeType::kIdentityProtection) || h.encrypted() ||
      message.payloads.empty() || message.payloads.front().As<SaPayload>() == nullptr) {
    ++counters_.dropped_unexpected;
    ++ctx.counters.dropped_unexpected;
    return;
  }
  auto seen = by_initiator_cookie_.find({source, ToBytes(h.initiator_cookie)});
  if (seen != by_initiator_cookie_.end()) {
    // MM1/AM1 again: a retransmission gets the same answer; anything else is dropped.
    auto sa = sas_.find({ToBytes(h.initiator_cookie), seen->second});
    if (sa != sas_.end()) {
      ResponderEnv env{config_, counters_, ctx};
      sa->second->HandleMessage(raw, message, datagram, env);
    }
    return;
  }
  const engine::LocalIdentity& identity = config_.policy.identity;
  if (!identity.key || identity.subject_der.empty() ||
      (aggressive && !config_.policy.allow_probes)) {
    ++counters_.dropped_unexpected;
    ++ctx.counters.dropped_unexpected;
    return;
  }
  if (half_open_.Blocked(source) || sas_.size() >= config_.max_sas) {
    ++counters_.dropped_blocked;
    ++ctx.counters.dropped_blocked;
    return;
  }
  Result<AuthenticationMethod> our_method = SignatureMethodForKey(identity.key->type());
  std::optional<Choice> choice;
  if (our_method.ok()) {
    choice =
        ChooseTransform(*message.payloads.front().As<SaPayload>(), config_.acceptance, *our_method);
  }
  Bytes cky_r(kCookieSize);
  while (std::all_of(cky_r.begin(), cky_r.end(), [](uint8_t b) { return b == 0; })) {
    ctx.rng.Fill(cky_r);
  }
  if (!choice) {
    // Answered in the clear and without state, as strongSwan and libreswan do.
    ++counters_.no_proposal_chosen;
    Message notify;
    notify.header.initiator_cookie = h.initiator_cookie;
    std::copy(cky_r.begin(), cky_r.end(), notify.header.responder_cookie.begin());
    notify.header.exchange_type = ExchangeType::kInformational;
    notify.payloads.push_back(MakePayload(NotificationPayload{
        Doi::kIpsec, ProtocolId::kIsakmp, NotifyType::kNoProposalChosen, {}, {}}));
    Result<Bytes> out = SerializeMessage(notify);
    if (!out.ok()) return;
    ctx.outgoing.push_back(
        engine::Datagram{datagram.local, datagram.remote,
                         engine::FrameIkeMessage(datagram.local, datagram.remote, *out)});
    ++ctx.counters.datagrams_out;
    return;
  }
  auto sa = std::make_unique<ResponderSa>(next_handle_++, message, raw, datagram, cky_r,
                                          choice->suite, choice->proposal, choice->transform);
  ResponderEnv env{config_, counters_, ctx};
  if (!sa->Start(env).ok()) {
    ++ctx.counters.dropped_malformed;
    return;
  }
  by_initiator_cookie_[{source, ToBytes(h.initiator_cookie)}] = cky_r;
  half_open_.Add(source);
  counted_half_open_.insert({ToBytes(h.initiator_cookie), cky_r});
  sas_[{ToBytes(h.initiator_cookie), std::move(cky_r)}] = std::move(sa);
}

TimePoint Responder::NextDeadline() const {
  TimePoint next = kNever;
  for (const auto& [cookies, sa] : sas_) next = std::min(next, sa->deadline());
  return next;
}

void Responder::HandleTimeout(engine::SaContext& ctx) {
  ResponderEnv env{config_, counters_, ctx};
  for (auto& [cookies, sa] : sas_) {
    if (sa->deadline() <= ctx.now) sa->HandleTimeout(env);
  }
  Sweep();
}

void Responder::Sweep() {
  for (auto it = sas_.begin(); it != sas_.end();) {
    const ResponderSa& sa = *it->second;
    auto counted = counted_half_open_.find(it->first);
    if (counted != counted_half_open_.end() && !sa.half_open()) {
      half_open_.Remove(sa.first_source());
      counted_half_open_.erase(counted);
    }
    if (sa.state() != ResponderSa::State::kClosed) {
      ++it;
      continue;
    }
    by_initiator_cookie_.erase({sa.first_source(), sa.cky_i()});
    it = sas_.erase(it);
  }
}

}  // namespace ikewot::ikev1
