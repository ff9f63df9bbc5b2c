// The IKEv1 (ISAKMP, RFC 2408/2409) phase-1 initiator of a probe, sans-I/O like the IKEv2
// engine: datagrams and `now` in; datagrams, the next deadline and one ProbeResult out; the
// RNG is injected. It fetches the responder's certificate and checks the responder's signature
// over the exchange, then stops: it never sends AM3 and never starts quick mode.
//
// Aggressive mode (RFC 2409 §5): one round trip, no identity of ours needed.
//   AM1  HDR, SA, KE, Ni, IDii, CR, VID(NAT-T, DPD, XAUTH, FRAG)  -->
//                                  <--  AM2  HDR, SA, KE, Nr, IDir, CERT, SIG_R [, CR]
//                                                 [, VID...] [, NAT-D, NAT-D]
//   (verify SIG_R with the CERT's key; stop, no AM3)
//
// Main mode (identity protection): three round trips, and the responder speaks last, so we must
// show a certificate first (our home identity, or an ephemeral self-signed one).
//   MM1  HDR, SA, VID...                                          -->
//                                                        <--  MM2  HDR, SA [, VID...]
//   MM3  HDR, KE, Ni [, NAT-D, NAT-D]                             -->
//                                                        <--  MM4  HDR, KE, Nr [, CR] [, NAT-D...]
//   MM5  HDR*, IDii, CERT, SIG_I, CR      (to port 4500 if a NAT was found, RFC 3947 §4) -->
//                                                        <--  MM6  HDR*, IDir, CERT, SIG_R
//   A responder that only talks to initiators it knows answers MM5 with a notify
//   (AUTHENTICATION_FAILED, INVALID_ID_INFORMATION, ...) or not at all: both are reported as
//   "responder requires initiator authentication".
//
// Received input is checked cheapest first: cookie, header, parse, validation, required
// payloads, proposal, sizes; only then Diffie-Hellman, then signatures. Anything that fails is
// dropped silently (counted) and we keep waiting, so a forged or damaged answer cannot end the
// probe; the reason is kept and reported if nothing better arrives before we give up. A
// responder signature that does not verify is reported (auth "invalid") only then as well.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/crypto/dh.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/engine/policy.h"
#include "core/engine/probe_result.h"
#include "core/engine/retransmit.h"
#include "core/ikev1/fragment_assembly.h"
#include "core/ikev1/message.h"
#include "core/ikev1/phase1_keys.h"
#include "core/ikev1/phase1_proposals.h"

namespace ikewot::ikev1 {

enum class Phase1Mode : uint8_t { kAggressive, kMain };
std::string_view Phase1ModeName(Phase1Mode mode);  // "aggressive", "main"

// The detail of a probe that ended because the responder wants to know us first.
inline constexpr std::string_view kRequiresInitiatorAuth =
    "responder requires initiator authentication";

struct InitiatorConfig {
  Phase1Mode mode = Phase1Mode::kAggressive;
  engine::Endpoint local;
  engine::Endpoint remote;
  // Where we continue after NAT-D found a NAT (main mode floats MM5 to the peer's port 4500).
  // Without an address: `local`'s address with port 4500.
  engine::Endpoint local_natt;
  // What we offer; aggressive mode offers only `aggressive_group` (its KE is in AM1).
  Phase1OfferOptions offer;
  uint16_t aggressive_group = 14;
  engine::RetransmitPolicy retransmit;
  // Our key and certificate chain (end-entity first). Main mode signs MM5 with it; without one
  // an ephemeral key of `ephemeral_key_type` and a self-signed certificate are made. Aggressive
  // mode only names it in IDii.
  engine::LocalIdentity identity;
  crypto::KeyType ephemeral_key_type = crypto::KeyType::kRsa2048;
  // IDii (ID_FQDN) when we have no certificate.
  std::string probe_fqdn = "probe.ikewot.invalid";
  // The event's SA handle (for a driver that runs several probes).
  engine::SaHandle handle = 0;
};

// Messages dropped, by reason; a probe that times out says which was last.
struct InitiatorCounters {
  uint64_t not_ours = 0;       // wrong initiator cookie or not IKEv1
  uint64_t malformed = 0;      // does not parse or validate, or lacks a payload
  uint64_t unexpected = 0;     // a message the current state does not take (late duplicates)
  uint64_t rejected = 0;       // parses, but its proposal, KE, nonce or certificate is refused
  uint64_t undecryptable = 0;  // encrypted body does not decrypt to a payload chain
  uint64_t bad_signature = 0;
  uint64_t fragments = 0;  // fragment payloads received
};

class Initiator {
 public:
  // Builds and queues AM1 or MM1. kInvalidArgument for endpoints that are not addresses or an
  // identity whose key has no IKEv1 method (Ed25519); kUnsupported for an aggressive group we
  // cannot compute.
  static Result<std::unique_ptr<Initiator>> Start(InitiatorConfig config, Rng& rng, TimePoint now);

