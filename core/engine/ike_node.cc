#include "core/engine/ike_node.h"

#include <algorithm>

#include "core/base/writer.h"
#include "core/crypto/certificate.h"
#include "core/engine/sa_convert.h"

namespace ikewot::engine {

using ikev2::NotifyType;

IkeNode::IkeNode(NodeConfig config, Rng& rng)
    : config_(std::move(config)),
      rng_(rng),
      cookies_(config_.cookies),
      half_open_(config_.cookies),
      probe_limiter_(config_.probe_rate),
      peer_certificates_(config_.peer_certificate_cache_entries),
      prepared_(config_.prepared_crypto ? config_.prepared_crypto
                                        : std::make_shared<crypto::PreparedCrypto>()) {
  PrepareIdentity(config_.responder_policy.identity);
  if (config_.responder_policy.accept_ikev1) {
    ikev1_ = std::make_unique<ikev1::Responder>(
        ikev1::ResponderConfig{config_.responder_policy, {}, config_.cookies, config_.max_sas});
  }
}

void IkeNode::PrepareIdentity(LocalIdentity& identity) {
  if (!identity.subject_der.empty() || identity.certificate_chain_der.empty()) return;
  const Bytes& der = identity.certificate_chain_der.front();
  auto cached = own_subjects_.find(der);
  if (cached == own_subjects_.end()) {
    Result<crypto::Certificate> cert = crypto::Certificate::FromDer(der);
    if (!cert.ok()) return;  // OwnId() falls back (and IKE_AUTH reports the problem)
    if (own_subjects_.size() >= 16) own_subjects_.clear();  // a node has few identities
    cached = own_subjects_.emplace(der, cert->SubjectDer()).first;
  }
  identity.subject_der = cached->second;
}

Result<SaHandle> IkeNode::StartProbe(Endpoint local, Endpoint remote, Policy policy,
                                     TimePoint now) {
  if (!probe_limiter_.TryAdmit(remote.address, now)) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "probe rate limit reached for " + remote.ToString());
  }
  if (policy.probe_with_auth && !policy.null_auth && !policy.identity.key) {
    // An ephemeral identity: the probe proves possession of a key but claims nobody.
    Result<crypto::PrivateKey> key =
        crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256, rng_);
    if (!key.ok()) return key.error();
    Result<crypto::Certificate> cert = crypto::MakeSelfSigned(
        *key, crypto::SelfSignedOptions{"ikewot ephemeral probe", {}, 1}, now, rng_);
    if (!cert.ok()) return cert.error();
    policy.identity.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
    policy.identity.certificate_chain_der = {cert->ToDer()};
  }
  Bytes target = remote.address;
  Result<SaHandle> handle =
      StartInitiator(Mode::kProbe, std::move(local), std::move(remote), std::move(policy), now);
  if (!handle.ok()) {
    probe_limiter_.Finished(target);
    return handle;
  }
  probes_in_flight_[*handle] = std::move(target);
  Sweep();
  return handle;
}

Result<SaHandle> IkeNode::Connect(Endpoint local, Endpoint remote, Policy policy, TimePoint now) {
  Result<SaHandle> handle =
      StartInitiator(Mode::kConnect, std::move(local), std::move(remote), std::move(policy), now);
  Sweep();
  return handle;
}

Result<SaHandle> IkeNode::StartInitiator(Mode mode, Endpoint local, Endpoint remote, Policy policy,
                                         TimePoint now) {
  if (!local.valid() || !remote.valid()) {
    return MakeError(ErrorCode::kInvalidArgument, "endpoints need IPv4 or IPv6 addresses");
  }
  if (sas_.size() >= config_.max_sas) return MakeError(ErrorCode::kLimitExceeded, "too many SAs");
  // Use what an earlier probe learned: start with the group that worked, avoiding INVALID_KE.
  const PeerKnowledge* known = Recall(remote.address);
  if (!policy.ke_guess && known != nullptr && known->ke_group) {
    const uint16_t group = *known->ke_group;
    for (const IkeProposalSpec& p : policy.ike_proposals) {
      if (std::find(p.ke_groups.begin(), p.ke_groups.end(), group) != p.ke_groups.end()) {
        policy.ke_guess = group;
      }
    }
  }
  PrepareIdentity(policy.identity);
  SaContext ctx = Context(now);
  const SaHandle handle = next_handle_++;
  Result<std::unique_ptr<IkeSa>> sa = IkeSa::StartInitiator(
      handle, mode, std::move(policy), std::move(local), std::move(remote), ctx);
  if (!sa.ok()) return sa.error();
  by_local_spi_[(*sa)->local_spi()] = handle;
  sas_[handle] = std::move(*sa);
  Touch(handle);
  return handle;
}

