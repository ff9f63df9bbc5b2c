// IkeNode: one node's IKE endpoint as a sans-I/O object. It owns many IKE SAs, dispatches
// received datagrams by SPI, answers IKE_SA_INIT statelessly until a request deserves state
// (cookies under load, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD), rate-limits our probes per
// target, counts every silent drop, and remembers per peer what probes learned.
//
// Driving it (the driver's whole job):
//   node.HandleDatagram(datagram, now);   // for each received UDP datagram
//   node.HandleTimeout(now);              // when now >= node.NextDeadline()
//   for (auto& d : node.TakeOutgoing()) send(d);
//   for (auto& e : node.TakeEvents()) react(e);
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/engine/cookie.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/engine/ike_sa.h"
#include "core/engine/peer_certificates.h"
#include "core/engine/policy.h"
#include "core/engine/rate_limiter.h"
#include "core/ikev1/responder.h"

namespace ikewot::engine {

struct NodeConfig {
  // How we answer peers that initiate to us.
  Policy responder_policy;
  bool accept_incoming = true;
  CookiePolicy cookies;
  ProbeRatePolicy probe_rate;
  size_t max_sas = 4096;
  // Parsed peer certificates (and their public keys) kept for the next handshake with the same
  // peer, least recently used dropped first; 0 disables the cache. Each entry costs about the
  // bytes docs/bench/handshake.md measures (a few KB for an ECDSA certificate).
  size_t peer_certificate_cache_entries = 32;
  // Peers whose PeerKnowledge is kept, least recently used dropped first; 0 keeps none. A node
  // that meets many distinct peers (the 100,000-node simulation) would otherwise grow by one
  // entry per peer it ever initiated to.
  size_t peer_knowledge_entries = 1024;
  // Fetched OpenSSL algorithms and prepared contexts (crypto/prepared.h). Null: the node makes
  // its own. A driver that runs many nodes on one thread may give them one to share (they never
  // use it concurrently), which saves its few KB per node.
  std::shared_ptr<crypto::PreparedCrypto> prepared_crypto;
};

// What earlier exchanges taught us about a peer (the patent's "further information", used to
// avoid proposal conflicts and INVALID_KE round trips next time).
struct PeerKnowledge {
  std::optional<IkeSuiteChoice> chosen_suite;
  std::optional<uint16_t> ke_group;  // the group that worked (or the one INVALID_KE asked for)
  bool nat_detected = false;
  bool fragmentation_supported = false;
  bool needed_fallback = false;
  std::vector<std::string> vendors;
};

class IkeNode {
 public:
  IkeNode(NodeConfig config, Rng& rng);

  // Starts the partial negotiation toward `remote`. kLimitExceeded when the per-target limiter
  // refuses. Without an identity an AUTH-less probe is sent; with probe_with_auth and no
  // identity an ephemeral ECDSA P-256 key and self-signed certificate are made.
  Result<SaHandle> StartProbe(Endpoint local, Endpoint remote, Policy policy, TimePoint now);
  // Full IKE_AUTH with mutual authentication and a CHILD SA.
  Result<SaHandle> Connect(Endpoint local, Endpoint remote, Policy policy, TimePoint now);
  Status Delete(SaHandle sa, TimePoint now);
  Status CheckLiveness(SaHandle sa, TimePoint now);

  void HandleDatagram(const Datagram& datagram, TimePoint now);
  TimePoint NextDeadline() const;
  void HandleTimeout(TimePoint now);
  std::vector<Datagram> TakeOutgoing() { return std::exchange(outgoing_, {}); }
  std::vector<Event> TakeEvents() { return std::exchange(events_, {}); }

  // From the next call on, the node uses `prepared` (non-null) instead of its own or the
  // configured one: a driver that runs the node's calls on different threads hands each call
  // the running thread's PreparedCrypto, which is not thread-safe. Results do not change.
  void SetPreparedCrypto(std::shared_ptr<crypto::PreparedCrypto> prepared) {
    if (prepared) prepared_ = std::move(prepared);
  }

