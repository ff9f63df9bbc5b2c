// One IKE SA: a small explicit state machine driven by the node (ike_node.h). Each exchange is a
// unit with build and process steps per role, in its own file:
//   ike_sa_init.cc     IKE_SA_INIT (proposals, INVALID_KE, COOKIE, NAT detection, keys)
//   ike_auth.cc        IKE_AUTH (probe with or without our AUTH, connect, CHILD SA)
//   informational.cc   INFORMATIONAL (delete, liveness)
//   ike_sa.cc          what they share: sending, retransmission, message IDs, protection
// The SA never touches the world: the node passes an SaContext with the clock, the RNG and the
// queues for datagrams and events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/crypto/dh.h"
#include "core/crypto/ikev2_keys.h"
#include "core/crypto/prepared.h"
#include "core/crypto/sk_cipher.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/engine/fragments.h"
#include "core/engine/peer_certificates.h"
#include "core/engine/policy.h"
#include "core/engine/retransmit.h"
#include "core/ikev2/message.h"

namespace ikewot::engine {

// RFC 3948 §4: keepalives keep a NAT mapping open; 20 s is the customary interval.
inline constexpr Duration kNatKeepaliveInterval = std::chrono::seconds(20);

// Hostile, malformed or merely unexpected input is dropped silently toward the peer and counted
// here, so an operator (and a test) can see what happened.
struct NodeCounters {
  uint64_t datagrams_in = 0;
  uint64_t datagrams_out = 0;
  uint64_t dropped_malformed = 0;    // does not parse, or misses a required payload
  uint64_t dropped_unknown_spi = 0;  // no SA for the SPIs
  uint64_t dropped_integrity = 0;    // SK/SKF ICV did not verify
  uint64_t dropped_unexpected = 0;   // valid, but not expected now (stale ID, wrong exchange)
  uint64_t dropped_critical = 0;     // unknown payload with the critical bit (RFC 7296 §2.5)
  uint64_t dropped_blocked = 0;      // source holds too many half-open SAs
  uint64_t cookies_sent = 0;
  uint64_t cookies_rejected = 0;      // COOKIE missing or wrong while cookies are demanded
  uint64_t retransmissions_sent = 0;  // our requests sent again after a timeout
  uint64_t responses_resent = 0;      // duplicate requests answered from the cache
  uint64_t half_open_expired = 0;
  uint64_t keepalives_in = 0;
  uint64_t keepalives_out = 0;
  uint64_t esp_ignored = 0;
};

struct SaContext {
  Rng& rng;
  TimePoint now;
  NodeCounters& counters;
  std::vector<Datagram>& outgoing;
  std::vector<Event>& events;
  // The node's parsed peer certificates; null: parse every time.
  PeerCertificateCache* certificates = nullptr;
  // The node's fetched algorithms and prepared contexts; null: plain OpenSSL calls.
  crypto::PreparedCrypto* prepared = nullptr;
};

// Built by the node's stateless IKE_SA_INIT check: everything the responder SA starts from.
struct InitRequestFacts {
  ikev2::Message message;
  Bytes raw;  // the request as received, for the AUTH signed octets
  IkeChoice choice;
  Datagram datagram;
};

class IkeSa {
 public:
  enum class Role { kInitiator, kResponder };
  enum class State {
    kInitSent,       // initiator: IKE_SA_INIT request out
    kAuthSent,       // initiator: IKE_AUTH request out
    kInitDone,       // responder: IKE_SA_INIT answered, waiting for IKE_AUTH
    kProbeAnswered,  // responder: answered an AUTH-less probe; waits for its delete or expiry
    kEstablished,
    kDeleting,  // our INFORMATIONAL delete is out
    kClosed,    // the node removes it
  };

  // Initiator: draws SPIi, nonce and KE and sends IKE_SA_INIT.
  static Result<std::unique_ptr<IkeSa>> StartInitiator(SaHandle handle, Mode mode, Policy policy,
                                                       Endpoint local, Endpoint remote,
                                                       SaContext& ctx);
  // Responder: from a request the node already checked (cookie, proposal, KE group).
  static Result<std::unique_ptr<IkeSa>> StartResponder(SaHandle handle, Policy policy,
                                                       InitRequestFacts facts, SaContext& ctx);