Status IkeNode::Delete(SaHandle handle, TimePoint now) {
  auto it = sas_.find(handle);
  if (it == sas_.end()) return MakeError(ErrorCode::kNotFound, "no such SA");
  SaContext ctx = Context(now);
  Status s = it->second->StartDelete(ctx);
  Touch(handle);
  Sweep();
  return s;
}

Status IkeNode::CheckLiveness(SaHandle handle, TimePoint now) {
  auto it = sas_.find(handle);
  if (it == sas_.end()) return MakeError(ErrorCode::kNotFound, "no such SA");
  SaContext ctx = Context(now);
  Status s = it->second->StartLivenessCheck(ctx);
  Touch(handle);
  Sweep();
  return s;
}

void IkeNode::SendStateless(const Datagram& datagram, const ikev2::Header& request,
                            ikev2::NotifyPayload notify) {
  ikev2::Header header;
  header.spi_i = request.spi_i;
  header.exchange_type = ikev2::ExchangeType::kIkeSaInit;
  header.response = true;
  header.message_id = request.message_id;
  ikev2::Message message{header, {ikev2::MakePayload(std::move(notify))}};
  Result<Bytes> raw = ikev2::SerializeMessage(message);
  if (!raw.ok()) return;
  outgoing_.push_back(Datagram{datagram.local, datagram.remote,
                               FrameIkeMessage(datagram.local, datagram.remote, *raw)});
  ++counters_.datagrams_out;
}

void IkeNode::HandleInitRequest(const ikev2::Message& message, ByteView raw,
                                const Datagram& datagram, SaContext& ctx) {
  const ikev2::Header& h = message.header;
  if (!h.initiator || h.message_id != 0) {
    ++counters_.dropped_unexpected;
    return;
  }
  auto existing = by_initiator_spi_.find({datagram.remote.address, h.spi_i});
  if (existing != by_initiator_spi_.end()) {
    // IKE_SA_INIT { ... } --> again: a retransmission gets the same answer, anything else is
    // dropped (the SPI is taken).
    const IkeSa& sa = *sas_.at(existing->second);
    if (sa.state() == IkeSa::State::kInitDone &&
        std::equal(raw.begin(), raw.end(), sa.init_request_raw().begin(),
                   sa.init_request_raw().end())) {
      for (const Bytes& response : sa.cached_response()) {
        outgoing_.push_back(Datagram{datagram.local, datagram.remote,
                                     FrameIkeMessage(datagram.local, datagram.remote, response)});
        ++counters_.datagrams_out;
      }
      ++counters_.responses_resent;
      return;
    }
    ++counters_.dropped_unexpected;
    return;
  }
  if (!config_.accept_incoming) {
    ++counters_.dropped_unexpected;
    return;
  }
  for (const ikev2::Payload& p : message.payloads) {
    if (p.critical && p.As<ikev2::UnknownPayload>() != nullptr) {
      ++counters_.dropped_critical;
      SendStateless(datagram, h,
                    ikev2::MakeNotify(NotifyType::kUnsupportedCriticalPayload,
                                      Bytes{static_cast<uint8_t>(p.type)}));
      return;
    }
  }
  const ikev2::Payload* sa =
      ikev2::FindPayload(message.payloads, ikev2::PayloadType::kSecurityAssociation);
  const ikev2::Payload* ke = ikev2::FindPayload(message.payloads, ikev2::PayloadType::kKeyExchange);
  const ikev2::Payload* nonce = ikev2::FindPayload(message.payloads, ikev2::PayloadType::kNonce);
  if (sa == nullptr || ke == nullptr || nonce == nullptr) {
    ++counters_.dropped_malformed;
    return;
  }
  const Bytes& source = datagram.remote.address;
  if (half_open_.Blocked(source)) {
    ++counters_.dropped_blocked;
    return;
  }
  const Bytes& ni = nonce->As<ikev2::NoncePayload>()->data;
  if (half_open_.CookieRequired(source)) {
    // Stateless until the cookie checks out (RFC 7296 §2.6): it must be the first payload.
    cookies_.MaybeRotate(ctx.now, rng_);
    const ikev2::NotifyPayload* cookie = message.payloads.front().As<ikev2::NotifyPayload>();
    const bool has_cookie = cookie != nullptr && cookie->type == NotifyType::kCookie;
    if (!has_cookie || !cookies_.Verify(cookie->data, ni, source, h.spi_i)) {
      if (has_cookie) ++counters_.cookies_rejected;
      Result<Bytes> fresh = cookies_.Make(ni, source, h.spi_i);
      if (!fresh.ok()) return;
      ++counters_.cookies_sent;
      SendStateless(datagram, h, ikev2::MakeNotify(NotifyType::kCookie, std::move(*fresh)));
      return;
    }
  }
  const ikev2::KePayload& peer_ke = *ke->As<ikev2::KePayload>();
  std::optional<IkeChoice> choice =
      ChooseIkeSuite(IkeOfferFromSa(*sa->As<ikev2::SaPayload>()),
                     config_.responder_policy.ike_proposals, peer_ke.dh_group);
  if (!choice) {
    SendStateless(datagram, h, ikev2::MakeNotify(NotifyType::kNoProposalChosen));
    return;
  }
  if (choice->suite.ke_group != peer_ke.dh_group) {
    Bytes group;
    Writer(&group).U16(choice->suite.ke_group);
    SendStateless(datagram, h, ikev2::MakeNotify(NotifyType::kInvalidKePayload, std::move(group)));
    return;
  }
  if (sas_.size() >= config_.max_sas) {
    ++counters_.dropped_blocked;
    return;
  }
  const SaHandle handle = next_handle_++;
  InitRequestFacts facts{message, Bytes(raw.begin(), raw.end()), *choice, datagram};
  Result<std::unique_ptr<IkeSa>> created =
      IkeSa::StartResponder(handle, config_.responder_policy, std::move(facts), ctx);
  if (!created.ok()) {
    ++counters_.dropped_malformed;  // e.g. an invalid public value
    return;
  }
  by_local_spi_[(*created)->local_spi()] = handle;
  by_initiator_spi_[{source, h.spi_i}] = handle;
  half_open_.Add(source);
  counted_half_open_[handle] = source;
  sas_[handle] = std::move(*created);
  Touch(handle);
}

