// What one IKE SA may do: the policy value type. Plain data (plus an acceptance callback);
// IkeNode copies it into each SA so later policy changes never affect a running exchange.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/crypto/identity.h"
#include "core/engine/events.h"
#include "core/engine/proposals.h"
#include "core/engine/retransmit.h"

namespace ikewot::engine {

// The answer of the peer-certificate acceptance hook (the patent's "ask the user whether the
// certificate should be trusted", or a lookup in the store of accepted certificates).
enum class CertificateDecision {
  kAcceptTrusted,     // known and trusted: proceed
  kAcceptUnverified,  // not (yet) trusted, but proceed (e.g. trust on first use)
  kReject,            // stop: AUTHENTICATION_FAILED
};

struct PeerCertificateView {
  const std::vector<Bytes>* chain_der = nullptr;  // end-entity first
  std::string identification;                     // human-comparable string
  Bytes sha256_fingerprint;
  Endpoint peer;
};
using CertificateAcceptance = std::function<CertificateDecision(const PeerCertificateView&)>;

// Our identity for AUTH: a key and the certificate chain (end-entity first, DER) that binds it.
struct LocalIdentity {
  std::shared_ptr<const crypto::PrivateKey> key;
  std::vector<Bytes> certificate_chain_der;
  // The first certificate's subject DN (our IDi/IDr). IkeNode fills it once per certificate:
  // parsing a certificate costs far more than the rest of building IKE_AUTH.
  Bytes subject_der;
};

enum class Mode {
  kProbe,    // partial negotiation: fetch the peer's certificate, then end politely
  kConnect,  // full IKE_AUTH with mutual authentication and a CHILD SA
};

struct Policy {
  std::vector<IkeProposalSpec> ike_proposals;
  // The restricted list tried when a (large) first message gets no answer; never below
  // minimum_strength_bits whatever it says (RestrictToMinimum applies).
  std::vector<IkeProposalSpec> fallback_proposals;
  int minimum_strength_bits = 128;
  // Group of the KE payload sent first; default: the first group of the first proposal.
  std::optional<uint16_t> ke_guess;
  std::vector<EspProposalSpec> esp_proposals;
  std::vector<TrafficSelector> local_selectors;   // TSi when initiating
  std::vector<TrafficSelector> remote_selectors;  // TSr when initiating

  // Optional for probes (an ephemeral identity is made); required for connect and responders.
  LocalIdentity identity;
  // Send our own AUTH in probes (otherwise the EAP-style AUTH-less IKE_AUTH request).
  bool probe_with_auth = false;
  // RFC 7619 NULL authentication for opportunistic peers (no certificate on either side).
  bool null_auth = false;

  RetransmitPolicy retransmit;
  // Largest IKE datagram we send unfragmented (IP+UDP overhead is the driver's concern: this
  // counts UDP payload octets). Larger encrypted messages use RFC 7383 when the peer supports it.
  size_t fragment_budget = 1232;
  uint32_t max_invalid_ke_retries = 2;
  uint32_t max_cookie_retries = 2;

  // Vendor ID payloads we send in IKE_SA_INIT responses (none by default).
  std::vector<Bytes> vendor_ids;
  // Responder side: answer AUTH-less probe requests with IDr, CERT, AUTH.
  bool allow_probes = true;
  // Responder side: answer IKEv1 (ISAKMP major version 1) main and aggressive mode with the
  // same identity and accept_peer decision (core/ikev1/responder.h); off: IKEv1 is dropped.
  bool accept_ikev1 = false;
  // Responder side: CERTREQ is always honoured; our certificate is sent when asked or probed.
  CertificateAcceptance accept_peer;
};

}  // namespace ikewot::engine