  const NodeCounters& counters() const { return counters_; }
  const PeerKnowledge* KnowledgeOf(const Bytes& address) const;  // does not count as a use
  size_t known_peer_count() const { return knowledge_.size(); }
  const IkeSa* Find(SaHandle sa) const;
  const PeerCertificateCache& peer_certificates() const { return peer_certificates_; }
  // The IKEv1 responder, present when responder_policy.accept_ikev1 is set.
  const ikev1::Responder* ikev1_responder() const { return ikev1_.get(); }
  size_t sa_count() const { return sas_.size(); }
  uint32_t half_open_count() const { return half_open_.total(); }

 private:
  Result<SaHandle> StartInitiator(Mode mode, Endpoint local, Endpoint remote, Policy policy,
                                  TimePoint now);
  void HandleInitRequest(const ikev2::Message& message, ByteView raw, const Datagram& datagram,
                         SaContext& ctx);
  void SendStateless(const Datagram& datagram, const ikev2::Header& request,
                     ikev2::NotifyPayload notify);
  void Learn(const IkeSa& sa);
  // The knowledge kept about `address`, marked most recently used; nullptr when none is kept.
  const PeerKnowledge* Recall(const Bytes& address);
  // The entry for `address`, created (evicting the least recently used beyond the bound) and
  // marked most recently used. Only called when peer_knowledge_entries > 0.
  PeerKnowledge& Remember(const Bytes& address);
  // For every SA touched since the last sweep (the only ones whose state can have changed):
  // drops it from every index when closed, keeps the half-open and probe accounting right,
  // learns from it, and files its next deadline. Costs O(touched log n), not O(n).
  void Sweep();
  void Touch(SaHandle handle) { touched_.push_back(handle); }
  void FileDeadline(SaHandle handle, TimePoint deadline);
  // Fills identity.subject_der from the first certificate, parsing each certificate once.
  void PrepareIdentity(LocalIdentity& identity);
  SaContext Context(TimePoint now) {
    return SaContext{rng_,           now, counters_, outgoing_, events_, &peer_certificates_,
                     prepared_.get()};
  }

  NodeConfig config_;
  Rng& rng_;
  NodeCounters counters_;
  CookieJar cookies_;
  HalfOpenTracker half_open_;
  ProbeRateLimiter probe_limiter_;
  PeerCertificateCache peer_certificates_;
  std::shared_ptr<crypto::PreparedCrypto> prepared_;  // never null
  std::vector<Datagram> outgoing_;
  std::vector<Event> events_;

  SaHandle next_handle_ = 1;
  std::map<SaHandle, std::unique_ptr<IkeSa>> sas_;
  std::vector<SaHandle> touched_;  // SAs to look at in the next Sweep
  // Every SA's next deadline, so NextDeadline and HandleTimeout need not visit every SA.
  std::set<std::pair<TimePoint, SaHandle>> deadlines_;
  std::map<SaHandle, TimePoint> filed_deadline_;
  std::map<uint64_t, SaHandle> by_local_spi_;
  std::map<std::pair<Bytes, uint64_t>, SaHandle> by_initiator_spi_;  // responder SAs
  std::map<SaHandle, Bytes> counted_half_open_;                      // handle -> source address
  std::map<SaHandle, Bytes> probes_in_flight_;                       // handle -> target address
  std::map<Bytes, Bytes> own_subjects_;      // our certificate DER -> its subject DN
  std::unique_ptr<ikev1::Responder> ikev1_;  // datagrams with ISAKMP major version 1

  // PeerKnowledge per peer address, bounded by NodeConfig::peer_knowledge_entries.
  struct KnownPeer {
    PeerKnowledge knowledge;
    std::list<const Bytes*>::iterator recency;  // position in knowledge_recency_
  };
  std::map<Bytes, KnownPeer> knowledge_;
  std::list<const Bytes*> knowledge_recency_;  // knowledge_'s keys, most recently used first
};

}  // namespace ikewot::engine