  // A parsed message for this SA (the node matched the SPIs); `raw` is the IKE message bytes.
  void HandleMessage(const ikev2::Message& message, ByteView raw, const Datagram& datagram,
                     SaContext& ctx);
  TimePoint NextDeadline() const;
  void HandleTimeout(SaContext& ctx);

  // Initiator-side requests on an established SA.
  Status StartDelete(SaContext& ctx);
  Status StartLivenessCheck(SaContext& ctx);

  SaHandle handle() const { return handle_; }
  Role role() const { return role_; }
  State state() const { return state_; }
  uint64_t spi_i() const { return spi_i_; }
  uint64_t spi_r() const { return spi_r_; }
  uint64_t local_spi() const { return role_ == Role::kInitiator ? spi_i_ : spi_r_; }
  const Endpoint& remote() const { return remote_; }
  const Endpoint& local() const { return local_; }
  bool half_open() const { return state_ == State::kInitDone || state_ == State::kProbeAnswered; }
  const Bytes& init_request_raw() const { return init_request_raw_; }
  const std::vector<Bytes>& cached_response() const { return cached_response_; }
  const ProbeResult& probe_result() const { return probe_; }
  const std::optional<IkeSuiteChoice>& suite() const { return suite_; }
  bool nat_detected() const { return nat_local_ || nat_peer_; }
  bool peer_supports_fragmentation() const { return peer_fragmentation_; }
  const std::optional<uint16_t>& invalid_ke_group() const {
    return probe_.behaviour.invalid_ke_group;
  }
  bool used_fallback() const { return using_fallback_; }
  // The SA's keys (empty before IKE_SA_INIT completes): for key-log export to decryption tools
  // and for the responder fuzzer's known-keys mode, which must reach past the ICV check.
  const crypto::IkeSaKeys& keys() const { return keys_; }

 private:
  IkeSa(SaHandle handle, Role role, Mode mode, Policy policy, Endpoint local, Endpoint remote)
      : handle_(handle),
        role_(role),
        mode_(mode),
        policy_(std::move(policy)),
        local_(std::move(local)),
        remote_(std::move(remote)),
        timer_(policy_.retransmit) {}

  // ---- ike_sa_init.cc
  Status SendInitRequest(SaContext& ctx);
  std::vector<ikev2::Payload> BuildInitRequestPayloads(crypto::PreparedCrypto* prepared) const;
  void ProcessInitResponse(const ikev2::Message& message, ByteView raw, const Datagram& datagram,
                           SaContext& ctx);
  Status AnswerInitRequest(const InitRequestFacts& facts, SaContext& ctx);
  Status DeriveKeys(const IkeSuiteChoice& suite, ByteView peer_ke, ByteView ni, ByteView nr,
                    crypto::PreparedCrypto* prepared);
  void RecordNatDetection(const std::vector<ikev2::Payload>& payloads, const Datagram& datagram,
                          crypto::PreparedCrypto* prepared);
  std::vector<ikev2::Payload> NatDetectionNotifies(crypto::PreparedCrypto* prepared) const;
  Status RestartWithFallback(SaContext& ctx);

  // ---- ike_auth.cc
  Status SendAuthRequest(SaContext& ctx);
  void ProcessAuthRequest(const ikev2::Message& message, const std::vector<ikev2::Payload>& inner,
                          SaContext& ctx);
  void ProcessAuthResponse(const std::vector<ikev2::Payload>& inner, SaContext& ctx);
  Result<ikev2::AuthPayload> BuildOwnAuth(const ikev2::IdPayload& id,
                                          crypto::PreparedCrypto* prepared) const;
  Status CheckPeerAuth(const std::vector<ikev2::Payload>& inner, const ikev2::IdPayload& peer_id,
                       const SaContext& ctx, std::vector<crypto::Certificate>* chain,
                       ResponderAuth* outcome) const;
  ikev2::IdPayload OwnId() const;
  void AppendOwnCertificates(std::vector<ikev2::Payload>& out) const;
  Result<ChildSaInfo> DeriveChild(const EspSuiteChoice& suite, uint32_t spi_i, uint32_t spi_r,
                                  std::vector<TrafficSelector> tsi,
                                  std::vector<TrafficSelector> tsr,
                                  crypto::PreparedCrypto* prepared) const;
  void FinishProbe(ProbeStop stop, std::string detail, SaContext& ctx);
  CertificateDecision AskAcceptance(const std::vector<crypto::Certificate>& chain) const;

