// An ns-3 Application hosting one ikewot node: its identity, an in-memory trust store, the
// sans-I/O IKEv2 engine (core/engine/ike_node.h) and its collections. It does only what a driver
// does (docs/engine.md): receive a datagram on UDP 500/4500 -> hand it and Simulator::Now() to
// the engine -> send what the engine wants sent -> schedule the engine's next deadline. Everything
// the node does or learns is fired through the "Event" trace source as a SimEvent
// (docs/run-format.md); scenarios drive it through Probe / Connect / AcceptVerified / Share /
// Import.
//
// Processing time: with the ProcessingDelay attribute d > 0 a node is busy for d from the start
// of each engine call (a received datagram, a timeout, Probe / Connect / Disconnect): the call
// sees `now` = its start and its outputs (datagrams, events, the new deadline) take effect at
// start + d; inputs that arrive while the node is busy wait in arrival order. Because of that
// lookahead the call itself may run on a worker of an EngineExecutor (sim/engine_executor.h)
// with results identical for any thread count. d = 0 (the default): every call runs inline at
// once, as a driver without a CPU model does.
//
// Determinism: the node's Rng is a DeterministicRng keyed by ns-3's RngSeedManager seed and run
// and the node id, so the same seed and run give the same keys, SPIs, nonces and events.
#pragma once

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/nstime.h>
#include <ns3/socket.h>
#include <ns3/traced-callback.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/prepared.h"
#include "core/crypto/random.h"
#include "core/engine/ike_node.h"
#include "core/trust/entry.h"
#include "core/trust/trust_store.h"
#include "sim/directory.h"
#include "sim/engine_executor.h"
#include "sim/esp_channels.h"
#include "sim/sim_event.h"

namespace ikewot::sim {

// What this node currently trusts a certificate as (the trust graph's edge to `peer`).
struct TrustEdge {
  uint32_t peer = 0;
  std::optional<uint32_t> via;  // the sharer whose collection vouches; nullopt: own check
  uint32_t depth = 0;           // 0 own check, 1 the sharer's own check, ...
  bool genuine = true;          // the certificate is the peer's real one
  std::string collection;       // run-wide collection id, empty for own checks
};

class IkewotApplication : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  IkewotApplication();
  ~IkewotApplication() override;

  // Ground truth for naming peers in events; must outlive the application.
  void SetDirectory(const Directory* directory) { directory_ = directory; }
  // Makes the identity (deterministically) and the trust store; reads the node's address from
  // its first non-loopback IPv4 interface (or first global IPv6 address with UseIpv6). Idempotent;
  // the helper calls it at install time so that scenarios can register fingerprints before the
  // simulation runs.
  Status Initialize();
  // Initialize in two steps, so that many nodes' key generation can run in parallel: Begin on
  // the main thread (the address and ns-3's seed and run: ns-3 is not thread-safe), then Finish
  // on any thread (key, certificate, store, engine from the node's own rng only: the result
  // does not depend on the thread).
  Status BeginInitialize();
  Status FinishInitialize();
  // A certificate to present instead of our own (the attacker answering probes for someone
  // else). The key must match the certificate.
  Status SetPresentedIdentity(std::shared_ptr<const crypto::PrivateKey> key,
                              crypto::Certificate certificate);

  uint32_t node_id() const { return node_id_; }
  const std::string& name() const { return name_; }
  const Bytes& address() const { return address_; }
  const crypto::Certificate& certificate() const { return *certificate_; }
  const std::shared_ptr<const crypto::PrivateKey>& key() const { return key_; }
  std::string identification() const;
  trust::TrustStore& store() {
    SyncEngine();
    return *store_;
  }
  const std::map<Bytes, TrustEdge>& trust_edges() const { return trusted_; }
  const engine::NodeCounters& counters() const {
    SyncEngine();
    return engine_->counters();
  }
  // One PreparedCrypto for the engines of many nodes run on one thread (engine
  // NodeConfig::prepared_crypto): fetched algorithms and prepared contexts are then made once
  // instead of once per node. Call before Initialize; null (the default): each node its own.
  void SetPreparedCrypto(std::shared_ptr<crypto::PreparedCrypto> prepared) {
    prepared_crypto_ = std::move(prepared);
  }
  // Where this node's engine calls run when ProcessingDelay > 0 (null: on the main thread at
  // their start). Call before the simulation runs.
  void SetEngineExecutor(std::shared_ptr<EngineExecutor> executor) {
    executor_ = std::move(executor);
  }
  ns3::Time processing_delay() const { return processing_delay_; }
  // Whether the engine answers IKEv1 (the AnswerIkev1 attribute).
  bool answers_ikev1() const { return engine_ && engine_->ikev1_responder() != nullptr; }