void IkeNode::HandleDatagram(const Datagram& datagram, TimePoint now) {
  ++counters_.datagrams_in;
  Result<UnframedDatagram> unframed = UnframeDatagram(datagram);
  if (!unframed.ok()) {
    ++counters_.dropped_malformed;
    return;
  }
  if (unframed->kind == DatagramKind::kNatKeepalive) {
    ++counters_.keepalives_in;
    return;
  }
  if (unframed->kind == DatagramKind::kEsp) {
    ++counters_.esp_ignored;
    return;
  }
  const ByteView raw = unframed->ike_message;
  // The version octet (RFC 2408 §3.1 / RFC 7296 §3.1) says which protocol: major version 1 is
  // ISAKMP/IKEv1, answered by the IKEv1 responder when the policy enables it.
  constexpr size_t kVersionOffset = 17;
  if (ikev1_ && config_.accept_incoming && raw.size() > kVersionOffset &&
      (raw[kVersionOffset] >> 4) == ikev1::kMajorVersion) {
    SaContext ctx = Context(now);
    ikev1_->HandleMessage(raw, datagram, ctx);
    return;
  }
  Result<ikev2::Message> message = ikev2::ParseMessage(raw);
  if (!message.ok()) {
    ++counters_.dropped_malformed;
    return;
  }
  const ikev2::Header& h = message->header;
  SaContext ctx = Context(now);
  if (h.exchange_type == ikev2::ExchangeType::kIkeSaInit && !h.response && h.spi_r == 0) {
    HandleInitRequest(*message, raw, datagram, ctx);
    Sweep();
    return;
  }
  // The original initiator sets the I flag; our SPI is the other side's.
  const uint64_t local_spi = h.initiator ? h.spi_r : h.spi_i;
  auto found = by_local_spi_.find(local_spi);
  if (found == by_local_spi_.end()) {
    ++counters_.dropped_unknown_spi;
    return;
  }
  IkeSa& sa = *sas_.at(found->second);
  const bool we_initiated = sa.role() == IkeSa::Role::kInitiator;
  const bool spis_match =
      h.initiator != we_initiated && h.spi_i == sa.spi_i() &&
      (h.spi_r == sa.spi_r() ||
       (we_initiated && h.exchange_type == ikev2::ExchangeType::kIkeSaInit && sa.spi_r() == 0));
  if (!spis_match) {
    ++counters_.dropped_unknown_spi;
    return;
  }
  sa.HandleMessage(*message, raw, datagram, ctx);
  Touch(found->second);
  Sweep();
}

TimePoint IkeNode::NextDeadline() const {
  TimePoint next = deadlines_.empty() ? kNever : deadlines_.begin()->first;
  if (ikev1_) next = std::min(next, ikev1_->NextDeadline());
  return next;
}

void IkeNode::HandleTimeout(TimePoint now) {
  SaContext ctx = Context(now);
  std::vector<SaHandle> due;
  for (const auto& [deadline, handle] : deadlines_) {
    if (deadline > now) break;
    due.push_back(handle);
  }
  std::sort(due.begin(), due.end());  // handle order, as a scan of sas_ would visit them
  for (SaHandle handle : due) {
    auto it = sas_.find(handle);
    if (it == sas_.end()) continue;  // cannot happen: closed SAs leave deadlines_ in Sweep
    it->second->HandleTimeout(ctx);
    Touch(handle);
  }
  if (ikev1_ && ikev1_->NextDeadline() <= now) ikev1_->HandleTimeout(ctx);
  Sweep();
}

