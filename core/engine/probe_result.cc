#include "core/engine/probe_result.h"

namespace ikewot::engine {

std::string_view ResponderAuthName(ResponderAuth auth) {
  switch (auth) {
    case ResponderAuth::kAbsent:
      return "absent";
    case ResponderAuth::kVerified:
      return "verified";
    case ResponderAuth::kInvalid:
      return "invalid";
    case ResponderAuth::kNullAuth:
      return "null-auth";
  }
  return "unknown";
}

std::string_view ProbeStopName(ProbeStop stop) {
  switch (stop) {
    case ProbeStop::kCompleted:
      return "completed";
    case ProbeStop::kNoCertificate:
      return "no-certificate";
    case ProbeStop::kNoProposalChosen:
      return "no-proposal-chosen";
    case ProbeStop::kInvalidKeExhausted:
      return "invalid-ke-exhausted";
    case ProbeStop::kAuthenticationFailed:
      return "authentication-failed";
    case ProbeStop::kTimeout:
      return "timeout";
    case ProbeStop::kRateLimited:
      return "rate-limited";
    case ProbeStop::kProtocolError:
      return "protocol-error";
  }
  return "unknown";
}

std::string NatObservation::How() const {
  if (!detected()) return "none";
  if (local_behind_nat || peer_behind_nat) {
    return source_port_changed ? "nat-detection-notifies+source-port" : "nat-detection-notifies";
  }
  return "source-port";
}

namespace {

template <typename T>
Json NumberArray(const std::vector<T>& values) {
  Json out = Json::MakeArray();
  for (T v : values) out.Push(static_cast<int64_t>(v));
  return out;
}

}  // namespace

Json ProbeResult::ToJson() const {
  Json certs = Json::MakeArray();
  for (const ProbedCertificate& cert : certificates) {
    Json c = Json::MakeObject();
    c.Set("subject", cert.subject);
    c.Set("sha256", ToHexGrouped(cert.sha256_fingerprint, 1, ':'));
    c.Set("identification", cert.identification);
    c.Set("der", ToHex(cert.der));
    certs.Push(std::move(c));
  }
  Json vids = Json::MakeArray();
  for (const VendorIdSeen& vid : vendor_ids) {
    Json v = Json::MakeObject();
    v.Set("raw", ToHex(vid.raw));
    v.Set("name", vid.name.empty() ? Json(nullptr) : Json(vid.name));
    vids.Push(std::move(v));
  }
  Json certreqs = Json::MakeArray();
  for (const Bytes& id : behaviour.certreq_ca_key_ids) certreqs.Push(ToHex(id));

  Json fingerprint = Json::MakeObject();
  fingerprint.Set("init_notifies", NumberArray(behaviour.init_notify_types));
  fingerprint.Set("auth_notifies", NumberArray(behaviour.auth_notify_types));
  fingerprint.Set("init_payload_order", NumberArray(behaviour.init_payload_order));
  fingerprint.Set("auth_payload_order", NumberArray(behaviour.auth_payload_order));
  fingerprint.Set("certreq_ca_key_ids", std::move(certreqs));
  fingerprint.Set("chosen_proposal", behaviour.chosen_proposal);
  fingerprint.Set("invalid_ke_group", behaviour.invalid_ke_group
                                          ? Json(static_cast<int64_t>(*behaviour.invalid_ke_group))
                                          : Json(nullptr));
  fingerprint.Set("signature_hashes", NumberArray(behaviour.signature_hashes));

  Json nat_json = Json::MakeObject();
  nat_json.Set("detected", nat.detected());
  nat_json.Set("how", nat.How());
  nat_json.Set("local_behind_nat", nat.local_behind_nat);
  nat_json.Set("peer_behind_nat", nat.peer_behind_nat);
  nat_json.Set("source_port_changed", nat.source_port_changed);

  Json out = Json::MakeObject();
  out.Set("target", target);
  out.Set("stop", ProbeStopName(stop));
  out.Set("detail", detail);
  out.Set("certificates", std::move(certs));
  Json idr_json = Json::MakeObject();
  idr_json.Set("type", idr_type);
  idr_json.Set("value", idr);
  out.Set("idr", idr_type.empty() ? Json(nullptr) : std::move(idr_json));
  out.Set("auth", ResponderAuthName(auth));
  out.Set("auth_method", auth_method);
  out.Set("vendor_ids", std::move(vids));
  out.Set("behaviour", std::move(fingerprint));
  out.Set("nat", std::move(nat_json));
  out.Set("fragmentation_supported", fragmentation_supported);
  out.Set("cookie_required", cookie_required);
  out.Set("used_fallback_proposals", used_fallback_proposals);
  out.Set("round_trips", round_trips);
  out.Set("retransmissions", retransmissions);
  out.Set(
      "latency_ms",
      static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count()) /
          1000.0);
  out.Set("ike_version", ike_version);
  out.Set("mode", ike_mode.empty() ? Json(nullptr) : Json(ike_mode));
  out.Set("version_fallback", version_fallback.empty() ? Json(nullptr) : Json(version_fallback));
  return out;
}

}  // namespace ikewot::engine