  // The partial negotiation toward `peer_address`; `done` gets the kProbeCompleted event (also
  // when it failed). Emits "probe".
  using ProbeDone = std::function<void(const engine::Event&)>;
  void Probe(const Bytes& peer_address, ProbeDone done);
  // Full IKE_AUTH + CHILD SA; the peer's certificate must be trusted (or AcceptUnverified set).
  // Emits "connect" with how = verified / collection / opportunistic. The outcome (event and
  // `done`) is reported once the CHILD SA is installed, or with the reason when it was refused
  // (the IKE SA is then deleted): ok means traffic can flow. With EspProposals "none" no CHILD
  // SA is asked for and the outcome is reported when the IKE SA is up.
  using ConnectDone = std::function<void(bool ok)>;
  void Connect(const Bytes& peer_address, ConnectDone done);
  // Tears down the IKE SA to that peer (and its condition state).
  void Disconnect(const Bytes& peer_address);

  // The person compared the identification and it matched: stores the acceptance.
  Status AcceptVerified(const Bytes& certificate_der);
  // Logs a verification attempt ("verify").
  void RecordVerification(uint32_t peer, bool ok, int64_t duration_s);
  // Signs the collection of everything this node accepted (depth: delegation depth) and emits
  // "share". Returns the collection file and its run-wide id ("<node>/<sequence>").
  struct Shared {
    Bytes file;
    std::string id;
    size_t entries = 0;
  };
  Result<Shared> Share(uint32_t depth, const std::string& recipients);
  // Opens, verifies and imports a collection file received from node `from`; emits "import",
  // "enable" and the resulting "trust" / "conflict" events.
  Status Import(const Bytes& file, uint32_t from, const std::string& collection_id,
                const trust::Condition& condition);
  Status SetCollectionEnabled(uint32_t from, bool enabled);

  // Application traffic through the CHILD SA toward `peer_address` (it must be up): `packets`
  // inner IPv4/UDP packets of `payload_octets` each, sent now, through the core's ESP code as IP
  // protocol 50 or ESP-in-UDP on 4500 behind a NAT. Emits "esp" (direction out); the receiver
  // emits "esp" (direction in) for what passed its ICV and replay checks.
  Status SendTraffic(const Bytes& peer_address, uint32_t packets, uint32_t payload_octets);
  bool HasChildSa(const Bytes& peer_address) const { return esp_.HasChannel(peer_address); }
  // One arbitrary inner IP packet through the CHILD SA toward `peer_address`, without checking
  // it against our own selectors: a peer that injects traffic it never negotiated (the
  // receiver must drop it). Emits "esp" (direction out).
  Status SendInnerPacket(const Bytes& peer_address, const Bytes& inner);

  // Received ESP over the node's life.
  struct EspCounters {
    uint64_t delivered = 0;
    uint64_t dummies = 0;
    uint64_t dropped = 0;            // unknown SPI, ICV, anti-replay, padding
    uint64_t outside_selectors = 0;  // decrypted, but not covered by the CHILD SA's selectors
  };
  const EspCounters& esp_counters() const { return esp_counters_; }

 protected:
  void DoDispose() override;

 private:
  void StartApplication() override;
  void StopApplication() override;

  // address_: the node's first non-loopback IPv4 address, or global IPv6 one (UseIpv6).
  Status FindOwnAddress();
  ikewot::TimePoint Now() const;
  engine::NodeConfig MakeNodeConfig();
  engine::Policy MakePolicy(engine::Mode mode);
  engine::CertificateDecision Judge(const engine::PeerCertificateView& view, engine::Mode mode);
  ns3::Ptr<ns3::Socket> OpenSocket(uint16_t port);
  void Receive(ns3::Ptr<ns3::Socket> socket);
  // ESP (ikewot_application_esp.cc).
  void OpenEspSocket();
  void ReceiveEsp(ns3::Ptr<ns3::Socket> socket);
  void AcceptEsp(const Bytes& from, ByteView esp_packet);
  void FlushEspIn();
  Status SendEsp(const engine::Datagram& datagram);
  // Engine calls (ikewot_application_calls.cc). One input that makes an engine call.
  struct EngineInput {
    enum class Kind { kDatagram, kTimeout, kProbe, kConnect, kDisconnect };
    Kind kind = Kind::kTimeout;
    engine::Datagram datagram;  // kDatagram
    Bytes peer_address;         // kProbe, kConnect, kDisconnect
    ns3::Time requested;        // when the scenario asked (kProbe, kConnect)
    ProbeDone probe_done;
    ConnectDone connect_done;
    // Filled by the call: the handle of kProbe / kConnect, or why it could not start.
    Status started = Status::Ok();
    engine::SaHandle handle = 0;
  };
  // Runs `input` now (d = 0), starts it (d > 0, idle) or queues it (busy).
  void SubmitEngineInput(EngineInput input);
  void StartEngineCall(EngineInput input);
  // At start + d: the call's outputs take effect; the next waiting input starts.
  void CompleteEngineCall();
  // The engine call itself, on any thread: touches only this node's engine, rng and store.
  void RunEngineCall(EngineInput& input, TimePoint now);
  // On the main thread after the call: pending_ registration, outputs, events, deadline.
  void FinishEngineCall(EngineInput& input);
  // Main thread: returns once the call in flight (if any) has run, so that the node's engine,
  // rng and store may be used.
  void SyncEngine() const;
  // Sends what the engine wants sent, handles its events, re-arms the deadline timer.
  void Pump();
  void OnDeadline();
  void HandleEngineEvent(const engine::Event& event);
  struct Pending;
  // The outcome of our own connect: "connect" event, peer up, and `done` after this batch.
  void ReportConnected(engine::SaHandle sa, Pending& pending);
  void ReportConnectFailed(engine::SaHandle sa, Pending& pending, const std::string& reason);
  // Recomputes what this node trusts and emits trust / untrust / conflict for the changes.
  void RefreshTrust(const std::string& reason);
  void Emit(std::string kind, Json fields);
  Json PeerJson(const Bytes& address) const;
  std::string StoreNameFor(uint32_t from) const { return "from-" + std::to_string(from); }

