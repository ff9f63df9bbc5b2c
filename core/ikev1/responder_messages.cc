// Building the responder's answers: the SA reply, vendor IDs, NAT-D, ID/CERT/SIG_R, encrypted
// bodies, the AUTHENTICATION_FAILED notify, IKEv1 fragments, and sending with the cache that
// answers retransmitted requests.
#include <algorithm>

#include "core/base/writer.h"
#include "core/crypto/prf.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/responder_sa.h"
#include "core/ikev1/vendor_ids.h"

namespace ikewot::ikev1 {
namespace {

// Fragment payload header: generic header (4) + fragment ID (2) + number (1) + flags (1).
constexpr size_t kFragmentHeaderSize = 8;

Bytes MessageIdOctets(uint32_t id) {
  Bytes out;
  Writer(&out).U32(id);
  return out;
}

}  // namespace

SaPayload ResponderSa::ChosenSa() const {
  // RFC 2408 §4.2: the reply holds the one proposal and the one transform chosen, as offered.
  const SaPayload& offered = *first_.payloads.front().As<SaPayload>();
  SaPayload reply;
  reply.doi = offered.doi;
  reply.situation = offered.situation;
  Proposal proposal = offered.proposals[chosen_proposal_];
  proposal.transforms = {proposal.transforms[chosen_transform_]};
  reply.proposals.push_back(std::move(proposal));
  return reply;
}

std::vector<Payload> ResponderSa::VendorIds() const {
  std::vector<ByteView> ids;
  if (peer_nat_t_) ids.push_back(NatTraversalVendorId());
  if (peer_fragmentation_) ids.push_back(FragmentationVendorId());
  return VendorIdPayloads(ids);
}

Result<std::vector<Payload>> ResponderSa::NatDiscoveryPayloads() const {
  // RFC 3947 §3.2: first the hash of the destination (the peer as we see it), then our own.
  return MakeNatDiscoveryPayloads(suite_.hash, cky_i_, cky_r_, local_, remote_,
                                  PayloadType::kNatDiscovery);
}

Result<std::vector<Payload>> ResponderSa::OwnAuthPayloads(ResponderEnv& env) const {
  const engine::LocalIdentity& identity = env.config.policy.identity;
  if (!identity.key || identity.certificate_chain_der.empty() || identity.subject_der.empty()) {
    return MakeError(ErrorCode::kState, "the responder has no identity");
  }
  // IDir is our certificate's subject DN, so the initiator can match it against CERT.
  Payload idir = MakePayload(IdentificationPayload{IdType::kDerAsn1Dn, 0, 0, identity.subject_der});
  Result<Bytes> idir_b = PayloadBodyOctets(idir);
  if (!idir_b.ok()) return idir_b.error();
  AuthHashInputs in{suite_.hash, keys_.skeyid, g_xi_,  dh_->public_value(),
                    cky_i_,      cky_r_,       sai_b_, *idir_b};
  Result<Bytes> hash_r = ComputeHashR(in);
  if (!hash_r.ok()) return hash_r.error();
  ++env.counters.signatures_made;
  Result<Bytes> sig = SignPhase1Hash(*identity.key, suite_.auth, *hash_r);
  if (!sig.ok()) return sig.error();
  std::vector<Payload> out{std::move(idir)};
  for (const Bytes& der : identity.certificate_chain_der) {
    out.push_back(MakePayload(CertificatePayload{CertEncoding::kX509Signature, der}));
  }
  out.push_back(MakePayload(SignaturePayload{std::move(*sig)}));
  return out;
}

Result<Bytes> ResponderSa::Encode(ExchangeType exchange, std::vector<Payload> payloads) const {
  Message m;
  std::copy(cky_i_.begin(), cky_i_.end(), m.header.initiator_cookie.begin());
  std::copy(cky_r_.begin(), cky_r_.end(), m.header.responder_cookie.begin());
  m.header.exchange_type = exchange;
  m.payloads = std::move(payloads);
  return SerializeMessage(m);
}

Result<Bytes> ResponderSa::EncodeEncrypted(ExchangeType exchange, uint32_t message_id, ByteView iv,
                                           std::vector<Payload> payloads, Bytes* next_iv) const {
  const PayloadType first = payloads.front().type;
  Result<Bytes> plain = Encode(exchange, std::move(payloads));
  if (!plain.ok()) return plain.error();
  Result<Phase1Cipher> cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
  if (!cipher.ok()) return cipher.error();
  Result<Bytes> body = cipher->Encrypt(iv, ByteView(*plain).subspan(kHeaderSize), next_iv);
  if (!body.ok()) return body.error();
  Message m;
  std::copy(cky_i_.begin(), cky_i_.end(), m.header.initiator_cookie.begin());
  std::copy(cky_r_.begin(), cky_r_.end(), m.header.responder_cookie.begin());
  m.header.exchange_type = exchange;
  m.header.next_payload = first;
  m.header.flags = kFlagEncryption;
  m.header.message_id = message_id;
  m.encrypted_body = std::move(*body);
  return SerializeMessage(m);
}

Result<std::vector<Payload>> ResponderSa::Decrypt(const Message& message, Bytes* next_iv) const {
  Result<Phase1Cipher> cipher = Phase1Cipher::Create(suite_, keys_.encryption_key);
  if (!cipher.ok()) return cipher.error();
  Result<Bytes> plain = cipher->Decrypt(iv_, message.encrypted_body, next_iv);
  if (!plain.ok()) return plain.error();
  Result<DecryptedBody> body =
      ParseDecryptedBody(*plain, static_cast<uint8_t>(message.header.next_payload), kHeaderSize);
  if (!body.ok()) return body.error();
  IKEWOT_RETURN_IF_ERROR(CheckPadding(body->padding));
  Message inner{message.header, body->payloads, {}};
  IKEWOT_RETURN_IF_ERROR(ValidateMessage(inner));
  return std::move(body->payloads);
}

Status ResponderSa::SendAuthenticationFailed(ByteView request_raw, ResponderEnv& env) {
  if (!dh_) return MakeError(ErrorCode::kState, "no keys to protect a notify with");
  // RFC 2409 §5.7: HDR*, HASH(1), N with HASH(1) = prf(SKEYID_a, M-ID | N), encrypted with
  // an IV of its own: hash(last phase-1 CBC block | M-ID).
  uint32_t message_id = 0;
  while (message_id == 0) message_id = env.ctx.rng.NextU32();
  NotificationPayload notify{Doi::kIpsec,
                             ProtocolId::kIsakmp,
                             NotifyType::kAuthenticationFailed,
                             Concat({cky_i_, cky_r_}),
                             {}};
  Result<Bytes> n_only = Encode(ExchangeType::kInformational, {MakePayload(notify)});
  if (!n_only.ok()) return n_only.error();
  Result<Bytes> hash1 =
      Phase1Prf(suite_.hash, keys_.skeyid_a,
                {MessageIdOctets(message_id), ByteView(*n_only).subspan(kHeaderSize)});
  if (!hash1.ok()) return hash1.error();
  Result<Bytes> iv = ExchangeIv(suite_.hash, iv_, message_id);
  if (!iv.ok()) return iv.error();
  Bytes unused_iv;
  Result<Bytes> raw = EncodeEncrypted(
      ExchangeType::kInformational, message_id, *iv,
      {MakePayload(HashPayload{std::move(*hash1)}), MakePayload(std::move(notify))}, &unused_iv);
  if (!raw.ok()) return raw.error();
  Send(std::move(*raw), request_raw, env);
  return Status::Ok();
}

void ResponderSa::Send(Bytes message, ByteView request_raw, ResponderEnv& env) {
  last_request_.assign(request_raw.begin(), request_raw.end());
  cached_response_.clear();
  const size_t budget = env.config.policy.fragment_budget;
  if (message.size() <= budget || !peer_fragmentation_ ||
      budget <= kHeaderSize + kFragmentHeaderSize) {
    cached_response_.push_back(std::move(message));
  } else {
    // IKEv1 fragmentation (Cisco/strongSwan): the whole message, header included, is cut into
    // FRAGMENT payloads, each in an unencrypted message with the same cookies.
    const size_t chunk = budget - kHeaderSize - kFragmentHeaderSize;
    const size_t count = (message.size() + chunk - 1) / chunk;
    if (count > FragmentAssembly::kMaxFragments) return;
    ++fragment_id_;
    for (size_t i = 0; i < count; ++i) {
      const size_t start = i * chunk;
      const size_t len = std::min(chunk, message.size() - start);
      FragmentPayload fragment{fragment_id_, static_cast<uint8_t>(i + 1),
                               static_cast<uint8_t>(i + 1 == count ? kFragmentFlagLast : 0),
                               Bytes(message.begin() + start, message.begin() + start + len)};
      Result<Bytes> raw = Encode(exchange_, {MakePayload(std::move(fragment))});
      if (!raw.ok()) return;
      cached_response_.push_back(std::move(*raw));
    }
  }
  for (const Bytes& raw : cached_response_) {
    env.ctx.outgoing.push_back(
        engine::Datagram{local_, remote_, engine::FrameIkeMessage(local_, remote_, raw)});
    ++env.ctx.counters.datagrams_out;
  }
}

void ResponderSa::ResendCached(const engine::Datagram& datagram, ResponderEnv& env) {
  ++env.counters.responses_resent;
  ++env.ctx.counters.responses_resent;
  for (const Bytes& raw : cached_response_) {
    env.ctx.outgoing.push_back(
        engine::Datagram{datagram.local, datagram.remote,
                         engine::FrameIkeMessage(datagram.local, datagram.remote, raw)});
    ++env.ctx.counters.datagrams_out;
  }
}

std::optional<Bytes> ResponderSa::AddFragment(const FragmentPayload& fragment) {
  // Impossible fragments (number 0 or too high, too many octets) are dropped like any other
  // malformed input; the pieces collected so far stay.
  Result<std::optional<Bytes>> whole = rx_fragments_.Add(fragment);
  if (!whole.ok()) return std::nullopt;
  return std::move(*whole);
}

}  // namespace ikewot::ikev1
