// The IKEv1 (ISAKMP, RFC 2408/2409) phase-1 responder for signature authentication, sans-I/O
// like the IKEv2 engine: it takes one received IKEv1 message with the datagram it came in and
// the node's SaContext (clock, RNG, outgoing datagrams, events), and never touches the world.
//
// Aggressive mode (RFC 2409 §5.1):
//   AM1  HDR, SA, KE, Ni, IDii [, CR] [, VID...]                  -->
//                                                                 <--  AM2  HDR, SA, KE, Nr,
//                                           IDir, CERT, SIG_R [, VID...] [, NAT-D, NAT-D]
//   AM3  HDR*, [CERT,] SIG_I [, NAT-D, NAT-D]                     -->   (trust decision)
//   A half-open AM SA that never gets AM3 (a probe) expires at its deadline.
//
// Main mode:
//   MM1  HDR, SA [, VID...]                                       -->
//                                                                 <--  MM2  HDR, SA [, VID...]
//   MM3  HDR, KE, Ni [, NAT-D, NAT-D]                              -->
//                                                                 <--  MM4  HDR, KE, Nr, CR
//                                                                           [, NAT-D, NAT-D]
//   MM5  HDR*, IDii, CERT, SIG_I [, CR] [, N]                     -->   (trust decision)
//                                        <--  MM6  HDR*, IDir, CERT, SIG_R
//                                        or   HDR*(Informational), HASH(1),
//                                        N(AUTHENTICATION_FAILED)
//
// Everything a message must be is checked before any Diffie-Hellman or signature work: the
// header and cookies, strict validation by the codec (ValidateMessage), required payloads, a
// proposal we accept, the KE length of the chosen group, the nonce size; rate limits per source
// as the IKEv2 responder (engine::HalfOpenTracker). Failures are silent drops, counted here in
// ResponderCounters (and the node's NodeCounters), except NO_PROPOSAL_CHOSEN, which is answered
// in the clear as real IKEv1 responders do. The initiator's certificate goes through the same
// acceptance hook as IKEv2 (engine::Policy::accept_peer: trusted only, or anyone).
//
// Not done: phase 2 (Quick Mode) -- the responder establishes the ISAKMP SA only; pre-shared
// keys; XAUTH/Mode Config.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/time.h"
#include "core/engine/cookie.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/engine/ike_sa.h"
#include "core/engine/policy.h"
#include "core/ikev1/constants.h"
#include "core/ikev1/message.h"

namespace ikewot::ikev1 {

class ResponderSa;

// Handles of IKEv1 SAs in events; far above what an IkeNode hands out for IKEv2 SAs.
inline constexpr engine::SaHandle kFirstIkev1Handle = engine::SaHandle{1} << 48;

// Which phase-1 transforms the responder takes (the auth method must be the one of our key).
struct Phase1Acceptance {
  std::vector<uint16_t> groups = {14, 19, 20, 15, 16, 21};  // MODP-1024 (2) never
  std::vector<HashAlgorithm> hashes = {HashAlgorithm::kSha2_256, HashAlgorithm::kSha2_384,
                                       HashAlgorithm::kSha2_512, HashAlgorithm::kSha1};
  std::vector<uint16_t> aes_key_bits = {128, 192, 256};
};

struct ResponderConfig {
  // Identity (key + certificate chain), the acceptance hook for initiators' certificates
  // (accept_peer), allow_probes (aggressive mode hands our certificate to anyone, so it is
  // answered only when probes are allowed) and fragment_budget come from the node's policy.
  engine::Policy policy;
  Phase1Acceptance acceptance;
  engine::CookiePolicy limits;  // per-source half-open bounds, as for IKEv2
  size_t max_sas = 4096;
  // A phase-1 SA that is not established by then is dropped (a probe never sends AM3/MM5).
  Duration half_open_timeout = std::chrono::seconds(30);
  // An established ISAKMP SA without phase 2 is kept this long (unless the suite says less).
  Duration established_lifetime = std::chrono::hours(1);
};

// What the responder did with hostile or unexpected input (the node's NodeCounters count the
// same drops in their IKEv2 categories) and how much expensive work it did.
struct ResponderCounters {
  uint64_t dropped_invalid = 0;          // codec or semantic validation failed
  uint64_t dropped_unknown_cookies = 0;  // CKY-I/CKY-R of no SA of ours
  uint64_t dropped_unexpected = 0;       // valid, but not what the SA waits for
  uint64_t dropped_blocked = 0;          // source holds too many half-open SAs / max_sas
  uint64_t dropped_bad_ke = 0;           // KE length or value wrong for the chosen group
  uint64_t dropped_decrypt = 0;          // encrypted body did not decrypt to valid payloads
  uint64_t no_proposal_chosen = 0;       // answered NO_PROPOSAL_CHOSEN
  uint64_t responses_resent = 0;         // retransmitted request answered from the cache
  uint64_t half_open_expired = 0;
  uint64_t established = 0;
  uint64_t authentication_failed = 0;  // AUTHENTICATION_FAILED sent
  // Expensive work, so tests can prove hostile input never reached it.
  uint64_t dh_computations = 0;
  uint64_t signatures_made = 0;
  uint64_t signatures_verified = 0;
};

class Responder {
 public:
  explicit Responder(ResponderConfig config, engine::SaHandle first_handle = kFirstIkev1Handle);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // One IKEv1 message (the non-ESP marker already removed) that arrived in `datagram`.
  void HandleMessage(ByteView raw, const engine::Datagram& datagram, engine::SaContext& ctx);
  TimePoint NextDeadline() const;
  void HandleTimeout(engine::SaContext& ctx);

  const ResponderCounters& counters() const { return counters_; }
  size_t sa_count() const { return sas_.size(); }
  uint32_t half_open_count() const { return half_open_.total(); }
  const ResponderConfig& config() const { return config_; }

 private:
  using Cookies = std::pair<Bytes, Bytes>;  // CKY-I, CKY-R
  void HandleFirstMessage(ByteView raw, const Message& message, const engine::Datagram& datagram,
                          engine::SaContext& ctx);
  void Sweep();

  ResponderConfig config_;
  engine::SaHandle next_handle_;
  ResponderCounters counters_;
  engine::HalfOpenTracker half_open_;
  std::map<Cookies, std::unique_ptr<ResponderSa>> sas_;
  // First messages already answered: (source address, CKY-I) -> CKY-R, so a retransmitted
  // MM1/AM1 gets the same answer instead of a second SA.
  std::map<std::pair<Bytes, Bytes>, Bytes> by_initiator_cookie_;
  std::set<Cookies> counted_half_open_;  // SAs counted in half_open_
};

}  // namespace ikewot::ikev1
