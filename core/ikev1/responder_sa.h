// One IKEv1 phase-1 SA on the responder side (see responder.h for the exchanges). The Responder
// does the cheap stateless checks and the lookup by cookies; this class holds what the exchange
// has agreed so far and processes each next message:
//   responder_sa.cc        the state machine: MM1/MM3/MM5, AM1/AM3, trust decision, expiry
//   responder_messages.cc  building answers: SA reply, vendor IDs, NAT-D, encryption, notifies
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/crypto/dh.h"
#include "core/engine/datagram.h"
#include "core/engine/ike_sa.h"
#include "core/ikev1/fragment_assembly.h"
#include "core/ikev1/message.h"
#include "core/ikev1/phase1_keys.h"
#include "core/ikev1/responder.h"

namespace ikewot::ikev1 {

// The shared pieces a ResponderSa needs from its Responder for each call.
struct ResponderEnv {
  const ResponderConfig& config;
  ResponderCounters& counters;
  engine::SaContext& ctx;
};

class ResponderSa {
 public:
  enum class State {
    kMainSaSent,      // MM2 out, waiting for MM3
    kMainKeSent,      // MM4 out, waiting for MM5
    kAggressiveSent,  // AM2 out, waiting for AM3 (a probe never sends it)
    kEstablished,     // MM6 sent / AM3 verified and accepted
    kClosed,          // refused, failed or expired: the Responder drops it
  };

  ResponderSa(engine::SaHandle handle, const Message& first, ByteView first_raw,
              const engine::Datagram& datagram, Bytes cky_r, Phase1Suite suite,
              size_t chosen_proposal, size_t chosen_transform);

  // MM1 --> MM2, or AM1 --> AM2. Fails (and the SA is not kept) when AM1's KE or nonce are
  // unusable or our own signature cannot be made.
  Status Start(ResponderEnv& env);
  // Every later message with our cookies.
  void HandleMessage(ByteView raw, const Message& message, const engine::Datagram& datagram,
                     ResponderEnv& env);
  void HandleTimeout(ResponderEnv& env);
  // A received IKEv1 fragment (payload 132) for this SA; the whole message once complete.
  std::optional<Bytes> AddFragment(const FragmentPayload& fragment);

  State state() const { return state_; }
  bool half_open() const { return state_ != State::kEstablished && state_ != State::kClosed; }
  TimePoint deadline() const { return deadline_; }
  const Bytes& cky_i() const { return cky_i_; }
  const Bytes& cky_r() const { return cky_r_; }
  const engine::Endpoint& remote() const { return remote_; }
  const Bytes& first_source() const { return first_source_; }
  const Phase1Suite& suite() const { return suite_; }
  bool nat_detected() const { return nat_local_ || nat_peer_; }
  // The initiator's certificate chain once MM5/AM3 verified (end-entity first).
  const std::vector<Bytes>& peer_chain_der() const { return peer_chain_der_; }

 private:
  // responder_sa.cc: processing.
  Status CheckKeAndNonce(const std::vector<Payload>& payloads, ResponderEnv& env, ByteView* g_xi,
                         ByteView* ni);
  void HandleMainKe(ByteView raw, const Message& message, const engine::Datagram& datagram,
                    ResponderEnv& env);
  void HandleAuth(ByteView raw, const Message& message, const engine::Datagram& datagram,
                  ResponderEnv& env);
  Status StartAggressive(ResponderEnv& env);
  Status ComputeKeys(ByteView g_xi, ByteView ni, ResponderEnv& env);
  Status CheckNatDiscovery(const std::vector<Payload>& payloads, const engine::Datagram& received);
  Status VerifyInitiator(const std::vector<Payload>& payloads, ResponderEnv& env);
  engine::CertificateDecision AskAcceptance(ResponderEnv& env) const;
  void Refuse(const std::string& why, ByteView raw, ResponderEnv& env);
  void Establish(ResponderEnv& env);

  // responder_messages.cc: building and sending.
  SaPayload ChosenSa() const;
  std::vector<Payload> VendorIds() const;
  Result<std::vector<Payload>> NatDiscoveryPayloads() const;
  Result<std::vector<Payload>> OwnAuthPayloads(ResponderEnv& env) const;
  Result<Bytes> Encode(ExchangeType exchange, std::vector<Payload> payloads) const;
  Result<Bytes> EncodeEncrypted(ExchangeType exchange, uint32_t message_id, ByteView iv,
                                std::vector<Payload> payloads, Bytes* next_iv) const;
  Result<std::vector<Payload>> Decrypt(const Message& message, Bytes* next_iv) const;
  Status SendAuthenticationFailed(ByteView request_raw, ResponderEnv& env);
  // Sends `message` to the peer (IKEv1 fragments when it is larger than the budget and the
  // peer announced fragmentation) and caches it as the answer to `request_raw`.
  void Send(Bytes message, ByteView request_raw, ResponderEnv& env);
  void ResendCached(const engine::Datagram& datagram, ResponderEnv& env);

  engine::SaHandle handle_;
  State state_ = State::kMainSaSent;
  ExchangeType exchange_;
  Bytes cky_i_;
  Bytes cky_r_;
  engine::Endpoint local_;
  engine::Endpoint remote_;
  Phase1Suite suite_;
  Message first_;  // MM1/AM1 as parsed
  Bytes first_raw_;
  Bytes first_source_;  // the initiator's address when it started (half-open accounting)
  size_t chosen_proposal_ = 0;
  size_t chosen_transform_ = 0;
  Bytes sai_b_;  // the initiator's SA payload body, for HASH_I/HASH_R
  bool peer_nat_t_ = false;
  bool peer_fragmentation_ = false;
  bool nat_local_ = false;
  bool nat_peer_ = false;

  std::unique_ptr<crypto::KeyExchange> dh_;
  Bytes g_xi_;
  Bytes ni_;
  Bytes nr_;
  Phase1Keys keys_;
  Bytes iv_;  // the CBC IV chain: last ciphertext block of the last encrypted message

  Bytes last_request_;
  std::vector<Bytes> cached_response_;  // datagram payloads (IKE messages or fragments)
  TimePoint deadline_ = kNever;
  std::vector<Bytes> peer_chain_der_;
  std::string peer_identification_;
  Bytes peer_fingerprint_;

  uint16_t fragment_id_ = 0;  // of our last fragmented message
  FragmentAssembly rx_fragments_;
};

}  // namespace ikewot::ikev1