  // Attributes.
  uint32_t node_id_ = 0;
  std::string name_;
  std::string key_type_ = "ed25519";
  uint64_t start_unix_seconds_ = 1767225600;  // 2026-01-01T00:00:00Z
  bool answer_probes_ = true;
  bool probe_with_auth_ = false;
  bool accept_unverified_ = false;
  uint32_t minimum_strength_ = 128;
  ns3::Time retransmit_timeout_;
  uint32_t retransmit_tries_ = 5;
  uint32_t fragment_budget_ = 1232;
  bool large_first_message_ = false;
  bool use_ipv6_ = false;
  bool answer_ikev1_ = false;
  uint32_t peer_certificate_cache_entries_ = 32;  // engine::NodeConfig bounds
  uint32_t peer_knowledge_entries_ = 1024;
  std::shared_ptr<crypto::PreparedCrypto> prepared_crypto_;
  ns3::Time processing_delay_;
  std::string esp_proposals_text_ = "aes256gcm16";
  std::vector<engine::EspProposalSpec> esp_proposals_;  // parsed at Initialize

  const Directory* directory_ = nullptr;
  bool initialized_ = false;
  Bytes address_;
  std::unique_ptr<DeterministicRng> rng_;
  std::shared_ptr<const crypto::PrivateKey> key_;
  std::optional<crypto::Certificate> certificate_;
  std::optional<trust::Endorser> endorser_;
  std::shared_ptr<const crypto::PrivateKey> presented_key_;
  std::optional<crypto::Certificate> presented_certificate_;
  std::unique_ptr<trust::TrustStore> store_;
  std::unique_ptr<engine::IkeNode> engine_;
  ns3::Ptr<ns3::Socket> socket_ike_;
  ns3::Ptr<ns3::Socket> socket_natt_;
  ns3::Ptr<ns3::Socket> socket_esp_;  // raw IPv4 or IPv6, protocol 50
  EspChannels esp_;
  struct EspTally {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t dropped = 0;
    uint64_t outside_selectors = 0;
  };
  std::map<Bytes, EspTally> esp_in_;
  EspCounters esp_counters_;  // by peer address, flushed as one "esp" event
  ns3::EventId esp_flush_;
  ns3::EventId deadline_event_;
  ikewot::TimePoint armed_deadline_ = kNever;

  // ProcessingDelay > 0: the call in flight and the inputs waiting for it.
  std::shared_ptr<EngineExecutor> executor_;
  bool busy_ = false;
  EngineInput in_flight_;
  mutable std::shared_ptr<EngineExecutor::Ticket> ticket_;  // in_flight_ on the executor
  std::deque<EngineInput> waiting_;
  ns3::EventId completion_event_;
  // The `now` of the engine call running: Judge's clock (Simulator::Now is the main thread's).
  TimePoint call_now_;

  struct Pending {
    bool connect = false;
    Bytes peer_address;
    ns3::Time started;
    ProbeDone probe_done;
    ConnectDone connect_done;
    bool wants_child_sa = false;  // the connect offered ESP proposals
    bool ike_sa_up = false;       // IKE_AUTH done; waiting for the CHILD SA
    Json how = Json("opportunistic");
    Json via = nullptr;
  };
  std::map<engine::SaHandle, Pending> pending_;
  // Our IKE SAs whose connect failed after IKE_AUTH (CHILD SA refused): never reported up, so
  // their deletion must not report the peer down.
  std::set<engine::SaHandle> failed_after_auth_;
  std::map<Bytes, engine::SaHandle> established_;      // peer address -> IKE SA we initiated
  std::map<Bytes, trust::Decision> decision_by_peer_;  // what Judge decided, by address
  std::map<std::string, std::string> collection_ids_;  // store name -> run-wide id
  std::map<Bytes, TrustEdge> trusted_;
  std::set<Bytes> conflicts_reported_;
  uint32_t shares_ = 0;

  ns3::TracedCallback<const SimEvent&> event_trace_;
};

}  // namespace ikewot::sim
