// What a probe (the patent's partial IKE negotiation) learned about a peer, as a value with a
// stable JSON form for the CLI (--json) and the simulation logs. Field names and their order in
// the JSON are part of the interface: add fields, never rename them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/time.h"

namespace ikewot::engine {

struct ProbedCertificate {
  Bytes der;
  Bytes sha256_fingerprint;
  std::string identification;  // the human-comparable string (crypto/identification.h)
  std::string subject;
};

enum class ResponderAuth {
  kAbsent,    // the responder sent no AUTH payload
  kVerified,  // AUTH verified against the first certificate (RFC 7296 §2.15)
  kInvalid,   // AUTH present but did not verify
  kNullAuth,  // RFC 7619 NULL authentication: no identity proof by design
};
std::string_view ResponderAuthName(ResponderAuth auth);

enum class ProbeStop {
  kCompleted,      // certificate(s) obtained
  kNoCertificate,  // IKE_AUTH answered without CERT
  kNoProposalChosen,
  kInvalidKeExhausted,    // INVALID_KE_PAYLOAD asked for a group we did not offer, or looped
  kAuthenticationFailed,  // the responder refused our (empty or real) authentication
  kTimeout,               // no answer after all retransmissions
  kRateLimited,           // our own per-target limiter refused to start
  kProtocolError,         // malformed or unexpected answer
};
std::string_view ProbeStopName(ProbeStop stop);

struct VendorIdSeen {
  Bytes raw;
  std::string name;  // empty when unknown
};

// The peer's observable behaviour: useful to tell implementations apart and to tune the next
// connection attempt (the patent's "further information").
struct BehaviourFingerprint {
  std::vector<uint16_t> init_notify_types;   // in the order received, IKE_SA_INIT response
  std::vector<uint16_t> auth_notify_types;   // IKE_AUTH response
  std::vector<uint8_t> init_payload_order;   // payload type codes, IKE_SA_INIT response
  std::vector<uint8_t> auth_payload_order;   // inner payload type codes, IKE_AUTH response
  std::vector<Bytes> certreq_ca_key_ids;     // SHA-1 SPKI hashes from CERTREQ (RFC 7296 §3.7)
  std::string chosen_proposal;               // e.g. "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256"
  std::optional<uint16_t> invalid_ke_group;  // group the responder asked for, if it did
  std::vector<uint16_t> signature_hashes;    // SIGNATURE_HASH_ALGORITHMS of the responder
};

struct NatObservation {
  bool local_behind_nat = false;     // NAT_DETECTION_DESTINATION_IP did not match us
  bool peer_behind_nat = false;      // NAT_DETECTION_SOURCE_IP did not match the peer's address
  bool source_port_changed = false;  // answer came from a port other than the one we sent to
  bool notifies_present = false;
  bool detected() const { return local_behind_nat || peer_behind_nat || source_port_changed; }
  // "nat-detection-notifies", "source-port", "none" ...
  std::string How() const;
};

struct ProbeResult {
  std::string target;                           // Endpoint::ToString()
  std::vector<ProbedCertificate> certificates;  // end-entity first
  std::string idr_type;                         // "FQDN", "DER_ASN1_DN", ... ; empty if absent
  std::string idr;                              // printable form of IDr
  ResponderAuth auth = ResponderAuth::kAbsent;
  std::string auth_method;  // e.g. "DIGITAL_SIGNATURE", "NULL"
  std::vector<VendorIdSeen> vendor_ids;
  BehaviourFingerprint behaviour;
  NatObservation nat;
  bool fragmentation_supported = false;
  bool cookie_required = false;
  bool used_fallback_proposals = false;
  uint32_t round_trips = 0;
  uint32_t retransmissions = 0;
  Duration latency{0};  // first request sent .. last answer received
  ProbeStop stop = ProbeStop::kTimeout;
  std::string detail;  // human-readable reason when stop != kCompleted
  // Which IKE version answered: 2, or 1 with its phase-1 mode ("aggressive", "main").
  int ike_version = 2;
  std::string ike_mode;
  // With --ike auto: why IKEv2 was given up for IKEv1 (empty when it was not).
  std::string version_fallback;

  Json ToJson() const;
};

}  // namespace ikewot::engine