  // ---- informational.cc
  void ProcessInformationalRequest(const std::vector<ikev2::Payload>& inner, SaContext& ctx);
  void ProcessInformationalResponse(const std::vector<ikev2::Payload>& inner, SaContext& ctx);

  // ---- ike_sa.cc
  // Protects and sends a request of `exchange`, remembering it for retransmission.
  Status SendRequest(ikev2::ExchangeType exchange, const std::vector<ikev2::Payload>& inner,
                     SaContext& ctx);
  Status SendResponse(ikev2::ExchangeType exchange, uint32_t message_id,
                      const std::vector<ikev2::Payload>& inner, SaContext& ctx);
  void SendRaw(const std::vector<Bytes>& messages, SaContext& ctx);
  ikev2::Header MakeHeader(ikev2::ExchangeType exchange, bool response, uint32_t message_id) const;
  // Decrypts SK or collects SKF; nullopt when the message was consumed (fragment stored,
  // dropped and counted).
  std::optional<std::vector<ikev2::Payload>> Unprotect(const ikev2::Message& message, ByteView raw,
                                                       SaContext& ctx);
  void Fail(std::string reason, SaContext& ctx, ProbeStop stop = ProbeStop::kProtocolError);
  void StartHalfOpenClock(TimePoint now);
  void Emit(EventKind kind, SaContext& ctx, std::string reason = {});
  void Close() {
    state_ = State::kClosed;
    timer_.Stop();
  }

  SaHandle handle_;
  Role role_;
  Mode mode_;
  Policy policy_;
  State state_ = State::kInitSent;
  Endpoint local_;
  Endpoint remote_;

  uint64_t spi_i_ = 0;
  uint64_t spi_r_ = 0;
  Bytes nonce_i_;
  Bytes nonce_r_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  std::vector<IkeProposalSpec> offer_;
  Bytes cookie_;
  uint32_t invalid_ke_retries_ = 0;
  uint32_t cookie_retries_ = 0;
  bool using_fallback_ = false;
  bool sent_fragmentation_supported_ = true;

  std::optional<IkeSuiteChoice> suite_;
  crypto::IkeSaKeys keys_;
  std::optional<crypto::SkCipher> out_cipher_;
  std::optional<crypto::SkCipher> in_cipher_;
  Bytes init_request_raw_;   // RealMessage1
  Bytes init_response_raw_;  // RealMessage2

  bool peer_fragmentation_ = false;
  bool nat_local_ = false;
  bool nat_peer_ = false;
  std::vector<uint16_t> peer_signature_hashes_;
  ikev2::IdPayload peer_id_;
  std::vector<Bytes> peer_chain_der_;

  // Our one outstanding request (window size 1) and the peer's last answered one.
  uint32_t next_request_id_ = 0;
  uint32_t expected_peer_request_id_ = 0;
  std::optional<ikev2::ExchangeType> pending_exchange_;
  std::vector<Bytes> pending_request_;
  RetransmitTimer timer_;
  std::vector<Bytes> cached_response_;
  std::optional<uint32_t> cached_response_id_;
  FragmentReassembler reassembler_;

  uint32_t child_spi_local_ = 0;
  TimePoint created_{};
  TimePoint first_request_sent_{};
  TimePoint half_open_deadline_ = kNever;
  TimePoint next_keepalive_ = kNever;
  ProbeResult probe_;
  bool probe_reported_ = false;
};

}  // namespace ikewot::engine
