// What the IKEv1 initiator learns from the responder's answers, written into the same
// engine::ProbeResult the IKEv2 probe produces: vendor IDs, NAT, the certificate chain, IDr and
// the verdict on SIG_R.
#include <algorithm>
#include <string>

#include "core/crypto/identification.h"
#include "core/engine/vendor_ids.h"
#include "core/ikev1/describe_values.h"
#include "core/ikev1/initiator.h"
#include "core/ikev1/nat_discovery.h"
#include "core/ikev1/phase1_auth.h"
#include "core/ikev1/vendor_ids.h"

namespace ikewot::ikev1 {
namespace {

std::string VendorName(ByteView vid) {
  if (auto known = KnownVendorId(vid)) return *known;
  if (IsFragmentationVendorId(vid)) return "IKE Fragmentation";
  return engine::NameVendorId(vid);
}

}  // namespace

void Initiator::NoteVendorIds(const std::vector<Payload>& payloads) {
  for (const Payload& p : payloads) {
    const auto* vid = p.As<VendorIdPayload>();
    if (vid == nullptr) continue;
    const bool seen =
        std::any_of(result_.vendor_ids.begin(), result_.vendor_ids.end(),
                    [&](const engine::VendorIdSeen& v) { return v.raw == vid->data; });
    if (seen) continue;
    result_.vendor_ids.push_back(engine::VendorIdSeen{vid->data, VendorName(vid->data)});
    if (IsNatTraversalVendorId(vid->data)) peer_nat_t_ = true;
    if (IsFragmentationVendorId(vid->data)) result_.fragmentation_supported = true;
  }
}

void Initiator::NoteNat(const std::vector<Payload>& payloads, const engine::Datagram& datagram) {
  result_.nat.source_port_changed = datagram.remote.port != remote_.port;
  std::vector<Bytes> hashes;
  for (const Payload& p : payloads) {
    if (const auto* natd = p.As<NatDiscoveryPayload>()) hashes.push_back(natd->hash);
  }
  if (hashes.empty() || !suite_) return;
  result_.nat.notifies_present = true;
  auto verdict = EvaluateNatDiscovery(suite_->hash, cky_i_, cky_r_, datagram, hashes);
  if (!verdict.ok()) return;
  result_.nat.local_behind_nat = verdict->local_behind_nat;
  result_.nat.peer_behind_nat = verdict->peer_behind_nat;
}

bool Initiator::TakeResponderProof(const std::vector<Payload>& payloads, TimePoint now) {
  const IdentificationPayload* idr = nullptr;
  const Payload* idr_payload = nullptr;
  const SignaturePayload* sig = nullptr;
  std::vector<crypto::Certificate> certs;
  for (const Payload& p : payloads) {
    if (const auto* id = p.As<IdentificationPayload>(); id != nullptr && idr == nullptr) {
      idr = id;
      idr_payload = &p;
    } else if (const auto* s = p.As<SignaturePayload>(); s != nullptr && sig == nullptr) {
      sig = s;
    } else if (const auto* c = p.As<CertificatePayload>();
               c != nullptr && c->encoding == CertEncoding::kX509Signature) {
      auto cert = crypto::Certificate::FromDer(c->data);
      if (!cert.ok()) {
        Drop(&counters_.rejected, "responder's certificate: " + cert.error().ToString());
        return false;
      }
      certs.push_back(std::move(*cert));
    }
  }
  if (idr == nullptr || sig == nullptr) {
    Drop(&counters_.malformed, "the responder's proof needs an ID and a SIG payload");
    return false;
  }

  engine::ProbeResult candidate = result_;
  candidate.behaviour.chosen_proposal = suite_->ToString();
  candidate.idr_type = IdTypeName(idr->id_type);
  auto text = IdentificationText(idr->id_type, idr->data);
  candidate.idr = text ? *text : ToHex(idr->data);
  candidate.auth_method = Phase1AuthName(suite_->auth);
  candidate.certificates.clear();
  for (const crypto::Certificate& cert : certs) {
    candidate.certificates.push_back(
        engine::ProbedCertificate{cert.ToDer(), cert.Sha256Fingerprint(),
                                  crypto::SpokenIdentification(cert), cert.Subject()});
  }
  candidate.round_trips += 1;
  candidate.latency = now - first_sent_;
  if (certs.empty()) {
    result_ = std::move(candidate);
    Finish(engine::ProbeStop::kNoCertificate,
           "the responder sent no X.509 certificate (CERT), so SIG_R cannot be checked", now);
    return true;
  }

  auto idr_b = PayloadBodyOctets(*idr_payload);
  if (!idr_b.ok()) return false;
  AuthHashInputs in{suite_->hash, keys_.skeyid, ke_->public_value(), g_xr_, cky_i_, cky_r_,
                    sai_b_,       *idr_b};
  auto hash_r = ComputeHashR(in);
  if (!hash_r.ok()) return false;
  auto key = certs.front().public_key();
  Status verified = key.ok() ? VerifyPhase1Signature(*key, suite_->auth, *hash_r, sig->data)
                             : Status(key.error());
  if (!verified.ok()) {
    ++counters_.bad_signature;
    last_problem_ = "SIG_R: " + verified.error().ToString();
    candidate.auth = engine::ResponderAuth::kInvalid;
    unverified_ = std::move(candidate);
    return false;
  }
  candidate.auth = engine::ResponderAuth::kVerified;
  result_ = std::move(candidate);
  unverified_.reset();
  Finish(engine::ProbeStop::kCompleted, "", now);
  return true;
}

}  // namespace ikewot::ikev1