void IkeNode::Learn(const IkeSa& sa) {
  if (sa.role() != IkeSa::Role::kInitiator) return;
  const ProbeResult& seen = sa.probe_result();
  if (!sa.suite() && !seen.behaviour.invalid_ke_group) return;
  if (config_.peer_knowledge_entries == 0) return;
  PeerKnowledge& k = Remember(sa.remote().address);
  if (sa.suite()) {
    k.chosen_suite = sa.suite();
    k.ke_group = sa.suite()->ke_group;
  } else {
    k.ke_group = seen.behaviour.invalid_ke_group;
  }
  k.nat_detected = sa.nat_detected() || seen.nat.detected();
  k.fragmentation_supported = sa.peer_supports_fragmentation();
  k.needed_fallback = sa.used_fallback();
  k.vendors.clear();
  for (const VendorIdSeen& v : seen.vendor_ids)
    k.vendors.push_back(v.name.empty() ? ToHex(v.raw) : v.name);
}

const PeerKnowledge* IkeNode::Recall(const Bytes& address) {
  auto it = knowledge_.find(address);
  if (it == knowledge_.end()) return nullptr;
  knowledge_recency_.splice(knowledge_recency_.begin(), knowledge_recency_, it->second.recency);
  return &it->second.knowledge;
}

PeerKnowledge& IkeNode::Remember(const Bytes& address) {
  auto [it, inserted] = knowledge_.try_emplace(address);
  if (!inserted) {
    knowledge_recency_.splice(knowledge_recency_.begin(), knowledge_recency_, it->second.recency);
    return it->second.knowledge;
  }
  knowledge_recency_.push_front(&it->first);
  it->second.recency = knowledge_recency_.begin();
  while (knowledge_.size() > config_.peer_knowledge_entries) {
    const Bytes* oldest = knowledge_recency_.back();
    knowledge_recency_.pop_back();
    knowledge_.erase(*oldest);
  }
  return it->second.knowledge;
}

void IkeNode::FileDeadline(SaHandle handle, TimePoint deadline) {
  auto filed = filed_deadline_.find(handle);
  if (filed != filed_deadline_.end()) {
    if (filed->second == deadline) return;
    deadlines_.erase({filed->second, handle});
  }
  if (deadline == kNever) {
    if (filed != filed_deadline_.end()) filed_deadline_.erase(filed);
    return;
  }
  deadlines_.insert({deadline, handle});
  filed_deadline_[handle] = deadline;
}

void IkeNode::Sweep() {
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  for (const SaHandle handle : std::exchange(touched_, {})) {
    auto it = sas_.find(handle);
    if (it == sas_.end()) continue;
    IkeSa& sa = *it->second;
    auto counted = counted_half_open_.find(handle);
    const bool closed = sa.state() == IkeSa::State::kClosed;
    if (counted != counted_half_open_.end() && (closed || !sa.half_open())) {
      half_open_.Remove(counted->second);
      counted_half_open_.erase(counted);
    }
    if (!closed) {
      if (sa.role() == IkeSa::Role::kInitiator && sa.state() != IkeSa::State::kInitSent) Learn(sa);
      FileDeadline(handle, sa.NextDeadline());
      continue;
    }
    Learn(sa);
    FileDeadline(handle, kNever);
    auto probe = probes_in_flight_.find(handle);
    if (probe != probes_in_flight_.end()) {
      probe_limiter_.Finished(probe->second);
      probes_in_flight_.erase(probe);
    }
    auto spi = by_local_spi_.find(sa.local_spi());
    if (spi != by_local_spi_.end() && spi->second == handle) by_local_spi_.erase(spi);
    auto init = by_initiator_spi_.find({sa.remote().address, sa.spi_i()});
    if (init != by_initiator_spi_.end() && init->second == handle) by_initiator_spi_.erase(init);
    for (auto i = by_initiator_spi_.begin(); i != by_initiator_spi_.end();) {
      i = i->second == handle ? by_initiator_spi_.erase(i) : std::next(i);
    }
    sas_.erase(it);
  }
}

const PeerKnowledge* IkeNode::KnowledgeOf(const Bytes& address) const {
  auto it = knowledge_.find(address);
  return it == knowledge_.end() ? nullptr : &it->second.knowledge;
}

const IkeSa* IkeNode::Find(SaHandle handle) const {
  auto it = sas_.find(handle);
  return it == sas_.end() ? nullptr : it->second.get();
}

}  // namespace ikewot::engine