  void HandleDatagram(const engine::Datagram& datagram, TimePoint now);
  void HandleTimeout(TimePoint now);
  TimePoint NextDeadline() const { return done_ ? kNever : timer_.deadline(); }
  std::vector<engine::Datagram> TakeOutgoing() { return std::exchange(outgoing_, {}); }
  // One kProbeCompleted event when the probe ends (with `probe` = result()).
  std::vector<engine::Event> TakeEvents() { return std::exchange(events_, {}); }

  bool done() const { return done_; }
  const engine::ProbeResult& result() const { return result_; }
  const Cookie& initiator_cookie() const { return cky_i_; }
  const InitiatorCounters& counters() const { return counters_; }
  // The local endpoint the responder should answer to now (changes when we float to 4500).
  const engine::Endpoint& local() const { return local_; }

 private:
  enum class State : uint8_t { kAwaitAm2, kAwaitMm2, kAwaitMm4, kAwaitMm6 };

  Initiator(InitiatorConfig config, Rng& rng);
  Status Begin(TimePoint now);

  // initiator.cc: transport, dispatch, timers, notifications, the end.
  void Send(Bytes message, TimePoint now);
  void Dispatch(const Message& message, const engine::Datagram& datagram, TimePoint now);
  void HandleInformational(const Message& message, TimePoint now);
  void HandleNotify(const NotificationPayload& notify, bool authenticated, TimePoint now);
  void Drop(uint64_t* counter, std::string reason);
  // An answer was taken: one more round trip, latency up to now.
  void NoteAnswer(TimePoint now);
  void Finish(engine::ProbeStop stop, std::string detail, TimePoint now);

  // initiator_exchange.cc: building our messages, taking the responder's.
  Result<Bytes> BuildAm1();
  Result<Bytes> BuildMm1();
  Result<Bytes> BuildMm3(const engine::Datagram& received);
  Result<Bytes> BuildMm5();
  void OnAm2(const Message& message, const engine::Datagram& datagram, TimePoint now);
  void OnMm2(const Message& message, const engine::Datagram& datagram, TimePoint now);
  void OnMm4(const Message& message, const engine::Datagram& datagram, TimePoint now);
  void OnMm6(const Message& message, TimePoint now);
  // SKEYID and the rest from the peer's KE and nonce; false (after Drop) when they are refused.
  bool DeriveKeys(ByteView g_xr, ByteView nr);
  Bytes OurIdBody() const;
  Payload OurIdPayload() const;

  // initiator_result.cc: what the answers taught us.
  void NoteVendorIds(const std::vector<Payload>& payloads);
  void NoteNat(const std::vector<Payload>& payloads, const engine::Datagram& datagram);
  // Certificates, IDr and the verdict on SIG_R. Returns false (after Drop) when the payloads
  // cannot be used at all.
  bool TakeResponderProof(const std::vector<Payload>& payloads, TimePoint now);

  InitiatorConfig config_;
  Rng& rng_;
  State state_ = State::kAwaitAm2;
  bool done_ = false;
  engine::Endpoint local_;
  engine::Endpoint remote_;

  Cookie cky_i_{};
  Cookie cky_r_{};
  std::vector<Phase1Suite> offered_;
  Bytes sai_b_;
  std::optional<Phase1Suite> suite_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Bytes ni_;
  Bytes g_xr_;
  Phase1Keys keys_;
  std::optional<Phase1Cipher> cipher_;
  Bytes iv_;  // last CBC block of the phase-1 exchange so far
  std::optional<crypto::PrivateKey> ephemeral_key_;
  engine::LocalIdentity identity_;

  bool peer_nat_t_ = false;
  bool floated_ = false;
  FragmentAssembly fragments_;

  Bytes last_request_;
  engine::RetransmitTimer timer_;
  TimePoint first_sent_{};
  std::string last_problem_;
  // A complete answer whose signature did not verify: reported if nothing better comes.
  std::optional<engine::ProbeResult> unverified_;

  InitiatorCounters counters_;
  engine::ProbeResult result_;
  std::vector<engine::Datagram> outgoing_;
  std::vector<engine::Event> events_;
};

}  // namespace ikewot::ikev1
